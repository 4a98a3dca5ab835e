"""The dispatcher: claim due email touches under a lease, re-check the stop rules, send, record the outcome
and schedule the next step.

The database is the source of truth: every planned contact is a Touch row. Sending is at-least-once at the
SMTP boundary (a worker killed after the server accepted a message but before it recorded that will have
the message sent again when the lease expires); the touch's idempotency key is the Message-ID, so that rare
retry is recognisably the same message.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from candidates.models import Activity, Candidate, Source
from candidates.services import record_activity

from . import email as outreach_email
from .conversation import postpone_held_touches
from .enrollment import stop_enrollment
from .models import EngagementEvent, Enrollment, Sequence, Step, Touch
from .scheduling import schedule_next_step
from .stop_rules import ENROLLMENT_NOT_ACTIVE, Facts, send_facts, stop_rule

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
CLAIM_WINDOW = 4  # due rows read per claimable row wanted (the rest are paused, stopped or locked elsewhere)
MAX_ATTEMPTS = 5


@dataclass
class DispatchResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0

    def add(self, other: "DispatchResult") -> None:
        self.sent += other.sent
        self.skipped += other.skipped
        self.failed += other.failed
        self.retried += other.retried


def claim_due_touches(*, now: datetime, limit: int, lease: timedelta = LEASE) -> tuple[uuid.UUID, list[int]]:
    """Take a lease on up to `limit` due email touches; returns the claim token and the claimed ids.

    Due means scheduled and due, or left in "sending" by a worker whose lease has expired; only touches of
    active enrollments in active sequences. On PostgreSQL rows locked by another dispatcher are skipped (SKIP
    LOCKED); on SQLite writers are serialised. Either way the conditional UPDATE is the claim: a row is only
    ever claimed by one dispatcher at a time.

    Every query reads one table, by index: the oldest due touches a window at a time, then their
    enrollments by id, then the locks on the live ones. A query joining touch, enrollment and sequence lets
    PostgreSQL pick a plan quadratic in the backlog while its statistics lag behind a bulk insert (minutes
    for 100,000 touches).
    """
    token = uuid.uuid4()
    due = Q(status=Touch.Status.SCHEDULED, due_at__lte=now) | Q(
        status=Touch.Status.SENDING, lease_expires_at__lt=now
    )
    oldest_due = Touch.objects.filter(due, channel="email").order_by("due_at", "pk")
    active_sequences = set(
        Sequence.objects.filter(status=Sequence.Status.ACTIVE).values_list("pk", flat=True)
    )
    with transaction.atomic():
        ids: list[int] = []
        while not ids:
            window = list(oldest_due.values_list("pk", "due_at", "enrollment_id")[: limit * CLAIM_WINDOW])
            if not window:
                return token, []
            live = {
                pk
                for pk, status, sequence_id in Enrollment.objects.filter(
                    pk__in={enrollment_id for _, _, enrollment_id in window}
                ).values_list("pk", "status", "sequence_id")
                if status == Enrollment.Status.ACTIVE and sequence_id in active_sequences
            }
            claimable = Touch.objects.filter(
                due, pk__in=[pk for pk, _, enrollment_id in window if enrollment_id in live]
            ).order_by("due_at", "pk")
            if connection.features.has_select_for_update_skip_locked:
                claimable = claimable.select_for_update(skip_locked=True)
            ids = list(claimable.values_list("pk", flat=True)[:limit])
            last_pk, last_due, _ = window[-1]
            oldest_due = oldest_due.filter(Q(due_at__gt=last_due) | Q(due_at=last_due, pk__gt=last_pk))
        Touch.objects.filter(Q(pk__in=ids), due).update(
            status=Touch.Status.SENDING, lease_expires_at=now + lease, claim_token=token
        )
    claimed = list(Touch.objects.filter(pk__in=ids, claim_token=token).values_list("pk", flat=True))
    return token, claimed


def dispatch_due_touches(
    *, now: datetime | None = None, batch_size: int = 200, max_batches: int | None = None
) -> DispatchResult:
    """One pass of the dispatcher: claim due emails batch by batch and send each; safe to run in parallel."""
    now = now or timezone.now()
    postpone_held_touches(now=now)
    result = DispatchResult()
    batches = 0
    while max_batches is None or batches < max_batches:
        token, ids = claim_due_touches(now=now, limit=batch_size)
        if not ids:
            break
        batches += 1
        touches = list(
            Touch.objects.filter(pk__in=ids).select_related("candidate", "enrollment__sequence__sender")
        )
        facts = send_facts(touches, today=timezone.localdate(now))
        steps = _steps_of({t.enrollment.sequence_id for t in touches})
        smtp = _open_smtp_session()
        try:
            for touch in touches:
                result.add(send_touch(touch=touch, token=token, now=now, facts=facts, steps=steps, smtp=smtp))
        finally:
            smtp.close()
    return result


def _steps_of(sequence_ids: set[int]) -> dict[int, list[Step]]:
    """The steps of these sequences in order, read once for a batch (to schedule each next step)."""
    steps: dict[int, list[Step]] = {pk: [] for pk in sequence_ids}
    for step in Step.objects.filter(sequence_id__in=sequence_ids).order_by("position"):
        steps[step.sequence_id].append(step)
    return steps


def _open_smtp_session() -> BaseEmailBackend:
    """One SMTP session for a batch rather than one per message.

    When the server cannot be reached the session stays closed, and each send then tries on its own and
    records its own failure and retry.
    """
    smtp = mail.get_connection()
    try:
        smtp.open()
    except Exception as error:
        logger.warning("Could not open an SMTP session for the batch: %s", error)
    return smtp


def _commit_without_waiting_for_disk() -> None:
    """Let PostgreSQL acknowledge this transaction's COMMIT before its WAL reaches the disk.

    Used for the bookkeeping after a message has left: waiting for the fsync cost ~10 ms per email. A database
    crash in the next fraction of a second can lose the "sent" mark, and the touch is then sent again when its
    lease expires, exactly as when a worker dies after sending: the at-least-once case the Message-ID covers.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def send_touch(
    *,
    touch: Touch,
    token: uuid.UUID,
    now: datetime,
    facts: Facts | None = None,
    steps: dict[int, list[Step]] | None = None,
    smtp: BaseEmailBackend | None = None,
) -> DispatchResult:
    """Send one claimed email touch, then record the outcome and schedule the next step."""
    facts = facts or send_facts([touch], today=timezone.localdate(now))
    reason = stop_rule(touch, facts)
    if reason:
        return _skip(touch, token, reason)
    attach_notice = (
        touch.candidate.source != Source.APPLIED and touch.candidate.privacy_notice_sent_at is None
    )
    try:
        message = outreach_email.build_message(touch, privacy_notice=attach_notice)
        message.connection = smtp
        message.send()
    except Exception as error:  # an SMTP or rendering failure: retry with backoff, then give up
        if smtp is not None:
            smtp.close()  # a broken session is reopened by the next send
        return _record_failure(touch, token, now, error)
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        if not Touch.objects.filter(pk=touch.pk, claim_token=token, status=Touch.Status.SENDING).update(
            status=Touch.Status.SENT,
            sent_at=now,
            lease_expires_at=None,
            subject=message.subject,
            last_error="",
        ):
            logger.warning("Touch %s was sent after its lease passed to another dispatcher", touch.pk)
            return DispatchResult()
        candidate = touch.candidate
        updates = {"last_contacted_at": now}
        if attach_notice:
            updates["privacy_notice_sent_at"] = now
        Candidate.objects.filter(pk=candidate.pk).update(**updates)
        EngagementEvent.objects.create(candidate=candidate, touch=touch, kind="sent", occurred_at=now)
        record_activity(
            candidate=candidate,
            kind=Activity.Kind.TOUCH,
            summary=f"Email sent: {message.subject}",
            body=str(message.body),
            data={
                "touch_id": touch.pk,
                "sequence": touch.enrollment.sequence.name,
                "privacy_notice": attach_notice,
            },
        )
        sequence_steps = steps.get(touch.enrollment.sequence_id) if steps else None
        schedule_next_step(touch.enrollment, touch, now, steps=sequence_steps)
    return DispatchResult(sent=1)


@transaction.atomic
def _skip(touch: Touch, token: uuid.UUID, reason: str) -> DispatchResult:
    """Mark a claimed touch skipped and stop its enrollment, in one transaction: a crash between the two would
    leave a live enrollment with nothing planned. On a crash the touch stays claimed, and is claimed again
    once its lease expires. A touch whose enrollment was paused since the claim is not skipped but put back
    (the resume reschedules it), as it is when the enrollment was already resumed again."""
    claimed = Touch.objects.filter(pk=touch.pk, claim_token=token)
    if (
        reason == ENROLLMENT_NOT_ACTIVE
        and Enrollment.objects.filter(pk=touch.enrollment_id, status__in=Enrollment.LIVE_STATUSES).exists()
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
