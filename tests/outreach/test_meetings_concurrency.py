"""No double booking under concurrency, on PostgreSQL: N bookings of one slot at the same moment, each on its
own connection as N web workers would make them, give exactly one meeting; and the exclusion constraint alone
refuses overlapping times written at once without the booking's lock."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction

from outreach import meetings
from outreach.models import Meeting, MeetingHost
from tests.factories import CandidateFactory, MeetingTypeFactory, RecruiterFactory

ATTEMPTS = 8
SLOT = datetime(2027, 3, 2, 10, 0, tzinfo=UTC)  # a Tuesday, 10:00 UTC
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: parallel bookings on separate connections (SQLite serialises writers)")


def at_once(work, count: int) -> list:
    """Run work(i) for i in range(count) in threads released together; each closes its connection after."""
    barrier = threading.Barrier(count)

    def run(index):
        try:
            barrier.wait(timeout=30)
            return work(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(count) as pool:
        return [future.result(timeout=60) for future in [pool.submit(run, i) for i in range(count)]]


@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_of_one_slot_make_exactly_one_meeting(postgresql_only):
    host = RecruiterFactory()
    meeting_type = MeetingTypeFactory()
    people = [CandidateFactory(owner=host) for _ in range(ATTEMPTS)]

    def attempt(index):
        try:
            meetings.book_meeting(meeting_type=meeting_type, candidate=people[index], starts_at=SLOT, now=NOW)
        except meetings.SlotTaken:
            return "taken"
        return "booked"

    outcomes = at_once(attempt, ATTEMPTS)
    assert sorted(outcomes) == ["booked"] + ["taken"] * (ATTEMPTS - 1)
    assert Meeting.objects.count() == 1
    assert MeetingHost.objects.filter(user=host, active=True).count() == 1
    assert SLOT not in meetings.offered_slots(meeting_type, [host], now=NOW)


@pytest.mark.django_db(transaction=True)
def test_the_exclusion_constraint_alone_refuses_overlaps_written_at_once(postgresql_only):
    host = RecruiterFactory()
    meeting_type = MeetingTypeFactory()
    candidate = CandidateFactory(owner=host)
    rows = [
        Meeting.objects.create(
            meeting_type=meeting_type,
            candidate=candidate,
            starts_at=SLOT,
            ends_at=SLOT + timedelta(minutes=30),
        )
        for _ in range(ATTEMPTS)
    ]

    def write(index):
        start = SLOT + timedelta(minutes=5 * index)  # every range overlaps every other
        try:
            with transaction.atomic():
                MeetingHost.objects.create(
                    meeting=rows[index],
                    user=host,
                    blocked_from=start,
                    blocked_until=start + timedelta(hours=1),
                )
        except IntegrityError:
            return "refused"
        return "written"

    outcomes = at_once(write, ATTEMPTS)
    assert outcomes.count("written") == 1
    assert MeetingHost.objects.count() == 1
