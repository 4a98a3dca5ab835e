"""The referral leaderboard."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from candidates.models import Referral

from .common import ReportFilters


@dataclass(frozen=True)
class ReferrerRow:
    referrer_id: int
    name: str
    referrals: int
    in_process: int
    hired: int


@dataclass(frozen=True)
class ReferralReport:
    """Referrers by the referrals they made in the period, and how far those got.

    Filters: period only.
    - Only statuses set by the referred person's cards count (Referral.from_board), never a hand-set one:
      reached a role's board: in process, hired or not selected; hired: hired.
    - Ordered by hires, then interviews, then referrals.
    """

    rows: list[ReferrerRow]
    totals: dict[str, int]

    def table(self) -> tuple[list[str], list[list[Any]]]:
        header = ["Referrer", "Referrals", "Reached a role's board", "Hired"]
        return header, [[r.name, r.referrals, r.in_process, r.hired] for r in self.rows]


def referral_leaderboard(filters: ReportFilters, limit: int = 20) -> ReferralReport:
    """One query."""
    on_board = Q(from_board=True, status__in=Referral.BOARD_STATUSES)
    hired = Q(from_board=True, status=Referral.Status.HIRED)
    rows = (
        Referral.objects.filter(created_at__gte=filters.start, created_at__lt=filters.end)
        .values("referrer_id", "referrer__username", "referrer__first_name", "referrer__last_name")
        .annotate(
            referrals=Count("pk"),
            in_process=Count("pk", filter=on_board),
            hired=Count("pk", filter=hired),
        )
        .order_by()
    )
    result = [
        ReferrerRow(
            referrer_id=row["referrer_id"],
            name=f"{row['referrer__first_name']} {row['referrer__last_name']}".strip()
            or row["referrer__username"],
            referrals=row["referrals"],
            in_process=row["in_process"],
            hired=row["hired"],
        )
        for row in rows
    ]
    result.sort(key=lambda r: (-r.hired, -r.in_process, -r.referrals, r.name.casefold(), r.referrer_id))
    totals = {
        "referrers": len(result),
        "referrals": sum(r.referrals for r in result),
        "hired": sum(r.hired for r in result),
    }
    return ReferralReport(rows=result[:limit], totals=totals)
