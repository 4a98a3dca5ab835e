"""Sequence performance, per sequence and step."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from outreach.models import Channel, EngagementEvent, Step

from .common import (
    SCANNER_CLICK,
    ReportFilters,
    percent,
    sent_touches,
)


@dataclass(frozen=True)
class SequenceStepRow:
    sequence_id: int
    sequence: str
    position: int  # the step's position when the touch was scheduled: the order, not a number
    step: int | None  # numbered from 1 as the sequence page numbers its steps; None for a step deleted since
    channel: str
    sent: int
    opened: int
    clicked: int
    replied: int
    unsubscribed: int
    reply_rate: float | None

    @property
    def label(self) -> str:
        return f"{self.sequence} · " + (f"step {self.step}" if self.step else "a deleted step")


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
                r.step or "deleted",
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


def step_numbers(steps: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """(sequence id, position) -> the step's number from 1 among its sequence's steps, as the sequence page
    numbers them: positions are an order, not numbers (steps made in the app start at 0; a deleted step
    leaves a gap)."""
    positions: dict[int, list[int]] = defaultdict(list)
    for sequence_id, position in steps:
        positions[sequence_id].append(position)
    return {
        (sequence_id, position): number
        for sequence_id, known in positions.items()
        for number, position in enumerate(sorted(known), start=1)
    }


def sequence_performance(filters: ReportFilters) -> SequenceReport:
    """Three queries: touches sent per step, distinct people per step and kind of event, and the sequences'
    steps (to number them)."""
    touches = sent_touches(filters).filter(enrollment__isnull=False)  # sequence steps, not one-off emails
    sent_rows = list(
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
    channels = dict(Channel.choices)
    numbers = step_numbers(
        Step.objects.filter(
            sequence_id__in={row["enrollment__sequence_id"] for row in sent_rows}
        ).values_list("sequence_id", "position")
    )
    rows = []
    for row in sent_rows:
        counts = people[(row["enrollment__sequence_id"], row["step_position"])]
        rows.append(
            SequenceStepRow(
                sequence_id=row["enrollment__sequence_id"],
                sequence=row["enrollment__sequence__name"],
                position=row["step_position"],
                step=numbers.get((row["enrollment__sequence_id"], row["step_position"])),
                channel=str(channels.get(row["step_channel"], row["step_channel"])),
                sent=row["sent"],
                opened=counts.get("opened", 0),
                clicked=counts.get("clicked", 0),
                replied=counts.get("replied", 0),
                unsubscribed=counts.get("unsubscribed", 0),
                reply_rate=percent(counts.get("replied", 0), row["sent"]),
            )
        )
    rows.sort(key=lambda row: (row.sequence.casefold(), row.sequence_id, row.position))
    sent, replied = sum(r.sent for r in rows), sum(r.replied for r in rows)
    return SequenceReport(
        rows=rows, totals={"sent": sent, "replied": replied, "reply_rate": percent(replied, sent)}
    )
