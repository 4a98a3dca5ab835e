"""The dispatcher: claim due email touches under a lease, re-check the stop rules, send, record the outcome
and schedule the next step. Every email of the outbox is a touch (sequence steps, one-off and bulk emails,
replies, rejection emails, invitations: `Touch.kind`): all are claimed, leased and sent alike; only a sequence
step has an enrollment, whose state gates the claim and which plans its next step.

The database is the source of truth: every planned contact is a Touch row. A lease is granted from the time
of the claim, never in the past, renewed while the batch is worked through, and confirmed and extended
right before each send, so another dispatcher takes a touch only from a dispatcher that stopped working on
it. Sending is at-least-once at the SMTP boundary only for the message in flight when a worker or the database
dies (it is sent again when the lease expires, with the same Message-ID, the touch's idempotency key); a
message whose answer was lost after the server had all of it is marked possibly delivered, not sent again.
"""

import logging
import smtplib
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from candidates.models import Activity, Candidate, Source
from candidates.services import record_activity

from . import email as outreach_email
from . import identities, pacing
from .conversation import FEWER_MESSAGES_DAYS, postpone_held_touches
from .enrollment import stop_enrollment
from .identities import ensure_identities, pace_of
from .models import (
    Channel,
    EngagementEvent,
    Enrollment,
    RejectionEmail,
    SenderIdentity,
    Sequence,
    Step,
    Touch,
)
from .scheduling import schedule_next_step, send_window, timezone_of
from .stop_rules import ENROLLMENT_NOT_ACTIVE, Facts, send_facts, stop_rule
from .timing import snap_into_window, to_local

logger = logging.getLogger(__name__)

CLAIM_WINDOW = 4  # due rows read per claimable row wanted (the rest are paused, stopped or locked elsewhere)
MAX_ATTEMPTS = 5
ANSWERS_PER_SEND = 5  # MAIL, RCPT, DATA, the message, and RSET after a refusal: each within EMAIL_TIMEOUT


def lease_length() -> timedelta:
    return timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)


def send_lease() -> timedelta:
    """The lease taken right before a send: the usual one, or longer than the slowest send the SMTP client
    waits for, whichever is longer."""
    return max(lease_length(), timedelta(seconds=ANSWERS_PER_SEND * settings.EMAIL_TIMEOUT))


def lease_until(now: datetime, length: timedelta) -> datetime:
    """When a lease granted at `now` ends. Never in the past: a pass whose clock is behind (`--now` in the
    past) leases from the real time, so dispatchers on the real clock see the touch held."""
    return max(now, timezone.now()) + length


@dataclass(frozen=True)
class PassClock:
    """A pass's time: `--now`, or the real time, at its start, running on with the real clock; a claim made
    an hour into a pass is made at that hour."""

    start: datetime
    started: float = field(default_factory=time.monotonic)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.started)


@dataclass
class DispatchResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0
    possibly_delivered: int = 0

    def add(self, other: "DispatchResult") -> None:
        self.sent += other.sent
        self.skipped += other.skipped
        self.failed += other.failed
        self.retried += other.retried
        self.possibly_delivered += other.possibly_delivered


def senders_with_due_email(now: datetime) -> list[int | None]:
    """The users (None: the site's address) with emails due or left in flight by a dead worker."""
    waiting = Touch.objects.filter(
        Q(status=Touch.Status.SCHEDULED, due_at__lte=now)
        | Q(status=Touch.Status.SENDING, lease_expires_at__lt=now),
        channel=Channel.EMAIL,
    )
    senders: list[int | None] = list(waiting.order_by().values_list("sender_id", flat=True).distinct())
    ensure_identities([sender for sender in senders if sender is not None])
    return senders


def claim_due_touches(
    *, now: datetime, limit: int, senders: list[int | None] | None = None
) -> tuple[uuid.UUID, list[int]]:
    """Take a lease on up to `limit` email touches that may go out at `now`; returns the claim token and the
    claimed ids.

    Per sender identity, its due emails (scheduled and due, of live enrollments in active sequences, or of no
    enrollment) are paced (`pacing.plan`): only those whose send time has come are claimed, so a backlog goes
    out at the identity's pace, never in one pass. A touch left in "sending" by a worker whose lease expired
    is claimed again as it is (it had its turn). Each identity is paced under a lock on its row, held only
    while claiming (another dispatcher waits for it, then counts those claims as in flight); the conditional
    UPDATE is the claim, so a row is only ever claimed by one dispatcher at a time.

    `senders` are the senders to look at: a pass finds them once (`senders_with_due_email`).

    Every query reads one table, by index. A query joining touch, enrollment and sequence lets PostgreSQL pick
    a plan quadratic in the backlog while its statistics lag behind a bulk insert.
    """
    token = uuid.uuid4()
    if senders is None:
        senders = senders_with_due_email(now)
    sequences = {
        sequence.pk: sequence
        for sequence in Sequence.objects.filter(status=Sequence.Status.ACTIVE).only(
            "min_gap_days", "send_window_start", "send_window_end", "business_days_only", "sender_timezone"
        )
    }
    claimed: list[int] = []
    for sender_id in senders:
        if len(claimed) >= limit:
            break
        claimed += _claim_for_sender(
            sender_id, token=token, now=now, limit=limit - len(claimed), sequences=sequences
        )
    return token, claimed


def _claim_for_sender(
    sender_id: int | None,
    *,
    token: uuid.UUID,
    now: datetime,
    limit: int,
    sequences: dict[int, Sequence],
) -> list[int]:
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        identity = None
        if sender_id is not None:
            # Waits (milliseconds) while another dispatcher claims for this identity, then paces with its
            # claims in flight: two dispatchers never plan one identity's sends from the same history.
            identity = SenderIdentity.objects.select_for_update().filter(user_id=sender_id).first()
        own = Touch.objects.filter(channel=Channel.EMAIL, sender_id=sender_id)
        # Left in flight by a dead worker (they had their turn), and meeting invitations, cancellations and
        # reminders and data request emails: a person just booked (or asked) and waits for it, so it never queues
        # behind the outreach pace.
        ids = list(
            own.filter(
                Q(status=Touch.Status.SENDING, lease_expires_at__lt=now)
                | Q(status=Touch.Status.SCHEDULED, due_at__lte=now, kind__in=Touch.UNPACED_KINDS)
            )
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        backlog = _due_backlog(
            own.exclude(kind__in=Touch.UNPACED_KINDS), now=now, wanted=limit, sequences=sequences
        )
        pace = pace_of(identity)
        planned = pacing.plan(
            pace=pace, backlog=backlog, now=now, history=_history(own, pace, now), until=now
        )
        ids += [key for key, _ in planned][: limit - len(ids)]
        if not ids:
            return []
        claimable = Touch.objects.filter(
            Q(status=Touch.Status.SCHEDULED) | Q(status=Touch.Status.SENDING, lease_expires_at__lt=now),
            pk__in=ids,
        )
        if skip_locked:
            claimable = claimable.select_for_update(skip_locked=True)
        locked = list(claimable.values_list("pk", flat=True))
        Touch.objects.filter(pk__in=locked).update(
            status=Touch.Status.SENDING, lease_expires_at=lease_until(now, lease_length()), claim_token=token
        )
    return list(Touch.objects.filter(pk__in=locked, claim_token=token).values_list("pk", flat=True))


def _due_backlog(
    own: QuerySet[Touch], *, now: datetime, wanted: int, sequences: dict[int, Sequence]
) -> list[pacing.Queued]:
    """The oldest due emails of one sender that may go out (live enrollment, active sequence), with each
    person's rules: up to `wanted` of them that no rule holds back now, read a window at a time."""
    oldest_due = own.filter(status=Touch.Status.SCHEDULED, due_at__lte=now).order_by("due_at", "pk")
    backlog: list[pacing.Queued] = []
    free = 0
    while free < wanted:
        window = list(
            oldest_due.values("pk", "due_at", "enrollment_id", "candidate_id", "kind", "personal")[
                : wanted * CLAIM_WINDOW
            ]
        )
        if not window:
            break
        enrollments = dict(
            Enrollment.objects.filter(
                pk__in={row["enrollment_id"] for row in window}, status=Enrollment.Status.ACTIVE
            ).values_list("pk", "sequence_id")
        )
        live: list[tuple[Mapping[str, Any], Sequence | None]] = []
        for row in window:
            if row["enrollment_id"] is None:
                live.append((row, None))
            elif enrollments.get(row["enrollment_id"]) in sequences:
                live.append((row, sequences[enrollments[row["enrollment_id"]]]))
        for queued in _with_person_rules(live, now):
            backlog.append(queued)
            free += queued.not_before is None or queued.not_before <= now
        last = window[-1]
        oldest_due = oldest_due.filter(
            Q(due_at__gt=last["due_at"]) | Q(due_at=last["due_at"], pk__gt=last["pk"])
        )
    return backlog


def _with_person_rules(
    live: list[tuple[Mapping[str, Any], Sequence | None]], now: datetime
) -> list[pacing.Queued]:
    """Due emails as pacing sees them. Marketing emails (sequence steps, bulk) carry their person's rules:
    "fewer emails" (at most one every FEWER_MESSAGES_DAYS) and the sequence's minimum gap after an email
    from another enrollment; a sequence step that fell due while its sequence's window (the person's hours)
    was open waits for it to open again. Personal ones (one-off, replies, rejections, invitations) carry
    none."""
    marketing = {
        row["pk"]
        for row, _ in live
        if row["kind"] in (Touch.Kind.SEQUENCE, Touch.Kind.BULK) and not row["personal"]
    }
    people = {
        pk: (zone_name, fewer)
        for pk, zone_name, fewer in Candidate.objects.filter(
            pk__in={row["candidate_id"] for row, _ in live if row["pk"] in marketing}
        ).values_list("pk", "timezone", "fewer_messages")
    }
    last_emails: dict[int, list[tuple[int | None, datetime]]] = {}
    for candidate_id, enrollment_id, sent_at in Touch.objects.filter(
        candidate_id__in=people,
        channel=Channel.EMAIL,
        status__in=[Touch.Status.SENT, Touch.Status.POSSIBLY_DELIVERED, Touch.Status.SENDING],
    ).values_list("candidate_id", "enrollment_id", "sent_at"):
        last_emails.setdefault(candidate_id, []).append((enrollment_id, sent_at or now))
    queued = []
    for row, sequence in live:
        if row["pk"] not in marketing:
            queued.append(pacing.Queued(key=row["pk"], due_at=row["due_at"]))
            continue
        person = row["candidate_id"]
        zone_name, fewer = people.get(person, ("", False))
        fewer_gap = timedelta(days=FEWER_MESSAGES_DAYS) if fewer else timedelta(0)
        sequence_gap = timedelta(days=sequence.min_gap_days if sequence else 0)
        earliest = [
            sent_at + max(fewer_gap, sequence_gap if enrollment_id != row["enrollment_id"] else timedelta(0))
            for enrollment_id, sent_at in last_emails.get(person, [])
        ]
        if sequence is not None:
            tz = timezone_of(zone_name, sequence.sender_timezone)
            earliest.append(snap_into_window(now, send_window(sequence), tz))
        not_before = max(earliest, default=None)
        queued.append(
            pacing.Queued(
                key=row["pk"],
                due_at=row["due_at"],
                recipient=person,
                not_before=not_before if not_before is not None and not_before > now else None,
                gap=max(fewer_gap, sequence_gap),
            )
        )
    return queued


def _history(own: QuerySet[Touch], pace: pacing.Pace, now: datetime) -> pacing.History:
    """What one identity sent on its local day of `now` (an email in flight counts as sent now), and when it
    last sent."""
    today = to_local(now, pace.tz).date()
    day_start = datetime.combine(today, datetime.min.time(), tzinfo=pace.tz)
    day_end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=pace.tz)
    done = own.filter(
        status__in=[Touch.Status.SENT, Touch.Status.POSSIBLY_DELIVERED],
        sent_at__gte=min(day_start, now - pace.spacing),
        sent_at__lt=max(day_end, now),
    ).aggregate(today=Count("pk", filter=Q(sent_at__gte=day_start, sent_at__lt=day_end)), last=Max("sent_at"))
    in_flight = own.filter(status=Touch.Status.SENDING, lease_expires_at__gte=now).count()
    last = now if in_flight else done["last"]
    return pacing.History(per_day={today: done["today"] + in_flight}, last_sent=last)


def dispatch_due_touches(
    *, now: datetime | None = None, batch_size: int = 200, max_batches: int | None = None
) -> DispatchResult:
    """One pass of the dispatcher: claim due emails batch by batch and send each; safe to run in parallel."""
    clock = PassClock(now or timezone.now())
    postpone_held_touches(now=clock.now())
    result = DispatchResult()
    batches = 0
    senders = senders_with_due_email(clock.now())
    while max_batches is None or batches < max_batches:
        token, ids = claim_due_touches(now=clock.now(), limit=batch_size, senders=senders)
        if not ids:
            break
        batches += 1
        touches = list(
            Touch.objects.filter(pk__in=ids)
            .select_related(
                "candidate", "enrollment__sequence__sender__sender_identity", "sender__sender_identity"
            )
            .order_by("sender_id", "due_at", "pk")
        )
        facts = send_facts(touches, today=timezone.localdate(clock.now()))
        steps = _steps_of({t.enrollment.sequence_id for t in touches if t.enrollment is not None})
        renewed = time.monotonic()
        for _, group in groupby(touches, key=lambda t: t.sender_id):
            own = list(group)
            with Session(identities.backend_for(outreach_email.touch_identity(own[0]))) as session:
                for touch in own:
                    if time.monotonic() - renewed > lease_length().total_seconds() / 3:
                        _renew_leases(ids, token, clock.now())
                        renewed = time.monotonic()
                    result.add(
                        send_touch(
                            touch=touch,
                            token=token,
                            now=clock.now(),
                            facts=facts,
                            steps=steps,
                            session=session,
                        )
                    )
    return result


def _steps_of(sequence_ids: set[int]) -> dict[int, list[Step]]:
    """The steps of these sequences in order, read once for a batch (to schedule each next step)."""
    steps: dict[int, list[Step]] = {pk: [] for pk in sequence_ids}
    for step in Step.objects.filter(sequence_id__in=sequence_ids).order_by("position"):
        steps[step.sequence_id].append(step)
    return steps


def _renew_leases(ids: list[int], token: uuid.UUID, now: datetime) -> None:
    """Extend the lease on the batch's touches not dealt with yet (still `sending` under this claim), so that a
    slow batch keeps what it claimed."""
    Touch.objects.filter(pk__in=ids, claim_token=token, status=Touch.Status.SENDING).update(
        lease_expires_at=lease_until(now, lease_length())
    )


def _hold_for_sending(touch: Touch, token: uuid.UUID, now: datetime) -> bool:
    """Right before a send: confirm the touch is still ours and lease it for longer than the send can take,
    in one conditional UPDATE. False when its lease ran out and another dispatcher took it.

    On PostgreSQL it is one round trip that commits without waiting for the disk (a query of two statements
    is one transaction, so SET LOCAL holds for the UPDATE): if a crash loses it, the send under way cannot
    record its outcome on the restarted database either, the in-flight case the crash bound already counts.
    """
    until = lease_until(now, send_lease())
    if connection.vendor != "postgresql" or connection.in_atomic_block:  # SET LOCAL would outlast the UPDATE
        held = Touch.objects.filter(pk=touch.pk, claim_token=token, status=Touch.Status.SENDING)
        return bool(held.update(lease_expires_at=until))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SET LOCAL synchronous_commit = off; UPDATE {Touch._meta.db_table} SET lease_expires_at = %s "
            "WHERE id = %s AND claim_token = %s AND status = %s",
            [until, touch.pk, str(token), Touch.Status.SENDING],
        )
        return cursor.rowcount == 1


class Session:
    """One SMTP session for a batch. It is opened before the first send; a refusal keeps it (the server
    answered, and smtplib reset the transaction); a lost connection closes it, and it is reopened once, before
    the next send, and reused for the rest. When it cannot be opened, the batch's remaining touches are put back
    for a retry without contacting the server again."""

    def __init__(self, backend: BaseEmailBackend | None = None) -> None:
        self.backend: BaseEmailBackend = backend or mail.get_connection()
        self.is_open = False
        self.open_error: Exception | None = None

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def open(self) -> None:
        """Open the session unless it is open; raises the error of a failed opening, then again for every
        later call without trying again."""
        if self.open_error is not None:
            raise self.open_error
        if not self.is_open:
            try:
                self.backend.open()
            except Exception as error:
                logger.warning("Could not open an SMTP session for the batch: %s", error)
                self.open_error = error
                raise
            self.is_open = True

    def send(self, message: EmailMessage) -> None:
        message.connection = self.backend
        try:
            message.send()
        except Exception as error:
            if not _server_answered(error):
                self.close()
            raise

    def close(self) -> None:
        if self.is_open:
            self.is_open = False
            try:
                self.backend.close()
            except Exception as error:  # a broken connection may fail to say goodbye
                logger.info("Closing the SMTP session failed: %s", error)


def _server_answered(error: Exception) -> bool:
    """The server refused with an answer and keeps the session (not 421, which closes it)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code != 421


def send_touch(
    *,
    touch: Touch,
    token: uuid.UUID,
    now: datetime,
    facts: Facts | None = None,
    steps: dict[int, list[Step]] | None = None,
    session: Session | None = None,
) -> DispatchResult:
    """Send one claimed email touch, then record the outcome and schedule the next step."""
    if session is None:
        with Session(identities.backend_for(outreach_email.touch_identity(touch))) as own_session:
            return send_touch(
                touch=touch, token=token, now=now, facts=facts, steps=steps, session=own_session
            )
    facts = facts or send_facts([touch], today=timezone.localdate(now))
    reason = stop_rule(touch, facts)
    if reason:
        return _skip(touch, token, reason)
    attach_notice = (
        touch.to_candidate
        and touch.candidate.source != Source.APPLIED
        and touch.candidate.privacy_notice_sent_at is None
    )
    try:
        message = outreach_email.build_message(touch, privacy_notice=attach_notice)
        session.open()
    except Exception as error:  # a message that cannot be rendered, or no SMTP session: retry with backoff
        return _record_failure(touch, token, now, error)
    if not _hold_for_sending(touch, token, now):
        logger.warning(
            "Touch %s was taken by another dispatcher after its lease ran out; not sent here", touch.pk
        )
        return DispatchResult()
    try:
        session.send(message)
    except SoftTimeLimitExceeded:
        # The task's time is up in the middle of a send: whether the server has the message is unknown, so the
        # touch stays in flight under its lease, like a worker that died, instead of becoming a plain retry.
        raise
    except outreach_email.PossiblyDelivered as error:
        return _record_possibly_delivered(touch, token, now, error, str(message.subject))
    except Exception as error:  # refused, or no connection: retry with backoff, then give up
        return _record_failure(touch, token, now, error)
    with transaction.atomic():
        if not Touch.objects.filter(pk=touch.pk, claim_token=token, status=Touch.Status.SENDING).update(
            status=Touch.Status.SENT,
            sent_at=now,
            lease_expires_at=None,
            subject=message.subject,
            last_error="",
        ):
            logger.warning("Touch %s was sent after its lease passed to another dispatcher", touch.pk)
            return DispatchResult()
        _record_sent(touch, message, now, attach_notice, steps)
    return DispatchResult(sent=1)


SENT_SUMMARIES: dict[str, str] = {
    Touch.Kind.BULK: "Bulk email sent",
    Touch.Kind.REPLY: "Reply sent",
    Touch.Kind.REJECTION: "Rejection email sent",
    Touch.Kind.MEETING: "Invitation sent",
    Touch.Kind.PRIVACY: "Data request email sent",
}


def _record_sent(
    touch: Touch,
    message: EmailMessage,
    now: datetime,
    attach_notice: bool,
    steps: dict[int, list[Step]] | None,
) -> None:
    """What a sent email changes: the person's last contact (and notice), a "sent" engagement event, the
    timeline; a sequence step plans the next step, a rejection email marks itself sent."""
    candidate = touch.candidate
    data: dict = {"touch_id": touch.pk, "kind": touch.kind, "privacy_notice": attach_notice}
    if touch.to_candidate:
        # Answering a person's own data request is not contacting them: the retention clock does not restart.
        updates = {} if touch.kind == Touch.Kind.PRIVACY else {"last_contacted_at": now}
        if attach_notice:
            updates["privacy_notice_sent_at"] = now
        if updates:
            Candidate.objects.filter(pk=candidate.pk).update(**updates)
        EngagementEvent.objects.create(candidate=candidate, touch=touch, kind="sent", occurred_at=now)
    else:
        data["to"] = touch.to_address
    if touch.enrollment is not None:
        data["sequence"] = touch.enrollment.sequence.name
    if touch.answering_id is not None:
        data["reply_id"] = touch.answering_id
    summary = f"{SENT_SUMMARIES.get(touch.kind, 'Email sent')}: {message.subject}"
    if touch.kind == Touch.Kind.REJECTION:
        rejection = RejectionEmail.objects.filter(touch=touch).select_related("template").first()
        if rejection is not None:
            RejectionEmail.objects.filter(pk=rejection.pk).update(
                status=RejectionEmail.Status.SENT, sent_at=now
            )
            summary = f"Rejection email “{rejection.template.name}” sent"
            data["rejection_email_id"] = rejection.pk
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.TOUCH,
        actor=touch.sender if touch.enrollment is None else None,
        summary=summary,
        body=str(message.body),
        data=data,
    )
    if touch.enrollment is not None:
        sequence_steps = steps.get(touch.enrollment.sequence_id) if steps else None
        schedule_next_step(touch.enrollment, touch, now, steps=sequence_steps)


@transaction.atomic
def _skip(touch: Touch, token: uuid.UUID, reason: str) -> DispatchResult:
    """Mark a claimed touch skipped and stop its enrollment, in one transaction: a crash between the two would
    leave a live enrollment with nothing planned. On a crash the touch stays claimed, and is claimed again
    once its lease expires. A touch whose enrollment was paused since the claim is not skipped but put back
    (the resume reschedules it), as it is when the enrollment was already resumed again. An email of another
    kind is skipped, and the timeline says why it was not sent."""
    claimed = Touch.objects.filter(pk=touch.pk, claim_token=token)
    if touch.enrollment is None:
        if claimed.update(status=Touch.Status.SKIPPED, last_error=reason, lease_expires_at=None):
            if touch.kind == Touch.Kind.REJECTION:
                RejectionEmail.objects.filter(touch=touch).update(
                    status=RejectionEmail.Status.SKIPPED, outcome=reason
                )
            record_activity(
                candidate=touch.candidate,
                kind=Activity.Kind.TOUCH,
                summary=f"Email not sent ({reason}): {touch.subject}",
                data={"touch_id": touch.pk, "kind": touch.kind},
            )
        return DispatchResult(skipped=1)
    if (
        reason == ENROLLMENT_NOT_ACTIVE
        and Enrollment.objects.filter(pk=touch.enrollment.pk, status__in=Enrollment.LIVE_STATUSES).exists()
    ):
        claimed.update(status=Touch.Status.SCHEDULED, lease_expires_at=None, claim_token=None)
        return DispatchResult()
    skipped = claimed.update(status=Touch.Status.SKIPPED, last_error=reason, lease_expires_at=None)
    if skipped and reason != ENROLLMENT_NOT_ACTIVE:
        stop_enrollment(enrollment=touch.enrollment, reason=reason)
    return DispatchResult(skipped=1)


def _record_failure(touch: Touch, token: uuid.UUID, now: datetime, error: Exception) -> DispatchResult:
    attempts = touch.attempts + 1
    final = attempts >= MAX_ATTEMPTS
    Touch.objects.filter(pk=touch.pk, claim_token=token).update(
        status=Touch.Status.FAILED if final else Touch.Status.SCHEDULED,
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        due_at=touch.due_at if final else now + timedelta(minutes=2**attempts),
        lease_expires_at=None,
        claim_token=None,
    )
    logger.warning("Sending touch %s failed (attempt %s): %s", touch.pk, attempts, error)
    if not final:
        return DispatchResult(retried=1)
    record_activity(
        candidate=touch.candidate,
        kind=Activity.Kind.TOUCH,
        summary=f"Email failed after {attempts} tries",
        body=f"{type(error).__name__}: {error}",
        data={"touch_id": touch.pk},
    )
    return DispatchResult(failed=1)


def _record_possibly_delivered(
    touch: Touch, token: uuid.UUID, now: datetime, error: Exception, subject: str
) -> DispatchResult:
    """The server had the whole message but never answered. By default the touch is marked possibly
    delivered, on the touch and the timeline, and the enrollment waits for a person to resend it or not
    (`resend_touch`); with DISPATCH_RESEND_AMBIGUOUS it is retried like a failure (at-least-once)."""
    if settings.DISPATCH_RESEND_AMBIGUOUS:
        return _record_failure(touch, token, now, error)
    with transaction.atomic():
        if not Touch.objects.filter(pk=touch.pk, claim_token=token, status=Touch.Status.SENDING).update(
            status=Touch.Status.POSSIBLY_DELIVERED,
            sent_at=now,
            lease_expires_at=None,
            subject=subject,
            last_error=str(error)[:2000],
        ):
            return DispatchResult()
        record_activity(
            candidate=touch.candidate,
            kind=Activity.Kind.TOUCH,
            summary=f"Email possibly delivered: {subject}",
            body=(
                f"The mail server received the whole message but its answer never came ({error}). "
                "It is not sent again on its own: resend it if it did not arrive."
            ),
            data={"touch_id": touch.pk},
        )
    logger.warning("Touch %s possibly delivered: %s", touch.pk, error)
    return DispatchResult(possibly_delivered=1)


def resend_touch(*, touch: Touch, by: User | None, now: datetime | None = None) -> bool:
    """Send a possibly delivered or failed email again: the touch is due now, with its tries reset, and goes
    out with the same Message-ID. False when it is in neither state (e.g. resent already)."""
    now = now or timezone.now()
    with transaction.atomic():
        resent = Touch.objects.filter(
            pk=touch.pk, status__in=[Touch.Status.POSSIBLY_DELIVERED, Touch.Status.FAILED]
        ).update(
            status=Touch.Status.SCHEDULED,
            due_at=now,
            attempts=0,
            last_error="",
            sent_at=None,
            lease_expires_at=None,
            claim_token=None,
        )
        if resent:
            record_activity(
                candidate=touch.candidate,
                kind=Activity.Kind.TOUCH,
                summary=f"Email to be sent again: {touch.subject}",
                actor=by,
                data={"touch_id": touch.pk},
            )
    return bool(resent)
