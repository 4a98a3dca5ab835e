"""Search in a browser: live filtering with a shareable URL, sorting, bulk add to a pool, saving a smart pool,
removing a pool member without a reload; a hiring manager is refused the page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import TalentPool
from tests.e2e.conftest import login, screenshot
from tests.factories import CandidateFactory, HiringManagerFactory, RecruiterFactory

pytestmark = pytest.mark.e2e


def test_a_full_first_page_of_results_paints_in_under_1000_elements(page, live_server):
    RecruiterFactory(username="e2e-recruiter")
    CandidateFactory.create_batch(60, last_contacted_at=timezone.now(), interests=["hiring", "remote"])
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/candidates/")
    expect(page.locator("#result-count")).to_contain_text("60 candidates")
    assert page.evaluate("document.querySelectorAll('*').length") < 1000


def test_recruiter_filters_saves_a_smart_pool_and_builds_a_static_one(page, live_server):
    RecruiterFactory(username="e2e-recruiter")
    CandidateFactory(first_name="Ada", last_name="Lovelace", industry="Fintech", engagement_score=30)
    CandidateFactory(first_name="Grace", last_name="Hopper", industry="Fintech", engagement_score=90)
    CandidateFactory(first_name="Ann", last_name="Active", industry="Fintech", seeking_status="active")
    CandidateFactory(first_name="Linus", last_name="Torvalds", industry="Software")

    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/candidates/")
    expect(page.locator("#result-count")).to_contain_text("4 candidates")
    page.select_option("#f-seeking", "passive")
    page.select_option("#f-industry", "Fintech")
    expect(page.locator("#result-count")).to_contain_text("2 candidates")
    expect(page).to_have_url(re.compile(r"\?seeking_status=passive&industry=Fintech$"))  # no empty filters

    page.get_by_role("link", name="Engagement").click()
    rows = page.locator("#results tbody tr")
    expect(rows.first).to_contain_text("Grace Hopper")
    expect(page).to_have_url(re.compile(r"sort=-engagement_score"))
    page.reload()  # the URL alone gives the same page
    expect(page.locator("#result-count")).to_contain_text("2 candidates")
    expect(rows.first).to_contain_text("Grace Hopper")
    screenshot(page, "search-1-filtered")

    page.locator("#save-smart-pool summary").click()
    page.fill("#smart-name", "Passive fintech")
    page.locator("#save-smart-pool").get_by_role("button", name="Save").click()
    expect(page.locator("#smart-status")).to_contain_text("Saved")
    smart = TalentPool.objects.get(name="Passive fintech")
    assert smart.query == {"seeking_status": "passive", "industry": "Fintech"}
    page.keyboard.press("Escape")
    expect(page.locator("#smart-name")).to_be_hidden()

    page.get_by_label("Select all on this page").check()
    expect(page.locator("[data-selected-count]")).to_have_text("2 selected")
    page.fill("#bulk-new-pool", "Fintech shortlist")
    page.get_by_role("button", name="Add selected").click()
    expect(page.locator("#bulk-status")).to_contain_text("Added 2 to Fintech shortlist")

    page.goto(f"{live_server.url}/pools/")
    expect(page.locator("tbody")).to_contain_text("Passive fintech")
    page.get_by_role("link", name="Fintech shortlist").click()
    expect(page.locator("#result-count")).to_contain_text("2 members")
    page.get_by_role("button", name="Remove Ada Lovelace from Fintech shortlist").click()
    expect(page.locator("#results tbody tr")).to_have_count(1)
    screenshot(page, "search-2-static-pool")
    assert [c.first_name for c in TalentPool.objects.get(name="Fintech shortlist").members.all()] == ["Grace"]


def test_hiring_manager_is_refused_the_search_page(page, live_server):
    HiringManagerFactory(username="e2e-manager")
    login(page, live_server, "e2e-manager")
    response = page.goto(f"{live_server.url}/candidates/")
    assert response.status == 403
