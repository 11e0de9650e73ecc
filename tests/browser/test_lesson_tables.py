"""A lesson's wide table scrolls in a region the keyboard can reach, named after its first header;
axe-core finds nothing on the page (it reported scrollable-region-focusable at 390 px)."""

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
    check.assert_no_violations()
