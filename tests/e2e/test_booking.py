"""A passive candidate books a call from a nurture email on a phone, reschedules it and cancels it; the
invitations are read back from a real SMTP server (aiosmtpd on loopback) and parsed with icalendar, and the
recruiter's calendar feed shows the call, then drops it."""

import email
import re
import socket
import threading
from datetime import datetime, timedelta
from email.message import Message
from zoneinfo import ZoneInfo

import icalendar
import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from playwright.sync_api import expect

from outreach import meetings
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll
from outreach.models import Enrollment, Meeting
from tests.e2e.conftest import REPORT_CSP_VIOLATIONS, login, screenshot
from tests.factories import (
    CandidateFactory,
    CardFactory,
    HiringManagerFactory,
    MeetingTypeFactory,
    RecruiterFactory,
    SequenceFactory,
    StepFactory,
)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
ZONE = "America/New_York"


class Mailbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if address in m["To"]]


def calendar_of(message: Message) -> icalendar.Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def text_of(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


@pytest.fixture
def mailbox(settings):
    handler = Mailbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "outreach.email.SMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield handler
    controller.stop()


@pytest.fixture
def phone(browser):
    """A phone in New York: 390 by 844, touch, and the browser's timezone."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, timezone_id=ZONE
    )
    context.set_default_timeout(15_000)
    violations: list[str] = []
    context.expose_function("reportCspViolation", lambda violation: violations.append(violation))
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    assert violations == []


def pick_slot(page, index: int) -> datetime:
    """Tap (on a touch screen) or click the index-th free time; returns the instant it stands for."""
    radio = page.locator(".slot-times input[type=radio]").nth(index)
    value = radio.get_attribute("value")
    label = page.locator(f"label[for='{radio.get_attribute('id')}']")
    if page.context.browser and page.evaluate("'ontouchstart' in window"):
        label.tap()
    else:
        label.click()
    return datetime.fromisoformat(value)


def test_a_candidate_books_reschedules_and_cancels_from_a_nurture_email_on_a_phone(
    phone, live_server, mailbox, settings
):
    settings.SITE_URL = live_server.url
    recruiter = RecruiterFactory(email="sam@northwind.example", first_name="Sam", last_name="Reyes")
    MeetingTypeFactory(name="20-minute chat", duration_minutes=20, is_default=True)
    candidate = CandidateFactory(
        owner=recruiter,
        email="ada@example.org",
        first_name="Ada",
        last_name="Okafor",
        timezone="Europe/London",
    )
    sequence = SequenceFactory(sender=recruiter, business_days_only=False, min_gap_days=0)
    StepFactory(
        sequence=sequence,
        position=1,
        delay_amount=0,
        subject="Platform work at Northwind",
        body="Hi {{ first_name }}, if you are curious, pick a time for a short chat: {{ booking_link }}",
    )
    StepFactory(
        sequence=sequence, position=2, delay_amount=7, subject="Still curious?", body="Hi {{ first_name }}"
    )
    enrollment = enroll(candidate=candidate, sequence=sequence, by=recruiter)
    first = enrollment.touches.get()  # the first step's email; the next is planned once it is sent
    dispatch_due_touches(now=max(first.due_at, timezone.now()))

    (nurture,) = mailbox.to("ada@example.org")
    booking_url = re.search(r"(http://\S+/o/book/\S+/)", text_of(nurture))[1]

    # The browser's timezone is detected (a tiny script) and the times are shown in it.
    phone.goto(booking_url)
    expect(phone.locator("#slot-tz")).to_have_value(ZONE)
    expect(phone.locator("h1")).to_have_text("20-minute chat")
    screenshot(phone, "booking-1-times-390px")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first_label = phone.locator(".slot-times label").first.inner_text()
    chosen = pick_slot(phone, 0)
    assert first_label == chosen.astimezone(ZoneInfo(ZONE)).strftime("%H:%M")
    phone.get_by_role("button", name="Book this time").tap()
    expect(phone.locator("h1")).to_have_text("You're booked")
    expect(phone.locator("#meeting-when")).to_contain_text(
        chosen.astimezone(ZoneInfo(ZONE)).strftime("%-d %B %Y, %H:%M")
    )
    screenshot(phone, "booking-2-booked-390px")

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.STOPPED
    dispatch_due_touches()
    invitation = calendar_of(mailbox.to("ada@example.org")[-1])
    event = next(iter(invitation.walk("VEVENT")))
    assert invitation["METHOD"] == "REQUEST"
    assert event.decoded("DTSTART") == chosen
    assert event.decoded("DTEND") == chosen + timedelta(minutes=20)
    assert {str(a) for a in event.get("ATTENDEE")} == {
        "mailto:ada@example.org",
        "mailto:sam@northwind.example",
    }
    assert calendar_of(mailbox.to("sam@northwind.example")[-1])["METHOD"] == "REQUEST"
    manage_url = re.search(r"(http://\S+/o/meeting/\S+/)", text_of(mailbox.to("ada@example.org")[-1]))[1]

    feed_url = live_server.url + f"/o/feed/{meetings.availability_of(recruiter).feed_key}.ics"
    feed = icalendar.Calendar.from_ical(phone.request.get(feed_url).body())
    assert [str(e["UID"]) for e in feed.walk("VEVENT")] == [str(event["UID"])]

    # Reschedule from the invitation's link.
    phone.goto(manage_url)
    phone.locator(".reschedule summary").tap()
    later = pick_slot(phone, 3)
    screenshot(phone, "booking-3-reschedule-390px")
    phone.get_by_role("button", name="Move to this time").tap()
    expect(phone.locator("h1")).to_have_text("New time booked")
    dispatch_due_touches()
    moved = calendar_of(mailbox.to("ada@example.org")[-1])
    moved_event = next(iter(moved.walk("VEVENT")))
    assert moved["METHOD"] == "REQUEST"
    assert moved_event.decoded("DTSTART") == later
    assert str(moved_event["UID"]) == str(event["UID"]) and moved_event["SEQUENCE"] == 1

    # Cancel.
    phone.get_by_role("button", name="Cancel the call").tap()
    expect(phone.locator("h1")).to_have_text("Cancelled")
    screenshot(phone, "booking-4-cancelled-390px")
    dispatch_due_touches()
    cancelled = calendar_of(mailbox.to("ada@example.org")[-1])
    assert cancelled["METHOD"] == "CANCEL"
    assert next(iter(cancelled.walk("VEVENT")))["SEQUENCE"] == 2
    assert calendar_of(mailbox.to("sam@northwind.example")[-1])["METHOD"] == "CANCEL"
    assert Meeting.objects.get().status == Meeting.Status.CANCELLED
    feed = icalendar.Calendar.from_ical(phone.request.get(feed_url).body())
    assert feed.walk("VEVENT") == []


def test_a_recruiter_schedules_an_interview_for_a_card_and_the_board_shows_it(page, live_server, settings):
    settings.SITE_URL = live_server.url
    RecruiterFactory(username="rosa", email="rosa@northwind.example", first_name="Rosa")
    manager = HiringManagerFactory(
        username="maya", email="maya@northwind.example", first_name="Maya", last_name="Patel"
    )
    meetings.save_availability(user=manager, timezone="Europe/London")
    MeetingTypeFactory(name="Interview with the team", duration_minutes=45, stage_name="Interview")
    card = CardFactory(
        candidate=CandidateFactory(first_name="Grace", last_name="Hopper", email="grace@example.org")
    )
    login(page, live_server, "rosa")

    page.goto(f"{live_server.url}/availability/")
    screenshot(page, "meetings-availability")
    page.goto(f"{live_server.url}/requisitions/{card.pipeline.requisition_id}/board/")
    page.locator(f"#card-{card.pk} summary").click()
    page.get_by_role("link", name="Schedule a call or interview").click()
    page.get_by_label("Maya Patel").check()  # Rosa, who schedules, is ticked already
    page.get_by_role("button", name="Show free times").click()
    chosen = pick_slot(page, 2)
    screenshot(page, "meetings-schedule-card")
    page.get_by_role("button", name="Book this time").click()
    expect(page.locator("#upcoming-meetings")).to_contain_text("Grace Hopper")
    screenshot(page, "meetings-mine")

    meeting = Meeting.objects.get()
    assert meeting.starts_at == chosen and meeting.card_id == card.pk
    assert {h.username for h in meeting.hosts.all()} == {"rosa", "maya"}
    page.goto(f"{live_server.url}/requisitions/{card.pipeline.requisition_id}/board/")
    board_card = page.locator(f"#card-{card.pk}")
    expect(board_card).to_contain_text("Next call")
    expect(page.locator("section.column", has=board_card)).to_have_attribute("aria-label", "Interview")
