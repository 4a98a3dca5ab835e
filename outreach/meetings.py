"""Meetings: availability, meeting types, booking, rescheduling and cancelling, reminders and feedback requests.

No double booking, under any concurrency: a booking locks its hosts' availability rows (in id order), reads
their meetings again and checks the slot with the same pure function that offered it (outreach.slots), then
writes each host's blocked time. On PostgreSQL an exclusion constraint over each host's blocked times (see
migration 0015_meetings) refuses an overlap even from code that skipped the lock; on SQLite every write
transaction is IMMEDIATE, so bookings run one after the other. Either way the loser gets SlotTaken.
"""

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Min, QuerySet
from django.utils import timezone

from candidates.mail_headers import header_text
from candidates.models import Activity, Candidate
from candidates.services import record_activity
from pipelines import services as pipeline_services
from pipelines.models import Card, Pipeline, Stage

from . import email as outreach_email
from . import invitations, placeholders
from .enrollment import stop_enrollment
from .models import Availability, Enrollment, Meeting, MeetingHost, MeetingType, Touch
from .outbox import queue_email
from .signals import meeting_booked
from .slots import HostCalendar, fits, free_slots

SLOT_STEP = timedelta(minutes=30)
STOP_REASON = "Booked a call"


class SlotTaken(Exception):
    """The slot is no longer free for every host (someone else booked it first)."""


class NoHost(Exception):
    """Nobody can host this meeting type for this person."""


def availability_of(user: User) -> Availability:
    availability, _ = Availability.objects.get_or_create(user=user)
    return availability


def _hours(weekly_hours: dict[str, Any]) -> dict[int, list[tuple[time, time]]]:
    return {
        int(day): [(time.fromisoformat(start), time.fromisoformat(end)) for start, end in intervals]
        for day, intervals in weekly_hours.items()
    }


def host_calendars(
    hosts: list[User], *, now: datetime, exclude_meeting: Meeting | None = None
) -> list[HostCalendar]:
    """Each host's calendar as slots.free_slots reads it: their availability and the time their meetings block
    (two queries for any number of hosts)."""
    availabilities = {a.user_id: a for a in Availability.objects.filter(user__in=hosts)}
    horizon = max((a.horizon_days for a in availabilities.values()), default=21)
    busy_rows = MeetingHost.objects.filter(
        user__in=hosts,
        active=True,
        blocked_until__gte=now - timedelta(days=2),
        blocked_from__lte=now + timedelta(days=horizon + 2),
    ).select_related("meeting")
    if exclude_meeting is not None:
        busy_rows = busy_rows.exclude(meeting=exclude_meeting)
    busy: dict[int, list[MeetingHost]] = {host.pk: [] for host in hosts}
    for row in busy_rows:
        busy[row.user_id].append(row)
    calendars = []
    for host in hosts:
        availability = availabilities.get(host.pk) or Availability(user=host)
        calendars.append(
            HostCalendar(
                timezone=availability.timezone,
                weekly_hours=_hours(availability.weekly_hours),
                buffer_before=timedelta(minutes=availability.buffer_before_minutes),
                buffer_after=timedelta(minutes=availability.buffer_after_minutes),
                minimum_notice=timedelta(hours=availability.minimum_notice_hours),
                horizon=timedelta(days=availability.horizon_days),
                daily_maximum=availability.daily_maximum,
                busy=[(row.blocked_from, row.blocked_until) for row in busy[host.pk]],
                meeting_starts=[row.meeting.starts_at for row in busy[host.pk]],
            )
        )
    return calendars


def hosts_for(meeting_type: MeetingType, candidate: Candidate) -> list[User]:
    """Who hosts this type for this person: their owner, the chosen person, or the whole panel."""
    chosen = list(meeting_type.hosts.filter(is_active=True).order_by("pk"))
    if meeting_type.hosting == MeetingType.Hosting.OWNER:
        owner = candidate.owner
        hosts = [owner] if owner is not None and owner.is_active else chosen[:1]
    elif meeting_type.hosting == MeetingType.Hosting.PERSON:
        hosts = chosen[:1]
    else:
        hosts = chosen
    if not hosts:
        raise NoHost(f"Nobody hosts {meeting_type.name}.")
    return hosts


def offered_slots(
    meeting_type: MeetingType,
    hosts: list[User],
    *,
    now: datetime | None = None,
    exclude_meeting: Meeting | None = None,
) -> list[datetime]:
    now = now or timezone.now()
    calendars = host_calendars(hosts, now=now, exclude_meeting=exclude_meeting)
    return free_slots(calendars, duration=meeting_type.duration, now=now, step=SLOT_STEP)


def _lock_hosts(hosts: list[User]) -> None:
    """Serialise bookings of these hosts: lock their availability rows in id order (no deadlock between two
    bookings of overlapping panels)."""
    for host in sorted(hosts, key=lambda user: user.pk):
        availability_of(host)
    list(Availability.objects.select_for_update().filter(user__in=hosts).order_by("pk").values_list("pk"))


def _location(meeting_type: MeetingType, code: str) -> str:
    if meeting_type.location == MeetingType.Location.VIDEO:
        return meeting_type.location_detail.replace("{code}", code)
    return meeting_type.location_detail


def _claim_time(meeting: Meeting, hosts: list[User], calendars: list[HostCalendar]) -> None:
    """Write each host's blocked time; the database refuses an overlap (PostgreSQL) with IntegrityError."""
    try:
        with transaction.atomic():
            MeetingHost.objects.bulk_create(
                MeetingHost(
                    meeting=meeting,
                    user=host,
                    blocked_from=calendar.blocked_range(meeting.starts_at, meeting.ends_at)[0],
                    blocked_until=calendar.blocked_range(meeting.starts_at, meeting.ends_at)[1],
                )
                for host, calendar in zip(hosts, calendars, strict=True)
            )
    except IntegrityError as error:
        raise SlotTaken from error


def refresh_next_meeting(candidate: Candidate, *, now: datetime | None = None) -> None:
    """Cards show the person's next booked meeting (Card.next_meeting_at)."""
    now = now or timezone.now()
    upcoming = (
        Meeting.objects.booked().filter(candidate=candidate, ends_at__gt=now).aggregate(Min("starts_at"))
    )
    Card.objects.filter(candidate=candidate).update(next_meeting_at=upcoming["starts_at__min"])


def refresh_passed_next_meetings(*, now: datetime | None = None) -> int:
    """Cards whose next meeting is over show the one after it (run with the feedback requests, by beat)."""
    now = now or timezone.now()
    people = list(
        Card.objects.filter(next_meeting_at__lte=now).values_list("candidate_id", flat=True).distinct()
    )
    for candidate in Candidate.objects.filter(pk__in=people):
        refresh_next_meeting(candidate, now=now)
    return len(people)


def _move_cards(meeting: Meeting, by: User | None) -> None:
    """Move the meeting's card, or the person's talent-board entry, to the type's stage (when it has one)."""
    stage_name = meeting.meeting_type.stage_name
    if not stage_name:
        return
    if meeting.card_id is not None:
        cards = Card.objects.filter(pk=meeting.card_id)
    else:
        cards = Card.objects.filter(candidate=meeting.candidate, pipeline__kind=Pipeline.Kind.TALENT)
    for card in cards.filter(status=Card.Status.ACTIVE).select_related("pipeline", "candidate"):
        stage = Stage.objects.filter(pipeline_id=card.pipeline_id, name__iexact=stage_name).first()
        if stage is not None and stage.pk != card.stage_id:
            pipeline_services.move_card(
                card=card, to_stage=stage, position=0, expected_version=card.version, by=by
            )


def _stop_nurture(candidate: Candidate, by: User | None) -> None:
    for enrollment in candidate.enrollments.filter(status__in=Enrollment.LIVE_STATUSES):
        stop_enrollment(enrollment=enrollment, reason=STOP_REASON, by=by)


def _when(meeting: Meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%a %-d %b %Y %H:%M %Z")


@transaction.atomic
def book_meeting(
    *,
    meeting_type: MeetingType,
    candidate: Candidate,
    starts_at: datetime,
    candidate_timezone: str = "UTC",
    hosts: list[User] | None = None,
    card: Card | None = None,
    by: User | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Book a meeting if the slot is free for every host; raises SlotTaken when it is not (any more).

    A booked call is a live conversation: it stops the person's nurture, is on their timeline, moves their
    card to the type's stage, and sends the invitation to the candidate and every host."""
    now = now or timezone.now()
    hosts = hosts or hosts_for(meeting_type, candidate)
    _lock_hosts(hosts)
    calendars = host_calendars(hosts, now=now)
    ends_at = starts_at + meeting_type.duration
    if not all(fits(calendar, starts_at, ends_at, now) for calendar in calendars):
        raise SlotTaken
    code = uuid.uuid4()
    meeting = Meeting.objects.create(
        uid=code,
        meeting_type=meeting_type,
        candidate=candidate,
        card=card,
        starts_at=starts_at,
        ends_at=ends_at,
        candidate_timezone=candidate_timezone,
        location=_location(meeting_type, code.hex[:12]),
        booked_by=by,
    )
    _claim_time(meeting, hosts, calendars)
    _stop_nurture(candidate, by)
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.MEETING,
        actor=by,
        summary=f"{meeting_type.name} booked for {_when(meeting)}" + ("" if by else " (by the candidate)"),
        data={"meeting_id": meeting.pk, "hosts": [host.pk for host in hosts]},
    )
    _move_cards(meeting, by)
    refresh_next_meeting(candidate, now=now)
    invitations.queue_invitations(meeting, method=invitations.REQUEST, change="booked", by=by)
    meeting_booked.send(sender=Meeting, meeting=meeting, by=by)
    return meeting


@transaction.atomic
def reschedule_meeting(
    *,
    meeting: Meeting,
    starts_at: datetime,
    candidate_timezone: str | None = None,
    by: User | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Move a booked meeting to another free slot of its hosts and send the updated invitation."""
    now = now or timezone.now()
    hosts = meeting.host_list()
    _lock_hosts(hosts)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.BOOKED:
        raise SlotTaken
    calendars = host_calendars(hosts, now=now, exclude_meeting=meeting)
    ends_at = starts_at + meeting.meeting_type.duration
    if not all(fits(calendar, starts_at, ends_at, now) for calendar in calendars):
        raise SlotTaken
    before = _when(meeting)
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.sequence += 1
    meeting.reminder_sent_at = None
    meeting.candidate_timezone = candidate_timezone or meeting.candidate_timezone
    meeting.save(update_fields=["starts_at", "ends_at", "sequence", "reminder_sent_at", "candidate_timezone"])
    MeetingHost.objects.filter(meeting=meeting).delete()
    _claim_time(meeting, hosts, calendars)
    record_activity(
        candidate=meeting.candidate,
        kind=Activity.Kind.MEETING,
        actor=by,
        summary=f"{meeting.meeting_type.name} moved from {before} to {_when(meeting)}",
        data={"meeting_id": meeting.pk},
    )
    refresh_next_meeting(meeting.candidate, now=now)
    invitations.queue_invitations(meeting, method=invitations.REQUEST, change="moved", by=by)
    return meeting


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, by: User | None = None, now: datetime | None = None) -> Meeting:
    """Cancel a booked meeting (its time is free again) and send METHOD:CANCEL; cancelling twice does nothing."""
    now = now or timezone.now()
    if not Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.BOOKED).update(
        status=Meeting.Status.CANCELLED, cancelled_at=now, sequence=F("sequence") + 1
    ):
        meeting.refresh_from_db()
        return meeting
    MeetingHost.objects.filter(meeting=meeting).update(active=False)
    meeting.refresh_from_db()
    record_activity(
        candidate=meeting.candidate,
        kind=Activity.Kind.MEETING,
        actor=by,
        summary=f"{meeting.meeting_type.name} of {_when(meeting)} cancelled"
        + ("" if by else " by the candidate"),
        data={"meeting_id": meeting.pk},
    )
    refresh_next_meeting(meeting.candidate, now=now)
    invitations.queue_invitations(meeting, method=invitations.CANCEL, change="cancelled", by=by)
    return meeting


@transaction.atomic
def mark_no_show(*, meeting: Meeting, no_show: bool, by: User) -> Meeting:
    """A host says whether the candidate came (the reports count no-shows)."""
    if meeting.no_show != no_show:
        meeting.no_show = no_show
        meeting.save(update_fields=["no_show"])
        record_activity(
            candidate=meeting.candidate,
            kind=Activity.Kind.MEETING,
            actor=by,
            summary=f"{meeting.meeting_type.name} of {_when(meeting)}: "
            + ("did not come" if no_show else "came after all"),
            data={"meeting_id": meeting.pk, "no_show": no_show},
        )
    return meeting


def _claim_each(due: QuerySet[Meeting], stamp: str, now: datetime, act: Callable[[Meeting], object]) -> int:
    """Run `act` on each due meeting once, however many workers run this at once: each is claimed by a
    conditional UPDATE of `stamp` (empty until then) in the transaction that does the work. Returns how many."""
    done = 0
    for meeting_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            if Meeting.objects.filter(pk=meeting_id, **{f"{stamp}__isnull": True}).update(**{stamp: now}):
                act(Meeting.objects.select_related("meeting_type", "candidate").get(pk=meeting_id))
                done += 1
    return done


def send_due_reminders(*, now: datetime | None = None, ahead: timedelta = timedelta(hours=24)) -> int:
    """Queue the reminders of meetings starting within `ahead`, each meeting's once."""
    now = now or timezone.now()
    due = Meeting.objects.booked().filter(
        reminder_sent_at__isnull=True, starts_at__gt=now, starts_at__lte=now + ahead
    )
    return _claim_each(due, "reminder_sent_at", now, invitations.queue_reminders)


def request_feedback(*, now: datetime | None = None) -> int:
    """Ask each host of an interview that is over (for a card, candidate not marked absent) for feedback;
    each interview asks once."""
    now = now or timezone.now()
    over = Meeting.objects.booked().filter(
        card__isnull=False, no_show=False, feedback_requested_at__isnull=True, ends_at__lte=now
    )
    return _claim_each(over, "feedback_requested_at", now, invitations.queue_feedback_requests)


@transaction.atomic
def save_availability(*, user: User, **fields: Any) -> Availability:
    availability = availability_of(user)
    for name, value in fields.items():
        setattr(availability, name, value)
    availability.full_clean()
    availability.save()
    return availability


@transaction.atomic
def revoke_feed(*, user: User) -> Availability:
    """A new private feed address; the old one stops working at once."""
    availability = availability_of(user)
    availability.feed_key = uuid.uuid4()
    availability.save(update_fields=["feed_key"])
    return availability


@transaction.atomic
def save_meeting_type(*, meeting_type: MeetingType, hosts: Iterable[User]) -> MeetingType:
    """Save a meeting type (a new default takes the place of the old one)."""
    if meeting_type.is_default:
        MeetingType.objects.filter(is_default=True).exclude(pk=meeting_type.pk).update(is_default=False)
    meeting_type.save()
    meeting_type.hosts.set(list(hosts))
    return meeting_type


def send_booking_link(
    *, candidate: Candidate, meeting_type: MeetingType, subject: str, body: str, by: User
) -> Touch:
    """Email a person their booking link: the message's placeholders are filled now, the link for this type."""
    values = outreach_email.placeholder_values(candidate, by, meeting_type)
    return queue_email(
        candidate,
        sender=by,
        subject=header_text(placeholders.render_text(subject, values)) or "A quick call?",
        body=placeholders.render_text(body, values),
        kind=Touch.Kind.ONE_OFF,
        created_by=by,
    )
