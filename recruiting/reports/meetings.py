"""Calls and interviews: time from first touch to first call, and no-shows."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Least

from outreach.models import EngagementEvent, Meeting, Touch

from .common import SENT_STATUSES, ReportFilters, days_between, median_days, percent


@dataclass(frozen=True)
class MeetingTypeRow:
    name: str
    held: int
    no_shows: int
    no_show_rate: float | None


@dataclass(frozen=True)
class MeetingReport:
    """Calls and interviews held, and how long people took to reach their first call.

    Filters: period, recruiter (the candidate's owner).
    - First call: a person's earliest meeting that was not cancelled; counted when it started in the period.
    - First touch: the earliest of their touches sent or done and their "sent" and "connected" events, before
      the first call (the call's own invitation does not count). Days = first call minus first touch; people
      booked with no touch before are counted apart (`no_touch`).
    - Held: meetings not cancelled that started in the period; a no-show is one a host marked so.
    """

    rows: list[MeetingTypeRow]
    totals: dict[str, int | float | None]

    def table(self) -> tuple[list[str], list[list[Any]]]:
        header = ["Meeting type", "Held", "No-shows", "No-show rate (%)"]
        return header, [[r.name, r.held, r.no_shows, r.no_show_rate] for r in self.rows]


def meeting_insight(filters: ReportFilters) -> MeetingReport:
    """Two queries: the first calls with each person's first touch, and the meetings by type."""
    kept = Meeting.objects.exclude(status=Meeting.Status.CANCELLED)
    if filters.recruiter_id:
        kept = kept.filter(candidate__owner_id=filters.recruiter_id)
    first_touch = (
        Touch.objects.filter(candidate_id=OuterRef("candidate_id"), status__in=SENT_STATUSES)
        .exclude(kind=Touch.Kind.MEETING)
        .annotate(at=Coalesce("sent_at", "completed_at"))
        .filter(at__isnull=False)
        .order_by("at")
        .values("at")[:1]
    )
    first_event = (
        EngagementEvent.objects.filter(
            candidate_id=OuterRef("candidate_id"),
            kind__in=[EngagementEvent.Kind.SENT, EngagementEvent.Kind.CONNECTED],
            touch__kind__in=[k for k in Touch.Kind.values if k != Touch.Kind.MEETING],
        )
        .order_by("occurred_at")
        .values("occurred_at")[:1]
    )
    touch, event = Subquery(first_touch), Subquery(first_event)
    first_calls = (
        kept.values("candidate_id")
        .annotate(first_call=Min("starts_at"))
        .filter(first_call__gte=filters.start, first_call__lt=filters.end)
        .annotate(first_touch=Coalesce(Least(touch, event), touch, event))
        .order_by()
    )
    pairs: list[tuple[datetime, datetime | None]] = [
        (row["first_call"], row["first_touch"]) for row in first_calls
    ]
    days = [days_between(first, call) for call, first in pairs if first is not None and first <= call]
    by_type = (
        kept.filter(starts_at__gte=filters.start, starts_at__lt=filters.end)
        .values("meeting_type__name")
        .annotate(held=Count("pk"), no_shows=Count("pk", filter=Q(no_show=True)))
        .order_by("meeting_type__name")
    )
    rows = [
        MeetingTypeRow(
            name=row["meeting_type__name"],
            held=row["held"],
            no_shows=row["no_shows"],
            no_show_rate=percent(row["no_shows"], row["held"]),
        )
        for row in by_type
    ]
    held, no_shows = sum(r.held for r in rows), sum(r.no_shows for r in rows)
    return MeetingReport(
        rows=rows,
        totals={
            "first_calls": len(days),
            "median_days_to_first_call": median_days(days),
            "no_touch": len(pairs) - len(days),
            "held": held,
            "no_shows": no_shows,
            "no_show_rate": percent(no_shows, held),
        },
    )
