"""A candidate's copy of their data (GDPR Art. 15/20): asked from the preference centre, confirmed by email,
downloaded as JSON through a signed link that expires; the rate limit; admins answering by hand; erasure."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from candidates.models import Activity, Candidate, DataRequest
from candidates.privacy import erase_candidate
from candidates.services import record_activity
from outreach import data_export, tokens
from outreach.dispatch import dispatch_due_touches
from outreach.models import EngagementEvent, Touch
from pipelines.models import Application, Card
from recruiting.celery import app as celery_app
from tests.factories import (
    AdminFactory,
    CandidateFactory,
    CardFactory,
    ReplyFactory,
    RequisitionFactory,
    TouchFactory,
)
from tests.smtp_capture import capture_mail, plain_text

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _files_and_worker(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "http://testserver"
    monkeypatch.setitem(
        celery_app.conf, "task_always_eager", True
    )  # the file is built here, as a worker would


@pytest.fixture
def ada():
    """Ada, with an email we sent her, her reply, an application, a card with the recruiter's pitch, private
    notes and an engagement event: what her file must hold, and what it must leave out."""
    ada = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        notes="PRIVATE: salary expectations too high",
        topics=["data"],
    )
    touch = TouchFactory(
        candidate=ada,
        enrollment__candidate=ada,
        status=Touch.Status.SENT,
        sent_at=NOW - timedelta(days=10),
        subject="Hello Ada",
        body="Hi {{ first_name }}",
    )
    record_activity(
        candidate=ada,
        kind=Activity.Kind.TOUCH,
        summary="Email sent: Hello Ada",
        body="Hi Ada, we build data platforms.",
        data={"touch_id": touch.pk},
    )
    record_activity(candidate=ada, kind=Activity.Kind.NOTE, summary="Note", body="PRIVATE: strong opinions")
    ReplyFactory(candidate=ada, touch=touch, subject="Re: Hello Ada", body="Tell me more")
    role = RequisitionFactory(title="Data Engineer")
    card = CardFactory(
        candidate=ada,
        pipeline=role.pipeline,
        stage=role.pipeline.stages.first(),
        pitch="PRIVATE: pitch for the hiring manager",
    )
    Application.objects.create(
        requisition=role, candidate=ada, card=card, message="I love data", consent_at=NOW - timedelta(days=5)
    )
    EngagementEvent.objects.create(
        candidate=ada, touch=touch, kind="clicked", url="https://example.com/d", occurred_at=NOW
    )
    return ada


def preferences_token(candidate: Candidate) -> str:
    touch = Touch.objects.filter(candidate=candidate).first() or TouchFactory(
        candidate=candidate, enrollment__candidate=candidate
    )
    return tokens.make(tokens.PREFERENCES, c=candidate.pk, t=touch.pk)


def ask(client, candidate: Candidate):
    return client.post(reverse("outreach:data_request", args=[preferences_token(candidate)]))


def link_in(body: str, name: str) -> str:
    path = reverse(name, args=["TOKEN"]).replace("TOKEN/", "")
    found = re.search(rf"http://testserver({re.escape(path)}\S+/)", body)
    assert found, body
    return found.group(1)


def confirmation_email(candidate: Candidate):
    dispatch_due_touches()
    messages = [m for m in mail.outbox if m.to == [candidate.email] and "Confirm" in m.subject]
    assert len(messages) == 1
    return messages[0]


def confirm_and_build(client, candidate, django_capture_on_commit_callbacks):
    assert ask(client, candidate).status_code == 200
    confirm = link_in(confirmation_email(candidate).body, "outreach:data_confirm")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)
    return client.get(confirm)  # the worker has built the file: the page offers it


def test_candidate_asks_confirms_by_email_and_downloads_their_data_as_json(
    client, ada, django_capture_on_commit_callbacks
):
    preferences = client.get(reverse("outreach:preferences", args=[preferences_token(ada)]))
    assert b"Email me a copy of my data" in preferences.content

    response = ask(client, ada)
    assert response.status_code == 200
    assert b"We emailed a confirmation link to ada@example.com" in response.content
    request = DataRequest.objects.get(candidate=ada)
    assert request.status == DataRequest.Status.AWAITING

    # The confirmation email goes out at once (never paced), as a personal message without marketing headers.
    message = confirmation_email(ada)
    assert "List-Unsubscribe" not in message.extra_headers
    confirm = link_in(message.body, "outreach:data_confirm")

    # Opening the link (a mail scanner does too) only asks; the button confirms and the file is built.
    page = client.get(confirm)
    assert b"Confirm and prepare my file" in page.content
    request.refresh_from_db()
    assert request.status == DataRequest.Status.AWAITING
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(confirm)
    assert b"We are preparing your file" in page.content  # the worker starts once the request is committed
    page = client.get(confirm)
    assert b"Download my data (JSON)" in page.content
    request.refresh_from_db()
    assert request.status == DataRequest.Status.READY
    assert request.expires_at == request.ready_at + timedelta(days=7)
    download = page.context["download"]
    assert download.startswith("http://testserver/o/data/file/")

    # The download link is emailed too.
    dispatch_due_touches()
    ready = next(m for m in mail.outbox if m.subject == "Your data is ready to download")
    assert download in ready.body

    response = client.get(download.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="my-data-{timezone.localdate(request.ready_at):%Y-%m-%d}.json"'
    )
    raw = b"".join(response.streaming_content).decode()
    data = json.loads(raw)
    assert set(data) >= {
        "format",
        "profile",
        "preferences",
        "consents",
        "emails_sent_to_you",
        "your_replies",
        "applications",
        "roles",
        "meetings",
        "email_events",
        "timeline",
        "not_included",
    }
    assert data["profile"]["email"] == "ada@example.com"
    assert data["preferences"]["topics"] == ["data"]
    assert {"subject": "Hello Ada", "body": "Hi Ada, we build data platforms."}.items() <= data[
        "emails_sent_to_you"
    ][0].items()
    assert [reply["body"] for reply in data["your_replies"]] == ["Tell me more"]
    assert [(a["role"], a["message"]) for a in data["applications"]] == [("Data Engineer", "I love data")]
    assert data["roles"][0]["role"] == "Data Engineer"
    assert data["consents"]["application_consents"][0]["role"] == "Data Engineer"
    assert data["email_events"][0]["link"] == "https://example.com/d"
    assert "Confirmed their request for a copy of their data" in [e["what"] for e in data["timeline"]]
    assert "PRIVATE" not in raw  # notes, the timeline's notes and the card's pitch stay with the team
    assert "engagement_score" not in raw


def test_the_confirmation_email_reaches_a_real_smtp_server(client, ada, settings):
    handler, controller = capture_mail(settings)
    try:
        ask(client, ada)
        assert dispatch_due_touches().sent == 1
        [message] = handler.to("ada@example.com")
    finally:
        controller.stop()
    assert message["Subject"] == "Confirm your request for a copy of your data"
    path = link_in(plain_text(message), "outreach:data_confirm")
    assert client.get(path).status_code == 200


def test_the_emails_of_a_request_do_not_restart_the_retention_clock(client, ada):
    Candidate.objects.filter(pk=ada.pk).update(last_contacted_at=NOW - timedelta(days=300))
    ask(client, ada)
    assert dispatch_due_touches().sent == 1
    ada.refresh_from_db()
    assert ada.last_contacted_at == NOW - timedelta(days=300)


def test_a_person_marked_do_not_contact_or_unsubscribed_still_gets_the_email_they_asked_for(client):
    blocked = CandidateFactory(email="dnc@example.com", do_not_contact=True, unsubscribed_at=NOW)
    ask(client, blocked)
    assert dispatch_due_touches().sent == 1
    assert [m.to for m in mail.outbox] == [["dnc@example.com"]]


def test_a_tampered_or_swapped_link_is_refused(client, ada, django_capture_on_commit_callbacks):
    ask(client, ada)
    confirm = link_in(confirmation_email(ada).body, "outreach:data_confirm")
    token = confirm.rstrip("/").rsplit("/", 1)[1]
    assert client.get(confirm[:-6] + "xx" + confirm[-4:]).status_code == 404
    # A valid confirmation token is not a download token (each kind has its own salt), nor a preference one.
    assert client.get(reverse("outreach:data_download", args=[token])).status_code == 404
    other = DataRequest.objects.create(candidate=CandidateFactory(), email="x@example.com")
    forged = tokens.make(tokens.DATA_CONFIRM, r=other.pk, k=str(DataRequest.objects.get(candidate=ada).key))
    assert client.get(reverse("outreach:data_confirm", args=[forged])).status_code == 404
    assert client.post(reverse("outreach:data_request", args=["not-a-token"])).status_code == 404


def test_an_expired_confirmation_link_says_so(client, ada):
    with time_machine.travel(NOW, tick=False):
        ask(client, ada)
        confirm = link_in(confirmation_email(ada).body, "outreach:data_confirm")
    with time_machine.travel(NOW + timedelta(hours=24, minutes=1), tick=False):
        response = client.get(confirm)
        assert response.status_code == 410
        assert b"This link has expired" in response.content
        assert client.post(confirm).status_code == 410
        # Beat expires the request; she may ask again.
        assert data_export.expire_data_requests()["links_expired"] == 1
        assert ask(client, ada).status_code == 200


def test_the_file_expires_is_deleted_by_beat_and_the_link_says_so(
    client, ada, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        page = confirm_and_build(client, ada, django_capture_on_commit_callbacks)
    download = page.context["download"].removeprefix("http://testserver")
    request = DataRequest.objects.get(candidate=ada)
    stored = request.file.name
    assert default_storage.exists(stored)

    with time_machine.travel(NOW + timedelta(days=6, hours=23), tick=False):
        assert client.get(download).status_code == 200
        assert data_export.expire_data_requests()["files_deleted"] == 0

    with time_machine.travel(NOW + timedelta(days=7, minutes=1), tick=False):
        gone = client.get(download)  # before beat has run: refused already
        assert gone.status_code == 410
        assert b"This link has expired" in gone.content
        assert data_export.expire_data_requests()["files_deleted"] == 1
        assert data_export.expire_data_requests()["files_deleted"] == 0  # a second run changes nothing
    request.refresh_from_db()
    assert request.status == DataRequest.Status.EXPIRED and not request.file
    assert not default_storage.exists(stored)
    assert client.get(download).status_code == 410


def test_one_open_request_at_a_time_and_a_daily_limit(
    client, ada, settings, django_capture_on_commit_callbacks
):
    settings.DATA_REQUESTS_PER_DAY = 2
    with time_machine.travel(NOW, tick=False):
        assert ask(client, ada).status_code == 200
        again = ask(client, ada)
        assert again.status_code == 429
        assert b"We already emailed you a confirmation link" in again.content
        dispatch_due_touches()
        assert len(mail.outbox) == 1  # one email, however often the button is pressed

        confirm = link_in(mail.outbox[0].body, "outreach:data_confirm")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(confirm)
        assert ask(client, ada).status_code == 200  # the second of the day
        DataRequest.objects.filter(candidate=ada, status="awaiting").update(status="expired")
        third = ask(client, ada)
        assert third.status_code == 429
        assert b"You asked for your data 2 times today" in third.content
    with time_machine.travel(NOW + timedelta(days=1, minutes=1), tick=False):
        assert ask(client, ada).status_code == 200
    assert DataRequest.objects.filter(candidate=ada).count() == 3


def test_building_twice_or_on_two_workers_builds_and_emails_once(ada):
    request = DataRequest.objects.create(
        candidate=ada, email=ada.email, status=DataRequest.Status.CONFIRMED, confirmed_at=NOW
    )
    assert data_export.build_data_file(request.pk) is not None
    assert data_export.build_data_file(request.pk) is None
    assert Touch.objects.filter(candidate=ada, kind=Touch.Kind.PRIVACY).count() == 1


def test_a_confirmed_request_whose_worker_died_is_built_by_beat(ada):
    request = DataRequest.objects.create(
        candidate=ada, email=ada.email, status=DataRequest.Status.CONFIRMED, confirmed_at=NOW
    )
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        assert data_export.expire_data_requests()["rebuilt"] == 1
    request.refresh_from_db()
    assert request.status == DataRequest.Status.READY


def test_an_admin_answers_a_request_by_hand_and_downloads_the_file(client, ada):
    admin = AdminFactory()
    request = DataRequest.objects.create(candidate=ada, email=ada.email)
    client.force_login(admin)
    page = client.get(reverse("outreach:data_requests"))
    assert b"Awaiting confirmation" in page.content and b"Lovelace" in page.content
    response = client.post(
        reverse("outreach:data_request_answer", args=[request.pk]), {"note": "Sent by post on request"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == DataRequest.Status.ANSWERED
    assert request.answered_by == admin and request.note == "Sent by post on request"
    file = client.get(reverse("outreach:data_request_file", args=[request.pk]))
    assert file.status_code == 200 and file["Content-Type"] == "application/json"
    assert json.loads(b"".join(file.streaming_content))["profile"]["last_name"] == "Lovelace"
    assert b"Sent by post on request" in client.get(reverse("outreach:data_requests")).content


def test_a_recruiter_cannot_answer_a_request(client, recruiter, ada):
    request = DataRequest.objects.create(candidate=ada, email=ada.email)
    client.force_login(recruiter)
    assert client.post(reverse("outreach:data_request_answer", args=[request.pk])).status_code == 403
    request.refresh_from_db()
    assert request.status == DataRequest.Status.AWAITING


def test_erasure_removes_the_requests_and_their_files(
    client, ada, admin_user, django_capture_on_commit_callbacks
):
    page = confirm_and_build(client, ada, django_capture_on_commit_callbacks)
    stored = DataRequest.objects.get(candidate=ada).file.name
    with django_capture_on_commit_callbacks(execute=True):
        erase_candidate(candidate=ada, by=admin_user)
    assert not DataRequest.objects.filter(candidate=ada).exists()
    assert not default_storage.exists(stored)
    assert client.get(page.context["download"].removeprefix("http://testserver")).status_code == 404
    assert Card.objects.filter(candidate=ada).exists()  # the rest of erasure is as before
