"""Demo meeting types and availability: the 20-minute chat `{{ booking_link }}` books, and a panel interview."""

from outreach import meetings
from outreach.models import MeetingType

from .state import Demo

# name, minutes, location, detail, hosting, hosts, stage the card moves to, offered by {{ booking_link }}
TYPES = [
    (
        "20-minute chat",
        20,
        MeetingType.Location.VIDEO,
        "https://meet.example.com/longlist-{code}",
        MeetingType.Hosting.OWNER,
        ["recruiter"],
        "Ready to talk",
        True,
    ),
    (
        "Interview with the team",
        45,
        MeetingType.Location.VIDEO,
        "https://meet.example.com/interview-{code}",
        MeetingType.Hosting.PANEL,
        ["recruiter", "manager"],
        "Interview",
        False,
    ),
]
# username: timezone of their working hours
HOSTS = {"recruiter": "Europe/London", "recruiter2": "Europe/Berlin", "manager": "Europe/London"}


def seed_meetings(demo: Demo) -> None:
    for username, zone in HOSTS.items():
        availability = meetings.availability_of(demo.users[username])
        if availability.timezone != zone:
            meetings.save_availability(user=demo.users[username], timezone=zone)
    for name, minutes, location, detail, hosting, hosts, stage, default in TYPES:
        if MeetingType.objects.filter(name=name).exists():
            continue
        meeting_type = MeetingType(
            name=name,
            duration_minutes=minutes,
            location=location,
            location_detail=detail,
            hosting=hosting,
            stage_name=stage,
            is_default=default,
        )
        meetings.save_meeting_type(meeting_type=meeting_type, hosts=[demo.users[u] for u in hosts])
        demo.count("meeting types")
