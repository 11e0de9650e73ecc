"""Real pages under the real Content-Security-Policy (the other browser tests bypass it so that
axe-core can be injected): Chromium reports no violation and every page keeps its stylesheet."""

from tests.browser.conftest import VIEWPORTS
from tests.browser.steps import follow, sign_up

PAGES = ["/", "/courses/running-a-peer-support-program/", "/verify", "/sign-in", "/no-such-page"]
SIGNED_IN_PAGES = [
    "/dashboard",
    "/practice",
    "/account/password",
    "/account/emails",
    "/courses/running-a-peer-support-program/",
]


def test_pages_raise_no_content_security_policy_violation(browser, live_server):
    context = browser.new_context(base_url=live_server, **VIEWPORTS["desktop"])
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        for path in PAGES:
            page.goto(path)
            assert "default-src 'self'" in page.evaluate(
                "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
            )
            assert_styled(page)
        page.goto("/sign-up")
        sign_up(page, "Casey Policy", "casey.policy@example.org")
        for path in SIGNED_IN_PAGES:
            page.goto(path)
            assert_styled(page)
        first_module = page.locator("a[href*='/courses/running-a-peer-support-program/']").nth(1)
        follow(page, first_module)
        assert_styled(page)
    finally:
        context.close()

    assert violations == []


def assert_styled(page):
    """The site's stylesheet applied (a blocked stylesheet would leave the body unstyled)."""
    rules = page.evaluate("[...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0)")
    assert rules > 0, page.url
