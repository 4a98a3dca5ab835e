"""Booking, rescheduling and cancelling meetings: the slot rules, the database's guard, what a booking changes
(nurture, timeline, board, card), and the invitations as calendars read them."""

from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import icalendar
import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection, transaction

from candidates.models import Activity
from outreach import meetings
from outreach.dispatch import dispatch_due_touches
from outreach.models import Enrollment, Meeting, MeetingHost, MeetingType, Touch
from outreach.signals import meeting_booked
from pipelines.placing import add_card
from pipelines.services import get_or_create_talent_board
from tests.factories import (
    CandidateFactory,
    CardFactory,
    EnrollmentFactory,
    MeetingTypeFactory,
    RecruiterFactory,
    UserFactory,
)

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # a Monday
SLOT = datetime(
    2026, 12, 8, 10, 0, tzinfo=UTC
)  # Tuesday 10:00 UTC, inside the default hours, past the notice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_clock")]


@pytest.fixture
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def host():
    return RecruiterFactory(email="sam@example.com", first_name="Sam", last_name="Host")


@pytest.fixture
def candidate(host):
    return CandidateFactory(owner=host, email="ada@example.org", first_name="Ada", timezone="Europe/Berlin")


def sent_calendars(to: str) -> list[icalendar.Calendar]:
    """The calendars of the emails sent to `to` (text/calendar parts), in order."""
    found = []
    for message in mail.outbox:
        if to not in message.to:
            continue
        parsed = message_from_bytes(message.message().as_bytes())
        for part in parsed.walk():
            if part.get_content_type() == "text/calendar":
                found.append(icalendar.Calendar.from_ical(part.get_payload(decode=True)))
    return found


def event_of(calendar: icalendar.Calendar) -> icalendar.Event:
    return next(iter(calendar.walk("VEVENT")))


def test_booking_blocks_the_hosts_time_stops_nurture_and_invites_everyone(host, candidate):
    enrollment = EnrollmentFactory(candidate=candidate)
    received = []
    meeting_booked.connect(lambda **kwargs: received.append(kwargs["meeting"]), weak=False, dispatch_uid="t")
    try:
        meeting = meetings.book_meeting(
            meeting_type=MeetingTypeFactory(),
            candidate=candidate,
            starts_at=SLOT,
            candidate_timezone="Europe/Berlin",
        )
    finally:
        meeting_booked.disconnect(dispatch_uid="t")
    assert received == [meeting]
    row = MeetingHost.objects.get(meeting=meeting)
    assert (row.user, row.blocked_from, row.blocked_until) == (host, SLOT, SLOT + timedelta(minutes=40))
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.STOPPED
    assert candidate.activities.filter(kind=Activity.Kind.MEETING).exists()
    assert meeting.location == f"https://meet.example.com/{meeting.uid.hex[:12]}"

    dispatch_due_touches(now=NOW)
    for address in ("ada@example.org", "sam@example.com"):
        (calendar,) = sent_calendars(address)
        event = event_of(calendar)
        assert calendar["METHOD"] == "REQUEST"
        assert event.decoded("DTSTART") == SLOT
        assert event.decoded("DTEND") == SLOT + timedelta(minutes=30)
        assert str(event["UID"]) == f"{meeting.uid}@longlist"
        assert event["SEQUENCE"] == 0
        assert {str(a) for a in event.get("ATTENDEE")} == {"mailto:ada@example.org", "mailto:sam@example.com"}
        assert str(event["ORGANIZER"]) == "mailto:sam@example.com"
    ada = next(m for m in mail.outbox if "ada@example.org" in m.to)
    assert "Tuesday 8 December 2026, 11:00 (Europe/Berlin)" in ada.body


def test_a_slot_taken_is_refused_and_other_slots_stay_offered(host, candidate):
    meeting_type = MeetingTypeFactory()
    meetings.book_meeting(meeting_type=meeting_type, candidate=candidate, starts_at=SLOT)
    other = CandidateFactory(owner=host)
    with pytest.raises(meetings.SlotTaken):
        meetings.book_meeting(
            meeting_type=meeting_type, candidate=other, starts_at=SLOT + timedelta(minutes=30)
        )
    offered = meetings.offered_slots(meeting_type, [host])
    assert SLOT not in offered and SLOT + timedelta(minutes=30) not in offered  # the 10-minute buffer after
    assert SLOT + timedelta(minutes=60) in offered
    assert Meeting.objects.count() == 1


def test_outside_hours_or_notice_is_refused(host, candidate):
    meeting_type = MeetingTypeFactory()
    for start in (datetime(2026, 12, 8, 18, tzinfo=UTC), NOW + timedelta(hours=2)):
        with pytest.raises(meetings.SlotTaken):
            meetings.book_meeting(meeting_type=meeting_type, candidate=candidate, starts_at=start)


def test_a_panel_is_booked_only_when_all_are_free(host, candidate):
    colleague = UserFactory(email="kim@example.com")
    panel = MeetingTypeFactory(hosting=MeetingType.Hosting.PANEL, hosts=[host, colleague])
    meetings.book_meeting(
        meeting_type=MeetingTypeFactory(), candidate=CandidateFactory(owner=colleague), starts_at=SLOT
    )
    assert SLOT not in meetings.offered_slots(panel, [host, colleague])
    with pytest.raises(meetings.SlotTaken):
        meetings.book_meeting(meeting_type=panel, candidate=candidate, starts_at=SLOT)
    meeting = meetings.book_meeting(
        meeting_type=panel, candidate=candidate, starts_at=SLOT + timedelta(hours=1)
    )
    assert set(meeting.hosts.all()) == {host, colleague}


def test_booking_moves_the_talent_board_entry_and_shows_the_next_meeting_on_the_card(host, candidate):
    board = get_or_create_talent_board()
    stage = board.stages.order_by("position").last()
    card = add_card(pipeline=board, candidate=candidate)
    meeting_type = MeetingTypeFactory(stage_name=stage.name)
    meetings.book_meeting(meeting_type=meeting_type, candidate=candidate, starts_at=SLOT)
    card.refresh_from_db()
    assert card.stage == stage
    assert card.next_meeting_at == SLOT
    later = meetings.book_meeting(
        meeting_type=meeting_type, candidate=candidate, starts_at=SLOT + timedelta(days=2)
    )
    card.refresh_from_db()
    assert card.next_meeting_at == SLOT
    assert meetings.refresh_passed_next_meetings(now=SLOT + timedelta(hours=1)) == 1
    card.refresh_from_db()
    assert card.next_meeting_at == later.starts_at


def test_reschedule_raises_the_sequence_and_cancel_sends_method_cancel(host, candidate):
    meeting = meetings.book_meeting(meeting_type=MeetingTypeFactory(), candidate=candidate, starts_at=SLOT)
    later = SLOT + timedelta(days=1)
    meetings.reschedule_meeting(meeting=meeting, starts_at=later)
    meeting.refresh_from_db()
    meetings.cancel_meeting(meeting=meeting)
    meetings.cancel_meeting(meeting=meeting)  # twice: nothing more
    dispatch_due_touches(now=NOW)
    booked, moved, cancelled = sent_calendars("ada@example.org")
    assert [c["METHOD"] for c in (booked, moved, cancelled)] == ["REQUEST", "REQUEST", "CANCEL"]
    assert [event_of(c)["SEQUENCE"] for c in (booked, moved, cancelled)] == [0, 1, 2]
    assert len({str(event_of(c)["UID"]) for c in (booked, moved, cancelled)}) == 1
    assert event_of(moved).decoded("DTSTART") == later
    assert str(event_of(cancelled)["STATUS"]) == "CANCELLED"
    assert not MeetingHost.objects.filter(active=True).exists()
    assert SLOT in meetings.offered_slots(meeting.meeting_type, [host])


def test_reminders_go_once_a_day_before(host, candidate):
    meeting = meetings.book_meeting(meeting_type=MeetingTypeFactory(), candidate=candidate, starts_at=SLOT)
    before = Touch.objects.count()
    assert meetings.send_due_reminders(now=SLOT - timedelta(hours=25)) == 0
    assert meetings.send_due_reminders(now=SLOT - timedelta(hours=23)) == 1
    assert meetings.send_due_reminders(now=SLOT - timedelta(hours=22)) == 0
    assert Touch.objects.count() == before + 2  # the candidate and the host
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at == SLOT - timedelta(hours=23)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints need PostgreSQL")
def test_the_database_refuses_overlapping_time_of_one_host(host, candidate):
    meeting = meetings.book_meeting(meeting_type=MeetingTypeFactory(), candidate=candidate, starts_at=SLOT)
    other = Meeting.objects.create(
        meeting_type=meeting.meeting_type,
        candidate=candidate,
        starts_at=SLOT,
        ends_at=SLOT + timedelta(minutes=30),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingHost.objects.create(
            meeting=other,
            user=host,
            blocked_from=SLOT + timedelta(minutes=20),
            blocked_until=SLOT + timedelta(hours=1),
        )


def test_each_host_of_an_interview_is_asked_for_feedback_once_it_is_over(host, candidate):
    card = CardFactory(candidate=candidate)
    meeting = meetings.book_meeting(
        meeting_type=MeetingTypeFactory(), candidate=candidate, starts_at=SLOT, card=card
    )
    assert meetings.request_feedback(now=SLOT) == 0
    assert meetings.request_feedback(now=meeting.ends_at) == 1
    assert meetings.request_feedback(now=meeting.ends_at + timedelta(hours=1)) == 0
    asked = Touch.objects.get(subject__startswith="Your feedback")
    assert asked.to_address == "sam@example.com"
    assert f"/cards/{card.pk}/feedback/" in asked.body
