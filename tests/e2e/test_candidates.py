"""The candidate database in a browser: search, a smart pool, a note without a reload, a referral, and a
hiring manager kept out."""

import re

import pytest
from playwright.sync_api import expect

from candidates.models import TalentPool
from tests.e2e.conftest import login, screenshot
from tests.factories import CandidateFactory, EmployeeFactory, HiringManagerFactory, RecruiterFactory

pytestmark = pytest.mark.e2e


def test_recruiter_searches_saves_a_smart_pool_and_adds_a_note(page, live_server):
    RecruiterFactory(username="e2e-recruiter")
    ada = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        industry="Fintech",
        seeking_status="passive",
        title="Payments Engineer",
    )
    CandidateFactory(first_name="Grace", last_name="Hopper", industry="Fintech", seeking_status="active")
    CandidateFactory(first_name="Linus", last_name="Torvalds", industry="Gaming", seeking_status="passive")

    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/candidates/")
    page.select_option("#f-seeking", "passive")
    page.select_option("#f-industry", "Fintech")
    results = page.locator("#results")
    expect(results).to_contain_text("Ada Lovelace")
    expect(results).not_to_contain_text("Grace Hopper")
    expect(results).not_to_contain_text("Linus Torvalds")
    expect(page).to_have_url(
        re.compile(r"seeking_status=passive.*industry=Fintech|industry=Fintech.*seeking_status=passive")
    )
    screenshot(page, "candidates-1-search")

    page.locator("#save-smart-pool summary").click()
    page.fill("#smart-name", "Passive fintech")
    page.locator("#save-smart-pool").get_by_role("button", name="Save").click()
    expect(page.locator("#smart-status")).to_contain_text("Saved")
    pool = TalentPool.objects.get(name="Passive fintech")
    assert pool.kind == "smart"

    page.get_by_role("link", name="Ada Lovelace").first.click()
    expect(page.locator("h1")).to_contain_text("Ada Lovelace")
    page.evaluate("window.__noReload = true")
    page.fill("#id_body", "Happy at her job; open to a chat in spring.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#timeline")).to_contain_text("Happy at her job; open to a chat in spring.")
    assert page.evaluate("window.__noReload") is True  # the note arrived without a page load
    screenshot(page, "candidates-2-note")
    assert ada.activities.filter(kind="note").count() == 1


def test_employee_refers_someone_and_a_manager_cannot_search(page, live_server):
    EmployeeFactory(username="e2e-employee")
    HiringManagerFactory(username="e2e-manager")

    login(page, live_server, "e2e-employee")
    page.goto(f"{live_server.url}/referrals/new/")
    page.fill("#id_first_name", "Radia")
    page.fill("#id_last_name", "Perlman")
    page.fill("#id_email", "radia@example.com")
    page.fill("#id_relationship", "Worked together at DEC")
    page.fill("#id_reason", "Invented the spanning tree protocol.")
    page.get_by_role("button", name="Send referral").click()
    expect(page).to_have_url(f"{live_server.url}/referrals/mine/")
    expect(page.locator("table")).to_contain_text("Radia Perlman")
    expect(page.locator("table")).to_contain_text("Received")
    screenshot(page, "candidates-3-my-referrals")

    page.context.clear_cookies()
    login(page, live_server, "e2e-manager")
    response = page.goto(f"{live_server.url}/candidates/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Not allowed")
