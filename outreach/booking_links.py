"""The signed links of meetings: a person's booking link for a meeting type, and the link to reschedule or cancel
a booked meeting. A token names its candidate and type (or meeting) and nothing can be changed in it unsigned."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from candidates.models import Candidate

from . import tokens
from .models import Meeting, MeetingType


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def booking_token(candidate: Candidate, meeting_type: MeetingType) -> str:
    return tokens.make(tokens.BOOKING, c=candidate.pk, t=meeting_type.pk)


def booking_url(candidate: Candidate, meeting_type: MeetingType) -> str:
    return absolute(reverse("outreach:book", args=[booking_token(candidate, meeting_type)]))


def read_booking_token(token: str) -> tuple[int, int]:
    """(candidate id, meeting type id); raises signing.BadSignature for a forged or mangled token."""
    payload = tokens.read(tokens.BOOKING, token)
    try:
        return int(payload["c"]), int(payload["t"])
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature("Not a booking token") from error


def meeting_token(meeting: Meeting) -> str:
    return tokens.make(tokens.MEETING, m=meeting.pk, u=str(meeting.uid))


def meeting_url(meeting: Meeting) -> str:
    return absolute(reverse("outreach:meeting_manage", args=[meeting_token(meeting)]))


def read_meeting_token(token: str) -> tuple[int, str]:
    """(meeting id, its uid); raises signing.BadSignature for a forged or mangled token."""
    payload = tokens.read(tokens.MEETING, token)
    try:
        return int(payload["m"]), str(payload["u"])
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature("Not a meeting token") from error
