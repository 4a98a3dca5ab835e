"""Custom fields in a browser: an admin adds one on the Settings page, a recruiter fills it in on the candidate
form and sees it on the profile, and the search filters on it live, its first page still under 1,000 elements."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import Candidate
from tests.e2e.conftest import SCREENSHOTS, login, screenshot
from tests.factories import AdminFactory, CandidateFactory, CustomFieldFactory, RecruiterFactory

pytestmark = pytest.mark.e2e


def test_an_admin_adds_a_field_and_a_recruiter_fills_it_in(page, live_server):
    AdminFactory(username="e2e-admin")
    RecruiterFactory(username="e2e-recruiter")
    ada = CandidateFactory(first_name="Ada", last_name="Lovelace")
    login(page, live_server, "e2e-admin")
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="Custom fields").click()
    page.fill("#id_label", "Languages")
    page.select_option("#id_type", "multiple_choice")
    page.fill("#id_choices", "English\nGerman\nFrench")
    page.get_by_role("button", name="Add field").click()
    expect(page.locator("#custom-fields-1")).to_contain_text("languages")
    page.fill("#id_label", "Notice period (days)")
    page.select_option("#id_type", "number")
    page.get_by_role("button", name="Add field").click()
    expect(page.locator("#custom-fields-1")).to_contain_text("notice_period_days")
    screenshot(page, "custom-fields-1-settings")
    page.locator("#custom-fields-1").get_by_role("link", name="Languages").click()
    expect(page.locator("#custom-field-usage")).to_contain_text("0 records have a value of this field.")
    screenshot(page, "custom-fields-1b-field")

    page.context.clear_cookies()
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/candidates/{ada.pk}/edit/")
    page.get_by_label("German").check()
    page.get_by_label("Notice period (days)").fill("30")
    screenshot(page, "custom-fields-2-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#profile")).to_contain_text("German")
    expect(page.locator("#profile")).to_contain_text("30")
    screenshot(page, "custom-fields-3-profile")
    assert Candidate.objects.get(pk=ada.pk).custom_fields == {
        "languages": ["German"],
        "notice_period_days": 30,
    }


def test_the_search_filters_on_a_custom_field_with_a_full_page_under_1000_elements(page, live_server):
    RecruiterFactory(username="e2e-recruiter")
    CustomFieldFactory(
        label="Work style", key="work_style", type="choice", choices=["Remote", "Hybrid", "Office"]
    )
    CustomFieldFactory(
        label="Languages", key="languages", type="multiple_choice", choices=["English", "German", "French"]
    )
    CustomFieldFactory(label="Notice (days)", key="notice", type="number")
    CustomFieldFactory(label="Available from", key="available", type="date")
    CustomFieldFactory(label="Clearance", key="clearance", type="text")
    CandidateFactory.create_batch(
        55,
        last_contacted_at=timezone.now(),
        interests=["hiring"],
        custom_fields={"work_style": "Remote", "languages": ["English"]},
    )
    CandidateFactory.create_batch(
        5, custom_fields={"work_style": "Office", "languages": ["German", "French"]}
    )
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/candidates/")
    expect(page.locator("#result-count")).to_contain_text("60 candidates")
    assert page.evaluate("document.querySelectorAll('*').length") < 1000
    page.select_option("#id_cf_languages", "German")
    expect(page.locator("#result-count")).to_contain_text("5 candidates")
    expect(page).to_have_url(re.compile(r"cf_languages=German"))
    page.select_option("#id_cf_work_style", "Remote")
    expect(page.locator("#result-count")).to_contain_text("0 candidates")
    screenshot(page, "custom-fields-4-search")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#custom-filters").screenshot(path=str(SCREENSHOTS / "custom-fields-5-filters.png"))


def test_a_recruiter_maps_a_csv_column_into_a_custom_field_on_the_preview(
    page, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    RecruiterFactory(username="e2e-recruiter")
    CustomFieldFactory(
        label="Languages", key="languages", type="multiple_choice", choices=["English", "German"]
    )
    upload = tmp_path / "people.csv"
    upload.write_text("First Name,Email,Company,Spoken\nAda,ada@example.org,Engines,English; German\n")
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/candidates/import/")
    page.set_input_files("#id_file", str(upload))
    page.get_by_role("button", name="Upload and preview").click()
    spoken = page.get_by_label("What Spoken fills")
    expect(spoken).to_have_value("")  # not named like a field: ignored
    spoken.select_option("languages")
    page.get_by_role("button", name="Apply and preview again").click()
    expect(page.locator(".messages, [role=status], body").first).to_contain_text("Columns mapped")
    expect(spoken).to_have_value("languages")
    screenshot(page, "custom-fields-6-import-preview")
    page.get_by_role("button", name=re.compile("Import 1 row")).click()
    expect(page.locator("#import-progress")).to_contain_text("Import finished")
    assert Candidate.objects.get(email="ada@example.org").custom_fields == {
        "languages": ["English", "German"]
    }
