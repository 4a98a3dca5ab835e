"""Free slots: properties over timezones with DST changes, buffers, minimum notice and panels."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.slots import HostCalendar, fits, free_slots

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Santiago"]
# Around the DST changes of 2026 in Europe, North America and the southern hemisphere.
NOWS = [
    datetime(2026, 3, 6, 7, 13, tzinfo=UTC),
    datetime(2026, 3, 26, 22, 0, tzinfo=UTC),
    datetime(2026, 10, 21, 9, 45, tzinfo=UTC),
    datetime(2026, 3, 31, 12, 0, tzinfo=UTC),
]


@st.composite
def intervals(draw):
    start = draw(st.integers(min_value=0, max_value=22 * 4))
    length = draw(st.integers(min_value=1, max_value=24 * 4 - start))
    begin = time(start // 4, (start % 4) * 15)
    end_quarter = start + length
    end = time(23, 59) if end_quarter >= 96 else time(end_quarter // 4, (end_quarter % 4) * 15)
    return begin, end


@st.composite
def calendars(draw, now):
    hours = {day: [draw(intervals())] for day in draw(st.sets(st.integers(0, 6), min_size=1))}
    busy_starts = draw(st.lists(st.integers(0, 14 * 24 * 4), max_size=8))
    busy = []
    for quarter in busy_starts:
        since = now + timedelta(minutes=15 * quarter)
        busy.append((since, since + timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90])))))
    return HostCalendar(
        timezone=draw(st.sampled_from(ZONES)),
        weekly_hours=hours,
        buffer_before=timedelta(minutes=draw(st.sampled_from([0, 5, 15, 30]))),
        buffer_after=timedelta(minutes=draw(st.sampled_from([0, 10, 15, 45]))),
        minimum_notice=timedelta(hours=draw(st.integers(0, 48))),
        horizon=timedelta(days=draw(st.integers(1, 14))),
        daily_maximum=draw(st.integers(0, 3)),
        busy=busy,
        meeting_starts=[since for since, _ in busy],
    )


def inside_hours(calendar: HostCalendar, start: datetime, end: datetime) -> bool:
    """By the host's wall clock: start and end on one day, inside one interval of that weekday."""
    zone = ZoneInfo(calendar.timezone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.date() != local_end.date():
        return False
    return any(
        begin <= local_start.time() and local_end.time() <= finish
        for begin, finish in calendar.weekly_hours.get(local_start.weekday(), [])
    )


@st.composite
def scenarios(draw):
    now = draw(st.sampled_from(NOWS))
    panel = draw(st.lists(calendars(now), min_size=1, max_size=3))
    duration = timedelta(minutes=draw(st.sampled_from([15, 20, 30, 45, 60, 90])))
    return now, panel, duration


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_every_slot_is_inside_every_hosts_hours_and_clear_of_their_meetings(scenario):
    now, panel, duration = scenario
    for start in free_slots(panel, duration=duration, now=now):
        end = start + duration
        for host in panel:
            assert inside_hours(host, start, end)
            assert start >= now + host.minimum_notice
            assert start <= now + host.horizon
            blocked_from, blocked_until = host.blocked_range(start, end)
            for since, until in host.busy:
                assert not (blocked_from < until and since < blocked_until)


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_a_panel_is_offered_exactly_the_slots_free_for_each_host(scenario):
    now, panel, duration = scenario
    together = set(free_slots(panel, duration=duration, now=now))
    each = [set(free_slots([host], duration=duration, now=now)) for host in panel]
    assert together == set.intersection(*each)


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_slots_are_sorted_unique_and_each_fits(scenario):
    now, panel, duration = scenario
    slots = free_slots(panel, duration=duration, now=now)
    assert slots == sorted(set(slots))
    assert all(all(fits(host, s, s + duration, now) for host in panel) for s in slots)


def test_the_skipped_hour_is_never_offered_and_the_day_still_has_its_hours():
    """Berlin goes from 02:00 to 03:00 on 29 March 2026: hours 01:00-04:00 are two real hours."""
    host = HostCalendar(
        timezone="Europe/Berlin", weekly_hours={6: [(time(1), time(4))]}, horizon=timedelta(days=2)
    )
    now = datetime(2026, 3, 28, 12, tzinfo=UTC)
    slots = free_slots([host], duration=timedelta(hours=1), now=now)
    local = [s.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") for s in slots]
    # Every half hour of two real hours: 01:30 ends at 03:30 by the clock, one real hour later.
    assert local == ["01:00", "01:30", "03:00"]


def test_buffers_keep_a_gap_before_and_after_a_meeting():
    now = datetime(2026, 5, 4, 6, tzinfo=UTC)  # a Monday
    meeting = (datetime(2026, 5, 4, 10, tzinfo=UTC), datetime(2026, 5, 4, 11, tzinfo=UTC))
    host = HostCalendar(
        timezone="UTC",
        weekly_hours={0: [(time(9), time(13))]},
        buffer_before=timedelta(minutes=15),
        buffer_after=timedelta(minutes=15),
        busy=[(meeting[0] - timedelta(minutes=15), meeting[1] + timedelta(minutes=15))],
    )
    slots = free_slots([host], duration=timedelta(minutes=30), now=now, step=timedelta(minutes=15))
    assert [s.strftime("%H:%M") for s in slots if s.date() == now.date()] == [
        "09:00",
        "11:30",
        "11:45",
        "12:00",
        "12:15",
        "12:30",
    ]


def test_minimum_notice_and_daily_maximum():
    now = datetime(2026, 5, 4, 9, tzinfo=UTC)
    host = HostCalendar(
        timezone="UTC",
        weekly_hours={0: [(time(9), time(12))], 1: [(time(9), time(12))]},
        minimum_notice=timedelta(hours=2),
        daily_maximum=1,
        horizon=timedelta(days=2),
        meeting_starts=[datetime(2026, 5, 5, 15, tzinfo=UTC)],
    )
    slots = free_slots([host], duration=timedelta(minutes=30), now=now)
    assert [s.strftime("%a %H:%M") for s in slots] == ["Mon 11:00", "Mon 11:30"]
