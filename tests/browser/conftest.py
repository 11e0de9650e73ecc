"""Browser tests: the real app served on loopback, driven by Debian's Chromium through Playwright,
each page photographed and checked by axe-core.

Chromium is the system one (/usr/bin/chromium, or LMS_CHROMIUM); `playwright install` is never
used. axe-core comes from npm (tests/browser/package.json). `bash scripts/test.sh` installs both;
when either is missing the tests fail and say how to get it, they never skip.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from lms import create_app
from lms.extensions import db
from lms.services.authoring.publishing import sync_courses
from tests.conftest import (
    BUNDLED_COURSES,
    TEST_PASSWORD_METHOD,
    _database_url,
    _drop_everything,
    screenshot_folder_of,
)

HERE = Path(__file__).parent
PROJECT_ROOT = HERE.parent.parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
HOW_TO_INSTALL = (
    "`bash scripts/test.sh` installs both Chromium (Debian's `chromium` package) and axe-core "
    "(`npm ci --prefix tests/browser`)."
)

VIEWPORTS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}

# Every page type the tests look at, in the order a person meets them; the number starts the
# screenshot's file name (phone-03-dashboard.png) so that a folder listing reads as the journey.
PAGE_TYPES = (
    "home",
    "sign-up",
    "dashboard",
    "course",
    "module",
    "module-two-tables",
    "quiz",
    "quiz-unanswered",
    "result-failed",
    "result-passed",
    "result-course-complete",
    "dashboard-certificate",
    "certificate",
    "verify-form",
    "verify-result",
    "verify-unknown",
    "locked-module",
    "not-found",
    "change-password",
    "forgot-password",
    "sign-in",
    "sign-up-errors",
    "hours-review",
    "roster",
    "cohorts",
    "cohort-import-preview",
    "cohort",
    "staff-certificate-confirm",
    "staff-courses",
    "staff-person",
    "trainee-record",
    "staff-certificates",
    "audit",
    "people",
    "practice-errors",
    "staff-home",
    "new-user",
    "reset-link",
    "course-items",
    "cohort-picture",
    "hours-review-errors",
    "staff-certificate",
    "verify-revoked",
    "quiz-already-submitted",
    "quiz-mismatch",
    "sign-in-signed-out",
    "quiz-restored",
    "course-preview",
    "hours-review-ticked",
    "hours-bulk-errors",
    "sign-up-sent",
    "session-ended",
    "session-preview",
    "transcript",
    "verify-transcript",
    "staff-live-sessions",
    "staff-schedule-errors",
    "staff-schedule-outside-dates",
    "staff-live-scheduled",
    "staff-meeting-cancel",
    "staff-meeting-cancel-refused",
    "facilitator-sessions",
    "attendance",
    "attendance-errors",
    "attendance-saved",
    "attendance-removed",
    "dashboard-live-sessions",
    "dashboard-renewal",
    "ce-ledger-errors",
    "ce-ledger",
    "ce-review",
    "ce-ledger-approved",
    "certificate-renewal",
    "certificate-renewed",
    "verify-superseded",
    "staff-renewals",
    "email-settings",
    "email-settings-errors",
    "workspace",
    "workspace-course",
    "workspace-course-errors",
    "workspace-history",
    "workspace-publish",
    "workspace-delete-confirm",
    "workspace-restore-confirm",
    "workspace-editor",
    "workspace-editor-checked",
    "workspace-conflict",
    "workspace-editor-preview",
    "workspace-published",
    "verify-credential-form",
    "verify-credential-valid",
    "verify-credential-unchecked",
    "verify-credential-no-js",
    "verify-credential-unreadable",
    "verify-credential-errors",
    "certificate-share",
    "verify-credential-downloaded",
    "people-paged",
    "audit-paged",
    "workspace-publish-author",
    "workspace-publish-requested",
    "workspace-publish-requests",
    "workspace-publish-decline-errors",
)
# WCAG 2.0/2.1 A and AA, plus axe's best practices (landmarks, heading order, content outside a
# region): the bar is no violation of any impact on any page at either size.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# A module of the bundled foundations course is made to require the one before it (in a copy of
# the courses), so that the "complete this first" page can be seen.
LOCKED_COURSE = "peer-support-foundations"
LOCKED_MODULE = "what-peer-support-is"
LOCKED_REQUIRES = "the-recovery-process"
# The program course's certificate is made to require an hour of training (its modules give 1.6),
# so that the training-hours bars show on the dashboard and the trainee record.
TRAINING_COURSE = "running-a-peer-support-program"
TRAINING_REQUIRES = "  requires:\n    training_hours: {total: 1}\n"


# --- the app on a real server ---------------------------------------------------------------------


def _courses_with_a_requirement(target):
    shutil.copytree(BUNDLED_COURSES, target, ignore=shutil.ignore_patterns("README.md"))
    module = next((target / LOCKED_COURSE).glob(f"*-{LOCKED_MODULE}.md"))
    text = module.read_text(encoding="utf-8")
    module.write_text(
        text.replace("\n---\n", f"\nrequires: [{LOCKED_REQUIRES}]\n---\n", 1), encoding="utf-8"
    )
    course_md = target / TRAINING_COURSE / "course.md"
    text = course_md.read_text(encoding="utf-8")
    course_md.write_text(
        text.replace("\n---\n", f"\n{TRAINING_REQUIRES}---\n", 1), encoding="utf-8"
    )
    return target


@pytest.fixture(scope="package")
def live_app(tmp_path_factory, issuer_keys):
    """The real app on its own database, with the bundled courses published."""
    folder = tmp_path_factory.mktemp("browser")
    url = _database_url(folder)
    _drop_everything(url)
    courses = _courses_with_a_requirement(folder / "courses")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "browser-test-secret",
            "LMS_COURSES_DIR": str(courses),
            "LMS_QUEUE_FILE": str(folder / "huey.db"),
            "LMS_REDIS_URL": "",
            "LMS_ISSUER_KEYS": issuer_keys,
            "PASSWORD_METHOD": TEST_PASSWORD_METHOD,
        }
    )
    with app.app_context():
        db.create_all()
        sync_courses(courses)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    _drop_everything(url)


@pytest.fixture(scope="package")
def live_server(live_app):
    """The app served by werkzeug on a free loopback port, one thread a request."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


# --- Chromium -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser tests need it. "
            f"{HOW_TO_INSTALL} (Or: apt-get install chromium, or set LMS_CHROMIUM to its path.)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def new_context(browser, live_server):
    """Make browser contexts (one per person) at a viewport, with JavaScript on or off; all are
    closed after the test, which then fails if any page asked another site for anything, or
    asked this one for something it does not have (a stylesheet, script or image)."""
    made, elsewhere, missing = [], [], []

    def note_elsewhere(request):
        if not request.url.startswith((live_server + "/", "data:", "blob:", "about:")):
            elsewhere.append(f"{request.frame.url} asked for {request.url}")

    def note_missing(response):
        if response.status == 404 and response.request.resource_type != "document":
            missing.append(f"{response.frame.url} asked for {response.url}")

    def make(viewport_name, javascript=True, **options):
        context = browser.new_context(
            base_url=live_server,
            bypass_csp=True,
            java_script_enabled=javascript,
            **VIEWPORTS[viewport_name],
            **options,
        )
        context.set_default_timeout(15_000)
        context.on("request", note_elsewhere)
        context.on("response", note_missing)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    assert not elsewhere, "pages loaded something from another site:\n" + "\n".join(elsewhere)
    assert not missing, "pages asked for what is not there (404):\n" + "\n".join(missing)


# --- screenshots and axe --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def screenshot_folder(pytestconfig):
    """This run's folder, test-artifacts/screenshots/<YYYYmmdd-HHMMSS>/ (tests/conftest.py names
    it, and lists it at the end of the run)."""
    folder = screenshot_folder_of(pytestconfig)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.is_file():
        pytest.fail(
            f"axe-core is not installed ({AXE_JS.relative_to(PROJECT_ROOT)} is missing). "
            f"Run `npm ci --prefix tests/browser`. {HOW_TO_INSTALL}",
            pytrace=False,
        )
    return AXE_JS


class PageCheck:
    """Photographs a page and runs axe-core on it, keeping what it finds for one assertion."""

    def __init__(self, folder, axe_js, viewport_name, javascript=True):
        self.folder = folder
        self.axe_js = axe_js
        self.viewport = viewport_name if javascript else f"{viewport_name}-no-js"
        self.javascript = javascript
        self.failures = []

    def __call__(self, page, page_type):
        number = PAGE_TYPES.index(page_type) + 1
        path = self.folder / f"{self.viewport}-{number:02d}-{page_type}.png"
        page.screenshot(path=path, full_page=True)
        for violation in run_axe(page, self.axe_js, self.javascript):
            line = (
                f"{self.viewport} {page_type} ({page.url}): [{violation['impact']}] "
                f"{violation['id']}: {violation['help']} at {', '.join(violation['targets'])}"
            )
            self.failures.append(line)

    def assert_no_violations(self):
        assert not self.failures, "axe-core found accessibility problems:\n" + (
            "\n".join(self.failures)
        )


# With JavaScript off a script tag never runs and timers never fire, yet Playwright's evaluate
# still does: axe is evaluated directly, its timers made microtasks. The page's own scripts stay
# off, so axe sees the page as a reader without JavaScript gets it.
MICROTASK_TIMERS = """() => {
    window.setTimeout = (run, _, ...args) => {
        Promise.resolve().then(() => run(...args));
        return 0;
    };
    window.clearTimeout = () => {};
}"""


def run_axe(page, axe_js, javascript=True):
    """axe-core's WCAG 2.0/2.1 A and AA and best-practice violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        if javascript:
            page.add_script_tag(path=str(axe_js))
        else:
            page.evaluate(MICROTASK_TIMERS)
            page.evaluate(axe_js.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((node) => node.target.join(" ")),
            }));
        }""",
        AXE_TAGS,
    )


@pytest.fixture
def check_page(screenshot_folder, axe_source):
    """check_page(viewport_name, javascript=True) -> a PageCheck for this test."""
    return lambda viewport_name, javascript=True: PageCheck(
        screenshot_folder, axe_source, viewport_name, javascript
    )
