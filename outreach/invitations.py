"""Calendar invitations (iCalendar, RFC 5545/5546, built with the icalendar library) and the emails that carry
them, the reminders and the feedback requests: every one queued in the outbox.

One meeting is one event for good: its UID is the meeting's uid, and its SEQUENCE is raised on every change, so
a calendar that has the invitation replaces it with the update (METHOD:REQUEST) or removes it (METHOD:CANCEL).
Times are UTC instants; each person's email states the time in their own timezone.
"""

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext

from candidates.models import Candidate
from candidates.templatetags.longlist import display_name

from .booking_links import absolute, meeting_url
from .email import candidate_language
from .models import Meeting, Touch
from .outbox import queue_email
from .placeholders import plain

PRODID = "-//Longlist//Meetings//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def event_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@longlist"


def _address(email: str, name: str, *, role: str = "REQ-PARTICIPANT") -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    address.params["CN"] = icalendar.vText(name)
    address.params["ROLE"] = icalendar.vText(role)
    address.params["PARTSTAT"] = icalendar.vText("NEEDS-ACTION")
    address.params["RSVP"] = icalendar.vText("TRUE")
    return address


def summary(meeting: Meeting) -> str:
    return f"{meeting.meeting_type.name}: {meeting.candidate.full_name}"


def event(meeting: Meeting, hosts: list[User], *, cancelled: bool = False) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", event_uid(meeting))
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", meeting.starts_at)
    entry.add("dtend", meeting.ends_at)
    entry.add("sequence", meeting.sequence)
    entry.add("summary", summary(meeting))
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if meeting.location:
        entry.add("location", meeting.location)
    entry.add("description", f"{meeting.meeting_type.get_location_display()}. {meeting.location}".strip())
    organiser = hosts[0]
    entry.add("organizer", _address(organiser.email, display_name(organiser), role="CHAIR"))
    candidate = meeting.candidate
    if candidate.email:
        entry.add("attendee", _address(candidate.email, candidate.full_name))
    for host in hosts:
        if host.email:
            entry.add("attendee", _address(host.email, display_name(host)))
    return entry


def invitation(meeting: Meeting, hosts: list[User], method: str) -> str:
    """The iCalendar text of an invitation (REQUEST) or a cancellation (CANCEL) of the meeting."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event(meeting, hosts, cancelled=method == CANCEL))
    return calendar.to_ical().decode()


def feed(user: User, meetings: Iterable[Meeting]) -> bytes:
    """A user's calendar feed: their booked meetings (a cancelled one is simply no longer in it)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Longlist meetings of {display_name(user)}")
    for meeting in meetings:
        calendar.add_component(event(meeting, meeting.host_list()))
    return calendar.to_ical()


def _when(moment: datetime, zone_name: str) -> str:
    """The moment in the zone, written for the active language ("Monday 7 December 2026, 14:00 (Europe/Berlin)",
    "Montag, 7. Dezember 2026, 14:00 (Europe/Berlin)")."""
    try:
        zone = ZoneInfo(zone_name or "UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    local = moment.astimezone(zone)
    # Translators: a meeting's date and time in Django's date format syntax (l: weekday, j: day, F: month).
    return f"{date_format(local, pgettext('meeting time', 'l j F Y, H:i'))} ({zone.key})"


def _details(meeting: Meeting, zone_name: str) -> str:
    minutes = meeting.meeting_type.duration_minutes
    where = str(meeting.meeting_type.get_location_display()) + (
        f", {plain(meeting.location)}" if meeting.location else ""
    )
    lines = [
        gettext("What: %(name)s (%(duration)s)")
        % {
            "name": plain(meeting.meeting_type.name),
            "duration": ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes},
        },
        gettext("When: %(when)s") % {"when": _when(meeting.starts_at, zone_name)},
        gettext("Where: %(where)s") % {"where": where},
    ]
    return "\n".join(lines)


def _host_timezone(host: User) -> str:
    availability = getattr(host, "availability", None)
    return availability.timezone if availability else "UTC"


def queue_invitations(meeting: Meeting, *, method: str, change: str, by: User | None) -> list[Touch]:
    """Email the invitation (or its cancellation) to the candidate and to every host, each with the time in
    their timezone. `change` says what happened: "booked", "moved" or "cancelled"."""
    hosts = meeting.host_list()
    calendar = invitation(meeting, hosts, method)
    candidate: Candidate = meeting.candidate
    organiser = hosts[0]
    name = plain(meeting.meeting_type.name)

    def subject_of(change: str) -> str:
        return {
            "booked": gettext("Invitation: %(name)s"),
            "moved": gettext("Updated invitation: %(name)s"),
            "cancelled": gettext("Cancelled: %(name)s"),
        }[change] % {"name": name}

    touches = []
    if candidate.email:
        with translation.override(candidate_language(candidate)):
            manage = (
                ""
                if method == CANCEL
                else "\n\n"
                + gettext("Need another time, or cannot make it? Reschedule or cancel here: %(url)s")
                % {"url": meeting_url(meeting)}
            )
            body = (
                gettext("Hi %(first_name)s,") % {"first_name": plain(candidate.first_name)}
                + "\n\n"
                + {
                    "booked": gettext("Your call is booked."),
                    "moved": gettext("Your call has a new time."),
                    "cancelled": gettext("Your call is cancelled."),
                }[change]
                + f"\n\n{_details(meeting, meeting.candidate_timezone)}{manage}\n\n{plain(display_name(organiser))}"
            )
            subject = subject_of(change)
        touches.append(
            queue_email(
                candidate,
                sender=organiser,
                subject=subject,
                body=body,
                kind=Touch.Kind.MEETING,
                personal=True,
                calendar=calendar,
                created_by=by,
            )
        )
    page = absolute(reverse("outreach:meetings"))
    for host in hosts:
        if not host.email:
            continue
        with translation.override(settings.LANGUAGE_CODE):  # staff emails stay in the default language
            body = (
                f"{plain(candidate.full_name)}: {change}.\n\n{_details(meeting, _host_timezone(host))}\n\n"
                f"Your meetings: {page}"
            )
            host_subject = f"{subject_of(change)} with {plain(candidate.full_name)}"
        touches.append(
            queue_email(
                candidate,
                sender=organiser,
                subject=host_subject,
                body=body,
                kind=Touch.Kind.MEETING,
                to_address=host.email,
                personal=True,
                calendar=calendar,
                created_by=by,
            )
        )
    return touches


def queue_reminders(meeting: Meeting) -> list[Touch]:
    """The reminder a day before, to the candidate and every host."""
    hosts = meeting.host_list()
    candidate = meeting.candidate
    subject = f"Tomorrow: {plain(meeting.meeting_type.name)}"
    touches = []
    if candidate.email:
        with translation.override(candidate_language(candidate)):
            body = (
                gettext("Hi %(first_name)s,") % {"first_name": plain(candidate.first_name)}
                + "\n\n"
                + gettext("A reminder of our call.")
                + f"\n\n{_details(meeting, meeting.candidate_timezone)}\n\n"
                + gettext("Reschedule or cancel: %(url)s") % {"url": meeting_url(meeting)}
            )
            candidate_subject = gettext("Tomorrow: %(name)s") % {"name": plain(meeting.meeting_type.name)}
        touches.append(
            queue_email(
                candidate,
                sender=hosts[0],
                subject=candidate_subject,
                body=body,
                kind=Touch.Kind.MEETING,
                personal=True,
            )
        )
    for host in hosts:
        if host.email:
            with translation.override(settings.LANGUAGE_CODE):
                body = f"With {plain(candidate.full_name)}.\n\n{_details(meeting, _host_timezone(host))}"
            touches.append(
                queue_email(
                    candidate,
                    sender=hosts[0],
                    subject=f"{subject} with {plain(candidate.full_name)}",
                    body=body,
                    kind=Touch.Kind.MEETING,
                    to_address=host.email,
                    personal=True,
                )
            )
    return touches


def queue_feedback_requests(meeting: Meeting) -> list[Touch]:
    """After an interview for a card: each host is asked for their feedback on the card's feedback page."""
    if meeting.card_id is None:
        return []
    link = absolute(reverse("pipelines:card_feedback", args=[meeting.card_id]))
    candidate = meeting.candidate
    touches = []
    for host in meeting.host_list():
        if host.email:
            touches.append(
                queue_email(
                    candidate,
                    sender=host,
                    subject=f"Your feedback on {plain(candidate.full_name)}",
                    body=(
                        f"How did the {plain(meeting.meeting_type.name)} with {plain(candidate.full_name)} go? "
                        f"Leave your feedback: {link}"
                    ),
                    kind=Touch.Kind.MEETING,
                    to_address=host.email,
                    personal=True,
                )
            )
    return touches
