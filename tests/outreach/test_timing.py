"""Step timing: property-based checks across timezones with DST changes, plus worked examples."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import example, given, settings
from hypothesis import strategies as st

from outreach.timing import SendWindow, next_touch_time

ZONES = [ZoneInfo(name) for name in ("America/New_York", "Europe/London", "Australia/Sydney", "UTC")]

moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
delays = st.one_of(
    st.integers(0, 60).map(lambda n: timedelta(days=n)),
    st.integers(0, 12).map(lambda n: timedelta(weeks=n)),
    st.integers(0, 6).map(lambda n: relativedelta(months=n)),
    st.integers(0, 48).map(lambda n: timedelta(hours=n)),
)
windows = st.builds(
    SendWindow,
    start=st.sampled_from([time(0, 0), time(1, 30), time(2, 30), time(8, 0), time(9, 0), time(13, 15)]),
    end=st.sampled_from([time(17, 0), time(18, 30), time(23, 59)]),
    business_days_only=st.booleans(),
)


def in_window(moment: datetime, window: SendWindow, tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz)
    return window.start <= local.time() < window.end


@settings(max_examples=400, deadline=None)
@given(previous=moments, delay=delays, tz=st.sampled_from(ZONES), window=windows)
@example(
    previous=datetime(2025, 9, 28, 14, 0, tzinfo=UTC),
    delay=relativedelta(months=5),
    tz=ZoneInfo("Australia/Sydney"),
    window=SendWindow(start=time(9, 0), end=time(17, 0), business_days_only=False),
)
def test_next_touch_lands_inside_the_window_on_an_allowed_day_and_never_early(previous, delay, tz, window):
    due = next_touch_time(previous=previous, delay=delay, tz=tz, window=window)
    local = due.astimezone(tz)
    assert in_window(due, window, tz)
    if window.business_days_only:
        assert local.weekday() < 5
    # Never earlier than the delay added on the candidate's own calendar: a month ending in the 30th clamps
    # to the 28th there, and a DST change may shorten a day by an hour.
    assert due >= previous.astimezone(tz) + delay - timedelta(hours=1)
    assert due >= previous


@settings(max_examples=200, deadline=None)
@given(previous=moments, delay=delays, tz=st.sampled_from(ZONES), window=windows, gap_days=st.integers(0, 30))
def test_minimum_gap_to_the_last_touch_is_respected(previous, delay, tz, window, gap_days):
    not_before = previous + timedelta(days=gap_days)
    due = next_touch_time(previous=previous, delay=delay, tz=tz, window=window, not_before=not_before)
    assert due >= not_before
    assert in_window(due, window, tz)


NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
NINE_TO_FIVE = SendWindow(time(9), time(17), business_days_only=True)


def local(tz, *args):
    return datetime(*args, tzinfo=tz)


def test_friday_evening_waits_for_monday_morning():
    previous = local(LONDON, 2026, 11, 27, 18, 0)  # a Friday, after the window
    due = next_touch_time(previous=previous, delay=timedelta(0), tz=LONDON, window=NINE_TO_FIVE)
    assert due.astimezone(LONDON) == local(LONDON, 2026, 11, 30, 9, 0)


def test_a_day_later_keeps_the_wall_time_across_spring_forward():
    previous = local(NEW_YORK, 2026, 3, 6, 10, 0)  # Friday before DST starts on Sunday 8 March
    due = next_touch_time(previous=previous, delay=timedelta(days=3), tz=NEW_YORK, window=NINE_TO_FIVE)
    assert due.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 3, 9, 10, 0)
    assert due - previous == timedelta(days=3) - timedelta(hours=1)


def test_sydney_autumn_change_keeps_the_wall_time():
    previous = local(SYDNEY, 2026, 4, 3, 11, 0)  # DST ends Sunday 5 April 2026
    due = next_touch_time(previous=previous, delay=timedelta(days=3), tz=SYDNEY, window=NINE_TO_FIVE)
    assert due.astimezone(SYDNEY) == local(SYDNEY, 2026, 4, 6, 11, 0)


def test_months_are_calendar_months_and_a_weekend_waits_for_monday():
    previous = local(LONDON, 2026, 1, 30, 10, 0)
    due = next_touch_time(previous=previous, delay=relativedelta(months=1), tz=LONDON, window=NINE_TO_FIVE)
    # 30 Jan + 1 month = Saturday 28 Feb (the month's last day), so Monday 2 March at the window's start.
    assert due.astimezone(LONDON) == local(LONDON, 2026, 3, 2, 9, 0)


def test_window_start_inside_a_dst_gap_moves_past_the_gap():
    window = SendWindow(time(2, 30), time(5, 0), business_days_only=False)
    previous = local(NEW_YORK, 2026, 3, 8, 0, 0)  # 02:30 does not exist on 8 March 2026 in New York
    due = next_touch_time(previous=previous, delay=timedelta(0), tz=NEW_YORK, window=window)
    assert due.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 3, 8, 3, 30)


def test_an_empty_window_is_refused():
    with pytest.raises(ValueError):
        SendWindow(time(17), time(9))
