"""Time from first touch to the talent board's "Ready to talk"."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, Least

from candidates.models import SeekingStatus
from outreach.models import EngagementEvent, Touch
from pipelines.models import Pipeline, Stage, StageChange

from .common import SENT_STATUSES, ReportFilters, days_between, median_days

READY_BUCKETS = [(0, 30, "Under 30 days"), (30, 90, "30 to 89 days"), (90, 180, "90 to 179 days")]
READY_LAST_BUCKET = "180 days or more"


@dataclass(frozen=True)
class ReadyBucket:
    label: str
    candidates: int


@dataclass(frozen=True)
class ReadyReport:
    """How long passive people took from the first contact to the talent board's "Ready to talk" stage.

    Filters: period (when they reached Ready to talk), recruiter (the candidate's owner).
    - Who: passive candidates whose card moved into the talent board's last stage (Ready to talk) in the
      period; the first such move counts.
    - First touch: the earliest of their touches sent or done and their "sent" and "connected" events.
    - Days = Ready to talk minus first touch. People with no touch before Ready to talk are counted apart
      (`no_touch`) and left out of the median and the distribution.
    """

    rows: list[ReadyBucket]
    totals: dict[str, int | float | None]

    def table(self) -> tuple[list[str], list[list[Any]]]:
        return ["Days from first touch", "Candidates"], [[r.label, r.candidates] for r in self.rows]


def time_to_ready(filters: ReportFilters) -> ReadyReport:
    """One query: every move into Ready to talk in the period, with the person's first touch."""
    ready_stage = (
        Stage.objects.filter(pipeline__kind=Pipeline.Kind.TALENT).order_by("-position").values("pk")[:1]
    )
    first_touch = (
        Touch.objects.filter(candidate_id=OuterRef("card__candidate_id"), status__in=SENT_STATUSES)
        .annotate(at=Coalesce("sent_at", "completed_at"))
        .filter(at__isnull=False)
        .order_by("at")
        .values("at")[:1]
    )
    first_event = (
        EngagementEvent.objects.filter(
            candidate_id=OuterRef("card__candidate_id"),
            kind__in=[EngagementEvent.Kind.SENT, EngagementEvent.Kind.CONNECTED],
        )
        .order_by("occurred_at")
        .values("occurred_at")[:1]
    )
    # SQLite's MIN(a, b) is NULL when either is; PostgreSQL's LEAST skips NULLs. Coalesce makes them agree.
    touch, event = Subquery(first_touch), Subquery(first_event)
    moves = StageChange.objects.filter(
        to_stage_id=Subquery(ready_stage),
        card__candidate__seeking_status=SeekingStatus.PASSIVE,
        moved_at__gte=filters.start,
        moved_at__lt=filters.end,
    )
    if filters.recruiter_id:
        moves = moves.filter(card__candidate__owner_id=filters.recruiter_id)
    ready: dict[int, tuple[datetime, datetime | None]] = {}
    for candidate_id, moved_at, first in (
        moves.annotate(first=Coalesce(Least(touch, event), touch, event))
        .values_list("card__candidate_id", "moved_at", "first")
        .order_by("moved_at", "pk")
    ):
        ready.setdefault(candidate_id, (moved_at, first))
    days = [
        days_between(first, moved) for moved, first in ready.values() if first is not None and first <= moved
    ]
    counts = [0] * (len(READY_BUCKETS) + 1)
    for value in days:
        index = next((i for i, (low, high, _) in enumerate(READY_BUCKETS) if low <= value < high), -1)
        counts[index] += 1
    labels = [label for _, _, label in READY_BUCKETS] + [READY_LAST_BUCKET]
    return ReadyReport(
        rows=[ReadyBucket(label=label, candidates=n) for label, n in zip(labels, counts, strict=True)],
        totals={
            "candidates": len(days),
            "median_days": median_days(days),
            "no_touch": len(ready) - len(days),
        },
    )
