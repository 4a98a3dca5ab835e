"""The outbox: every email Longlist sends is a Touch row, sent by the dispatcher (outreach/dispatch.py) with the
same lease, stop rules, Art. 14 notice and caps. Sequence steps are planned by scheduling.py; everything else a
person writes comes in here: one-off emails from a profile, replies in thread, bulk emails to a selection,
rejection emails and meeting invitations (`queue_email`). Each may be sent later and cancelled before it goes.

Writing to someone who unsubscribed from nurture is allowed only as a personal message (never marketing: no
unsubscribe headers or footer), which the recruiter confirms in the compose form; erased, suppressed (a hard
bounce, a complaint) and do-not-contact people are never written to.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from candidates.models import Activity, Candidate
from candidates.services import record_activity

from . import placeholders
from .email import placeholder_values, sender_identity
from .models import RejectionEmail, Reply, Touch
from .stop_rules import email_facts, email_reason

UNSUBSCRIBED = "unsubscribed"
_REPLY_PREFIX = re.compile(r"^\s*(re|aw|sv|antw)\s*:", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
MAX_REFERENCES = 20  # the newest ids kept in References (RFC 5322 lets a client trim the middle)


class NeedsConfirmation(ValidationError):
    """The person unsubscribed from nurture: the email may go only as a personal message, once confirmed."""


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str


@dataclass
class BulkResult:
    queued: list[Touch] = field(default_factory=list)
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)  # (person, why)


def _validate(subject: str, body: str) -> None:
    if not subject.strip():
        raise ValidationError("Write a subject.")
    if not body.strip():
        raise ValidationError("Write a message.")
    try:
        placeholders.validate(subject)
        placeholders.validate(body)
    except placeholders.TemplateError as error:
        raise ValidationError(str(error)) from error


def queue_email(
    candidate: Candidate,
    *,
    sender: User | None,
    subject: str,
    body: str,
    kind: str,
    send_at: datetime | None = None,
    to_address: str = "",
    in_reply_to: str = "",
    references: str = "",
    personal: bool = False,
    calendar: str = "",
    created_by: User | None = None,
) -> Touch:
    """Put one email in the outbox: due at `send_at` (now when not given), sent by the dispatcher as
    `sender`'s identity. `to_address` sends it to someone else about this candidate (a copy to a meeting's
    host); `personal` marks a personal message (no unsubscribe headers or footer); `calendar` is iCalendar text
    sent with it. Placeholders are checked here and filled in when it is sent."""
    if kind == Touch.Kind.SEQUENCE or kind not in Touch.Kind.values:
        raise ValidationError("Sequence steps are planned by their sequence, not queued.")
    if candidate.erased_at:
        raise ValidationError("This person's data was erased.")
    _validate(subject, body)
    return Touch.objects.create(
        kind=kind,
        candidate=candidate,
        channel="email",
        status=Touch.Status.SCHEDULED,
        due_at=send_at or timezone.now(),
        sender=sender,
        created_by=created_by,
        subject=subject,
        body=body,
        to_address=to_address,
        in_reply_to=in_reply_to,
        references=references,
        personal=personal,
        calendar=calendar,
    )


@transaction.atomic
def cancel_email(touch: Touch, by: User | None) -> bool:
    """Cancel an email of any kind that has not started to go out; False when it is sending or gone already."""
    if not Touch.objects.filter(pk=touch.pk, channel="email", status=Touch.Status.SCHEDULED).update(
        status=Touch.Status.CANCELLED, lease_expires_at=None, claim_token=None
    ):
        return False
    touch.status = Touch.Status.CANCELLED
    if touch.kind == Touch.Kind.REJECTION:
        RejectionEmail.objects.filter(touch=touch).update(
            status=RejectionEmail.Status.CANCELLED, outcome="cancelled before sending"
        )
    record_activity(
        candidate=touch.candidate,
        kind=Activity.Kind.TOUCH,
        actor=by,
        summary=f"Email cancelled before sending: {touch.subject}",
        data={"touch_id": touch.pk, "kind": touch.kind},
    )
    return True


# --- Writing ------------------------------------------------------------------------------------------


def with_signature(body: str, sender: User | None) -> str:
    """The body with the sender identity's signature under it (the usual "-- " separator)."""
    identity = sender_identity(sender)
    if identity is None or not identity.signature.strip():
        return body
    return f"{body.rstrip()}\n\n-- \n{identity.signature.strip()}"


def preview_email(*, candidate: Candidate, sender: User | None, subject: str, body: str) -> Preview:
    """The email as this person will read it (placeholders filled, signature added); raises ValidationError
    naming a bad placeholder."""
    try:
        placeholders.validate(subject)
        placeholders.validate(body)
    except placeholders.TemplateError as error:
        raise ValidationError(str(error)) from error
    values = placeholder_values(candidate, sender)
    return Preview(
        subject=placeholders.render_text(subject, values),
        body=placeholders.render_text(with_signature(body, sender), values),
    )


def why_not_write(candidate: Candidate, *, personal: bool) -> str:
    """Why this person may not be written to ('' when they may): UNSUBSCRIBED means "only as a personal
    message"."""
    return email_reason(candidate, email_facts([candidate], timezone.localdate()), personal=personal)


def _check_one(candidate: Candidate, personal: bool) -> None:
    reason = why_not_write(candidate, personal=personal)
    if reason == UNSUBSCRIBED:
        raise NeedsConfirmation(
            f"{candidate.full_name} unsubscribed from our emails. Send it only as a personal message "
            "(never marketing: no unsubscribe footer), and only if they expect to hear from you."
        )
    if reason:
        raise ValidationError(f"{candidate.full_name} cannot be emailed: {reason}.")


def _record_scheduled(touch: Touch, by: User | None) -> None:
    """Email sent later shows on the timeline when it is planned (sent ones show when they go)."""
    if touch.due_at > timezone.now():
        record_activity(
            candidate=touch.candidate,
            kind=Activity.Kind.TOUCH,
            actor=by,
            summary=f"Email to be sent {timezone.localtime(touch.due_at):%-d %b %Y, %H:%M}: {touch.subject}",
            data={"touch_id": touch.pk, "kind": touch.kind},
        )


@transaction.atomic
def write_one_off(
    *,
    candidate: Candidate,
    sender: User,
    subject: str,
    body: str,
    send_at: datetime | None = None,
    personal: bool = False,
) -> Touch:
    """A one-off email from the person's profile, signed with the sender's signature."""
    _check_one(candidate, personal)
    touch = queue_email(
        candidate,
        sender=sender,
        subject=subject,
        body=with_signature(body, sender),
        kind=Touch.Kind.ONE_OFF,
        send_at=send_at,
        personal=personal,
        created_by=sender,
    )
    _record_scheduled(touch, sender)
    return touch


def reply_subject(subject: str) -> str:
    """ "Re: " once, whatever the earlier replies put in front."""
    subject = subject.strip()
    if _REPLY_PREFIX.match(subject):
        return "Re: " + _REPLY_PREFIX.sub("", subject, count=1).strip()
    return f"Re: {subject}" if subject else "Re: your message"


def thread_of(reply: Reply) -> tuple[str, str]:
    """(In-Reply-To, References) for an answer to this reply: its Message-ID, after its own References (or,
    for a reply logged by hand, the email of ours it answered)."""
    answered = reply.message_id or (reply.touch.message_id if reply.touch else "")
    if answered and not answered.startswith("<"):
        answered = f"<{answered}>"
    chain = _MESSAGE_ID.findall(reply.references or "")
    if not chain and reply.in_reply_to:
        chain = _MESSAGE_ID.findall(reply.in_reply_to)
    if answered and answered not in chain:
        chain.append(answered)
    return answered, " ".join(chain[-MAX_REFERENCES:])


@transaction.atomic
def write_reply(
    *,
    reply: Reply,
    sender: User,
    body: str,
    send_at: datetime | None = None,
    personal: bool = False,
) -> Touch:
    """An answer to a candidate's reply, in its thread: "Re:" subject, In-Reply-To and References; the reply
    links to it."""
    candidate = reply.candidate
    if candidate is None:
        raise ValidationError("Match this reply to a candidate first.")
    _check_one(candidate, personal)
    in_reply_to, references = thread_of(reply)
    touch = queue_email(
        candidate,
        sender=sender,
        subject=reply_subject(reply.subject or (reply.touch.subject if reply.touch else "")),
        body=with_signature(body, sender),
        kind=Touch.Kind.REPLY,
        send_at=send_at,
        in_reply_to=in_reply_to,
        references=references,
        personal=personal,
        created_by=sender,
    )
    Touch.objects.filter(pk=touch.pk).update(answering=reply)
    touch.answering = reply
    _record_scheduled(touch, sender)
    return touch


@transaction.atomic
def write_bulk(
    *,
    candidates: list[Candidate],
    sender: User,
    subject: str,
    body: str,
    send_at: datetime | None = None,
) -> BulkResult:
    """One email to each of these people, placeholders filled for each when sent. Bulk email is marketing:
    people who unsubscribed, are suppressed, erased, do-not-contact or have no address are skipped, and the
    result says who and why."""
    _validate(subject, body)
    signed = with_signature(body, sender)
    facts = email_facts(candidates, timezone.localdate())
    result = BulkResult()
    for candidate in candidates:
        reason = email_reason(candidate, facts, personal=False)
        if reason:
            result.skipped.append((candidate, reason))
            continue
        touch = queue_email(
            candidate,
            sender=sender,
            subject=subject,
            body=signed,
            kind=Touch.Kind.BULK,
            send_at=send_at,
            created_by=sender,
        )
        _record_scheduled(touch, sender)
        result.queued.append(touch)
    return result
