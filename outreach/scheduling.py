"""Scheduling: when each touch falls due (step delay, the person's timezone, send window, minimum gap), and
planning the next step once one is done. When a due email actually goes out is its sender identity's pace
(`pacing.py`, applied by the dispatcher): a touch that fell due while paused or while the dispatcher was down
keeps its due time and waits its turn."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta

from candidates.models import Candidate

from .models import Enrollment, Sequence, Step, Touch
from .timing import SendWindow, next_touch_time


def send_window(sequence: Sequence) -> SendWindow:
    return SendWindow(sequence.send_window_start, sequence.send_window_end, sequence.business_days_only)


def candidate_timezone(candidate: Candidate, sequence: Sequence) -> ZoneInfo:
    return timezone_of(candidate.timezone, sequence.sender_timezone)


def timezone_of(candidate_zone: str, sequence_zone: str) -> ZoneInfo:
    """The person's timezone, else the sequence's sender timezone, else UTC (a name that is no zone is skipped)."""
    for name in (candidate_zone, sequence_zone):
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


def schedule_touch(*, enrollment: Enrollment, step: Step, after: datetime) -> Touch:
    """Create the touch for a step: its delay after the previous touch, in the next send window, within the
    minimum gap to any other touch; an email goes out as the sequence's sender. It keeps a copy of the step's
    message, so editing the step later does not change a touch already planned."""
    sequence = enrollment.sequence
    tz = candidate_timezone(enrollment.candidate, sequence)
    window = send_window(sequence)
    elsewhere = last_touch_elsewhere(enrollment)
    not_before = elsewhere + timedelta(days=sequence.min_gap_days) if elsewhere else None
    due = next_touch_time(previous=after, delay=step_delay(step), tz=tz, window=window, not_before=not_before)
    return Touch.objects.create(
        enrollment=enrollment,
        step=step,
        step_position=step.position,
        candidate=enrollment.candidate,
        channel=step.channel,
        status=Touch.Status.TASK_OPEN if step.is_manual else Touch.Status.SCHEDULED,
        due_at=due,
        assignee=(sequence.sender or enrollment.enrolled_by) if step.is_manual else None,
        sender=None if step.is_manual else sequence.sender,
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
    current: dict[int | None, int] = {step.pk: step.position for step in steps}
    after = current.get(done.step_id, done.step_position)
    following = next((step for step in steps if step.position > after), None)
    if following is None:
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.ended_at = at
        enrollment.save(update_fields=["status", "ended_at"])
        return None
    return schedule_touch(enrollment=enrollment, step=following, after=at)
