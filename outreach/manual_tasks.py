"""Manual tasks (LinkedIn, calls) in a recruiter's queue: the message to copy, and closing a task with its
outcome."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from candidates.models import Activity, Candidate
from candidates.services import record_activity

from . import email as outreach_email
from . import engagement, placeholders
from .enrollment import stop_enrollment
from .models import EngagementEvent, Enrollment, Touch
from .scheduling import schedule_next_step

TASK_OUTCOMES = {
    "sent": "Sent",
    "connected": "Connected",
    "replied": "Replied",
    "no_answer": "No answer",
    "skipped": "Skipped",
}


@transaction.atomic
def complete_task(
    *, touch: Touch, outcome: str, by: User | None, note: str = "", now: datetime | None = None
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
    assert enrollment is not None, "manual tasks are sequence steps"
    if outcome == "replied":
        stop_enrollment(enrollment=enrollment, reason="replied", by=by)
        return None
    if enrollment.status != Enrollment.Status.ACTIVE:
        return None
    return schedule_next_step(enrollment, touch, now)


@transaction.atomic
def close_open_tasks(
    *, candidate: Candidate, outcome: str, by: User | None, now: datetime | None = None
) -> int:
    """Close every open manual task of a person at once, with the outcome given (e.g. "hired"): they leave the
    queues, and one timeline entry says how many were closed and why. Returns how many."""
    now = now or timezone.now()
    closed = Touch.objects.filter(candidate=candidate, status=Touch.Status.TASK_OPEN).update(
        status=Touch.Status.CANCELLED, outcome=outcome, completed_at=now
    )
    if closed:
        record_activity(
            candidate=candidate,
            kind=Activity.Kind.TOUCH,
            actor=by,
            summary=f"Closed {closed} open task{'s' if closed != 1 else ''}: {outcome}",
            data={"outcome": outcome, "closed": closed},
        )
    return closed


def task_message(touch: Touch) -> str:
    """The message of a manual task, rendered for its candidate, ready to copy into LinkedIn."""
    return placeholders.render_text(touch.body, outreach_email.message_values(touch))
