"""The meeting pages: the public booking, manage and feed links (signed, no login, tampered tokens refused),
and the staff pages."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import time_machine
from django.urls import reverse

from outreach import meetings
from outreach.booking_links import booking_token, meeting_token
from outreach.models import Meeting, MeetingType, Reply, Touch
from tests.factories import CandidateFactory, CardFactory, MeetingTypeFactory, RecruiterFactory, ReplyFactory

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # a Monday
SLOT = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_clock")]


@pytest.fixture
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def host():
    return RecruiterFactory(email="sam@example.com")


@pytest.fixture
def candidate(host):
    return CandidateFactory(owner=host, email="ada@example.org", timezone="Europe/Berlin")


@pytest.fixture
def meeting_type():
    return MeetingTypeFactory(name="Intro chat")


def tampered(token: str) -> str:
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


def test_the_booking_page_shows_free_times_in_the_chosen_timezone_without_login(
    client, candidate, meeting_type
):
    url = reverse("outreach:book", args=[booking_token(candidate, meeting_type)])
    page = client.get(url, {"tz": "America/New_York"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Intro chat" in html
    assert f'value="{SLOT.isoformat()}"' in html
    assert ">05:00<" in html  # 10:00 UTC in New York
    assert '<option value="America/New_York" selected>' in html
    default = client.get(url).content.decode()
    assert ">11:00<" in default  # the person's own timezone, Berlin, when the browser says nothing


def test_booking_in_one_step_then_rescheduling_and_cancelling_by_the_signed_link(
    client, candidate, meeting_type
):
    url = reverse("outreach:book", args=[booking_token(candidate, meeting_type)])
    response = client.post(url, {"start": SLOT.isoformat(), "tz": "Asia/Tokyo"})
    meeting = Meeting.objects.get()
    manage = reverse("outreach:meeting_manage", args=[meeting_token(meeting)])
    assert response.status_code == 302 and response["Location"] == manage + "?booked=1"
    assert meeting.candidate_timezone == "Asia/Tokyo"
    page = client.get(response["Location"]).content.decode()
    assert "You&#x27;re booked" in page or "You're booked" in page
    assert "19:00" in page  # Tokyo
    later = SLOT + timedelta(days=1)
    moved = client.post(
        reverse("outreach:meeting_reschedule_public", args=[meeting_token(meeting)]),
        {"start": later.isoformat(), "tz": "Asia/Tokyo"},
    )
    assert moved.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == (later, 1)
    cancelled = client.post(reverse("outreach:meeting_cancel_public", args=[meeting_token(meeting)]))
    assert cancelled.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert "Book another time" in client.get(cancelled["Location"]).content.decode()


def test_the_loser_of_a_slot_sees_fresh_times_and_a_plain_message(client, host, candidate, meeting_type):
    meetings.book_meeting(meeting_type=meeting_type, candidate=CandidateFactory(owner=host), starts_at=SLOT)
    url = reverse("outreach:book", args=[booking_token(candidate, meeting_type)])
    response = client.post(url, {"start": SLOT.isoformat(), "tz": "UTC"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "someone has just booked that time" in html
    assert f'value="{SLOT.isoformat()}"' not in html
    assert f'value="{(SLOT + timedelta(hours=1)).isoformat()}"' in html
    assert not Meeting.objects.filter(candidate=candidate).exists()


def test_tampered_or_swapped_tokens_are_refused(client, candidate, meeting_type):
    booking = booking_token(candidate, meeting_type)
    meeting = meetings.book_meeting(meeting_type=meeting_type, candidate=candidate, starts_at=SLOT)
    manage = meeting_token(meeting)
    assert client.get(reverse("outreach:book", args=[tampered(booking)])).status_code == 404
    assert (
        client.post(
            reverse("outreach:book", args=[tampered(booking)]), {"start": SLOT.isoformat()}
        ).status_code
        == 404
    )
    assert client.get(reverse("outreach:meeting_manage", args=[tampered(manage)])).status_code == 404
    assert client.post(reverse("outreach:meeting_cancel_public", args=[tampered(manage)])).status_code == 404
    assert (
        client.post(reverse("outreach:meeting_reschedule_public", args=[tampered(manage)])).status_code == 404
    )
    # A booking token is not a meeting token (its own salt), and the reverse.
    assert client.get(reverse("outreach:meeting_manage", args=[booking])).status_code == 404
    assert client.get(reverse("outreach:book", args=[manage])).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.BOOKED


def test_the_feed_shows_booked_meetings_drops_cancelled_ones_and_can_be_revoked(
    client, host, candidate, meeting_type
):
    meeting = meetings.book_meeting(meeting_type=meeting_type, candidate=candidate, starts_at=SLOT)
    feed_url = reverse("outreach:feed", args=[meetings.availability_of(host).feed_key])
    calendar = icalendar.Calendar.from_ical(client.get(feed_url).content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == SLOT and str(event["UID"]) == f"{meeting.uid}@longlist"
    meetings.cancel_meeting(meeting=meeting)
    assert icalendar.Calendar.from_ical(client.get(feed_url).content).walk("VEVENT") == []
    client.force_login(host)
    client.post(reverse("outreach:feed_revoke"))
    client.logout()
    assert client.get(feed_url).status_code == 404


def test_the_feed_reads_a_constant_number_of_queries(
    client, host, meeting_type, django_assert_max_num_queries
):
    for day in range(3):
        meetings.book_meeting(
            meeting_type=meeting_type,
            candidate=CandidateFactory(owner=host),
            starts_at=SLOT + timedelta(days=day),
        )
    with django_assert_max_num_queries(4):  # the same for any number of meetings
        client.get(reverse("outreach:feed", args=[meetings.availability_of(host).feed_key]))


def test_availability_is_saved_in_the_users_timezone(client, host):
    client.force_login(host)
    data = {
        "timezone": "Europe/Lisbon",
        "buffer_before_minutes": 5,
        "buffer_after_minutes": 15,
        "minimum_notice_hours": 24,
        "horizon_days": 14,
        "daily_maximum": 3,
        "start_0": "08:30",
        "end_0": "12:00",
        "start_2": "13:00",
        "end_2": "17:30",
    }
    assert client.post(reverse("outreach:availability"), data).status_code == 302
    availability = meetings.availability_of(host)
    assert availability.weekly_hours == {"0": [["08:30", "12:00"]], "2": [["13:00", "17:30"]]}
    assert (availability.timezone, availability.daily_maximum) == ("Europe/Lisbon", 3)
    bad = client.post(reverse("outreach:availability"), {**data, "end_0": "08:00"})
    assert bad.status_code == 200 and "give a start and a later end" in bad.content.decode()


def test_a_recruiter_sends_a_booking_link_that_books_the_chosen_type(client, host, candidate, meeting_type):
    client.force_login(host)
    response = client.post(
        reverse("outreach:booking_link_send", args=[candidate.pk]),
        {
            "meeting_type": meeting_type.pk,
            "subject": "A quick call?",
            "body": "Hi {{ first_name }}, pick a time: {{ booking_link }}",
        },
    )
    assert response.status_code == 302
    touch = Touch.objects.get(kind=Touch.Kind.ONE_OFF)
    assert reverse("outreach:book", args=[booking_token(candidate, meeting_type)]) in touch.body
    assert "{{" not in touch.body


def test_a_recruiter_schedules_an_interview_for_a_card_from_common_free_times(
    client, host, candidate, meeting_type
):
    card = CardFactory(candidate=candidate)
    client.force_login(host)
    url = reverse("outreach:card_schedule", args=[card.pk])
    page = client.get(url, {"meeting_type": meeting_type.pk, "hosts": [host.pk], "tz": "UTC"})
    assert f'value="{SLOT.isoformat()}"' in page.content.decode()
    response = client.post(
        url, {"meeting_type": meeting_type.pk, "hosts": [host.pk], "start": SLOT.isoformat()}
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.card == card and meeting.booked_by == host


def test_a_host_marks_a_no_show_and_others_cannot_touch_the_meeting(
    client, host, candidate, meeting_type, hiring_manager
):
    meeting = meetings.book_meeting(meeting_type=meeting_type, candidate=candidate, starts_at=SLOT)
    client.force_login(hiring_manager)
    assert (
        client.post(reverse("outreach:meeting_no_show", args=[meeting.pk]), {"no_show": "1"}).status_code
        == 404
    )
    assert client.post(reverse("outreach:meeting_cancel", args=[meeting.pk])).status_code == 404
    client.force_login(host)
    client.post(reverse("outreach:meeting_no_show", args=[meeting.pk]), {"no_show": "1"})
    meeting.refresh_from_db()
    assert meeting.no_show and meeting.status == Meeting.Status.BOOKED


def test_the_card_menu_profile_and_interested_replies_offer_the_meeting_actions(client, host, candidate):
    card = CardFactory(candidate=candidate)
    client.force_login(host)
    menu = client.get(
        reverse("pipelines:card_menu"), {"card": card.pk, "version": card.version}
    ).content.decode()
    assert reverse("outreach:card_schedule", args=[card.pk]) in menu
    assert reverse("outreach:booking_link_send", args=[candidate.pk]) in menu
    profile = client.get(reverse("candidates:detail", args=[candidate.pk])).content.decode()
    assert reverse("outreach:booking_link_send", args=[candidate.pk]) in profile
    ReplyFactory(candidate=candidate, tag=Reply.Tag.INTERESTED)
    replies = client.get(reverse("outreach:replies")).content.decode()
    assert reverse("outreach:booking_link_send", args=[candidate.pk]) in replies


def test_a_booking_link_with_a_call_ahead_opens_that_call_instead_of_booking_another(
    client, candidate, meeting_type
):
    url = reverse("outreach:book", args=[booking_token(candidate, meeting_type)])
    client.post(url, {"start": SLOT.isoformat(), "tz": "UTC"})
    meeting = Meeting.objects.get()
    manage = reverse("outreach:meeting_manage", args=[meeting_token(meeting)])
    assert client.get(url)["Location"] == manage
    assert client.post(url, {"start": (SLOT + timedelta(hours=2)).isoformat()})["Location"] == manage
    assert Meeting.objects.count() == 1
    meetings.cancel_meeting(meeting=meeting)
    assert client.get(url).status_code == 200


def test_admins_define_meeting_types_and_recruiters_only_read_them(client, admin_user, host):
    data = {
        "name": "Panel interview",
        "duration_minutes": 45,
        "location": "address",
        "location_detail": "1 Harbour Street, Lisbon",
        "hosting": "panel",
        "stage_name": "",
        "is_default": "on",
        "is_active": "on",
    }
    client.force_login(admin_user)
    refused = client.post(reverse("outreach:meeting_types"), data)
    assert "Choose who hosts it." in refused.content.decode()
    assert (
        client.post(
            reverse("outreach:meeting_types"), {**data, "hosts": [host.pk, admin_user.pk]}
        ).status_code
        == 302
    )
    saved = MeetingType.objects.get(name="Panel interview")
    assert set(saved.hosts.all()) == {host, admin_user} and saved.is_default
    client.force_login(host)
    assert client.get(reverse("outreach:meeting_types")).status_code == 200
    assert client.post(reverse("outreach:meeting_types"), {**data, "name": "Mine"}).status_code == 403
    assert not MeetingType.objects.filter(name="Mine").exists()
