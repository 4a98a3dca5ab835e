"""Read queries for sequences, touches and the task queue."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from candidates.models import Candidate

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
    tasks = open_tasks().filter(assignee=user)
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


def preview_candidates() -> QuerySet[Candidate]:
    """People to preview a message with: the most recently updated, with the fields placeholders use."""
    return (
        Candidate.objects.filter(erased_at__isnull=True)
        .only("first_name", "last_name", "company")
        .order_by("-updated_at")[:50]
    )


def enrollments_of(sequence: Sequence | None) -> QuerySet[Enrollment]:
    enrollments = Enrollment.objects.select_related("candidate", "sequence", "enrolled_by")
    return enrollments.filter(sequence=sequence) if sequence is not None else enrollments


def open_tasks() -> QuerySet[Touch]:
    return Touch.objects.filter(status=Touch.Status.TASK_OPEN).select_related(
        "candidate", "enrollment__sequence__sender", "step"
    )


def people_named(ids: list[int], limit: int = 12) -> QuerySet[Candidate]:
    return Candidate.objects.filter(pk__in=ids, erased_at__isnull=True).only("first_name", "last_name")[
        :limit
    ]
