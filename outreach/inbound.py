"""Everything that comes back, whichever way it arrives (IMAP polling, django-anymail's inbound and tracking
webhooks, the JSON webhook), is handled here: one function per outcome, so that a bounce reported by a DSN in
a mailbox and one reported by Mailgun change the same things.

- `receive_message`: an email, classified by `classify.classify`, then handed to the outcome below;
- `record_hard_bounce`: the address is suppressed ("Hard bounce"), the person's live enrollments stop and the
  touch the bounce is about gets a `bounced` event;
- `record_soft_bounce`: counted; `SOFT_BOUNCE_LIMIT` of them within `SOFT_BOUNCE_DAYS` make a hard bounce;
- `record_complaint`: the address is suppressed ("Spam complaint"), the enrollments stop, a `complained`
  event, and the admins are told by email;
- `record_auto_reply`: on the timeline only (it never stops a sequence); a return date is kept so that the
  profile can offer a snooze until then;
- replies go to `conversation.receive_inbound_email`, matched there by In-Reply-To, References, then address.

Each thing that comes back is one `InboundMessage` with a unique key (its Message-ID, or the provider's event
id): handling it a second time finds the row and changes nothing.
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.message import Message

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from candidates.models import Activity, Candidate, Suppression
from candidates.services import record_activity

from . import classify, engagement
from .alerts import alert_admins_of_complaint
from .conversation import candidate_with_address, receive_inbound_email, touch_replied_to, unsubscribe
from .enrollment import stop_enrollment
from .models import Channel, EngagementEvent, Enrollment, InboundMailbox, InboundMessage, Reply, Touch

SOFT_BOUNCE_LIMIT = 3
SOFT_BOUNCE_DAYS = 30

_REPLY_SOURCE = {
    InboundMessage.Source.MAILBOX: Reply.Source.MAILBOX,
    InboundMessage.Source.PROVIDER: Reply.Source.PROVIDER,
    InboundMessage.Source.WEBHOOK: Reply.Source.WEBHOOK,
}


def message_key(message: Message, raw: bytes) -> str:
    """What makes an inbound email unique: its Message-ID, else a digest of its bytes."""
    message_id = " ".join(str(message.get("Message-ID", "")).split())
    return message_id[:255] if message_id else f"<sha256-{hashlib.sha256(raw).hexdigest()}@inbound>"


def already_received(key: str) -> bool:
    return InboundMessage.objects.filter(key=key).exists()


def receive_message(
    raw: bytes | str | Message,
    *,
    source: str,
    mailbox: InboundMailbox | None = None,
    received_at: datetime | None = None,
) -> tuple[InboundMessage, bool]:
    """Classify an inbound email and act on it; returns (the stored record, whether it was new).

    A second delivery of the same email (same Message-ID) returns the first record and changes nothing."""
    message = classify.parse(raw)
    raw_bytes = message.as_bytes()
    key = message_key(message, raw_bytes)
    existing = InboundMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    found = classify.classify(message)
    received_at = received_at or timezone.now()
    try:
        with transaction.atomic():
            record = InboundMessage.objects.create(
                key=key,
                source=source,
                kind=InboundMessage.Kind.UNMATCHED,
                mailbox=mailbox,
                address=found.from_address[:254],
                subject=found.subject[:255],
                received_at=received_at,
            )
            _act(record, found, received_at)
    except IntegrityError:
        return InboundMessage.objects.get(key=key), False
    return record, True


def _act(record: InboundMessage, found: classify.Classified, received_at: datetime) -> None:
    if found.kind == classify.Kind.COMPLAINT:
        touch = touch_for(found.original_message_ids)
        record.kind = InboundMessage.Kind.COMPLAINT
        record.address = (found.complained_address or (touch.candidate.email if touch else ""))[:254]
        record.candidate = record_complaint(
            address=record.address, touch=touch, occurred_at=received_at, source=record.source
        )
        record.touch = touch
    elif found.kind == classify.Kind.BOUNCE:
        touch = touch_for(found.original_message_ids)
        permanent = [f for f in found.failures if f.permanent]
        failure = (permanent or list(found.failures))[0]
        record.kind = InboundMessage.Kind.HARD_BOUNCE if permanent else InboundMessage.Kind.SOFT_BOUNCE
        record.address = failure.address[:254]
        record.detail = " ".join(part for part in (failure.status, failure.diagnostic) if part)[:255]
        record.touch = touch
        record.save()  # a soft bounce counts itself among the recent ones
        if permanent:
            record.candidate = record_hard_bounce(
                address=record.address, touch=touch, detail=record.detail, occurred_at=received_at
            )
        else:
            record.candidate = record_soft_bounce(
                address=record.address, touch=touch, detail=record.detail, occurred_at=received_at
            )
    elif found.kind == classify.Kind.AUTO_REPLY:
        touch = touch_replied_to(found.in_reply_to, found.references)
        record.kind = InboundMessage.Kind.AUTO_REPLY
        record.touch = touch
        record.return_date = found.return_date
        record.candidate = touch.candidate if touch else candidate_with_address(found.from_address)
        if record.candidate is not None:
            record_auto_reply(record)
    else:
        reply, _ = receive_inbound_email(
            from_address=found.from_address,
            subject=found.subject,
            body=found.body,
            message_id=found.message_id or record.key,
            in_reply_to=found.in_reply_to,
            references=found.references,
            received_at=received_at,
            source=_REPLY_SOURCE[InboundMessage.Source(record.source)],
        )
        record.reply = reply
        record.candidate = reply.candidate
        record.touch = reply.touch
        record.kind = InboundMessage.Kind.REPLY if reply.candidate_id else InboundMessage.Kind.UNMATCHED
    record.save()


def touch_for(message_ids: Iterable[str] = (), touch_key: str = "") -> Touch | None:
    """The email a bounce or complaint is about: by our Message-ID in the report, or by the touch key a provider
    sent back with its event (`metadata`)."""
    ids = " ".join(message_ids)
    if touch_key:
        ids = f"<{touch_key}@longlist> {ids}"
    return touch_replied_to(ids, "") if ids else None


def _people(address: str, touch: Touch | None) -> list[Candidate]:
    """Who an address belongs to: the touch's person, and whoever has that address (own or alias)."""
    people = {c.pk: c for c in [touch.candidate if touch else None, candidate_with_address(address)] if c}
    return list(people.values())


def _suppress(address: str, reason: str) -> bool:
    """Put the address on the suppression list, unless it is there already for this reason; True if new."""
    if not address:
        return False
    listed = Suppression.objects.annotate(email_key=Lower("email")).filter(
        email_key=address.lower(), reason=reason
    )
    if listed.exists():
        return False
    Suppression.objects.create(email=address, reason=reason)
    return True


def _stop_and_record(
    people: list[Candidate], *, touch: Touch | None, kind: str, reason: str, summary: str, data: dict
) -> None:
    for candidate in people:
        for enrollment in candidate.enrollments.filter(status__in=Enrollment.LIVE_STATUSES):
            stop_enrollment(enrollment=enrollment, reason=reason)
        event_touch = touch if touch is not None and touch.candidate_id == candidate.pk else None
        EngagementEvent.objects.create(
            candidate=candidate,
            touch=event_touch or last_email_to(candidate),
            kind=kind,
            occurred_at=data["occurred_at"],
            data={key: value for key, value in data.items() if key != "occurred_at"},
        )
        record_activity(
            candidate=candidate, kind=Activity.Kind.PRIVACY, summary=summary[:255], data=data_json(data)
        )
    engagement.refresh_candidates([c.pk for c in people])


def data_json(data: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in data.items()}


def last_email_to(candidate: Candidate) -> Touch | None:
    """The latest email sent to the person: what a provider event without a usable id is taken to be about."""
    return (
        Touch.objects.filter(candidate=candidate, channel=Channel.EMAIL, status=Touch.Status.SENT)
        .order_by("-sent_at", "-pk")
        .first()
    )


@transaction.atomic
def record_hard_bounce(
    *, address: str, touch: Touch | None = None, detail: str = "", occurred_at: datetime | None = None
) -> Candidate | None:
    """A permanent delivery failure. Returns the person it concerns (None when nobody has the address)."""
    occurred_at = occurred_at or timezone.now()
    address = address or (touch.candidate.email if touch else "")
    people = _people(address, touch)
    if not _suppress(address, Suppression.Reason.BOUNCED):
        return people[0] if people else None
    summary = f"Email to {address} bounced{f' ({detail})' if detail else ''}: no more email to this address"
    _stop_and_record(
        people,
        touch=touch,
        kind=EngagementEvent.Kind.BOUNCED,
        reason="email bounced",
        summary=summary,
        data={"address": address, "detail": detail, "occurred_at": occurred_at},
    )
    return people[0] if people else None


@transaction.atomic
def record_soft_bounce(
    *, address: str, touch: Touch | None = None, detail: str = "", occurred_at: datetime | None = None
) -> Candidate | None:
    """A temporary failure (mailbox full, server down): counted, and the `SOFT_BOUNCE_LIMIT`-th within
    `SOFT_BOUNCE_DAYS` days counts as a hard bounce. The caller has stored this one as an InboundMessage."""
    occurred_at = occurred_at or timezone.now()
    people = _people(address, touch)
    recent = (
        InboundMessage.objects.annotate(address_key=Lower("address"))
        .filter(
            kind=InboundMessage.Kind.SOFT_BOUNCE,
            address_key=address.lower(),
            received_at__gt=occurred_at - timedelta(days=SOFT_BOUNCE_DAYS),
            received_at__lte=occurred_at,
        )
        .count()
    )
    if recent >= SOFT_BOUNCE_LIMIT:
        return record_hard_bounce(
            address=address,
            touch=touch,
            detail=f"{recent} temporary failures in {SOFT_BOUNCE_DAYS} days",
            occurred_at=occurred_at,
        )
    for candidate in people:
        record_activity(
            candidate=candidate,
            kind=Activity.Kind.TOUCH,
            summary=f"Email to {address} could not be delivered for now{f' ({detail})' if detail else ''}"[
                :255
            ],
            data={"address": address, "temporary_failures": recent},
        )
    return people[0] if people else None


@transaction.atomic
def record_complaint(
    *, address: str, touch: Touch | None = None, occurred_at: datetime | None = None, source: str = ""
) -> Candidate | None:
    """The person marked our email as spam: never mail them again, and tell the admins."""
    occurred_at = occurred_at or timezone.now()
    address = address or (touch.candidate.email if touch else "")
    people = _people(address, touch)
    if not _suppress(address, Suppression.Reason.COMPLAINED):
        return people[0] if people else None
    _stop_and_record(
        people,
        touch=touch,
        kind=EngagementEvent.Kind.COMPLAINED,
        reason="marked our email as spam",
        summary=f"Marked our email as spam ({address}): no more email to this address",
        data={"address": address, "source": source, "occurred_at": occurred_at},
    )
    candidate = people[0] if people else None
    alert_admins_of_complaint.delay_on_commit(address, candidate.pk if candidate else None)
    return candidate


@transaction.atomic
def record_unsubscribe(
    *, address: str, touch: Touch | None = None, occurred_at: datetime | None = None
) -> None:
    """A provider's unsubscribe event (its own unsubscribe link or List-Unsubscribe handling)."""
    for candidate in _people(address, touch):
        unsubscribe(candidate=candidate, touch=touch, now=occurred_at)


def record_auto_reply(record: InboundMessage) -> None:
    """On the timeline, never more: an out-of-office does not stop a sequence."""
    assert record.candidate is not None
    back = f", back on {record.return_date:%-d %b %Y}" if record.return_date else ""
    record_activity(
        candidate=record.candidate,
        kind=Activity.Kind.REPLY,
        summary=f"Auto-reply{back}: {record.subject}"[:255] if record.subject else f"Auto-reply{back}",
        data={
            "inbound_message_id": record.pk,
            "return_date": record.return_date.isoformat() if record.return_date else None,
        },
    )


@transaction.atomic
def record_provider_event(
    *, key: str, kind: str, address: str, touch: Touch | None, detail: str = "", occurred_at: datetime
) -> tuple[InboundMessage, bool]:
    """A provider's tracking event (bounced, rejected, complained, unsubscribed), once per event id: the same
    outcome as the DSN or ARF report it stands for."""
    try:
        with transaction.atomic():
            record = InboundMessage.objects.create(
                key=key[:255],
                source=InboundMessage.Source.PROVIDER,
                kind=kind,
                address=address[:254],
                touch=touch,
                detail=detail[:255],
                received_at=occurred_at,
            )
    except IntegrityError:
        return InboundMessage.objects.get(key=key[:255]), False
    if kind == InboundMessage.Kind.HARD_BOUNCE:
        record.candidate = record_hard_bounce(
            address=address, touch=touch, detail=detail, occurred_at=occurred_at
        )
    elif kind == InboundMessage.Kind.COMPLAINT:
        record.candidate = record_complaint(
            address=address, touch=touch, occurred_at=occurred_at, source=InboundMessage.Source.PROVIDER
        )
    elif kind == InboundMessage.Kind.UNSUBSCRIBE:
        record_unsubscribe(address=address, touch=touch, occurred_at=occurred_at)
        record.candidate = touch.candidate if touch else candidate_with_address(address)
    record.save(update_fields=["candidate"])
    return record, True
