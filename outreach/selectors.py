"""Read queries for sequences, touches and the task queue."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import Enrollment, Sequence, Touch


def day_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Start and end of today in the site's timezone."""
    local = timezone.localtime(now or timezone.now())
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def touches_due_today(now: datetime | None = None) -> int:
    start, end = day_bounds(now)
    return Touch.objects.filter(
        status__in=[Touch.Status.SCHEDULED, Touch.Status.TASK_OPEN], due_at__gte=start, due_at__lt=end
    ).count()


def task_queue(user: AbstractBaseUser, now: datetime | None = None) -> dict[str, QuerySet[Touch]]:
    """A recruiter's open manual tasks split into overdue, due today and upcoming."""
    start, end = day_bounds(now)
    tasks = Touch.objects.filter(assignee=user, status=Touch.Status.TASK_OPEN).select_related(
        "candidate", "step__sequence"
    )
    return {
        "overdue": tasks.filter(due_at__lt=start),
        "today": tasks.filter(due_at__gte=start, due_at__lt=end),
        "upcoming": tasks.filter(due_at__gte=end)[:50],
    }


def sequences_with_counts() -> QuerySet[Sequence]:
    return Sequence.objects.select_related("sender").annotate(
        step_count=Count("steps", distinct=True),
        live_count=Count(
            "enrollments", filter=Q(enrollments__status__in=Enrollment.LIVE_STATUSES), distinct=True
        ),
    )
