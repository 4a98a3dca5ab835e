"""A candidate gets a copy of their data in a browser: from the preference-centre link of an email they ask, read
the confirmation email, open its link, confirm, and download the JSON file. The file is built by the Celery task,
run eagerly in the live server's thread (``task_always_eager``) where a worker would run it."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import DataRequest
from candidates.services import record_activity
from outreach.enrollment import enroll
from recruiting.celery import app as celery_app
from tests.e2e.conftest import login, screenshot
from tests.factories import (
    AdminFactory,
    CandidateFactory,
    RecruiterFactory,
    SequenceFactory,
    StepFactory,
    unpaced_identity,
)

pytestmark = pytest.mark.e2e


def dispatch_at(moment):
    call_command("dispatch_touches", "--now", moment.isoformat())


def test_candidate_downloads_their_data_from_the_preference_centre(
    page, live_server, settings, tmp_path, monkeypatch
):
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    recruiter = RecruiterFactory(username="e2e-recruiter", first_name="Rita", email="rita@example.com")
    unpaced_identity(recruiter)
    sequence = SequenceFactory(
        name="Data nurture", sender=recruiter, min_gap_days=0, business_days_only=False
    )
    StepFactory(sequence=sequence, position=0, delay_amount=0, subject="Hello {{ first_name }}", body="Hi!")
    ada = CandidateFactory(
        first_name="Ada", last_name="Lovelace", email="ada@example.com", notes="PRIVATE note"
    )
    record_activity(candidate=ada, kind="note", summary="Note", body="PRIVATE: a recruiter's note")
    enrollment = enroll(candidate=ada, sequence=sequence, by=None)
    dispatch_at(enrollment.touches.get().due_at + timedelta(minutes=1))
    [first] = mail.outbox
    preferences_url = re.search(r"Email preferences[^:]*: (\S+)", first.body).group(1)

    # Ada opens the preference centre from the email (no login) and asks for her data.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(preferences_url)
    expect(page.locator("h1")).to_have_text("Your email preferences")
    page.locator("#data-request-ask").scroll_into_view_if_needed()
    screenshot(page, "data-request-0-preferences-390px")
    page.get_by_role("button", name="Email me a copy of my data").click()
    expect(page.locator("h1")).to_have_text("Check your inbox")
    expect(page.locator("#data-request")).to_contain_text("ada@example.com")
    screenshot(page, "data-request-1-asked-390px")

    # The confirmation email goes out at once; its link asks her to confirm.
    dispatch_at(timezone.now())
    confirmation = next(m for m in mail.outbox if "Confirm your request" in m.subject)
    assert confirmation.to == ["ada@example.com"]
    confirm_url = re.search(r"(http\S+/o/data/confirm/\S+)", confirmation.body).group(1)
    page.goto(confirm_url)
    expect(page.locator("h1")).to_have_text("Confirm your request")
    screenshot(page, "data-request-2-confirm-390px")
    page.get_by_role("button", name="Confirm and prepare my file").click()
    expect(page.locator("h1")).to_have_text("Your data is ready")
    screenshot(page, "data-request-3-ready-390px")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # She downloads the file: JSON with her data, without the team's notes.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download my data (JSON)").click()
    download = info.value
    assert re.fullmatch(r"my-data-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    text = Path(download.path()).read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["profile"]["first_name"] == "Ada" and data["profile"]["email"] == "ada@example.com"
    assert "Hello Ada" in [email["subject"] for email in data["emails_sent_to_you"]]
    assert "not_included" in data and "PRIVATE" not in text
    assert DataRequest.objects.get(candidate=ada).status == DataRequest.Status.READY

    # An admin sees the request, its dates and the file, in the Settings area.
    AdminFactory(username="e2e-admin")
    page.set_viewport_size({"width": 1366, "height": 800})
    login(page, live_server, "e2e-admin")
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="Data requests").click()
    expect(page.locator("#data-requests")).to_contain_text("Ada Lovelace")
    expect(page.locator("#data-requests")).to_contain_text("Ready to download")
    screenshot(page, "data-request-4-admin")
