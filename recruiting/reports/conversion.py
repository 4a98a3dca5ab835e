"""Passive vs active conversion on the requisition boards."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from candidates.models import SeekingStatus
from pipelines.models import Card

from .common import ReportFilters, board_cards, percent


@dataclass(frozen=True)
class ConversionRow:
    seeking_status: str
    label: str
    cards: int
    reached_late: int
    hired: int
    late_rate: float | None
    hire_rate: float | None


@dataclass(frozen=True)
class ConversionReport:
    """Of the people put on requisition boards in the period, the share that reached a late stage and the share
    hired, passive and active apart.

    Filters: period, requisition, recruiter (the requisition's).
    - Reached a late stage: the card is in a stage marked late, has been in one (stage history), or is hired.
    - Hired: the card is in a stage marked hired and still in process (`Card.objects.hired()`).
    """

    rows: list[ConversionRow]
    totals: dict[str, int | float | None]

    def table(self) -> tuple[list[str], list[list[Any]]]:
        header = ["Candidates", "On boards", "Reached a late stage", "Late stage %", "Hired", "Hired %"]
        rows = [[r.label, r.cards, r.reached_late, r.late_rate, r.hired, r.hire_rate] for r in self.rows]
        return header, rows


def seeking_conversion(filters: ReportFilters) -> ConversionReport:
    """One query."""
    hired = Q(pk__in=Card.objects.hired().values("pk"))
    counts = {
        row["candidate__seeking_status"]: row
        for row in board_cards(filters)
        .values("candidate__seeking_status")
        .annotate(
            cards=Count("pk", distinct=True),
            late=Count(
                "pk",
                distinct=True,
                filter=Q(stage__is_late=True) | Q(history__to_stage__is_late=True) | hired,
            ),
            hired=Count("pk", distinct=True, filter=hired),
        )
        .order_by()
    }
    rows = []
    for status in (SeekingStatus.PASSIVE, SeekingStatus.ACTIVE):
        row = counts.get(status, {"cards": 0, "late": 0, "hired": 0})
        rows.append(
            ConversionRow(
                seeking_status=status.value,
                label=str(status.label),
                cards=row["cards"],
                reached_late=row["late"],
                hired=row["hired"],
                late_rate=percent(row["late"], row["cards"]),
                hire_rate=percent(row["hired"], row["cards"]),
            )
        )
    cards, hires = sum(r.cards for r in rows), sum(r.hired for r in rows)
    return ConversionReport(
        rows=rows, totals={"cards": cards, "hired": hires, "hire_rate": percent(hires, cards)}
    )
