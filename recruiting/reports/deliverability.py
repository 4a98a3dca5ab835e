"""Deliverability: bounce and complaint rates per sender identity and per sequence over 30 days, against the
admins' thresholds (InsightSettings: bounce_alert_percent, complaint_alert_percent). Mailbox providers
(Gmail, Yahoo) expect spam complaints under 0.3% and senders that stop mailing addresses that bounce."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce

from outreach.models import Channel, EngagementEvent, SenderIdentity, Sequence, Touch

from ..models import InsightSettings
from .common import ReportFilters, percent

WINDOW_DAYS = 30
PROBLEMS = [EngagementEvent.Kind.BOUNCED, EngagementEvent.Kind.COMPLAINED]


@dataclass(frozen=True)
class RateRow:
    kind: str  # "sender" or "sequence"
    key: int | None
    label: str
    sent: int
    bounced: int
    complained: int
    bounce_rate: float | None
    complaint_rate: float | None
    bounce_alert: bool
    complaint_alert: bool

    @property
    def alert(self) -> bool:
        return self.bounce_alert or self.complaint_alert


@dataclass(frozen=True)
class DeliverabilityReport:
    """Emails sent in the 30 days up to the period's end (or up to now, on the home page), per sender identity
    (the touch's sender, else its sequence's) and per sequence; bounced and complained: distinct people with
    such an event on those emails. Rates in percent of the emails sent; a row is flagged at or above the
    threshold. Filters: the period's end date, sequence, recruiter (the candidate's owner)."""

    since: datetime
    until: datetime
    bounce_threshold: int
    complaint_threshold: Decimal
    senders: list[RateRow]
    sequences: list[RateRow]

    @property
    def alerts(self) -> list[RateRow]:
        return [row for row in [*self.senders, *self.sequences] if row.alert]

    def table(self) -> tuple[list[str], list[list[Any]]]:
        header = ["By", "Name", "Sent", "Bounced", "Bounce rate %", "Complaints", "Complaint rate %"]
        rows = [
            [r.kind, r.label, r.sent, r.bounced, r.bounce_rate, r.complained, r.complaint_rate]
            for r in [*self.senders, *self.sequences]
        ]
        return header, rows


def deliverability(filters: ReportFilters) -> DeliverabilityReport:
    """The reports page's version: the 30 days up to the end of the chosen period."""
    emails = Touch.objects.all()
    if filters.sequence_id:
        emails = emails.filter(enrollment__sequence_id=filters.sequence_id)
    if filters.recruiter_id:
        emails = emails.filter(candidate__owner_id=filters.recruiter_id)
    settings = InsightSettings.objects.filter(pk=1).first() or InsightSettings()  # a read writes nothing
    return rates(until=filters.end, settings=settings, emails=emails)


def rates(
    *, until: datetime, settings: InsightSettings, emails: QuerySet[Touch] | None = None
) -> DeliverabilityReport:
    """Six queries (four when nothing was sent): emails sent and people with a problem, per sender and per
    sequence; the senders with their identities; the sequences' names."""
    since = until - timedelta(days=WINDOW_DAYS)
    emails = (emails if emails is not None else Touch.objects.all()).filter(
        channel=Channel.EMAIL, status=Touch.Status.SENT, sent_at__gte=since, sent_at__lt=until
    )
    emails = emails.annotate(sent_by=Coalesce("sender_id", "enrollment__sequence__sender_id"))
    problems = EngagementEvent.objects.filter(touch__in=emails.values("pk"), kind__in=PROBLEMS).annotate(
        sent_by=Coalesce("touch__sender_id", "touch__enrollment__sequence__sender_id")
    )

    def counted(group: str, event_group: str) -> tuple[dict, dict]:
        sent = dict(emails.values_list(group).annotate(n=Count("pk")).order_by())
        people: dict = {}
        for key, kind, n in (
            problems.values_list(event_group, "kind")
            .annotate(n=Count("candidate_id", distinct=True))
            .order_by()
        ):
            people[(key, kind)] = n
        return sent, people

    sender_sent, sender_people = counted("sent_by", "sent_by")
    sequence_sent, sequence_people = counted("enrollment__sequence_id", "touch__enrollment__sequence_id")
    senders_by_id = User.objects.filter(pk__in=[k for k in sender_sent if k]).select_related(
        "sender_identity"
    )
    sender_names = {user.pk: _sender_label(user) for user in senders_by_id}
    sequence_names = dict(Sequence.objects.filter(pk__in=list(sequence_sent)).values_list("pk", "name"))

    def row(kind: str, key: int | None, label: str, sent: int, people: dict) -> RateRow:
        bounced = people.get((key, EngagementEvent.Kind.BOUNCED), 0)
        complained = people.get((key, EngagementEvent.Kind.COMPLAINED), 0)
        bounce_rate, complaint_rate = percent(bounced, sent), _fine_percent(complained, sent)
        return RateRow(
            kind=kind,
            key=key,
            label=label,
            sent=sent,
            bounced=bounced,
            complained=complained,
            bounce_rate=bounce_rate,
            complaint_rate=complaint_rate,
            bounce_alert=bool(bounced) and (bounce_rate or 0) >= settings.bounce_alert_percent,
            complaint_alert=bool(complained)
            and (complaint_rate or 0) >= float(settings.complaint_alert_percent),
        )

    senders = [
        row("sender", key, sender_names.get(key) or "The site's address", n, sender_people)
        for key, n in sender_sent.items()
    ]
    sequences = [
        row("sequence", key, sequence_names.get(key, "?"), n, sequence_people)
        for key, n in sequence_sent.items()
    ]
    return DeliverabilityReport(
        since=since,
        until=until,
        bounce_threshold=settings.bounce_alert_percent,
        complaint_threshold=settings.complaint_alert_percent,
        senders=sorted(senders, key=lambda r: (not r.alert, r.label)),
        sequences=sorted(sequences, key=lambda r: (not r.alert, r.label)),
    )


def _sender_label(user: User) -> str:
    """The sender identity (name and address) when the user has one, else their name."""
    try:
        return str(user.sender_identity)
    except SenderIdentity.DoesNotExist:
        return user.get_full_name() or user.get_username()


def _fine_percent(part: int, whole: int) -> float | None:
    """Complaint rates matter in hundredths of a percent (0.3% is the limit)."""
    return round(100 * part / whole, 2) if whole else None
