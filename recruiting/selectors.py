"""Read queries for the home page: what each role has to look at today."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from candidates.models import Candidate
from candidates.roles import is_admin
from outreach import selectors as outreach_selectors
from outreach.models import EngagementEvent, Reply, Touch
from pipelines.models import ForecastSettings, Requisition
from pipelines.selectors import RoleForecast, forecast

from .models import InsightSettings
from .reports.common import SCANNER_CLICK

WARMING_DAYS = 7
# Events that take a person's doing: a real click, a reply, an accepted LinkedIn connection request.
HUMAN_ENGAGEMENT = [
    EngagementEvent.Kind.CLICKED,
    EngagementEvent.Kind.REPLIED,
    EngagementEvent.Kind.CONNECTED,
]
SNOOZE_HORIZON_DAYS = 7
ALERT_WINDOW_DAYS = 30


def _mine(candidates: QuerySet[Candidate], user: User) -> QuerySet[Candidate]:
    """A recruiter's own candidates; admins look after everyone's."""
    return candidates if is_admin(user) else candidates.filter(owner=user)


def warming_up(user: User, now: datetime) -> QuerySet[Candidate]:
    """Candidates warming up this week: people who clicked (not a mail scanner), replied or accepted a
    connection request in the last WARMING_DAYS days, most such events first, then by engagement score.
    Each has `recent_events`."""
    recent = EngagementEvent.objects.filter(
        kind__in=HUMAN_ENGAGEMENT, occurred_at__gte=now - timedelta(days=WARMING_DAYS), occurred_at__lte=now
    ).exclude(SCANNER_CLICK)
    return (
        _mine(Candidate.objects.filter(erased_at__isnull=True), user)
        .filter(pk__in=recent.values("candidate_id"))
        .annotate(recent_events=Count("engagement_events", filter=Q(engagement_events__in=recent)))
        .order_by("-recent_events", "-engagement_score", "last_name", "pk")
    )


def snoozed_coming_back(user: User, today: date) -> QuerySet[Candidate]:
    """People whose snooze ends within SNOOZE_HORIZON_DAYS days (today included), soonest first."""
    return (
        _mine(Candidate.objects.filter(erased_at__isnull=True), user)
        .filter(snoozed_until__gte=today, snoozed_until__lte=today + timedelta(days=SNOOZE_HORIZON_DAYS))
        .order_by("snoozed_until", "last_name", "pk")
    )


def gone_quiet(user: User, now: datetime, settings: InsightSettings) -> QuerySet[Candidate]:
    """Passive people the user owns (everyone's for admins) with no touch for `stale_after_days` days: last
    contacted before then, or never contacted and added before then. Not for people we may not contact or
    who are snoozed. Longest silence first; each has `quiet_since`."""
    cutoff = now - timedelta(days=settings.stale_after_days)
    return (
        _mine(Candidate.objects.passive().contactable(), user)
        .exclude(snoozed_until__gte=now.date())
        .annotate(quiet_since=Coalesce("last_contacted_at", "created_at"))
        .filter(quiet_since__lt=cutoff)
        .order_by("quiet_since", "pk")
    )


def low_coverage_planned_roles(today: date) -> list[RoleForecast]:
    """Planned roles with fewer warm passive people in their pools than the forecast target (pipelines'
    forecast settings)."""
    return [
        role
        for role in forecast(ForecastSettings.current(), today)
        if role.requisition.status == Requisition.Status.PLANNED and role.is_low
    ]


@dataclass(frozen=True)
class SequenceAlert:
    sequence_id: int
    name: str
    sent: int
    unsubscribed: int
    bounced: int
    unsubscribe_rate: float | None
    bounce_rate: float | None


def sequence_alerts(
    window: outreach_selectors.SendingRatesWindow, settings: InsightSettings
) -> list[SequenceAlert]:
    """Sequences whose emails sent in the window (`outreach.selectors.sending_rates`, the last 30 days on the
    home page) led to too many unsubscribes or bounces: distinct people who unsubscribed (bounced) on those
    emails / emails sent, in percent, at or above the admins' thresholds. No query of its own."""
    alerts = []
    for sequence_id, counts in window.sequences.items():
        alert = SequenceAlert(
            sequence_id=sequence_id,
            name=window.sequence_names[sequence_id],
            sent=counts.sent,
            unsubscribed=counts.unsubscribed,
            bounced=counts.bounced,
            unsubscribe_rate=counts.unsubscribe_percent,
            bounce_rate=counts.bounce_percent,
        )
        if (alert.unsubscribed and (alert.unsubscribe_rate or 0) >= settings.unsubscribe_alert_percent) or (
            alert.bounced and (alert.bounce_rate or 0) >= settings.bounce_alert_percent
        ):
            alerts.append(alert)
    return sorted(alerts, key=lambda alert: (alert.name, alert.sequence_id))


def failed_touches(now: datetime) -> QuerySet[Touch]:
    """Touches that failed for good (after every retry), or were possibly delivered (the mail server's answer
    was lost), and were due in the last ALERT_WINDOW_DAYS days: each waits for a person to resend it or not."""
    return (
        Touch.objects.filter(
            status__in=[Touch.Status.FAILED, Touch.Status.POSSIBLY_DELIVERED],
            due_at__gte=now - timedelta(days=ALERT_WINDOW_DAYS),
        )
        .select_related("candidate", "enrollment__sequence")
        .order_by("-due_at", "-pk")
    )


@dataclass(frozen=True)
class RepliesWaiting:
    count: int
    oldest: list[Reply]
    unmatched: int


def replies_waiting(user: User, shown: int = 5) -> RepliesWaiting:
    """The replies the recruiting team has to handle: how many, the `shown` oldest, and how many inbound emails
    wait to be matched to a candidate. Three queries; nothing for users who may not see replies."""
    to_handle = outreach_selectors.replies_to_handle(user)
    return RepliesWaiting(
        count=to_handle.count(),
        oldest=list(to_handle[:shown]),
        unmatched=outreach_selectors.unmatched_replies(user).count(),
    )
