"""When a touch is due: pure functions of the previous touch, the step's delay and the sequence's rules.

All arithmetic on calendar quantities (days, months) happens on the candidate's local wall clock and is then
converted back to UTC, so a step "three days later at 09:00" stays at 09:00 across a DST change.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

SATURDAY = 5


@dataclass(frozen=True)
class SendWindow:
    """Local hours [start, end) in which touches may land, and whether weekends are skipped."""

    start: time = time(9, 0)
    end: time = time(17, 0)
    business_days_only: bool = True

    def __post_init__(self):
        if self.start >= self.end:
            raise ValueError("The send window must start before it ends.")

    def length(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)


def to_local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz)


def local_datetime(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant of a local wall-clock time. A time inside a spring-forward gap moves past the gap."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC).astimezone(tz)


def is_sending_day(day: date, window: SendWindow) -> bool:
    return not (window.business_days_only and day.weekday() >= SATURDAY)


def next_window_opening(after_day: date, window: SendWindow, tz: ZoneInfo) -> datetime:
    day = after_day + timedelta(days=1)
    while not is_sending_day(day, window):
        day += timedelta(days=1)
    return local_datetime(day, window.start, tz)


def snap_into_window(moment: datetime, window: SendWindow, tz: ZoneInfo) -> datetime:
    """The earliest instant at or after `moment` that lies inside the send window (returned in UTC)."""
    local = to_local(moment, tz)
    day = local.date()
    if is_sending_day(day, window):
        opening = local_datetime(day, window.start, tz)
        closing = local_datetime(day, window.end, tz)
        if local < opening:
            return opening.astimezone(UTC)
        if local < closing:
            return local.astimezone(UTC)
    return next_window_opening(day, window, tz).astimezone(UTC)


def add_delay(moment: datetime, delay: timedelta | relativedelta, tz: ZoneInfo) -> datetime:
    """Add a delay on the local calendar (so a month is a calendar month and a day keeps the wall time)."""
    local = to_local(moment, tz).replace(tzinfo=None) + delay
    return local.replace(tzinfo=tz).astimezone(UTC)


def next_touch_time(
    *,
    previous: datetime,
    delay: timedelta | relativedelta,
    tz: ZoneInfo,
    window: SendWindow,
    not_before: datetime | None = None,
) -> datetime:
    """When the next touch is due: the delay after the previous touch, then the next open send window.

    `not_before` enforces a minimum gap to the last touch this person got from any sequence.
    Never earlier than previous + delay; always inside the window; never on a weekend when the window is
    business days only.
    """
    earliest = max(add_delay(previous, delay, tz), previous)
    if not_before is not None:
        earliest = max(earliest, not_before)
    return snap_into_window(earliest, window, tz)
