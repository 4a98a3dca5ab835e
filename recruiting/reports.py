"""The reports of the Insights page and the API: one function per report, each a constant number of queries.

Every report takes the same ReportFilters; which of them a report uses is part of its definition (each
function says so). Counts come from aggregate queries; the medians are computed in Python over the rows of
one query, so SQLite and PostgreSQL give the same numbers.

Shared definitions:
- The period is `date_from` to `date_to`, both days included, in the site's timezone.
- A board card is "in the period" when it was put on a requisition's board in the period (a cohort: what
  happened to the people added then, whenever it happened).
- A contact ("touch") is "sent" when it is an email with status sent or a manual task with status done; it
  is in the period when it was sent or done in the period.
- A click that the engine judged to be a mail scanner (`data={"scanner": True}`) is not engagement.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, Greatest, Lead, Least
from django.utils import timezone

from candidates.models import Referral, SeekingStatus, SilverMedal, Source
from outreach.models import EngagementEvent, Touch
from pipelines.models import Card, Pipeline, Stage, StageChange

SENT_STATUSES = (Touch.Status.SENT, Touch.Status.DONE)
# A click that a mail scanner made, not a person. Written with has_key so that events whose data lacks the
# key are kept: `NOT (data->'scanner' = true)` alone is NULL, hence false, for them on both databases.
SCANNER_CLICK = Q(kind=EngagementEvent.Kind.CLICKED, data__has_key="scanner", data__scanner=True)
READY_BUCKETS = [(0, 30, "Under 30 days"), (30, 90, "30 to 89 days"), (90, 180, "90 to 179 days")]
READY_LAST_BUCKET = "180 days or more"
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


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / DAY


def board_cards(filters: ReportFilters) -> QuerySet[Card]:
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


# --- Pipeline funnel and time in stage ------------------------------------------------------------------


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
            stays[stage_id].append(_days(entered, left))

    by_board: dict[int, list[dict[str, Any]]] = defaultdict(list)
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


# --- Sequence performance -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SequenceStepRow:
    sequence_id: int
    sequence: str
    step: int
    channel: str
    sent: int
    opened: int
    clicked: int
    replied: int
    unsubscribed: int
    reply_rate: float | None

    @property
    def label(self) -> str:
        return f"{self.sequence} · step {self.step}"


@dataclass(frozen=True)
class SequenceReport:
    """Per sequence and step (the step's position when the touch was scheduled), touches sent in the period.

    Filters: period, sequence, recruiter (the candidate's owner).
    - Sent: touches of the step sent (email) or done (manual task) in the period.
    - Opened, clicked, replied, unsubscribed: distinct candidates with such an event on those touches, at any
      time after. Scanner clicks are left out; opens are unreliable (image blocking, privacy proxies).
    - Reply rate = replied / sent, in percent. The totals add the steps up (someone who replied to two steps
      counts twice).
    """

    rows: list[SequenceStepRow]
    totals: dict[str, int | float | None]

    def table(self) -> tuple[list[str], list[list[Any]]]:
        header = ["Sequence", "Step", "Channel", "Sent", "Opened (unreliable)", "Clicked", "Replied"]
        header += ["Unsubscribed", "Reply rate %"]
        rows = [
            [
                r.sequence,
                r.step,
                r.channel,
                r.sent,
                r.opened,
                r.clicked,
                r.replied,
                r.unsubscribed,
                r.reply_rate,
            ]
            for r in self.rows
        ]
        return header, rows


ENGAGEMENT_KINDS = [
    EngagementEvent.Kind.OPENED,
    EngagementEvent.Kind.CLICKED,
    EngagementEvent.Kind.REPLIED,
    EngagementEvent.Kind.UNSUBSCRIBED,
]


def sequence_performance(filters: ReportFilters) -> SequenceReport:
    """Two queries: touches sent per step, and distinct people per step and kind of event."""
    touches = sent_touches(filters)
    sent_rows = (
        touches.values("enrollment__sequence_id", "enrollment__sequence__name", "step_position")
        .annotate(sent=Count("pk"), step_channel=Max("channel"))
        .order_by()
    )
    events = (
        EngagementEvent.objects.filter(touch__in=touches.values("pk"), kind__in=ENGAGEMENT_KINDS)
        .exclude(SCANNER_CLICK)
        .values("touch__enrollment__sequence_id", "touch__step_position", "kind")
        .annotate(people=Count("candidate_id", distinct=True))
        .order_by()
    )
    people: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for row in events:
        key = (row["touch__enrollment__sequence_id"], row["touch__step_position"])
        people[key][row["kind"]] = row["people"]
    channels = dict(Touch._meta.get_field("channel").choices)
    rows = []
    for row in sent_rows:
        counts = people[(row["enrollment__sequence_id"], row["step_position"])]
        rows.append(
            SequenceStepRow(
                sequence_id=row["enrollment__sequence_id"],
                sequence=row["enrollment__sequence__name"],
                step=row["step_position"],
                channel=str(channels.get(row["step_channel"], row["step_channel"])),
                sent=row["sent"],
                opened=counts.get("opened", 0),
                clicked=counts.get("clicked", 0),
                replied=counts.get("replied", 0),
                unsubscribed=counts.get("unsubscribed", 0),
                reply_rate=percent(counts.get("replied", 0), row["sent"]),
            )
        )
    rows.sort(key=lambda row: (row.sequence.casefold(), row.sequence_id, row.step))
    sent, replied = sum(r.sent for r in rows), sum(r.replied for r in rows)
    return SequenceReport(
        rows=rows, totals={"sent": sent, "replied": replied, "reply_rate": percent(replied, sent)}
    )


# --- Passive vs active conversion ----------------------------------------------------------------------


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


# --- Source of hire and referral leaderboard ------------------------------------------------------------


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


@dataclass(frozen=True)
class ReferrerRow:
    referrer_id: int
    name: str
    referrals: int
    interviewing: int
    hired: int


@dataclass(frozen=True)
class ReferralReport:
    """Referrers by the referrals they made in the period, and how far those got.

    Filters: period only.
    - Reached interviewing: the referral's status is interviewing or hired; hired: the status is hired.
    - Ordered by hires, then interviews, then referrals.
    """

    rows: list[ReferrerRow]
    totals: dict[str, int]

    def table(self) -> tuple[list[str], list[list[Any]]]:
        header = ["Referrer", "Referrals", "Reached interviewing", "Hired"]
        return header, [[r.name, r.referrals, r.interviewing, r.hired] for r in self.rows]


def referral_leaderboard(filters: ReportFilters, limit: int = 20) -> ReferralReport:
    """One query."""
    hired = Q(status=Referral.Status.HIRED)
    rows = (
        Referral.objects.filter(created_at__gte=filters.start, created_at__lt=filters.end)
        .values("referrer_id", "referrer__username", "referrer__first_name", "referrer__last_name")
        .annotate(
            referrals=Count("pk"),
            interviewing=Count("pk", filter=Q(status=Referral.Status.INTERVIEWING) | hired),
            hired=Count("pk", filter=hired),
        )
        .order_by()
    )
    result = [
        ReferrerRow(
            referrer_id=row["referrer_id"],
            name=f"{row['referrer__first_name']} {row['referrer__last_name']}".strip()
            or row["referrer__username"],
            referrals=row["referrals"],
            interviewing=row["interviewing"],
            hired=row["hired"],
        )
        for row in rows
    ]
    result.sort(key=lambda r: (-r.hired, -r.interviewing, -r.referrals, r.name.casefold(), r.referrer_id))
    totals = {
        "referrers": len(result),
        "referrals": sum(r.referrals for r in result),
        "hired": sum(r.hired for r in result),
    }
    return ReferralReport(rows=result[:limit], totals=totals)


# --- Time from first touch to "Ready to talk" ---------------------------------------------------------


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
    days = [_days(first, moved) for moved, first in ready.values() if first is not None and first <= moved]
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


# --- All of them ---------------------------------------------------------------------------------------

REPORTS = {
    "funnel": funnel,
    "sequences": sequence_performance,
    "conversion": seeking_conversion,
    "sources": source_of_hire,
    "referrals": referral_leaderboard,
    "ready": time_to_ready,
}


def all_reports(filters: ReportFilters) -> dict[str, Any]:
    return {name: report(filters) for name, report in REPORTS.items()}
