"""Operations that change sequences, enrollments and touches."""

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from candidates.models import Activity, Candidate
from candidates.services import record_activity

from .models import Enrollment, Sequence, Step, Touch


def step_delay(step: Step) -> relativedelta | timedelta:
    if step.delay_unit == Step.DelayUnit.MONTHS:
        return relativedelta(months=step.delay_amount)
    if step.delay_unit == Step.DelayUnit.WEEKS:
        return timedelta(weeks=step.delay_amount)
    return timedelta(days=step.delay_amount)


def schedule_touch(*, enrollment: Enrollment, step: Step, after: datetime) -> Touch:
    """Create the touch for a step, due its delay after the previous one."""
    sequence = enrollment.sequence
    return Touch.objects.create(
        enrollment=enrollment,
        step=step,
        candidate=enrollment.candidate,
        channel=step.channel,
        status=Touch.Status.TASK_OPEN if step.is_manual else Touch.Status.SCHEDULED,
        due_at=after + step_delay(step),
        assignee=(sequence.sender or enrollment.enrolled_by) if step.is_manual else None,
    )


@transaction.atomic
def enroll(
    *, candidate: Candidate, sequence: Sequence, by: AbstractBaseUser | None, now: datetime | None = None
) -> Enrollment:
    """Start a candidate on a sequence and schedule its first step."""
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
