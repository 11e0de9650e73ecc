"""Renewing in real Chromium, on a 390 px phone and a desktop: the holder sees their renewal
standing on the dashboard, opens the certificate and renews it with one click; the old code then
verifies as renewed and points to the new one; staff see the renewals page. Every page is
photographed and checked by axe-core."""

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from lms import clock
from lms.extensions import db
from lms.models import CEEntry, Certificate, Course
from lms.services.accounts import ensure_user
from lms.services.certification import add_months, new_code
from tests.browser.steps import PASSWORD, follow
from tests.browser.test_layout import sideways

COURSE_SLUG = "peer-support-foundations"


def set_up(app, viewport):
    """A holder whose certificate expires in about two months, with the CE the rule asks for
    approved (14 elective hours, 6 in ethics); and a staff member. Returns (email, old code)."""
    email = f"renewing.{viewport}@example.org"
    with app.app_context():
        ensure_user(f"staff.renewals.{viewport}@example.org", "Stella Renewals", ["staff"],
                    PASSWORD)  # fmt: skip
        holder = ensure_user(email, "Aroha Te Whare-Renewal", ["trainee"], PASSWORD)
        course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
        today = clock.today()
        expires_on = today + timedelta(days=58)
        issued_on = add_months(expires_on, -course.certificate_valid_for_months)
        first = db.session.scalar(
            select(Certificate).where(
                Certificate.user_id == holder.id, Certificate.renews_id.is_(None)
            )
        )
        if first is None:
            first = Certificate(
                code=new_code(COURSE_SLUG), user_id=holder.id, course_id=course.id,
                course_version=course.version,
                title=course.certificate_title, issued_on=issued_on, expires_on=expires_on,
            )  # fmt: skip
            db.session.add(first)
            for hours, category in ((14, "elective"), (6, "ethics")):
                db.session.add(CEEntry(
                    user_id=holder.id, title=f"{category.title()} workshop", provider="Board",
                    completed_on=today - timedelta(days=30), minutes=hours * 60,
                    category=category, status="approved",
                ))  # fmt: skip
            # someone still short of CE, for the staff page
            waiting = ensure_user(f"waiting.{viewport}@example.org", "Tavita Waiting-Longname",
                                  ["trainee"], PASSWORD)  # fmt: skip
            db.session.add(Certificate(
                code=new_code(COURSE_SLUG), user_id=waiting.id, course_id=course.id,
                course_version=course.version, title=course.certificate_title,
                issued_on=issued_on - timedelta(days=18),
                expires_on=expires_on - timedelta(days=18),
            ))  # fmt: skip
            db.session.add(CEEntry(
                user_id=waiting.id, title="Ethics refresher", provider="Board",
                completed_on=today - timedelta(days=3), minutes=150, category="ethics",
                status="approved",
            ))  # fmt: skip
            db.session.commit()
        return email, first.code


def sign_in(page, email):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Sign in"))


def test_the_holder_renews_and_the_old_code_verifies_as_renewed(
    viewport, new_context, check_page, live_app
):
    email, old_code = set_up(live_app, viewport)
    check = check_page(viewport)
    page = new_context(viewport).new_page()
    sign_in(page, email)

    page.goto("/dashboard")
    standing = page.locator(f"#renewal-{old_code}")
    expect(standing).to_contain_text("Your certificate expires in 58 days")
    expect(standing).to_contain_text("20 of 20 CE hours, 6 of 6 ethics")
    assert sideways(page) <= 0, f"the dashboard is wider than the {viewport} window"
    check(page, "dashboard-renewal")

    follow(page, page.get_by_role("link", name="Certified Peer Supporter (Foundations)").first)
    expect(page.get_by_role("button", name="Renew my certificate")).to_be_visible()
    assert sideways(page) <= 0
    check(page, "certificate-renewal")

    follow(page, page.get_by_role("button", name="Renew my certificate"))
    expect(page.get_by_text("Your certificate is renewed.")).to_be_visible()
    new_code = page.locator(".certificate-facts .certificate-code").inner_text()
    assert new_code != old_code
    assert sideways(page) <= 0
    check(page, "certificate-renewed")

    page.goto(f"/verify/{old_code}")
    expect(page.locator(".certificate-status")).to_contain_text("this certificate was renewed")
    follow(page, page.get_by_role("link", name=new_code))
    expect(page.locator(".certificate-status")).to_contain_text("Valid")
    page.goto(f"/verify/{old_code}")
    assert sideways(page) <= 0
    check(page, "verify-superseded")
    check.assert_no_violations()


def test_staff_see_the_renewals_page(viewport, new_context, check_page, live_app):
    set_up(live_app, viewport)
    check = check_page(viewport)
    page = new_context(viewport).new_page()
    sign_in(page, f"staff.renewals.{viewport}@example.org")
    page.goto("/staff/")
    follow(page, page.get_by_role("link", name="Renewals", exact=False).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Renewals")
    row = page.get_by_role("row", name=f"Tavita Waiting-Longname waiting.{viewport}@example.org")
    expect(row).to_contain_text("2.5 of 20 CE hours, 2.5 of 6 ethics")
    assert sideways(page) <= 0, f"the renewals page is wider than the {viewport} window"
    check(page, "staff-renewals")
    check.assert_no_violations()
