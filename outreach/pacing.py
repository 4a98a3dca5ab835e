"""Pacing: when each email of one sender identity goes out. One pure function (`plan`) for every email an
identity sends (sequence steps, one-off, bulk, replies, rejections, invitations), so that no path can burst.

The rules, in the identity's own timezone:

- at most `daily_limit` emails in any local day, counting those already sent;
- only inside the send window, and the n-th email of a day no earlier than window start + n * (window
  length / daily limit): a day's mail is spread over the window, never sent in one go;
- never closer than `spacing` to the email before it;
- never earlier than it is due, nor before now: a backlog (a resumed enrollment or sequence, a dispatcher that
  was down, a raised limit) is spread from now on, never caught up in one pass;
- in the order the emails fell due;
- per recipient: never before their own `not_before` (the minimum gap after their last email, or "fewer
  emails"), and two emails of the backlog to one person at least the larger `gap` of the two apart.

The dispatcher asks it which of an identity's due emails may go out now (`until=now`); the benchmark plans a
whole queue at once.
"""

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .timing import SendWindow, local_datetime, next_window_opening, snap_into_window, to_local


@dataclass(frozen=True)
class Pace:
    """An identity's pace: its daily limit, send window and minimum spacing, in its timezone."""

    daily_limit: int
    window: SendWindow
    spacing: timedelta
    tz: ZoneInfo

    def __post_init__(self):
        if self.daily_limit < 1:
            raise ValueError("A daily limit must be at least 1.")

    @property
    def slot_length(self) -> timedelta:
        return self.window.length() / self.daily_limit


@dataclass(frozen=True)
class Queued:
    """One email waiting to be sent: `key` names it (a touch id), `due_at` is when it falls due."""

    key: int
    due_at: datetime
    recipient: int | None = None
    not_before: datetime | None = None
    gap: timedelta = timedelta(0)


@dataclass
class History:
    """What the identity has sent already: how many per local day, and when the last one went."""

    per_day: dict[date, int]
    last_sent: datetime | None = None


def next_slot(moment: datetime, pace: Pace, per_day: Mapping[date, int]) -> datetime:
    """The earliest instant at or after `moment` (UTC) at which the identity may send its next email, given
    how many it has sent or planned per local day."""
    window, tz = pace.window, pace.tz
    while True:
        moment = snap_into_window(moment, window, tz)
        day = to_local(moment, tz).date()
        sent = per_day.get(day, 0)
        if sent < pace.daily_limit:
            spread = (local_datetime(day, window.start, tz) + pace.slot_length * sent).astimezone(UTC)
            slot = max(moment, spread)
            if slot < local_datetime(day, window.end, tz).astimezone(UTC):
                return slot
        moment = next_window_opening(day, window, tz).astimezone(UTC)


def plan(
    *,
    pace: Pace,
    backlog: Iterable[Queued],
    now: datetime,
    history: History | None = None,
    until: datetime | None = None,
) -> list[tuple[int, datetime]]:
    """Send times for a backlog: (key, when) in sending order. With `until`, only the emails that go out at
    or before it (the rest wait for a later plan). `history` is not changed."""
    history = history or History(per_day={})
    per_day = dict(history.per_day)
    earliest = now if history.last_sent is None else max(now, history.last_sent + pace.spacing)
    items = {item.key: item for item in backlog}
    recipient_last: dict[int, tuple[datetime, timedelta]] = {}

    def ready(item: Queued) -> datetime:
        moment = max(item.due_at, now)
        if item.not_before is not None:
            moment = max(moment, item.not_before)
        if item.recipient is not None and item.recipient in recipient_last:
            previous, previous_gap = recipient_last[item.recipient]
            moment = max(moment, previous + max(item.gap, previous_gap))
        return moment

    heap = [(ready(item), item.due_at, item.key) for item in items.values()]
    heapq.heapify(heap)
    planned: list[tuple[int, datetime]] = []
    while heap:
        at, due, key = heapq.heappop(heap)
        item = items[key]
        current = ready(item)
        if current > at:  # another email to the same person was planned since: it waits its gap
            heapq.heappush(heap, (current, due, key))
            continue
        slot = next_slot(max(at, earliest), pace, per_day)
        if until is not None and slot > until:
            break
        planned.append((key, slot))
        day = to_local(slot, pace.tz).date()
        per_day[day] = per_day.get(day, 0) + 1
        earliest = slot + pace.spacing
        if item.recipient is not None:
            recipient_last[item.recipient] = (slot, item.gap)
    return planned
