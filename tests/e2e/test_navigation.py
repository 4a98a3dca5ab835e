"""The sidebar on a laptop and on a phone: always open on a wide screen; folded behind "Menu" on a phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_the_menu_folds_on_a_phone_and_stays_open_on_a_laptop(live_server, page, recruiter):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, recruiter.username)
    toggle = page.get_by_role("button", name="Menu")
    sequences = page.locator("nav[aria-label='Main']").get_by_role("link", name="Sequences")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(sequences).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(sequences).to_be_visible()
    screenshot(page, "navigation-phone-open")
    sequences.click()
    expect(page).to_have_url(f"{live_server.url}/sequences/")
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")

    page.set_viewport_size({"width": 1440, "height": 900})
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.locator("nav[aria-label='Main']").get_by_role("link", name="Settings")).to_be_visible()
