"""Continuing education and renewal in real Chromium, on a 390 px phone and a desktop, as one
journey: a holder whose certificate is in its renewal window, short only of ethics hours, logs the
missing training with an evidence PDF (after first forgetting the file); staff approve it; the
holder's dashboard then says the rule is met and offers Renew; the holder renews; a visitor checks
the old code and sees it renewed, pointing to the new code, which verifies as valid. Staff also see
the renewals page. Every page is photographed and checked by axe-core, and none scrolls sideways.

The dates are relative to the real today: the live server runs the app's real clock."""

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from lms import clock
from lms.extensions import db
from lms.models import Certificate, Course, User
from lms.services import program_day
from lms.services.certification.certification import add_months, new_code
from lms.services.logbook import ce
from lms.services.people.accounts import ensure_user
from tests.browser.steps import PASSWORD, follow, sign_in, sign_out
from tests.browser.test_layout import sideways
from tests.cekit import PDF

COURSE_SLUG = "peer-support-foundations"
STAFF = ("Marisol Okafor-Lindqvist", "marisol.ce-staff@example.org")
TITLE = "Trauma-informed boundaries in peer work"


def holder(viewport):
    return (f"Aroha Te Whare-Renewal ({viewport})", f"renewing.{viewport}@example.org")


def _certify(user, course, expires_on):
    certificate = Certificate(
        code=new_code(COURSE_SLUG), user_id=user.id, course_id=course.id,
        course_version=course.version, title=course.certificate_title,
        issued_on=add_months(expires_on, -course.certificate_valid_for_months),
        expires_on=expires_on,
    )  # fmt: skip
    db.session.add(certificate)
    db.session.commit()
    return certificate


def _approved_ce(user, staff, hours, category, on):
    """CE logged and approved through the services, as the pages would."""
    entry = ce.log_entry(user.id, f"{category.title()} workshop", "State Peer Network", on,
                         str(hours), category, "workshop.pdf", PDF)  # fmt: skip
    ce.review(staff, entry.id, "approve")


def set_up(app, viewport):
    """Staff; a holder whose certificate expires in 58 days, with 16 of the rule's 20 CE hours
    approved but only 2 of the 6 in ethics; and someone else still short of CE, for the staff
    renewals page. Returns the holder's certificate code (made once per viewport)."""
    name, email = holder(viewport)
    with app.app_context():
        staff = ensure_user(STAFF[1], STAFF[0], ["staff"], PASSWORD)
        person = ensure_user(email, name, ["trainee"], PASSWORD)
        existing = db.session.scalar(select(Certificate).where(Certificate.user_id == person.id))
        if existing is not None:
            return existing.code
        course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
        today = program_day.today()  # the day certificates are judged by, not the UTC day
        first = _certify(person, course, today + timedelta(days=58))
        _approved_ce(person, staff, 14, "elective", today - timedelta(days=30))
        _approved_ce(person, staff, 2, "ethics", today - timedelta(days=20))
        waiting = ensure_user(f"waiting.{viewport}@example.org", "Tavita Waiting-Longname",
                              ["trainee"], PASSWORD)  # fmt: skip
        _certify(waiting, course, today + timedelta(days=40))
        _approved_ce(waiting, staff, 2.5, "ethics", today - timedelta(days=3))
        return first.code


def fits(page):
    assert sideways(page) <= 0, f"{page.url} is wider than the window"


def test_a_holder_logs_ce_staff_approve_it_the_holder_renews_and_the_old_code_is_superseded(
    viewport, new_context, check_page, live_app
):
    old_code = set_up(live_app, viewport)
    name, email = holder(viewport)
    check = check_page(viewport)
    page = new_context(viewport).new_page()

    # The dashboard says what is missing and links to the ledger.
    sign_in(page, email)
    page.goto("/dashboard")
    standing = page.locator(f"#renewal-{old_code}")
    expect(standing).to_contain_text("Your certificate expires in 58 days")
    expect(standing).to_contain_text("16 of 20 CE hours, 2 of 6 ethics")
    expect(standing).to_contain_text("Still needed: 4 more CE hours in ethics")
    expect(standing.get_by_role("button", name="Renew my certificate")).to_have_count(0)
    fits(page)
    check(page, "dashboard-renewal")

    # The holder logs the ethics training, forgetting the evidence file the first time.
    follow(page, standing.get_by_role("link", name="Log and check your continuing education"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Continuing education")
    page.get_by_label("Title of the training").fill(TITLE)
    page.get_by_label("Provider or presenter").fill("Northern Peer Network")
    page.get_by_label("Date completed").fill((clock.today() - timedelta(days=2)).isoformat())
    page.get_by_label("Contact hours").fill("4")
    page.get_by_label("Category", exact=True).select_option("ethics")
    follow(page, page.get_by_role("button", name="Log this training"))
    expect(page.locator(".error-summary, [role=alert]").first).to_be_visible()
    expect(page.locator("#evidence-error")).to_contain_text("Choose your evidence file")
    check(page, "ce-ledger-errors")
    fits(page)

    page.get_by_label("Evidence", exact=True).set_input_files(
        files=[{"name": "ethics-certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    follow(page, page.get_by_role("button", name="Log this training"))
    expect(page.locator(".notice")).to_contain_text(f"Logged 4 CE hours for “{TITLE}”")
    row = page.locator(".ce-ledger tbody tr").filter(has_text=TITLE)
    expect(row).to_contain_text("Waiting for review")
    expect(row.get_by_role("link", name="ethics-certificate.pdf")).to_be_visible()
    check(page, "ce-ledger")
    fits(page)
    sign_out(page)

    # Staff approve it from the review queue.
    sign_in(page, STAFF[1])
    follow(page, page.get_by_role("link", name="Staff tools"))
    follow(page, page.get_by_role("link", name="Continuing education to review"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Continuing education to review")
    review = page.locator("article.req-review").filter(has_text=name)
    expect(review).to_contain_text(TITLE)
    check(page, "ce-review")
    fits(page)
    review.get_by_label("Comment for the person").fill("Clear certificate, thank you.")
    follow(page, review.get_by_role("button", name="Approve", exact=True))
    expect(page.locator(".notice")).to_contain_text(f"Approved 4 CE hours for {name}.")
    sign_out(page)

    # The holder sees it approved, and the dashboard now offers Renew.
    sign_in(page, email)
    follow(page, page.get_by_role("link", name="Continuing education", exact=True))
    row = page.locator(".ce-ledger tbody tr").filter(has_text=TITLE)
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text("Clear certificate, thank you.")
    check(page, "ce-ledger-approved")
    fits(page)

    page.goto("/dashboard")
    standing = page.locator(f"#renewal-{old_code}")
    expect(standing).to_contain_text("20 of 20 CE hours, 6 of 6 ethics")
    expect(standing).to_contain_text("You have the continuing education your renewal needs.")
    title = "Certificate of Completion: Peer Support Foundations Training"
    follow(page, page.get_by_role("link", name=title).first)
    expect(page.get_by_role("button", name="Renew my certificate")).to_be_visible()
    fits(page)
    check(page, "certificate-renewal")

    follow(page, page.get_by_role("button", name="Renew my certificate"))
    expect(page.get_by_text("Your certificate is renewed.")).to_be_visible()
    renewed_code = page.locator(".certificate-facts .certificate-code").inner_text()
    assert renewed_code != old_code
    fits(page)
    check(page, "certificate-renewed")
    sign_out(page)

    # A visitor checks the old code: renewed, pointing to the new one, which is valid.
    page.goto("/verify")
    page.locator("input[name=code]").fill(old_code)
    follow(page, page.get_by_role("button", name="Check this code"))
    expect(page.locator(".certificate-status")).to_contain_text("this certificate was renewed")
    fits(page)
    check(page, "verify-superseded")
    follow(page, page.get_by_role("link", name=renewed_code))
    expect(page.locator(".certificate-status")).to_contain_text("Valid")
    check.assert_no_violations()
    with live_app.app_context():
        current = db.session.scalars(
            select(Certificate.code)
            .join(User, User.id == Certificate.user_id)
            .where(User.email == email, Certificate.superseded_at.is_(None))
        ).all()
        assert current == [renewed_code]


def test_staff_see_the_renewals_page(viewport, new_context, check_page, live_app):
    set_up(live_app, viewport)
    check = check_page(viewport)
    page = new_context(viewport).new_page()
    sign_in(page, STAFF[1])
    page.goto("/staff/")
    follow(page, page.get_by_role("link", name="Renewals", exact=False).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Renewals")
    row = page.get_by_role("row", name=f"Tavita Waiting-Longname waiting.{viewport}@example.org")
    expect(row).to_contain_text("2.5 of 20 CE hours, 2.5 of 6 ethics")
    fits(page)
    check(page, "staff-renewals")
    check.assert_no_violations()
