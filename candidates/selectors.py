"""Read queries for candidates, pools and referrals."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Activity, Candidate, Referral, SeekingStatus, TalentPool
from .normalize import normalize_email, normalize_linkedin_url


def find_existing_candidate(*, email: str = "", linkedin_url: str = "") -> Candidate | None:
    """The person already in the database with this email (any case) or LinkedIn profile, if any."""
    email = normalize_email(email)
    try:
        linkedin_url = normalize_linkedin_url(linkedin_url)
    except ValueError:
        linkedin_url = ""
    match = Q(pk__in=[])
    if email:
        match |= Q(email__iexact=email)
    if linkedin_url:
        match |= Q(linkedin_url=linkedin_url)
    return Candidate.objects.filter(match).order_by("pk").first()


def search_candidates(*, text: str = "", seeking_status: str = "", source: str = "") -> QuerySet[Candidate]:
    qs = Candidate.objects.filter(erased_at__isnull=True).matching(text).select_related("owner")
    if seeking_status:
        qs = qs.filter(seeking_status=seeking_status)
    if source:
        qs = qs.filter(source=source)
    return qs


def candidate_counts() -> dict[str, int]:
    return Candidate.objects.filter(erased_at__isnull=True).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(seeking_status=SeekingStatus.ACTIVE)),
        passive=Count("pk", filter=Q(seeking_status=SeekingStatus.PASSIVE)),
    )


def get_candidate(pk: int) -> Candidate:
    return get_object_or_404(
        Candidate.objects.select_related("owner").prefetch_related("skills", "pools"), pk=pk, erased_at=None
    )


def timeline(candidate: Candidate, limit: int = 100) -> QuerySet[Activity]:
    return candidate.activities.select_related("actor")[:limit]


def pools_with_counts() -> QuerySet[TalentPool]:
    return TalentPool.objects.select_related("owner").annotate(member_count=Count("memberships"))


def referrals_by(user: AbstractBaseUser) -> QuerySet[Referral]:
    return Referral.objects.filter(referrer=user).select_related("candidate")


def referral_inbox() -> QuerySet[Referral]:
    return Referral.objects.select_related("candidate", "referrer")
