"""Pipeline funnel and time in stage, per requisition."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce, Greatest, Lead

from pipelines.models import Stage, StageChange

from .common import ReportFilters, board_cards, days_between, median_days, percent


@dataclass(frozen=True)
class FunnelStage:
    name: str
    position: int
    reached: int
    conversion: float | None  # % of those who reached the previous stage; None for the first stage
    median_days: float | None
    stays: int  # finished stays behind the median


@dataclass(frozen=True)
class RequisitionFunnel:
    requisition_id: int
    title: str
    cards: int
    stages: list[FunnelStage]


@dataclass(frozen=True)
class FunnelReport:
    """Per requisition, how many of the cards added in the period reached each stage, and how long stays took.

    Filters: period, requisition, recruiter (the requisition's).
    - A card reached stage k when the furthest stage it has been in (its stage history and its current
      stage) is at position k or later, so a card moved straight from Screen to Final reached Interview too.
    - Conversion at stage k = reached(k) / reached(k-1), in percent.
    - Median days in a stage: over finished stays only, from entering the stage to the next move (a card
      still in a stage, or turned down or hired there, has no finished stay in it). Each visit is a stay.
    """

    rows: list[RequisitionFunnel]
    totals: dict[str, int]

    def table(self) -> tuple[list[str], list[list[Any]]]:
        header = ["Requisition", "Stage", "Reached", "Conversion %", "Median days", "Finished stays"]
        rows = [
            [funnel.title, stage.name, stage.reached, stage.conversion, stage.median_days, stage.stays]
            for funnel in self.rows
            for stage in funnel.stages
        ]
        return header, rows


def funnel(filters: ReportFilters) -> FunnelReport:
    """Three queries: reached counts, the boards' stages, and every stage change with the next one's time."""
    cards = board_cards(filters)
    furthest_in_history = Subquery(
        StageChange.objects.filter(card=OuterRef("pk"))
        .values("card")
        .annotate(furthest=Max("to_stage__position"))
        .values("furthest")
    )
    furthest = Greatest(Coalesce(furthest_in_history, F("stage__position")), F("stage__position"))
    reached_rows = (
        cards.annotate(furthest=furthest).values("pipeline_id", "furthest").annotate(n=Count("pk")).order_by()
    )
    furthest_counts: dict[int, dict[int, int]] = defaultdict(dict)
    for row in reached_rows:
        furthest_counts[row["pipeline_id"]][row["furthest"]] = row["n"]

    boards = Q(pipeline_id__in=list(furthest_counts))
    if filters.requisition_id:
        boards |= Q(pipeline__requisition_id=filters.requisition_id)
    stages = list(
        Stage.objects.filter(boards)
        .values(
            "pk",
            "pipeline_id",
            "name",
            "position",
            "pipeline__requisition_id",
            "pipeline__requisition__title",
        )
        .order_by("pipeline_id", "position")
    )

    changes = (
        StageChange.objects.filter(card__in=cards.values("pk"))
        .annotate(
            left_at=Window(Lead("moved_at"), partition_by=[F("card_id")], order_by=[F("moved_at"), F("pk")])
        )
        .values_list("to_stage_id", "moved_at", "left_at")
        .order_by()
    )
    stays: dict[int, list[float]] = defaultdict(list)
    for stage_id, entered, left in changes:
        if left is not None:
            stays[stage_id].append(days_between(entered, left))

    by_board: dict[int, list[Any]] = defaultdict(list)
    for stage in stages:
        by_board[stage["pipeline_id"]].append(stage)
    rows = []
    for pipeline_id, board_stages in by_board.items():
        counts = furthest_counts.get(pipeline_id, {})
        funnel_stages, previous = [], None
        for stage in board_stages:
            reached = sum(n for position, n in counts.items() if position >= stage["position"])
            funnel_stages.append(
                FunnelStage(
                    name=stage["name"],
                    position=stage["position"],
                    reached=reached,
                    conversion=None if previous is None else percent(reached, previous),
                    median_days=median_days(stays[stage["pk"]]),
                    stays=len(stays[stage["pk"]]),
                )
            )
            previous = reached
        rows.append(
            RequisitionFunnel(
                requisition_id=board_stages[0]["pipeline__requisition_id"],
                title=board_stages[0]["pipeline__requisition__title"],
                cards=sum(counts.values()),
                stages=funnel_stages,
            )
        )
    rows.sort(key=lambda row: (row.title.casefold(), row.requisition_id))  # the same order on every database
    return FunnelReport(rows=rows, totals={"cards": sum(row.cards for row in rows)})
