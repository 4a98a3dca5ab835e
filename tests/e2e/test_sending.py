"""A recruiter sets up their sending identity in a browser and sends a test email; an admin reads the
deliverability page."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from outreach.models import SenderIdentity
from tests.e2e.conftest import login, screenshot, wait_for_htmx
from tests.factories import AdminFactory, RecruiterFactory

pytestmark = pytest.mark.e2e


def test_a_recruiter_sets_up_their_identity_and_sends_a_test_email(live_server, page):
    RecruiterFactory(username="rosa", first_name="Rosa", last_name="Martinez", email="rosa@example.com")
    login(page, live_server, "rosa")
    page.locator("nav[aria-label='Main']").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Sending identity").click()
    expect(page.get_by_role("heading", name="Sending identity", exact=True)).to_be_visible()
    expect(page.locator("#id_display_name")).to_have_value("Rosa Martinez")

    page.fill("#id_signature", "Rosa Martinez\nTalent partner, Acme")
    page.fill("#id_daily_limit", "40")
    page.select_option("#id_timezone", "Europe/Berlin")
    page.fill("#id_smtp_password", "typed-but-no-host")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Sending identity saved.")).to_be_visible()
    identity = SenderIdentity.objects.get(user__username="rosa")
    assert (identity.daily_limit, identity.timezone, identity.smtp_password) == (40, "Europe/Berlin", "")
    expect(page.locator("#id_smtp_password")).to_have_value("")

    page.get_by_role("button", name="Send test email").click()
    wait_for_htmx(page)
    expect(page.locator("#test-result")).to_contain_text("accepted a test email to rosa@example.com")
    assert [m.to for m in mail.outbox] == [["rosa@example.com"]]
    screenshot(page, "sending-identity")


def test_an_admin_reads_the_deliverability_page(live_server, page, settings):
    AdminFactory(username="ada")
    RecruiterFactory(email="rosa@example.org")
    login(page, live_server, "ada")
    page.locator("nav[aria-label='Main']").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Deliverability").click()
    expect(page.get_by_role("heading", name="Deliverability")).to_be_visible()
    expect(page.locator("#dns-records")).to_contain_text("could not check")  # tests ask a dead DNS address
    expect(page.locator("#unsubscribe-headers")).to_contain_text("List-Unsubscribe-Post")
    screenshot(page, "deliverability")
