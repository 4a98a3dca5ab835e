"""Operations that change sequences, enrollments and touches, and the dispatcher that sends them.

The database is the source of truth: every planned contact is a Touch row. The dispatcher claims due rows
under a lease, re-checks the stop rules, sends, and schedules the next step. Sending is at-least-once at the
SMTP boundary (a worker killed after the server accepted a message but before it recorded that will have
the message sent again when the lease expires); the touch's idempotency key is the Message-ID, so that rare
retry is recognisably the same message.
"""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractBaseUser
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from candidates.models import Activity, Candidate, Source, Suppression, TalentPool
from candidates.search import search_candidates
from candidates.services import record_activity
from pipelines.models import Card, Pipeline

from . import email as outreach_email
from . import engagement, placeholders
from .models import EngagementEvent, Enrollment, EnrollmentBatch, Sequence, Step, Touch
from .timing import SendWindow, apply_daily_cap, next_touch_time

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
CLAIM_WINDOW = 4  # due rows read per claimable row wanted (the rest are paused, stopped or locked elsewhere)
MAX_ATTEMPTS = 5


# --- Sequences and steps ------------------------------------------------------------------------------


@transaction.atomic
def create_sequence(*, by: AbstractBaseUser | None, **fields) -> Sequence:
    sequence = Sequence(created_by=by, **fields)
    sequence.full_clean()
    sequence.save()
    return sequence


def preview_message(
    *, sequence: Sequence, candidate: Candidate | None, subject: str, body: str
) -> dict[str, str]:
    """Render a step's message for a real candidate (or sample values), or say what is wrong with it."""
    touch = Touch(
        enrollment=Enrollment(sequence=sequence, candidate=candidate or SAMPLE_CANDIDATE),
        candidate=candidate or SAMPLE_CANDIDATE,
        subject=subject,
        body=body,
    )
    try:
        placeholders.validate(subject)
        placeholders.validate(body)
    except placeholders.TemplateError as error:
        return {"error": str(error)}
    values = outreach_email.message_values(touch)
    return {
        "subject": placeholders.render_text(subject, values),
        "html": placeholders.render_html(body, values),
    }


SAMPLE_CANDIDATE = Candidate(
    first_name="Alex", last_name="Sample", company="Acme", title="Senior Engineer", city="Berlin"
)


def validate_step(step: Step) -> None:
    """Raise placeholders.TemplateError when the subject or body uses an unknown or malformed placeholder."""
    placeholders.validate(step.subject)
    placeholders.validate(step.body)


@transaction.atomic
def save_step(step: Step) -> Step:
    """Save a step after validating its message. Touches already scheduled keep their own copy."""
    validate_step(step)
    if step.position is None:
        last = step.sequence.steps.order_by("-position").values_list("position", flat=True).first()
        step.position = 0 if last is None else last + 1
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def reorder_steps(*, sequence: Sequence, step_ids: list[int]) -> None:
    """Renumber the steps in the given order (one statement per phase, positions stay unique)."""
    steps = {s.pk: s for s in sequence.steps.all()}
    if sorted(step_ids) != sorted(steps):
        raise ValueError("The new order must list every step of the sequence once.")
    offset = len(steps) + 1000
    for i, pk in enumerate(step_ids):
        steps[pk].position = offset + i
    Step.objects.bulk_update(steps.values(), ["position"])
    for i, pk in enumerate(step_ids):
        steps[pk].position = i
    Step.objects.bulk_update(steps.values(), ["position"])


def delete_step(step: Step) -> None:
    """Delete a step. Touches already scheduled for it are still sent as planned; positions keep their gap,
    so those touches still know which steps come after them."""
    step.delete()


@transaction.atomic
def set_sequence_status(*, sequence: Sequence, status: str, now: datetime | None = None) -> Sequence:
    """Pause, resume or archive a sequence. Resuming moves touches that fell due meanwhile to the next window."""
    sequence.status = status
    sequence.save(update_fields=["status"])
    if status == Sequence.Status.ARCHIVED:
        for enrollment in sequence.enrollments.filter(status__in=Enrollment.LIVE_STATUSES):
            stop_enrollment(enrollment=enrollment, reason="sequence archived")
    elif status == Sequence.Status.ACTIVE:
        for enrollment in sequence.enrollments.filter(status=Enrollment.Status.ACTIVE):
            _resume_overdue_touches(enrollment, now or timezone.now())
    return sequence


# --- Enrollment ---------------------------------------------------------------------------------------


@dataclass
class EnrollmentReport:
    enrolled: list[Enrollment] = field(default_factory=list)
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)


def skip_reason(candidate: Candidate, sequence: Sequence, today: date | None = None) -> str:
    """Why this person must not be enrolled, or '' when they may be."""
    if candidate.erased_at:
        return "erased"
    if candidate.do_not_contact:
        return "do not contact"
    if candidate.unsubscribed_at or is_suppressed(candidate):
        return "unsubscribed"
    if Enrollment.objects.filter(
        sequence=sequence, candidate=candidate, status__in=Enrollment.LIVE_STATUSES
    ).exists():
        return "already enrolled"
    if in_active_hiring_process(candidate):
        return "in an active hiring process"
    if candidate.snoozed_until and candidate.snoozed_until > (today or timezone.localdate()):
        return f"asked us to check back after {candidate.snoozed_until:%-d %b %Y}"
    if not_their_topic(candidate, sequence):
        return NOT_THEIR_TOPIC
    return ""


NOT_THEIR_TOPIC = "not a topic they chose"


def not_their_topic(candidate: Candidate, sequence: Sequence) -> bool:
    """The sequence is about a topic, and the person chose topics in the preference centre but not this one."""
    return bool(sequence.topic and candidate.topics and sequence.topic not in candidate.topics)


def is_suppressed(candidate: Candidate) -> bool:
    match = Q(pk__in=[])
    if candidate.email:
        match |= Q(email__iexact=candidate.email)
    if candidate.linkedin_url:
        match |= Q(linkedin_url=candidate.linkedin_url)
    return Suppression.objects.filter(match).exists()


def in_active_hiring_process(candidate: Candidate) -> bool:
    return Card.objects.filter(
        candidate=candidate, status=Card.Status.ACTIVE, pipeline__kind=Pipeline.Kind.REQUISITION
    ).exists()


@transaction.atomic
def enroll(
    *, candidate: Candidate, sequence: Sequence, by: AbstractBaseUser | None, now: datetime | None = None
) -> Enrollment:
    """Start a candidate on a sequence and schedule its first step. Checks no skip rule (see enroll_many)."""
    now = now or timezone.now()
    enrollment = Enrollment.objects.create(sequence=sequence, candidate=candidate, enrolled_by=by)
    first = sequence.steps.order_by("position").first()
    if first is not None:
        schedule_touch(enrollment=enrollment, step=first, after=now)
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.TOUCH,
        actor=by,
        summary=f"Enrolled in sequence {sequence.name}",
        data={"enrollment_id": enrollment.pk},
    )
    return enrollment


def enroll_many(
    *,
    candidates: Iterable[Candidate],
    sequence: Sequence,
    by: AbstractBaseUser | None,
    now: datetime | None = None,
) -> EnrollmentReport:
    """Enroll everyone who may be enrolled; the report says who was skipped and why."""
    report = EnrollmentReport()
    for candidate in candidates:
        reason = skip_reason(candidate, sequence, today=timezone.localdate(now) if now else None)
        if reason:
            report.skipped.append((candidate, reason))
        else:
            report.enrolled.append(enroll(candidate=candidate, sequence=sequence, by=by, now=now))
    return report


BATCH_INLINE_LIMIT = 200


def start_enrollment_batch(
    *, sequence: Sequence, candidate_ids: list[int], pool: TalentPool | None, by: AbstractBaseUser | None
) -> EnrollmentBatch:
    """Record a request to enroll many people; run it now when small, else on a Celery worker."""
    from . import tasks

    batch = EnrollmentBatch.objects.create(
        sequence=sequence, pool=pool, candidate_ids=candidate_ids, requested_by=by
    )
    if batch_candidates(batch).count() <= BATCH_INLINE_LIMIT:
        run_enrollment_batch(batch.pk)
        batch.refresh_from_db()
    else:
        transaction.on_commit(lambda: tasks.run_enrollment_batch.delay(batch.pk))
    return batch


def batch_candidates(batch: EnrollmentBatch):
    if batch.pool is not None:
        return search_candidates({"pool": batch.pool_id}, pools={batch.pool_id: batch.pool})
    return Candidate.objects.filter(pk__in=batch.candidate_ids)


def run_enrollment_batch(batch_id: int) -> None:
    """Enroll everyone in the batch who may be enrolled. Claimed atomically, so a second run does nothing."""
    if not EnrollmentBatch.objects.filter(pk=batch_id, status=EnrollmentBatch.Status.QUEUED).update(
        status=EnrollmentBatch.Status.RUNNING
    ):
        return
    batch = EnrollmentBatch.objects.select_related("sequence", "requested_by", "pool").get(pk=batch_id)
    people = list(batch_candidates(batch).order_by("pk"))
    report = enroll_many(candidates=people, sequence=batch.sequence, by=batch.requested_by)
    EnrollmentBatch.objects.filter(pk=batch_id).update(
        status=EnrollmentBatch.Status.DONE,
        total=len(people),
        enrolled_count=len(report.enrolled),
        skipped=[{"id": c.pk, "name": c.full_name, "reason": reason} for c, reason in report.skipped],
        finished_at=timezone.now(),
    )


@transaction.atomic
def pause_enrollment(*, enrollment: Enrollment, by: AbstractBaseUser | None = None) -> Enrollment:
    if enrollment.status == Enrollment.Status.ACTIVE:
        enrollment.status = Enrollment.Status.PAUSED
        enrollment.save(update_fields=["status"])
        _note(enrollment, by, f"Paused in sequence {enrollment.sequence.name}")
    return enrollment


@transaction.atomic
def resume_enrollment(
    *, enrollment: Enrollment, by: AbstractBaseUser | None = None, now: datetime | None = None
) -> Enrollment:
    if enrollment.status == Enrollment.Status.PAUSED:
        enrollment.status = Enrollment.Status.ACTIVE
        enrollment.save(update_fields=["status"])
        _resume_overdue_touches(enrollment, now or timezone.now())
        _note(enrollment, by, f"Resumed in sequence {enrollment.sequence.name}")
    return enrollment


@transaction.atomic
def stop_enrollment(*, enrollment: Enrollment, reason: str, by: AbstractBaseUser | None = None) -> Enrollment:
    """End an enrollment for good and cancel what it still had planned."""
    if enrollment.status not in Enrollment.LIVE_STATUSES:
        return enrollment
    enrollment.status = Enrollment.Status.STOPPED
    enrollment.stop_reason = reason[:120]
    enrollment.ended_at = timezone.now()
    enrollment.save(update_fields=["status", "stop_reason", "ended_at"])
    enrollment.touches.filter(status__in=[Touch.Status.SCHEDULED, Touch.Status.TASK_OPEN]).update(
        status=Touch.Status.CANCELLED
    )
    _note(enrollment, by, f"Stopped in sequence {enrollment.sequence.name}: {reason}")
    return enrollment


def _resume_overdue_touches(enrollment: Enrollment, now: datetime) -> None:
    """Touches that fell due while paused go out in the next window rather than all at once."""
    window = send_window(enrollment.sequence)
    tz = candidate_timezone(enrollment.candidate, enrollment.sequence)
    for touch in enrollment.touches.filter(status=Touch.Status.SCHEDULED, due_at__lt=now):
        touch.due_at = next_touch_time(previous=now, delay=timedelta(0), tz=tz, window=window)
        touch.save(update_fields=["due_at"])


def _note(enrollment: Enrollment, by: AbstractBaseUser | None, summary: str) -> None:
    record_activity(
        candidate=enrollment.candidate,
        kind=Activity.Kind.TOUCH,
        actor=by,
        summary=summary,
        data={"enrollment_id": enrollment.pk},
    )


# --- Scheduling ---------------------------------------------------------------------------------------


def send_window(sequence: Sequence) -> SendWindow:
    return SendWindow(sequence.send_window_start, sequence.send_window_end, sequence.business_days_only)


def candidate_timezone(candidate: Candidate, sequence: Sequence) -> ZoneInfo:
    for name in (candidate.timezone, sequence.sender_timezone):
        try:
            return ZoneInfo(name) if name else ZoneInfo("UTC")
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def step_delay(step: Step) -> relativedelta | timedelta:
    if step.delay_unit == Step.DelayUnit.MONTHS:
        return relativedelta(months=step.delay_amount)
    if step.delay_unit == Step.DelayUnit.WEEKS:
        return timedelta(weeks=step.delay_amount)
    return timedelta(days=step.delay_amount)


def last_touch_elsewhere(enrollment: Enrollment) -> datetime | None:
    """The latest touch this person got or has planned from any other enrollment (for the minimum gap)."""
    latest = (
        Touch.objects.filter(candidate_id=enrollment.candidate_id)
        .exclude(enrollment=enrollment)
        .filter(
            status__in=[Touch.Status.SENT, Touch.Status.DONE, Touch.Status.SCHEDULED, Touch.Status.TASK_OPEN]
        )
        .order_by("-due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return latest


def emails_booked_on(sequence: Sequence, tz: ZoneInfo):
    """booked_on(day) for the daily cap: emails of this sequence's sender due that local day."""
    sender_touches = Touch.objects.filter(
        channel="email",
        status__in=[Touch.Status.SCHEDULED, Touch.Status.SENDING, Touch.Status.SENT],
        enrollment__sequence__sender_id=sequence.sender_id,
    )
    if sequence.sender_id is None:
        sender_touches = sender_touches.filter(enrollment__sequence=sequence)

    def booked_on(day: date) -> int:
        start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
        return sender_touches.filter(due_at__gte=start, due_at__lt=start + timedelta(days=1)).count()

    return booked_on


def schedule_touch(*, enrollment: Enrollment, step: Step, after: datetime) -> Touch:
    """Create the touch for a step: its delay after the previous touch, in the next send window, within the
    minimum gap to any other touch and (for emails) the sender's daily cap. It keeps a copy of the step's
    message, so editing the step later does not change a touch already planned."""
    sequence = enrollment.sequence
    tz = candidate_timezone(enrollment.candidate, sequence)
    window = send_window(sequence)
    elsewhere = last_touch_elsewhere(enrollment)
    not_before = elsewhere + timedelta(days=sequence.min_gap_days) if elsewhere else None
    due = next_touch_time(previous=after, delay=step_delay(step), tz=tz, window=window, not_before=not_before)
    if not step.is_manual:
        due = apply_daily_cap(
            due, tz=tz, window=window, cap=sequence.daily_cap, booked_on=emails_booked_on(sequence, tz)
        )
    return Touch.objects.create(
        enrollment=enrollment,
        step=step,
        step_position=step.position,
        candidate=enrollment.candidate,
        channel=step.channel,
        status=Touch.Status.TASK_OPEN if step.is_manual else Touch.Status.SCHEDULED,
        due_at=due,
        assignee=(sequence.sender or enrollment.enrolled_by) if step.is_manual else None,
        subject=step.subject,
        body=step.body,
    )


def schedule_next_step(
    enrollment: Enrollment, done: Touch, at: datetime, steps: list[Step] | None = None
) -> Touch | None:
    """Schedule the step after `done`, or complete the enrollment.

    "After" is by the done step's current position (steps may have been reordered since), or by the position
    it had when scheduled if it has been deleted. `steps` are the sequence's steps in order, when the caller
    has them already."""
    if steps is None:
        steps = list(enrollment.sequence.steps.order_by("position"))
    current = {step.pk: step.position for step in steps}
    after = current.get(done.step_id, done.step_position)
    following = next((step for step in steps if step.position > after), None)
    if following is None:
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.ended_at = at
        enrollment.save(update_fields=["status", "ended_at"])
        return None
    return schedule_touch(enrollment=enrollment, step=following, after=at)


# --- Manual tasks -------------------------------------------------------------------------------------

TASK_OUTCOMES = {
    "sent": "Sent",
    "connected": "Connected",
    "replied": "Replied",
    "no_answer": "No answer",
    "skipped": "Skipped",
}


@transaction.atomic
def complete_task(
    *, touch: Touch, outcome: str, by: AbstractBaseUser | None, note: str = "", now: datetime | None = None
) -> Touch | None:
    """Close a manual task with its outcome, put it on the timeline and schedule the next step.

    Returns the next touch, if any. A reply stops the enrollment (the conversation takes over).
    """
    if outcome not in TASK_OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}.")
    now = now or timezone.now()
    updated = Touch.objects.filter(pk=touch.pk, status=Touch.Status.TASK_OPEN).update(
        status=Touch.Status.SKIPPED if outcome == "skipped" else Touch.Status.DONE,
        outcome=outcome,
        completed_at=now,
    )
    if updated != 1:
        return None  # already completed (a double click, or a colleague got there first)
    touch.refresh_from_db()
    candidate = touch.candidate
    label = touch.get_channel_display()
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.TOUCH,
        actor=by,
        summary=f"{label}: {TASK_OUTCOMES[outcome].lower()}",
        body=note,
        data={"touch_id": touch.pk, "outcome": outcome},
    )
    if outcome != "skipped":
        Candidate.objects.filter(pk=candidate.pk).update(last_contacted_at=now)
    if outcome in ("connected", "replied"):
        EngagementEvent.objects.create(
            candidate=candidate, touch=touch, kind=outcome, occurred_at=now, data={"channel": touch.channel}
        )
        engagement.refresh_candidates([candidate.pk], now=now)
    enrollment = touch.enrollment
    if outcome == "replied":
        stop_enrollment(enrollment=enrollment, reason="replied", by=by)
        return None
    if enrollment.status != Enrollment.Status.ACTIVE:
        return None
    return schedule_next_step(enrollment, touch, now)


# --- The dispatcher -----------------------------------------------------------------------------------


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
    from .conversation import postpone_held_touches

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
        facts = stop_facts(touches)
        smtp = _open_smtp_session()
        try:
            for touch in touches:
                result.add(send_touch(touch=touch, token=token, now=now, facts=facts, smtp=smtp))
        finally:
            smtp.close()
    return result


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


@dataclass
class StopFacts:
    """What the stop rules need for a batch of touches, read in a few queries just before sending."""

    suppressed_emails: set[str]
    suppressed_linkedin: set[str]
    hired: set[int]
    live_enrollments: set[int]
    steps: dict[int, list[Step]]


def stop_facts(touches: list[Touch]) -> StopFacts:
    candidates = [t.candidate for t in touches]
    emails = {c.email.lower() for c in candidates if c.email}
    profiles = {c.linkedin_url for c in candidates if c.linkedin_url}
    suppressed = Suppression.objects.annotate(email_ci=Lower("email")).filter(
        Q(email_ci__in=emails) | Q(linkedin_url__in=profiles)
    )
    sequences = {t.enrollment.sequence_id for t in touches}
    steps: dict[int, list[Step]] = {pk: [] for pk in sequences}
    for step in Step.objects.filter(sequence_id__in=sequences).order_by("position"):
        steps[step.sequence_id].append(step)
    rows = list(suppressed.values_list("email", "linkedin_url"))
    return StopFacts(
        suppressed_emails={email.lower() for email, _ in rows if email},
        suppressed_linkedin={url for _, url in rows if url},
        hired=set(
            Card.objects.hired().filter(candidate__in=candidates).values_list("candidate_id", flat=True)
        ),
        live_enrollments=set(
            Enrollment.objects.filter(
                pk__in={t.enrollment_id for t in touches}, status=Enrollment.Status.ACTIVE
            ).values_list("pk", flat=True)
        ),
        steps=steps,
    )


def stop_rule(touch: Touch, facts: StopFacts) -> str:
    """Why a claimed touch must not be sent now ('' when it may)."""
    candidate = touch.candidate
    if candidate.erased_at:
        return "erased"
    if (
        candidate.unsubscribed_at
        or candidate.email.lower() in facts.suppressed_emails
        or (candidate.linkedin_url and candidate.linkedin_url in facts.suppressed_linkedin)
    ):
        return "unsubscribed"
    if candidate.do_not_contact:
        return "do not contact"
    if not candidate.email:
        return "no email address"
    if not_their_topic(candidate, touch.enrollment.sequence):
        return NOT_THEIR_TOPIC
    if candidate.pk in facts.hired:
        return "hired"
    if touch.enrollment_id not in facts.live_enrollments:
        return "enrollment no longer active"
    return ""


def send_touch(
    *,
    touch: Touch,
    token: uuid.UUID,
    now: datetime,
    facts: StopFacts | None = None,
    smtp: BaseEmailBackend | None = None,
) -> DispatchResult:
    """Send one claimed email touch, then record the outcome and schedule the next step."""
    facts = facts or stop_facts([touch])
    reason = stop_rule(touch, facts)
    if reason:
        if Touch.objects.filter(pk=touch.pk, claim_token=token).update(
            status=Touch.Status.SKIPPED, last_error=reason, lease_expires_at=None
        ):
            if reason.startswith("enrollment"):
                return DispatchResult(skipped=1)
            stop_enrollment(enrollment=touch.enrollment, reason=reason)
        return DispatchResult(skipped=1)
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
            body=message.body,
            data={
                "touch_id": touch.pk,
                "sequence": touch.enrollment.sequence.name,
                "privacy_notice": attach_notice,
            },
        )
        schedule_next_step(touch.enrollment, touch, now, steps=facts.steps.get(touch.enrollment.sequence_id))
    return DispatchResult(sent=1)


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


# --- Engagement from email links ----------------------------------------------------------------------


@transaction.atomic
def unsubscribe(*, candidate: Candidate, touch: Touch | None = None, now: datetime | None = None) -> None:
    """Global and permanent: no sequence ever mails this person again."""
    now = now or timezone.now()
    if candidate.unsubscribed_at is None:
        Candidate.objects.filter(pk=candidate.pk).update(unsubscribed_at=now)
        candidate.unsubscribed_at = now
        Suppression.objects.create(
            email=candidate.email, linkedin_url=candidate.linkedin_url, reason=Suppression.Reason.UNSUBSCRIBED
        )
        EngagementEvent.objects.create(candidate=candidate, touch=touch, kind="unsubscribed", occurred_at=now)
        engagement.refresh_candidates([candidate.pk], now=now)
        record_activity(
            candidate=candidate, kind=Activity.Kind.PRIVACY, summary="Unsubscribed from all email"
        )
    for enrollment in candidate.enrollments.filter(status__in=Enrollment.LIVE_STATUSES):
        stop_enrollment(enrollment=enrollment, reason="unsubscribed")


def task_message(touch: Touch) -> str:
    """The message of a manual task, rendered for its candidate, ready to copy into LinkedIn."""
    return placeholders.render_text(touch.body, outreach_email.message_values(touch))
