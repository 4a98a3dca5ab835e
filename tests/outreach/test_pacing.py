"""Pacing, the one rule for every email of an identity: property tests over random backlogs, limits, windows,
timezones (with DST changes) and downtimes, plus worked examples."""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.pacing import History, Pace, Queued, next_slot, plan
from outreach.timing import SendWindow

ZONES = [
    ZoneInfo(name)
    for name in ("America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "UTC")
]
START = datetime(2026, 3, 1, tzinfo=UTC)  # DST changes in the weeks after, in New York and London

windows = st.builds(
    SendWindow,
    start=st.sampled_from([time(0, 0), time(1, 30), time(2, 30), time(8, 0), time(9, 0), time(13, 15)]),
    end=st.sampled_from([time(17, 0), time(18, 30), time(23, 59)]),
    business_days_only=st.booleans(),
)
paces = st.builds(
    Pace,
    daily_limit=st.integers(1, 60),
    window=windows,
    spacing=st.integers(0, 240).map(lambda m: timedelta(minutes=m)),
    tz=st.sampled_from(ZONES),
)
offsets = st.integers(0, 60 * 24 * 40).map(lambda m: START + timedelta(minutes=m))


@st.composite
def backlogs(draw):
    """Emails due over some weeks, some to the same people, some with a per-person earliest time."""
    count = draw(st.integers(0, 60))
    items = []
    for key in range(count):
        due = draw(offsets)
        recipient = draw(st.one_of(st.none(), st.integers(0, 8)))
        not_before = draw(st.one_of(st.none(), offsets))
        gap = draw(st.sampled_from([timedelta(0), timedelta(days=3), timedelta(days=30)]))
        items.append(Queued(key=key, due_at=due, recipient=recipient, not_before=not_before, gap=gap))
    return items


def in_window(moment: datetime, pace: Pace) -> bool:
    local = moment.astimezone(pace.tz)
    if pace.window.business_days_only and local.weekday() >= 5:
        return False
    return pace.window.start <= local.time() < pace.window.end


@settings(max_examples=300, deadline=None)
@given(
    pace=paces,
    backlog=backlogs(),
    downtime=st.integers(0, 60 * 24 * 60).map(lambda m: timedelta(minutes=m)),
    already=st.integers(0, 80),
)
def test_a_plan_keeps_every_rule(pace, backlog, downtime, already):
    now = START + downtime  # the dispatcher was down this long: much of the backlog is overdue
    today = now.astimezone(pace.tz).date()
    history = History(per_day={today: already}, last_sent=now - timedelta(minutes=1) if already else None)
    planned = plan(pace=pace, backlog=backlog, now=now, history=history)
    items = {item.key: item for item in backlog}
    assert sorted(key for key, _ in planned) == sorted(items)  # every email is planned once
    times = [at for _, at in planned]
    assert times == sorted(times)

    per_day = Counter(at.astimezone(pace.tz).date() for at in times)
    per_day[today] += already
    assert max(per_day.values(), default=0) <= max(pace.daily_limit, already)
    assert all(count <= pace.daily_limit for day, count in per_day.items() if day != today)

    previous = history.last_sent
    for key, at in planned:
        item = items[key]
        assert in_window(at, pace)
        assert at >= item.due_at and at >= now
        assert item.not_before is None or at >= item.not_before
        assert previous is None or at - previous >= pace.spacing
        previous = at

    plain = sorted(
        (items[key].due_at, at)
        for key, at in planned
        if items[key].recipient is None and not items[key].not_before
    )
    assert [at for _, at in plain] == sorted(at for _, at in plain)  # the order of due dates is kept

    by_person: dict[int, list[tuple[datetime, timedelta]]] = {}
    for key, at in planned:
        if items[key].recipient is not None:
            by_person.setdefault(items[key].recipient, []).append((at, items[key].gap))
    for sends in by_person.values():
        for (first, first_gap), (second, second_gap) in pairwise(sends):
            assert second - first >= max(first_gap, second_gap)


@settings(max_examples=150, deadline=None)
@given(
    pace=paces, backlog=backlogs(), downtime=st.integers(0, 60 * 24 * 30).map(lambda m: timedelta(minutes=m))
)
def test_planning_up_to_a_time_is_the_start_of_the_whole_plan(pace, backlog, downtime):
    """The dispatcher plans only what goes out now; that is exactly the head of the full plan."""
    now = START + downtime
    whole = plan(pace=pace, backlog=backlog, now=now)
    cut = now + timedelta(days=2)
    assert plan(pace=pace, backlog=backlog, now=now, until=cut) == [(k, at) for k, at in whole if at <= cut]


LONDON = ZoneInfo("Europe/London")
NINE_TO_FIVE = SendWindow(time(9), time(17), business_days_only=True)
MONDAY_10AM = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_a_months_backlog_is_spread_from_now_at_the_daily_limit():
    pace = Pace(daily_limit=2, window=NINE_TO_FIVE, spacing=timedelta(minutes=2), tz=LONDON)
    overdue = [Queued(key=n, due_at=MONDAY_10AM - timedelta(days=30 - n)) for n in range(23)]
    planned = plan(pace=pace, backlog=overdue, now=MONDAY_10AM)
    assert [at for _, at in planned[:4]] == [
        MONDAY_10AM,
        datetime(2026, 11, 30, 13, 0, tzinfo=UTC),  # 9:00 + one half of the 8-hour window
        datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 13, 0, tzinfo=UTC),
    ]
    assert [key for key, _ in planned] == list(range(23))  # oldest first
    assert planned[-1][1].date() == date(2026, 12, 15)  # 23 emails at 2 a working day: 12 working days


def test_the_nth_email_of_a_day_waits_for_its_share_of_the_window():
    pace = Pace(daily_limit=8, window=NINE_TO_FIVE, spacing=timedelta(0), tz=LONDON)
    slot = next_slot(datetime(2026, 12, 1, 8, 0, tzinfo=UTC), pace, {date(2026, 12, 1): 4})
    assert slot == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 9:00 + 4 * 1 h


def test_a_full_friday_moves_to_monday():
    pace = Pace(daily_limit=100, window=NINE_TO_FIVE, spacing=timedelta(0), tz=LONDON)
    slot = next_slot(datetime(2026, 12, 4, 10, 0, tzinfo=UTC), pace, {date(2026, 12, 4): 100})
    assert slot == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_two_held_emails_to_one_person_go_a_gap_apart():
    pace = Pace(daily_limit=50, window=NINE_TO_FIVE, spacing=timedelta(minutes=2), tz=LONDON)
    held = MONDAY_10AM + timedelta(days=1)
    both = [
        Queued(key=1, due_at=MONDAY_10AM, recipient=7, not_before=held, gap=timedelta(days=30)),
        Queued(key=2, due_at=MONDAY_10AM, recipient=7, not_before=held, gap=timedelta(days=30)),
    ]
    (_, first), (_, second) = plan(pace=pace, backlog=both, now=MONDAY_10AM)
    assert first == held and second >= held + timedelta(days=30)


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError):
        Pace(daily_limit=0, window=NINE_TO_FIVE, spacing=timedelta(0), tz=LONDON)
