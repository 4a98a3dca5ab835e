"""Deliverability: bounce and complaint rates per sender identity and per sequence over 30 days, against the
admins' thresholds (InsightSettings: bounce_alert_percent, complaint_alert_percent). Mailbox providers
(Gmail, Yahoo) expect spam complaints under 0.3% and senders that stop mailing addresses that bounce. The
numbers are outreach's one computation (`outreach.selectors.sending_rates`, also on the Deliverability page);
this module adds the labels, the thresholds and the alerts."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from outreach.models import SenderIdentity, Touch
from outreach.selectors import SendingRates, SendingRatesWindow, sending_rates

from ..models import InsightSettings
from .common import ReportFilters


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
    such an event on those emails; rates in percent of the emails sent (`outreach.selectors.sending_rates`).
    A row is flagged at or above the threshold. Filters: the period's end date, sequence, recruiter (the
    candidate's owner)."""

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
    return rates(sending_rates(until=filters.end, emails=emails), settings=settings)


def rates(window: SendingRatesWindow, *, settings: InsightSettings) -> DeliverabilityReport:
    """The window's rates with their labels and alerts; one query more (the senders with their identities),
    none when nothing was sent."""
    senders_by_id = User.objects.filter(pk__in=[k for k in window.senders if k]).select_related(
        "sender_identity"
    )
    sender_names: dict[int | None, str] = {user.pk: _sender_label(user) for user in senders_by_id}

    def row(kind: str, key: int | None, label: str, counts: SendingRates) -> RateRow:
        bounce_rate, complaint_rate = counts.bounce_percent, counts.complaint_percent
        return RateRow(
            kind=kind,
            key=key,
            label=label,
            sent=counts.sent,
            bounced=counts.bounced,
            complained=counts.complained,
            bounce_rate=bounce_rate,
            complaint_rate=complaint_rate,
            bounce_alert=bool(counts.bounced) and (bounce_rate or 0) >= settings.bounce_alert_percent,
            complaint_alert=bool(counts.complained)
            and (complaint_rate or 0) >= float(settings.complaint_alert_percent),
        )

    senders = [
        row("sender", key, sender_names.get(key) or "The site's address", counts)
        for key, counts in window.senders.items()
    ]
    sequences = [
        row("sequence", key, window.sequence_names[key], counts) for key, counts in window.sequences.items()
    ]
    return DeliverabilityReport(
        since=window.since,
        until=window.until,
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
