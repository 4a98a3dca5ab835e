"""Source of hire."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef

from candidates.models import SilverMedal, Source

from .common import ReportFilters, board_cards, percent


@dataclass(frozen=True)
class SourceRow:
    source: str
    label: str
    hires: int
    share: float | None


@dataclass(frozen=True)
class SourceReport:
    """Hires (cards in a stage marked hired and still in process, put on their board in the period) by where
    the person came from.

    Filters: period, requisition, recruiter (the requisition's).
    - The source is the candidate's source, except that a silver medalist is anyone whose source is "silver
      medalist" or who holds a silver medal from another requisition (came second there earlier).
    - Share = hires from the source / all hires, in percent.
    """

    rows: list[SourceRow]
    totals: dict[str, int]

    def table(self) -> tuple[list[str], list[list[Any]]]:
        return ["Source", "Hires", "Share %"], [[r.label, r.hires, r.share] for r in self.rows]


def source_of_hire(filters: ReportFilters) -> SourceReport:
    """One query."""
    medal_elsewhere = SilverMedal.objects.filter(candidate_id=OuterRef("candidate_id")).exclude(
        requisition_id=OuterRef("pipeline__requisition_id")
    )
    hires: dict[str, int] = defaultdict(int)
    for row in (
        board_cards(filters)
        .hired()
        .annotate(medal_elsewhere=Exists(medal_elsewhere))
        .values("candidate__source", "medal_elsewhere")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        source = Source.SILVER_MEDALIST.value if row["medal_elsewhere"] else row["candidate__source"]
        hires[source] += row["n"]
    total = sum(hires.values())
    labels = dict(Source.choices)
    rows = [
        SourceRow(source=source, label=str(labels.get(source, source)), hires=n, share=percent(n, total))
        for source, n in sorted(hires.items(), key=lambda item: (-item[1], str(labels.get(item[0], item[0]))))
    ]
    return SourceReport(rows=rows, totals={"hires": total})
