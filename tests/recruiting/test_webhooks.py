"""Outgoing webhooks against a real HTTP receiver on loopback (tests/recruiting/webhook_receiver.py): signed
deliveries, retries with backoff, redelivery, and the refusal of private addresses."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from candidates.services import create_candidate
from outreach import conversation
from pipelines import services as pipeline_services
from recruiting.celery import app as celery_app
from recruiting.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from recruiting.webhooks import endpoints, sending
from tests.factories import (
    CandidateFactory,
    CardFactory,
    CustomFieldFactory,
    RequisitionFactory,
    hired_stage,
    stage_named,
)
from tests.recruiting.webhook_receiver import verify, webhook_receiver

ALL_EVENTS = list(WebhookEvent.values)


@pytest.fixture
def loopback_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60


@pytest.fixture
def celery_in_process(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def endpoint_for(url, events=None, **fields):
    return endpoints.create_endpoint(url=url, events=events or ALL_EVENTS, by=None, **fields)


def test_a_moved_card_is_posted_signed_and_the_signature_verifies(
    db, loopback_allowed, celery_in_process, django_capture_on_commit_callbacks, admin_user
):
    requisition = RequisitionFactory(title="Data Engineer")
    card = CardFactory(pipeline=requisition.pipeline, candidate=CandidateFactory(first_name="Ada"))
    with webhook_receiver() as receiver:
        endpoint = endpoint_for(receiver.url, events=[WebhookEvent.CARD_MOVED])
        to_stage = stage_named(requisition, "Interview")
        with django_capture_on_commit_callbacks(execute=True):
            pipeline_services.move_card(
                card=card, to_stage=to_stage, position=0, expected_version=card.version, by=admin_user
            )
    [request] = receiver.received
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempts == 1 and delivery.response_status == 200
    assert delivery.response_ms is not None and delivery.delivered_at is not None
    assert request.path == "/hooks/longlist"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Longlist-Event"] == "card.moved"
    assert request.headers["X-Longlist-Event-Id"] == str(delivery.event_id)
    assert verify(endpoint.secret, request.headers, request.body)
    assert not verify(endpoint.secret, request.headers, request.body.replace(b"Ada", b"Eve"))
    assert not verify("another secret", request.headers, request.body)
    payload = json.loads(request.body)
    assert payload["id"] == str(delivery.event_id) and payload["type"] == "card.moved"
    data = payload["data"]
    assert data["candidate"]["first_name"] == "Ada"
    assert data["board"]["requisition_id"] == requisition.pk
    assert data["to_stage"] == {"id": to_stage.pk, "name": "Interview", "is_hired": False}
    assert data["by"] == {"id": admin_user.pk, "username": admin_user.username}


def test_a_signature_older_than_the_tolerance_does_not_verify(db, loopback_allowed):
    with webhook_receiver() as receiver:
        endpoint = endpoint_for(receiver.url)
        with transaction.atomic():
            create_candidate(first_name="Ada", last_name="Lovelace", email="ada@example.org")
        sending.send_due_deliveries()
    [request] = receiver.received
    sent_at = int(request.headers["X-Longlist-Timestamp"])
    assert verify(endpoint.secret, request.headers, request.body, now=sent_at + 60)
    assert not verify(endpoint.secret, request.headers, request.body, now=sent_at + 3600)  # a replay


def test_a_rolled_back_change_emits_nothing(db, loopback_allowed, django_capture_on_commit_callbacks):
    endpoint_for("http://127.0.0.1:9/never")
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        create_candidate(first_name="Ada", last_name="Lovelace", email="ada@example.org")
        raise RuntimeError("the request fails after the change")
    assert not WebhookDelivery.objects.exists()
    assert callbacks == []


def test_a_receiver_answering_500_is_retried_with_backoff_then_succeeds(db, loopback_allowed):
    with webhook_receiver(statuses=[500, 503]) as receiver:
        endpoint_for(receiver.url)
        create_candidate(first_name="Ada", last_name="Lovelace", email="ada@example.org")
        delivery = WebhookDelivery.objects.get()
        start = timezone.now()
        assert sending.deliver(delivery.pk, now=start) == "pending"
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.response_status) == (1, 500)
        assert delivery.last_error == "HTTP 500: receiver says no"
        assert delivery.next_attempt_at == start + timedelta(seconds=60)
        assert sending.send_due_deliveries(now=start + timedelta(seconds=59)) == {}  # not due yet
        assert sending.send_due_deliveries(now=start + timedelta(seconds=61)) == {"pending": 1}
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == start + timedelta(seconds=61 + 120)  # the wait doubles
        outcome = sending.send_due_deliveries(now=start + timedelta(seconds=61 + 121))
    assert outcome == {"delivered": 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 3, 200)
    assert delivery.last_error == ""
    ids = {request.headers["X-Longlist-Event-Id"] for request in receiver.received}
    assert len(receiver.received) == 3 and ids == {str(delivery.event_id)}  # one event, three attempts
    assert len({request.body for request in receiver.received}) == 1


def test_a_delivery_fails_after_the_last_attempt_and_redeliver_sends_it_again(db, loopback_allowed, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with webhook_receiver(statuses=[500, 500]) as receiver:
        endpoint_for(receiver.url)
        create_candidate(first_name="Ada", last_name="Lovelace", email="ada@example.org")
        delivery = WebhookDelivery.objects.get()
        start = timezone.now()
        sending.deliver(delivery.pk, now=start)
        assert sending.send_due_deliveries(now=start + timedelta(minutes=2)) == {"failed": 1}
        assert sending.send_due_deliveries(now=start + timedelta(days=1)) == {}  # no more tries
        delivery = endpoints.redeliver(delivery=delivery, now=start + timedelta(days=1))
        assert (delivery.status, delivery.attempts) == ("pending", 0)
        assert sending.deliver(delivery.pk, now=start + timedelta(days=1)) == "delivered"
        with pytest.raises(endpoints.NotRedeliverable):
            endpoints.redeliver(
                delivery=WebhookDelivery.objects.create(
                    endpoint=delivery.endpoint,
                    event_id=uuid.uuid4(),
                    event_type="candidate.created",
                    payload={},
                )
            )
    assert [r.headers["X-Longlist-Event-Id"] for r in receiver.received] == [str(delivery.event_id)] * 3


def test_a_delivery_is_held_by_one_claim_at_a_time_until_its_lease_expires(db, loopback_allowed):
    endpoint_for("http://127.0.0.1:9/hooks")
    create_candidate(first_name="Ada", last_name="Lovelace", email="ada@example.org")
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()
    first = sending.claim(delivery.pk, now=now)
    assert first is not None and (first.status, first.attempts) == ("sending", 1)
    assert sending.claim(delivery.pk, now=now) is None  # another worker, or the periodic pass: not theirs
    assert sending.send_due_deliveries(now=now + sending.lease_length() - timedelta(seconds=1)) == {}
    second = sending.claim(delivery.pk, now=now + sending.lease_length() + timedelta(seconds=1))
    assert second is not None and second.attempts == 2 and second.claim_token != first.claim_token
    # The first holder's late outcome is not recorded over the second claim's.
    assert sending.send(first, now=now) is None
    second.refresh_from_db()
    assert (second.status, second.last_error) == ("sending", "")


def test_a_redirect_is_not_followed(db, loopback_allowed):
    with webhook_receiver(statuses=[302]) as receiver:
        endpoint_for(receiver.url)
        create_candidate(first_name="Ada", last_name="Lovelace", email="ada@example.org")
        delivery = WebhookDelivery.objects.get()
        assert sending.deliver(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("HTTP 302 (redirects are not followed)")
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://224.0.0.1/hook",
        "http://0.0.0.0/hook",
        "http://240.0.0.1/hook",
    ],
)
def test_an_endpoint_on_a_private_address_is_refused_when_saved(db, url):
    with pytest.raises(ValidationError) as error:
        endpoint_for(url)
    assert "private, loopback, link-local, multicast or reserved" in error.value.message_dict["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_on_a_public_address_is_accepted(db):
    endpoint = endpoint_for("https://93.184.215.14/hooks", events=["candidate.created"])
    assert endpoint.events == ["candidate.created"] and len(endpoint.secret) >= 40


@pytest.mark.parametrize(
    ("url", "message"),
    [("ftp://93.184.215.14/x", "Only http and https"), ("http://user:pw@93.184.215.14/", "no user name")],
)
def test_other_urls_are_refused(db, url, message):
    with pytest.raises(ValidationError) as error:
        endpoint_for(url)
    assert message in error.value.message_dict["url"][0]


def test_a_private_address_is_refused_at_send_time_too(db, loopback_allowed, settings):
    """An endpoint saved while allowed (or a host whose DNS answer changed since: rebinding) gets nothing once
    the address is private at send time."""
    with webhook_receiver() as receiver:
        endpoint_for(receiver.url)
        create_candidate(first_name="Ada", last_name="Lovelace", email="ada@example.org")
        settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
        delivery = WebhookDelivery.objects.get()
        assert sending.deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "resolves to 127.0.0.1, a private, loopback" in delivery.last_error
    assert delivery.attempts == 1 and receiver.received == []


def test_an_inactive_endpoint_gets_no_events(db, loopback_allowed):
    endpoint_for("http://127.0.0.1:9/off", is_active=False)
    endpoint_for("http://127.0.0.1:9/other", events=["card.moved"])
    create_candidate(first_name="Ada", last_name="Lovelace", email="ada@example.org")
    assert not WebhookDelivery.objects.exists()


# --- Each event -----------------------------------------------------------------------------------------


@pytest.fixture
def listening(db, loopback_allowed):
    return endpoint_for("http://127.0.0.1:9/all")


def events_of(endpoint):
    return [(d.event_type, d.payload["data"]) for d in endpoint.deliveries.order_by("pk")]


def test_candidate_created_from_a_page_and_from_each_import_batch(listening, recruiter):
    candidate = create_candidate(
        first_name="Ada", last_name="Lovelace", email="ada@example.org", by=recruiter
    )
    [(kind, data)] = events_of(listening)
    assert kind == "candidate.created"
    assert data["candidate"]["id"] == candidate.pk and data["candidate"]["email"] == "ada@example.org"
    assert data["candidate"]["url"].endswith(f"/candidates/{candidate.pk}/")
    assert data["by"]["username"] == recruiter.username


def test_the_candidate_in_an_event_carries_their_custom_fields(listening, recruiter):
    CustomFieldFactory(label="Work style", key="work_style", type="choice", choices=["Remote", "Office"])
    create_candidate(first_name="Ada", custom_fields={"work_style": "remote"}, by=recruiter)
    [(_, data)] = events_of(listening)
    assert data["candidate"]["custom_fields"] == {"work_style": "Remote"}


def test_an_import_tells_about_each_new_person(listening, recruiter, tmp_path):
    from django.core.management import call_command

    csv = tmp_path / "people.csv"
    csv.write_text("First Name,Last Name,Email\nAda,Lovelace,ada@example.org\nAlan,Turing,alan@example.org\n")
    call_command("import_candidates", str(csv))
    emails = sorted(data["candidate"]["email"] for kind, data in events_of(listening))
    assert emails == ["ada@example.org", "alan@example.org"]
    assert {kind for kind, _ in events_of(listening)} == {"candidate.created"}


def test_a_hire_is_a_card_moved_and_a_hired_event(listening, recruiter):
    requisition = RequisitionFactory()
    card = CardFactory(pipeline=requisition.pipeline)
    pipeline_services.move_card(
        card=card, to_stage=hired_stage(requisition), position=0, expected_version=card.version, by=recruiter
    )
    kinds = [kind for kind, _ in events_of(listening)]
    assert kinds == ["card.moved", "candidate.hired"]
    hired = events_of(listening)[1][1]
    assert hired["stage"]["is_hired"] is True and hired["card"] == {"id": card.pk}


def test_a_reply_and_an_unsubscribe(listening):
    candidate = CandidateFactory(email="ada@example.org")
    conversation.log_reply(
        candidate=candidate, body="Yes", received_at=timezone.now(), by=None, subject="Re: hi"
    )
    conversation.unsubscribe(candidate=candidate)
    conversation.unsubscribe(candidate=candidate)  # a second time tells nothing new
    [(reply_kind, reply), (unsub_kind, unsub)] = events_of(listening)
    assert (reply_kind, reply["reply"]["subject"]) == ("reply.received", "Re: hi")
    assert unsub_kind == "candidate.unsubscribed" and unsub["candidate"]["id"] == candidate.pk


def test_an_application(listening, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pipelines.applications import submit_application
    from tests.factories import make_pdf

    settings.MEDIA_ROOT = tmp_path
    role = RequisitionFactory(title="Data Engineer", is_published=True)
    application = submit_application(
        requisition=role,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.org",
        resume=SimpleUploadedFile("cv.pdf", make_pdf("Ada Lovelace"), content_type="application/pdf"),
        consent=True,
    )
    kinds = [kind for kind, _ in events_of(listening)]
    assert kinds == ["candidate.created", "application.received"]
    data = events_of(listening)[1][1]
    assert data["application"]["id"] == application.pk
    assert data["application"]["requisition"] == {"id": role.pk, "title": "Data Engineer"}


# --- Pages ------------------------------------------------------------------------------------------------


def test_an_admin_adds_an_endpoint_and_sees_its_log_and_secret(client, admin_user, loopback_allowed):
    client.force_login(admin_user)
    response = client.post(
        reverse("webhooks"),
        {"url": "http://127.0.0.1:9/hooks", "events": ["candidate.created", "card.moved"], "is_active": "on"},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == endpoint.get_absolute_url()
    assert endpoint.created_by == admin_user and endpoint.events == ["candidate.created", "card.moved"]
    create_candidate(first_name="Ada", last_name="Lovelace", email="ada@example.org")
    page = client.get(endpoint.get_absolute_url()).content.decode()
    assert endpoint.secret in page and "Candidate created" in page and "Pending" in page


def test_the_page_refuses_a_private_address_with_the_reason(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("webhooks"), {"url": "http://127.0.0.1/hooks", "events": ["card.moved"]})
    assert response.status_code == 422
    assert "a private, loopback, link-local" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_redeliver_from_the_log(client, admin_user, listening):
    create_candidate(first_name="Ada", last_name="Lovelace", email="ada@example.org")
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=8, last_error="HTTP 500")
    client.force_login(admin_user)
    response = client.post(reverse("webhook_redeliver", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 0, "")


def test_only_admins_redeliver_or_change_endpoints(client, recruiter, listening):
    create_candidate(first_name="Ada", last_name="Lovelace", email="ada@example.org")
    delivery = WebhookDelivery.objects.get()
    client.force_login(recruiter)
    assert client.post(reverse("webhook_redeliver", args=[delivery.pk])).status_code == 403
    assert client.post(reverse("webhook_rotate_secret", args=[listening.pk])).status_code == 403
    assert (
        client.post(reverse("webhooks"), {"url": "http://x.example/", "events": ["card.moved"]}).status_code
        == 403
    )


def test_the_endpoint_page_queries_stay_flat(client, admin_user, listening, django_assert_max_num_queries):
    for n in range(30):
        create_candidate(first_name=f"Person{n}", last_name="Test", email=f"p{n}@example.org")
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        assert client.get(listening.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("webhooks")).status_code == 200


def test_a_booked_call(listening, recruiter):
    from datetime import UTC, datetime

    import time_machine

    from outreach import meetings
    from tests.factories import MeetingTypeFactory

    with time_machine.travel(datetime(2026, 12, 7, 8, tzinfo=UTC), tick=False):
        meeting = meetings.book_meeting(
            meeting_type=MeetingTypeFactory(name="Chat"),
            candidate=CandidateFactory(owner=recruiter),
            starts_at=datetime(2026, 12, 8, 10, tzinfo=UTC),
        )
    [data] = [data for kind, data in events_of(listening) if kind == "meeting.booked"]
    assert data["meeting"]["id"] == meeting.pk and data["meeting"]["type"] == "Chat"
    assert data["meeting"]["starts_at"] == "2026-12-08T10:00:00+00:00"
    assert data["meeting"]["hosts"] == [{"id": recruiter.pk, "name": recruiter.get_full_name()}]
    assert data["by"] is None
