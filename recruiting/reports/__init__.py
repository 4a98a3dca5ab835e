"""The reports of the Insights page and the API: one function per report, each a constant number of queries.

Every report takes the same ReportFilters; which of them a report uses is part of its definition (each
function says so). Counts come from aggregate queries; the medians are computed in Python over the rows of
one query, so SQLite and PostgreSQL give the same numbers.

Shared definitions:
- The period is `date_from` to `date_to`, both days included, in the site's timezone.
- A board card is "in the period" when it was put on a requisition's board in the period (a cohort: what
  happened to the people added then, whenever it happened).
- A contact ("touch") is "sent" when it is an email with status sent or a manual task with status done; it
  is in the period when it was sent or done in the period.
- A click that the engine judged to be a mail scanner (`data={"scanner": True}`) is not engagement.
"""

from collections.abc import Callable
from typing import Any

from . import conversion, deliverability, funnel, meetings, ready, referrals, sequences, sources
from .common import ReportFilters

REPORTS: dict[str, Callable[[ReportFilters], Any]] = {
    "funnel": funnel.funnel,
    "sequences": sequences.sequence_performance,
    "conversion": conversion.seeking_conversion,
    "sources": sources.source_of_hire,
    "referrals": referrals.referral_leaderboard,
    "ready": ready.time_to_ready,
    "deliverability": deliverability.deliverability,
    "meetings": meetings.meeting_insight,
}


def all_reports(filters: ReportFilters) -> dict[str, Any]:
    return {name: report(filters) for name, report in REPORTS.items()}
