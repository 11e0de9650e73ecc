"""A lesson's wide table scrolls in a region the keyboard can reach, named after its header row;
axe-core finds nothing on the page (it reported scrollable-region-focusable at 390 px), nor on a
lesson with two tables under the same header (landmark-unique, before they were numbered)."""

import re

from playwright.sync_api import expect

from tests.browser.steps import follow, sign_up


def test_a_wide_lesson_table_can_be_scrolled_from_the_keyboard(viewport, new_context, check_page):
    check = check_page(viewport)
    page = new_context(viewport).new_page()
    page.goto("/sign-up")
    sign_up(page, "Robin Tables", f"robin.{viewport}@example.org")
    page.goto("/courses/peer-support-foundations/")
    follow(page, page.locator(".module-list").get_by_role("link", name="The Recovery Process"))

    region = page.get_by_role("region", name=re.compile(r"^Table: Dimension"))
    expect(region).to_have_count(1)
    expect(region.locator("table")).to_be_visible()
    region.focus()
    expect(region).to_be_focused()
    assert region.evaluate("box => getComputedStyle(box).outlineStyle") == "solid"
    if viewport == "phone":
        assert region.evaluate("box => box.scrollWidth > box.clientWidth")  # it does scroll
        page.keyboard.press("ArrowRight")
        expect(region).to_be_focused()
    check(page, "module")

    page.goto("/courses/peer-support-foundations/recovery-planning")
    expect(page.get_by_role("region", name="Table: Kind, What it means, Examples")).to_have_count(1)
    expect(
        page.get_by_role("region", name=re.compile(r"^Table: Kind, What .+ has now"))
    ).to_have_count(1)
    check(page, "module-two-tables")
    check.assert_no_violations()
