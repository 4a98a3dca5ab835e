"""Meeting pages: availability and meeting types (settings), a host's meetings, sending a booking link,
scheduling for a card; and the public pages of the signed links (book, reschedule, cancel) and the feed."""

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from candidates.selectors import get_candidate
from pipelines.models import CareersSettings
from pipelines.selectors import get_card_for_user

from . import invitations, meetings, selectors
from .booking_links import booking_token, meeting_token, read_booking_token, read_meeting_token
from .email import candidate_language, default_meeting_type
from .forms import (
    BOOKING_LINK_BODY,
    BOOKING_LINK_SUBJECT,
    AvailabilityForm,
    BookingLinkForm,
    MeetingTypeForm,
    ScheduleForm,
    SlotForm,
)
from .models import Meeting, MeetingType

DAYS_SHOWN = 5  # days with free times on one booking page; "Later times" shows the next ones
TAKEN = _("Sorry, someone has just booked that time. Here are the times still free.")
ZONES = available_timezones()
ZONE_NAMES = sorted(ZONES)


def _zone(name: str | None, fallback: str = "UTC") -> str:
    return name if name in ZONES else (fallback if fallback in ZONES else "UTC")


def slot_days(slots: list[datetime], zone_name: str, *, after: str = "") -> tuple[list, str]:
    """Slots grouped by day in the reader's timezone: [(date, [(utc iso, "09:30")])], and the day to continue
    from ("" when there are no later days)."""
    zone = ZoneInfo(zone_name)
    days: dict = defaultdict(list)
    for start in slots:
        local = start.astimezone(zone)
        if after and local.date().isoformat() <= after:
            continue
        days[local.date()].append((start.isoformat(), local.strftime("%H:%M")))
    ordered = sorted(days.items())
    shown = ordered[:DAYS_SHOWN]
    more = shown[-1][0].isoformat() if len(ordered) > DAYS_SHOWN else ""
    return shown, more


# Settings: availability and the calendar feed -------------------------------------------------------------


@permission_required("outreach.host_meetings", raise_exception=True)
def availability(request):
    current = meetings.availability_of(request.user)
    form = AvailabilityForm(request.POST or None, initial=AvailabilityForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        meetings.save_availability(user=request.user, **form.availability_fields())
        messages.success(request, "Your availability is saved.")
        return redirect("outreach:availability")
    feed_url = request.build_absolute_uri(reverse("outreach:feed", args=[current.feed_key]))
    return render(request, "outreach/availability.html", {"form": form, "feed_url": feed_url})


@require_POST
@permission_required("outreach.host_meetings", raise_exception=True)
def feed_revoke(request):
    meetings.revoke_feed(user=request.user)
    messages.success(request, "Your calendar feed has a new address; the old one no longer works.")
    return redirect("outreach:availability")


@login_not_required
def feed(request, key):
    """A user's private calendar feed (ICS), for Google, Outlook or Apple Calendar to subscribe to."""
    owner = selectors.availability_by_feed_key(str(key))
    if owner is None:
        raise Http404("No such calendar.")
    body = invitations.feed(owner.user, selectors.feed_meetings(owner.user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# Settings: meeting types ------------------------------------------------------------------------------------


@permission_required("outreach.view_meetingtype", raise_exception=True)
def meeting_types(request, pk=None):
    meeting_type = get_object_or_404(MeetingType, pk=pk) if pk else None
    can_edit = request.user.has_perm("outreach.change_meetingtype")
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = MeetingTypeForm(request.POST or None, instance=meeting_type) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        saved = meetings.save_meeting_type(
            meeting_type=form.save(commit=False), hosts=form.cleaned_data["hosts"]
        )
        messages.success(request, f"Meeting type “{saved.name}” saved.")
        return redirect("outreach:meeting_types")
    context = {"types": selectors.meeting_types(), "form": form, "editing": meeting_type}
    return render(request, "outreach/meeting_types.html", context)


# A host's meetings -------------------------------------------------------------------------------------------


@permission_required("outreach.host_meetings", raise_exception=True)
def meeting_list(request):
    now = timezone.now()
    rows = list(selectors.meetings_of_host(request.user, now=now))
    context = {
        "upcoming": [m for m in rows if m.ends_at > now and m.status == Meeting.Status.BOOKED],
        "past": [m for m in rows if m.ends_at <= now or m.status != Meeting.Status.BOOKED][::-1],
        "now": now,
    }
    return render(request, "outreach/meetings.html", context)


def _meeting_to_change(request, pk) -> Meeting:
    meeting = selectors.get_meeting_for_user(request.user, pk)
    if not request.user.has_perm("outreach.change_meeting", meeting):
        raise PermissionDenied
    return meeting


@require_POST
def meeting_cancel(request, pk):
    meeting = _meeting_to_change(request, pk)
    meetings.cancel_meeting(meeting=meeting, by=request.user)
    messages.success(request, f"Cancelled; {meeting.candidate.full_name} and the hosts are told.")
    return redirect("outreach:meetings")


@require_POST
def meeting_no_show(request, pk):
    meeting = _meeting_to_change(request, pk)
    meetings.mark_no_show(meeting=meeting, no_show=request.POST.get("no_show") == "1", by=request.user)
    return redirect("outreach:meetings")


def meeting_reschedule(request, pk):
    """Staff move a meeting to another time its hosts all have free."""
    meeting = _meeting_to_change(request, pk)
    if meeting.status != Meeting.Status.BOOKED:
        raise Http404("This meeting is cancelled.")
    zone = _zone(request.GET.get("tz"), meetings.availability_of(request.user).timezone)
    error = ""
    if request.method == "POST":
        form = SlotForm(request.POST)
        if form.is_valid():
            try:
                meetings.reschedule_meeting(
                    meeting=meeting, starts_at=form.cleaned_data["start"], by=request.user
                )
            except meetings.SlotTaken:
                error = TAKEN
            else:
                messages.success(request, "Moved; the updated invitation is on its way.")
                return redirect("outreach:meetings")
        else:
            error = "Choose a time."
    hosts = meeting.host_list()
    slots = meetings.offered_slots(meeting.meeting_type, hosts, exclude_meeting=meeting)
    days, more = slot_days(slots, zone, after=request.GET.get("after", ""))
    context = {
        "meeting": meeting,
        "days": days,
        "more": more,
        "tz": zone,
        "zones": ZONE_NAMES,
        "error": error,
        "hosts": hosts,
    }
    return render(request, "outreach/meeting_reschedule.html", context, status=409 if error == TAKEN else 200)


# Sending a booking link, scheduling for a card ---------------------------------------------------------------


@permission_required("outreach.send_booking_link", raise_exception=True)
def booking_link_send(request, candidate_id):
    candidate = get_candidate(candidate_id)
    with translation.override(candidate_language(candidate)):  # the draft in the person's language
        initial = {
            "meeting_type": default_meeting_type(),
            "subject": str(BOOKING_LINK_SUBJECT),
            "body": str(BOOKING_LINK_BODY),
        }
    form = BookingLinkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not candidate.email:
            form.add_error(None, f"{candidate.full_name} has no email address.")
        else:
            meetings.send_booking_link(candidate=candidate, by=request.user, **form.cleaned_data)
            messages.success(request, f"Booking link on its way to {candidate.full_name}.")
            return redirect("candidates:detail", candidate.pk)
    return render(request, "outreach/booking_link_send.html", {"candidate": candidate, "form": form})


@permission_required("outreach.schedule_meeting", raise_exception=True)
def card_schedule(request, card_id):
    """Schedule a call or interview for a card: choose the type and hosts, then one of their common free times."""
    card = get_card_for_user(request.user, card_id)
    data = (
        request.POST if request.method == "POST" else (request.GET if "meeting_type" in request.GET else None)
    )
    form = ScheduleForm(data, initial={"hosts": [request.user]})
    zone = _zone(request.GET.get("tz"), meetings.availability_of(request.user).timezone)
    days, more, error, hidden = [], "", "", []
    if form.is_valid():
        meeting_type, hosts = form.cleaned_data["meeting_type"], list(form.cleaned_data["hosts"])
        start = form.cleaned_data.get("start")
        if request.method == "POST" and start:
            try:
                meetings.book_meeting(
                    meeting_type=meeting_type,
                    candidate=card.candidate,
                    starts_at=start,
                    candidate_timezone=card.candidate.timezone or "UTC",
                    hosts=hosts,
                    card=card,
                    by=request.user,
                )
            except meetings.SlotTaken:
                error = TAKEN
            else:
                messages.success(request, f"{meeting_type.name} with {card.candidate.full_name} booked.")
                return redirect("outreach:meetings")
        elif request.method == "POST":
            error = "Choose a time."
        slots = meetings.offered_slots(meeting_type, hosts)
        days, more = slot_days(slots, zone, after=request.GET.get("after", ""))
        hidden = [("meeting_type", meeting_type.pk), *[("hosts", host.pk) for host in hosts]]
    context = {
        "card": card,
        "form": form,
        "days": days,
        "more": more,
        "tz": zone,
        "zones": ZONE_NAMES,
        "error": error,
        "hidden": hidden,
    }
    return render(request, "outreach/card_schedule.html", context, status=409 if error == TAKEN else 200)


# The public pages of the signed links ------------------------------------------------------------------------


def _public(request, template: str, context: dict, status: int = 200):
    context = {"careers": CareersSettings.current(), "zones": ZONE_NAMES, **context}
    return render(request, template, context, status=status)


@login_not_required
def book(request, token):
    """The booking page of a signed link: free times in the visitor's timezone, booked in one step. Once the
    person has a call of this type ahead, the link opens that call instead (no second booking by the link)."""
    try:
        candidate_id, type_id = read_booking_token(token)
    except signing.BadSignature as error:
        raise Http404("This link is not valid.") from error
    candidate = get_candidate(candidate_id)
    meeting_type = get_object_or_404(MeetingType, pk=type_id, is_active=True)
    booked = selectors.upcoming_booking(candidate, meeting_type)
    if booked is not None:  # one link, one call: it opens the call booked with it, to move or cancel
        return redirect("outreach:meeting_manage", meeting_token(booked))
    try:
        hosts = meetings.hosts_for(meeting_type, candidate)
    except meetings.NoHost as error:
        raise Http404("Nobody can take this call at the moment.") from error
    zone = _zone(request.POST.get("tz") or request.GET.get("tz"), candidate.timezone)
    error = ""
    if request.method == "POST":
        form = SlotForm(request.POST)
        if form.is_valid():
            try:
                meeting = meetings.book_meeting(
                    meeting_type=meeting_type,
                    candidate=candidate,
                    starts_at=form.cleaned_data["start"],
                    candidate_timezone=zone,
                    hosts=hosts,
                )
            except meetings.SlotTaken:
                error = TAKEN
            else:
                return redirect(
                    reverse("outreach:meeting_manage", args=[meeting_token(meeting)]) + "?booked=1"
                )
        else:
            error = _("Choose a time first.")
    slots = meetings.offered_slots(meeting_type, hosts)
    days, more = slot_days(slots, zone, after=request.GET.get("after", ""))
    context = {
        "candidate": candidate,
        "meeting_type": meeting_type,
        "hosts": hosts,
        "days": days,
        "more": more,
        "tz": zone,
        "error": error,
        "action": reverse("outreach:book", args=[token]),
    }
    return _public(request, "outreach/book.html", context, status=409 if error == TAKEN else 200)


def _meeting_from(token: str) -> Meeting:
    try:
        meeting_id, uid = read_meeting_token(token)
    except signing.BadSignature as error:
        raise Http404("This link is not valid.") from error
    meeting = get_object_or_404(
        Meeting.objects.select_related("meeting_type", "candidate"), pk=meeting_id, candidate__erased_at=None
    )
    if str(meeting.uid) != uid:
        raise Http404("This link is not valid.")
    return meeting


@login_not_required
def meeting_manage(request, token):
    """A booked meeting, from the link in the candidate's invitation: its details, other free times to move it
    to, and cancelling it."""
    meeting = _meeting_from(token)
    zone = _zone(request.GET.get("tz"), meeting.candidate_timezone)
    hosts = meeting.host_list()
    days, more = [], ""
    if meeting.status == Meeting.Status.BOOKED and meeting.starts_at > timezone.now():
        slots = meetings.offered_slots(meeting.meeting_type, hosts, exclude_meeting=meeting)
        days, more = slot_days(slots, zone, after=request.GET.get("after", ""))
    return _public(request, "outreach/meeting_manage.html", _manage_context(meeting, token, zone, days, more))


def _manage_context(meeting: Meeting, token: str, zone: str, days, more, error: str = "") -> dict:
    return {
        "meeting": meeting,
        "hosts": meeting.host_list(),
        "tz": zone,
        "days": days,
        "more": more,
        "error": error,
        "token": token,
        "action": reverse("outreach:meeting_reschedule_public", args=[token]),
        "book_again": reverse("outreach:book", args=[booking_token(meeting.candidate, meeting.meeting_type)]),
    }


@login_not_required
@require_POST
def meeting_reschedule_public(request, token):
    meeting = _meeting_from(token)
    form = SlotForm(request.POST)
    zone = _zone(request.POST.get("tz"), meeting.candidate_timezone)
    error = _("Choose a time first.")
    if form.is_valid() and meeting.status == Meeting.Status.BOOKED:
        try:
            meetings.reschedule_meeting(
                meeting=meeting, starts_at=form.cleaned_data["start"], candidate_timezone=zone
            )
        except meetings.SlotTaken:
            error = TAKEN
        else:
            return redirect(reverse("outreach:meeting_manage", args=[token]) + "?moved=1")
    slots = meetings.offered_slots(meeting.meeting_type, meeting.host_list(), exclude_meeting=meeting)
    days, more = slot_days(slots, zone)
    context = _manage_context(meeting, token, zone, days, more, error)
    return _public(request, "outreach/meeting_manage.html", context, status=409)


@login_not_required
@require_POST
def meeting_cancel_public(request, token):
    meeting = _meeting_from(token)
    meetings.cancel_meeting(meeting=meeting)
    return redirect(reverse("outreach:meeting_manage", args=[token]) + "?cancelled=1")
