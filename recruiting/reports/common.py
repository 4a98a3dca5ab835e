"""What every report shares: the filters, the period's board cards and sent touches, percent and median."""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from outreach.models import EngagementEvent, Touch
from pipelines.models import Card, CardQuerySet, Pipeline

SENT_STATUSES = (Touch.Status.SENT, Touch.Status.DONE)
# A click that a mail scanner made, not a person. Written with has_key so that events whose data lacks the
# key are kept: `NOT (data->'scanner' = true)` alone is NULL, hence false, for them on both databases.
SCANNER_CLICK = Q(kind=EngagementEvent.Kind.CLICKED, data__has_key="scanner", data__scanner=True)
DAY = 86400


@dataclass(frozen=True)
class ReportFilters:
    date_from: date
    date_to: date
    requisition_id: int | None = None
    recruiter_id: int | None = None
    sequence_id: int | None = None

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))


class Tabular(Protocol):
    def table(self) -> tuple[list[str], list[list[Any]]]:
        """The report as a header and rows of plain values, for CSV."""
        ...


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def median_days(days: Iterable[float]) -> float | None:
    values = list(days)
    return round(statistics.median(values), 1) if values else None


def days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / DAY


def board_cards(filters: ReportFilters) -> CardQuerySet:
    """Cards put on a requisition's board in the period, narrowed to a requisition and its recruiter."""
    cards = Card.objects.filter(
        pipeline__kind=Pipeline.Kind.REQUISITION, created_at__gte=filters.start, created_at__lt=filters.end
    )
    if filters.requisition_id:
        cards = cards.filter(pipeline__requisition_id=filters.requisition_id)
    if filters.recruiter_id:
        cards = cards.filter(pipeline__requisition__recruiter_id=filters.recruiter_id)
    return cards


def sent_touches(filters: ReportFilters) -> QuerySet[Touch]:
    """Touches sent or done in the period, narrowed to a sequence and to candidates a recruiter owns."""
    touches = Touch.objects.annotate(done_at=Coalesce("sent_at", "completed_at")).filter(
        status__in=SENT_STATUSES, done_at__gte=filters.start, done_at__lt=filters.end
    )
    if filters.sequence_id:
        touches = touches.filter(enrollment__sequence_id=filters.sequence_id)
    if filters.recruiter_id:
        touches = touches.filter(candidate__owner_id=filters.recruiter_id)
    return touches
