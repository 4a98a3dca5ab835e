"""Date fields say the chosen date the way the app writes dates ("2 Dec 2026"), whatever the browser's locale
shows in the input itself (12/02/2026 in a US browser)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import RecruiterFactory

pytestmark = pytest.mark.e2e


def test_date_inputs_write_the_chosen_date_out(live_server, page):
    RecruiterFactory(username="e2e-recruiter")
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/reports/?date_from=2026-09-09&date_to=2026-12-02")

    date_from = page.locator("#id_date_from")
    expect(page.locator("#id_date_from + .date-echo")).to_have_text("9 Sep 2026")
    expect(page.locator("#id_date_to + .date-echo")).to_have_text("2 Dec 2026")
    expect(date_from).to_have_attribute("aria-describedby", "id_date_from-written")

    date_from.fill("2026-02-12")
    expect(page.locator("#id_date_from + .date-echo")).to_have_text("12 Feb 2026")
    date_from.fill("")
    expect(page.locator("#id_date_from + .date-echo")).to_have_text("")
