"""django-anymail's webhooks, posted as Mailgun and Postmark post them (signed, or with basic auth), reach the
same outcomes as mail read from a mailbox."""

import base64
import hashlib
import hmac
import json
import time as clock
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.test import Client

from candidates.models import Suppression
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll
from outreach.models import EngagementEvent, Enrollment, InboundMessage, Reply
from recruiting.celery import app as celery_app
from tests.factories import AdminFactory, CandidateFactory, SequenceFactory, StepFactory, unpaced_identity

from . import mail_corpus as corpus

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
WEBHOOK_SECRET = "anymail-user:anymail-password"
MAILGUN_SIGNING_KEY = "key-mailgun-webhook-signing"


@pytest.fixture(autouse=True)
def _anymail(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": WEBHOOK_SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY}


@pytest.fixture
def sent(db):
    """Ada and Bea each got the first email; the second is scheduled."""
    sequence = SequenceFactory(name="Passive nurture", send_window_start=time(9), send_window_end=time(17))
    unpaced_identity(sequence.sender, now=MONDAY_8AM_UTC + timedelta(hours=2))  # pacing has its own tests
    StepFactory(sequence=sequence, position=0, delay_amount=0, subject="Hi", body="Hello")
    StepFactory(sequence=sequence, position=1, delay_amount=7, subject="Follow-up", body="Still keen?")
    people = {}
    for name in ("ada", "bea"):
        candidate = CandidateFactory(first_name=name.title(), email=f"{name}@example.org")
        people[name] = enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    return {name: (e.candidate, e, e.touches.get(status="sent")) for name, e in people.items()}


def basic_auth(secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def mailgun_signature(key: str = MAILGUN_SIGNING_KEY) -> dict[str, str]:
    timestamp, token = str(int(clock.time())), uuid.uuid4().hex
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


def mailgun_event(event: str, recipient: str, touch, **fields) -> dict:
    """A Mailgun webhook (the JSON kind), with the touch key the email carried as a custom variable."""
    return {
        "signature": mailgun_signature(),
        "event-data": {
            "event": event,
            "id": uuid.uuid4().hex,
            "timestamp": MONDAY_8AM_UTC.timestamp() + 7300,
            "recipient": recipient,
            "message": {
                "headers": {"message-id": "20261130100000.1.ABC@mg.longlist.example", "to": recipient}
            },
            "user-variables": {"longlist_touch": str(touch.idempotency_key)},
            **fields,
        },
    }


def post_json(path: str, payload: dict, **headers):
    return Client().post(path, json.dumps(payload), content_type="application/json", **headers)


def outcomes():
    return (
        list(
            Enrollment.objects.order_by("candidate__first_name").values_list(
                "candidate__first_name", "status"
            )
        ),
        sorted(
            EngagementEvent.objects.exclude(kind="sent").values_list("kind", "touch__candidate__first_name")
        ),
        sorted(Suppression.objects.values_list("email", "reason")),
        sorted(InboundMessage.objects.values_list("kind", "source")),
    )


EXPECTED = (
    [("Ada", "stopped"), ("Bea", "stopped")],
    [("bounced", "Ada"), ("complained", "Bea")],
    [("ada@example.org", "bounced"), ("bea@example.org", "complained")],
    [("complaint", "provider"), ("hard_bounce", "provider")],
)


def test_mailgun_bounce_and_complaint_signed_with_its_key(
    sent, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the admins' alert runs here
    AdminFactory(email="admin@longlist.example")
    (_, _, ada_touch), (_, _, bea_touch) = sent["ada"], sent["bea"]
    bounce = mailgun_event(
        "failed",
        "ada@example.org",
        ada_touch,
        severity="permanent",
        reason="bounce",
        **{"delivery-status": {"code": 550, "message": "5.1.1 User unknown", "description": ""}},
    )
    complaint = mailgun_event("complained", "bea@example.org", bea_touch)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert post_json("/anymail/mailgun/tracking/", bounce, **basic_auth()).status_code == 200
        assert post_json("/anymail/mailgun/tracking/", complaint, **basic_auth()).status_code == 200
    assert outcomes() == EXPECTED
    assert len(callbacks) == 1
    assert [(m.subject, m.to) for m in mail.outbox if "Spam" in m.subject] == [
        ("Spam complaint from bea@example.org", ["admin@longlist.example"])
    ]
    # A retried webhook (same token) changes nothing.
    before = outcomes()
    assert post_json("/anymail/mailgun/tracking/", bounce, **basic_auth()).status_code == 200
    assert outcomes() == before and InboundMessage.objects.count() == 2


def test_mailgun_refuses_a_bad_signature_or_a_missing_basic_auth(sent):
    (_, _, touch) = sent["ada"]
    forged = mailgun_event("complained", "ada@example.org", touch)
    forged["signature"] = mailgun_signature(key="not-the-key")
    assert post_json("/anymail/mailgun/tracking/", forged, **basic_auth()).status_code == 400
    good = mailgun_event("complained", "ada@example.org", touch)
    assert post_json("/anymail/mailgun/tracking/", good).status_code == 400
    assert (
        post_json("/anymail/mailgun/tracking/", good, **basic_auth("anymail-user:wrong")).status_code == 400
    )
    assert not Suppression.objects.exists()


def test_mailgun_inbound_mime_reply_stops_the_sequence(sent):
    ada, enrollment, touch = sent["ada"]
    raw = corpus.reply(sender="Ada <ada@example.org>", in_reply_to=touch.message_id).as_string()
    response = Client().post(
        "/anymail/mailgun/inbound_mime/",
        {"body-mime": raw, "recipient": "rita@longlist.example", **mailgun_signature()},
        **basic_auth(),
    )
    assert response.status_code == 200
    reply = Reply.objects.get()
    assert (reply.candidate, reply.touch, reply.source) == (ada, touch, Reply.Source.PROVIDER)
    enrollment.refresh_from_db()
    assert enrollment.status == "stopped"


def postmark_event(record_type: str, kind: str, recipient: str, touch) -> dict:
    return {
        "RecordType": record_type,
        "ID": int(uuid.uuid4().int % 10**9),
        "Type": kind,
        "TypeCode": 1 if kind == "HardBounce" else 512,
        "MessageID": str(uuid.uuid4()),
        "Email": recipient,
        "From": "rita@longlist.example",
        "BouncedAt": "2026-11-30T10:05:00Z",
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Metadata": {"longlist_touch": str(touch.idempotency_key)},
        "MessageStream": "outbound",
    }


def test_postmark_bounce_and_complaint_with_basic_auth_reach_the_same_outcomes(sent):
    (_, _, ada_touch), (_, _, bea_touch) = sent["ada"], sent["bea"]
    bounce = postmark_event("Bounce", "HardBounce", "ada@example.org", ada_touch)
    complaint = postmark_event("SpamComplaint", "SpamComplaint", "bea@example.org", bea_touch)
    assert post_json("/anymail/postmark/tracking/", bounce, **basic_auth()).status_code == 200
    assert post_json("/anymail/postmark/tracking/", complaint, **basic_auth()).status_code == 200
    assert outcomes() == EXPECTED
    assert post_json("/anymail/postmark/tracking/", bounce).status_code == 400  # no basic auth


def test_a_postmark_soft_bounce_is_only_counted(sent):
    (_, enrollment, touch) = sent["ada"]
    soft = postmark_event("Bounce", "SoftBounce", "ada@example.org", touch)
    assert post_json("/anymail/postmark/tracking/", soft, **basic_auth()).status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.status == "active" and not Suppression.objects.exists()
    assert InboundMessage.objects.get().kind == "soft_bounce"


def test_postmark_inbound_auto_reply_is_on_the_timeline_and_stops_nothing(sent):
    bea, enrollment, touch = sent["bea"]
    payload = {
        "FromFull": {"Email": "bea@example.org", "Name": "Bea"},
        "ToFull": [{"Email": "rita@longlist.example", "Name": ""}],
        "Subject": "Abwesenheitsnotiz: Hi",
        "MessageID": str(uuid.uuid4()),
        "Date": "Mon, 30 Nov 2026 11:00:00 +0000",
        "TextBody": "Ich bin bis 4.12.2026 nicht im Büro.",
        "Headers": [
            {"Name": "Message-ID", "Value": "<ooo-1@mail.example.org>"},
            {"Name": "In-Reply-To", "Value": touch.message_id},
            {"Name": "Auto-Submitted", "Value": "auto-replied"},
        ],
    }
    assert post_json("/anymail/postmark/inbound/", payload, **basic_auth()).status_code == 200
    record = InboundMessage.objects.get()
    assert (record.kind, record.candidate, record.return_date.isoformat()) == (
        "auto_reply",
        bea,
        "2026-12-04",
    )
    enrollment.refresh_from_db()
    assert enrollment.status == "active" and not Reply.objects.exists()
