"""Free meeting slots, as a pure function of the hosts' calendars and the clock (no database, no settings).

A host's calendar is their weekly hours in their own timezone, the buffers they want around a meeting, the
notice a booking needs, how far ahead they may be booked, their daily maximum, and the time their meetings
already block (each meeting with the buffers it was booked with). A slot is free when it is free for every
host: inside one of their working intervals by the wall clock of their timezone, past their notice, within
their horizon, under their daily maximum, and such that the slot with this host's buffers overlaps nothing
they already have. Slots start on a grid of `step` counted from midnight UTC, so hosts in different timezones
share the same starts.

Wall-clock times that do not exist (the hour skipped when clocks go forward) or exist twice (the hour
repeated when they go back) are read so the interval only shrinks: a start is read as its later instant and
an end as its earlier, so no slot is ever outside the hours a host wrote.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[time, time]


@dataclass(frozen=True)
class HostCalendar:
    timezone: str
    weekly_hours: dict[int, list[Interval]]  # Monday is 0
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    minimum_notice: timedelta = timedelta(0)
    horizon: timedelta = timedelta(days=21)
    daily_maximum: int = 0  # 0: no limit
    busy: Sequence[tuple[datetime, datetime]] = field(
        default_factory=tuple
    )  # blocked ranges, buffers included
    meeting_starts: Sequence[datetime] = field(default_factory=tuple)  # for the daily maximum

    def blocked_range(self, start: datetime, end: datetime) -> tuple[datetime, datetime]:
        """What a meeting from start to end blocks in this host's calendar."""
        return start - self.buffer_before, end + self.buffer_after


def _instant(day: date, wall: time, zone: ZoneInfo, *, latest: bool) -> datetime:
    """The UTC instant of a wall-clock time: the later of its readings for a start, the earlier for an end."""
    readings = [datetime.combine(day, wall, zone).replace(fold=fold).astimezone(UTC) for fold in (0, 1)]
    return max(readings) if latest else min(readings)


def working_intervals(
    calendar: HostCalendar, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The host's working intervals (UTC instants) on the local days from start to end."""
    zone = ZoneInfo(calendar.timezone)
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    intervals = []
    while day <= last:
        for begin, finish in calendar.weekly_hours.get(day.weekday(), []):
            lower = _instant(day, begin, zone, latest=True)
            upper = _instant(day, finish, zone, latest=False)
            if lower < upper:
                intervals.append((lower, upper))
        day += timedelta(days=1)
    return intervals


def fits(calendar: HostCalendar, start: datetime, end: datetime, now: datetime) -> bool:
    """Whether one host can take a meeting from start to end."""
    if start < now + calendar.minimum_notice or start > now + calendar.horizon:
        return False
    if not any(lower <= start and end <= upper for lower, upper in working_intervals(calendar, start, end)):
        return False
    blocked_from, blocked_until = calendar.blocked_range(start, end)
    if any(blocked_from < until and since < blocked_until for since, until in calendar.busy):
        return False
    if calendar.daily_maximum:
        zone = ZoneInfo(calendar.timezone)
        day = start.astimezone(zone).date()
        same_day = sum(1 for other in calendar.meeting_starts if other.astimezone(zone).date() == day)
        if same_day >= calendar.daily_maximum:
            return False
    return True


def _grid(start: datetime, step: timedelta) -> datetime:
    """The first grid point (multiples of step from midnight UTC) at or after start."""
    midnight = datetime.combine(start.astimezone(UTC).date(), time(0), UTC)
    steps = -(-(start - midnight) // step)  # ceiling division
    return midnight + steps * step


def free_slots(
    calendars: Iterable[HostCalendar],
    *,
    duration: timedelta,
    now: datetime,
    step: timedelta = timedelta(minutes=30),
) -> list[datetime]:
    """The starts (UTC, ascending) of every slot of `duration` free for all the hosts at once."""
    calendars = list(calendars)
    if not calendars or duration <= timedelta(0):
        return []
    earliest = now + max(c.minimum_notice for c in calendars)
    latest = now + min(c.horizon for c in calendars)
    # Only starts inside the first host's working intervals can be free for everyone.
    first = calendars[0]
    slots: list[datetime] = []
    for lower, upper in working_intervals(first, earliest, latest):
        start = _grid(max(lower, earliest), step)
        while start + duration <= upper and start <= latest:
            end = start + duration
            if all(fits(calendar, start, end, now) for calendar in calendars):
                slots.append(start)
            start += step
    return sorted(set(slots))
