"""Read queries for candidates, pools and referrals."""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Field, Max, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest, Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .filling import empty_field_fills, held_by_others
from .models import (
    Activity,
    Candidate,
    CandidateAlias,
    ImportJob,
    PrivacyPolicy,
    Referral,
    SeekingStatus,
    SilverMedal,
    Skill,
    Source,
    Suppression,
    TalentPool,
)
from .normalize import normalize_email, normalize_linkedin_url
from .search import search_candidates
from .signals import merge_previewing


def find_existing_candidate(*, email: str = "", linkedin_url: str = "") -> Candidate | None:
    """The person already in the database with this email (any case) or LinkedIn profile, if any, as their
    own or as an alias (the address of a record merged into theirs). Every duplicate check asks this."""
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
    aliased = CandidateAlias.objects.filter(match).values("candidate_id")
    return Candidate.objects.filter(match | Q(pk__in=aliased)).order_by("pk").first()


@dataclass(frozen=True)
class Suppressions:
    """The suppression list's entries for some addresses: the one lookup every caller uses.

    Keys are lower-cased emails and normalised LinkedIn URLs; when an address is on the list for several
    reasons, "erased" wins (an erased person must never come back, not even as do-not-contact).
    """

    reasons: dict[str, str]

    def reason(self, *, email: str = "", linkedin_url: str = "") -> str:
        """Why these addresses are suppressed ("" when they are not)."""
        found = [self.reasons.get(key, "") for key in (email.lower(), linkedin_url) if key]
        if Suppression.Reason.ERASED in found:
            return Suppression.Reason.ERASED
        return next((reason for reason in found if reason), "")

    def covers(self, candidate: Candidate) -> bool:
        return bool(self.reason(email=candidate.email, linkedin_url=candidate.linkedin_url))


def suppressions_for(*, emails: Iterable[str] = (), linkedin_urls: Iterable[str] = ()) -> Suppressions:
    """Look up many addresses on the suppression list in one query (emails in any case)."""
    email_keys = {email.lower() for email in emails if email}
    url_keys = {url for url in linkedin_urls if url}
    reasons: dict[str, str] = {}
    if not email_keys and not url_keys:
        return Suppressions(reasons)
    rows = (
        Suppression.objects.annotate(email_key=Lower("email"))
        .filter(Q(email_key__in=email_keys) | Q(linkedin_url__in=url_keys))
        .values_list("email_key", "linkedin_url", "reason")
    )
    for email, linkedin_url, reason in rows:
        for key in (email, linkedin_url):
            if key and reasons.get(key) != Suppression.Reason.ERASED:
                reasons[key] = reason
    return Suppressions(reasons)


def suppressions_of(candidates: Iterable[Candidate]) -> Suppressions:
    people = list(candidates)
    return suppressions_for(emails=[c.email for c in people], linkedin_urls=[c.linkedin_url for c in people])


def selected_candidates(ids: Iterable[int]) -> list[Candidate]:
    """The people of a selection who are still in Longlist (not erased), by name, with only their names."""
    return list(
        Candidate.objects.filter(pk__in=list(ids), erased_at__isnull=True)
        .only("first_name", "last_name")
        .order_by("last_name", "first_name", "pk")
    )


def candidate_counts() -> dict[str, int]:
    return Candidate.objects.filter(erased_at__isnull=True).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(seeking_status=SeekingStatus.ACTIVE)),
        passive=Count("pk", filter=Q(seeking_status=SeekingStatus.PASSIVE)),
    )


def get_candidate(pk: int) -> Candidate:
    """The candidate for their profile (with skills, pools and silver medals), or 404; erased people are gone."""
    return get_object_or_404(
        Candidate.objects.select_related("owner").prefetch_related("skills", "pools", "silver_medals"),
        pk=pk,
        erased_at=None,
    )


def possible_duplicates(candidate: Candidate, limit: int = 5) -> list[Candidate]:
    """Other people who may be the same person: same name (any case) at the same company, same phone, or
    flagged as such either way (`possible_duplicate_of`: a careers application that gave someone's LinkedIn
    profile without their email).

    Email and LinkedIn cannot repeat across records (unique constraints; create, import and referrals offer
    the existing record instead), so these are the matches left for a recruiter to judge.
    """
    match = Q(possible_duplicate_of=candidate)
    if candidate.possible_duplicate_of_id:
        match |= Q(pk=candidate.possible_duplicate_of_id)
    first, last = candidate.first_name.strip(), candidate.last_name.strip()
    company = candidate.company.strip()
    if first and last and company:
        match |= Q(first_name__iexact=first, last_name__iexact=last, company__iexact=company)
    if candidate.phone.strip():
        match |= Q(phone=candidate.phone.strip())
    return list(Candidate.objects.filter(match, erased_at__isnull=True).exclude(pk=candidate.pk)[:limit])


def merge_choices(candidate: Candidate, text: str, limit: int = 20) -> list[Candidate]:
    """People to merge into this candidate: the free-text search of the candidates page, best match first."""
    if not text.strip():
        return []
    return list(search_candidates({"q": text}).exclude(pk=candidate.pk)[:limit])


# Fields a merge fills on the primary from the duplicate when the primary's value is empty.
MERGE_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "linkedin_url",
    "title",
    "company",
    "industry",
    "years_experience",
    "country",
    "city",
    "timezone",
    "language",
    "owner",
    "notes",
]


def merge_fills(primary: Candidate, duplicate: Candidate) -> dict[str, Any]:
    """{attname: duplicate's value} for every merge field the primary would fill from the duplicate: empty on
    the primary, set on the duplicate, and (email, LinkedIn) held by neither a third person."""
    attnames = [cast(Field, Candidate._meta.get_field(name)).attname for name in MERGE_FIELDS]
    values = {attname: getattr(duplicate, attname) for attname in attnames}
    return empty_field_fills(primary, values, taken=held_by_others(primary, duplicate))


@dataclass(frozen=True)
class MergeRow:
    label: str
    primary: str
    duplicate: str
    kept: str
    note: str = ""  # "filled in" (from the duplicate) or "combined"
    lost: bool = False  # the duplicate's value is not kept (it goes into the merge record)


def _shown(candidate: Candidate, name: str) -> str:
    value = getattr(candidate, name)
    if name == "owner":
        return (value.get_full_name() or value.get_username()) if value else ""
    if name == "country":
        return value.name if value else ""
    return "" if value is None else str(value)


def merge_preview(primary: Candidate, duplicate: Candidate) -> list[MergeRow]:
    """Both records side by side and the value the merge keeps for each field (skills are combined)."""
    fills = merge_fills(primary, duplicate)
    rows = []
    for name in MERGE_FIELDS:
        field = cast(Field, Candidate._meta.get_field(name))
        from_duplicate = field.attname in fills
        mine, theirs = _shown(primary, name), _shown(duplicate, name)
        rows.append(
            MergeRow(
                label=str(field.verbose_name).capitalize() if name != "linkedin_url" else "LinkedIn",
                primary=mine,
                duplicate=theirs,
                kept=theirs if from_duplicate else mine,
                note="filled in" if from_duplicate else "",
                lost=bool(theirs) and not from_duplicate and theirs != mine,
            )
        )
    own_skills = {skill.name for skill in primary.skills.all()}
    their_skills = {skill.name for skill in duplicate.skills.all()}
    rows.append(
        MergeRow(
            label="Skills",
            primary=", ".join(sorted(own_skills, key=str.lower)),
            duplicate=", ".join(sorted(their_skills, key=str.lower)),
            kept=", ".join(sorted(own_skills | their_skills, key=str.lower)),
            note="combined" if their_skills - own_skills else "",
        )
    )
    return rows


def merge_moves(duplicate: Candidate) -> dict[str, int]:
    """How many of the duplicate's rows a merge moves over, by kind; the apps above count their own rows."""
    moves = {
        "timeline entries": duplicate.activities.count(),
        "pools": duplicate.pool_memberships.count(),
        "referrals": duplicate.referrals.count(),
        "silver medals": duplicate.silver_medals.count(),
    }
    for _, counted in merge_previewing.send(sender=Candidate, duplicate=duplicate):
        moves.update(cast(dict[str, int], counted))
    return moves


def timeline(candidate: Candidate, limit: int = 100) -> QuerySet[Activity]:
    return candidate.activities.select_related("actor")[:limit]


def pools_with_counts() -> Sequence[TalentPool]:
    """Every pool with its `member_count` (erased people left out), in two queries however many pools.

    Static pools are counted in the query that lists them; all smart pools are counted together in one
    aggregate over candidates, one filtered COUNT per smart pool with its saved search as a subquery.
    """
    pools = list(
        TalentPool.objects.select_related("owner").annotate(
            member_count=Count("memberships", filter=Q(memberships__candidate__erased_at__isnull=True))
        )
    )
    smart = [pool for pool in pools if pool.kind == TalentPool.Kind.SMART]
    if smart:
        loaded = {pool.pk: pool for pool in pools}
        counts = Candidate.objects.aggregate(
            **{
                f"pool_{pool.pk}": Count("pk", filter=Q(pk__in=pool_members(pool, pools=loaded).values("pk")))
                for pool in smart
            }
        )
        for pool in smart:
            pool.member_count = counts[f"pool_{pool.pk}"]
    return pools


def get_pool(pk: int) -> TalentPool:
    return get_object_or_404(TalentPool.objects.select_related("owner"), pk=pk)


def pool_members(pool: TalentPool, *, pools: Mapping[int, TalentPool] | None = None) -> QuerySet[Candidate]:
    """The pool's members who are not erased: a static pool's memberships, a smart pool's saved search run now."""
    return search_candidates({"pool": pool.pk}, pools={**(pools or {}), pool.pk: pool})


def referrals_by(user: User) -> QuerySet[Referral]:
    """A referrer's referrals: they see the person as they gave them (Referral.referred_name), never the record."""
    return Referral.objects.filter(referrer=user)


def is_referred(candidate: Candidate) -> bool:
    return Referral.objects.filter(candidate=candidate).exists()


def referral_inbox() -> QuerySet[Referral]:
    return Referral.objects.select_related("candidate", "referrer")


def recent_imports(limit: int = 10) -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("pool", "created_by")[:limit]


# --- Rediscovery ---------------------------------------------------------------------------------------

# Words that say nothing about the kind of work when comparing titles.
TITLE_STOP_WORDS = {"senior", "junior", "sr", "jr", "mid", "level", "the", "and", "of", "for", "with", "in"}
# Prefiltered in SQL to at most this many people, who are then scored in Python.
REDISCOVERY_CANDIDATE_CAP = 500
MEDAL_HALF_LIFE_DAYS = 365
# How the reason someone was turned down changes the value of their silver medal.
MEDAL_REASON_WEIGHTS: dict[str, float] = {
    SilverMedal.Reason.TIMING: 1.5,
    SilverMedal.Reason.COMPENSATION: 1.0,
    SilverMedal.Reason.ANOTHER_CANDIDATE: 0.75,
    SilverMedal.Reason.LOCATION: 0.0,
    SilverMedal.Reason.OTHER: 0.0,
    SilverMedal.Reason.NOT_QUALIFIED: -2.0,
}
# Engagement is named as a reason from this score up ("Engagement 72"); below it only counts.
WARM_ENGAGEMENT = 50
MEDAL_REASON_WORDS: dict[str, str] = {
    SilverMedal.Reason.TIMING: "Turned down for timing",
    SilverMedal.Reason.COMPENSATION: "Turned down over compensation",
    SilverMedal.Reason.ANOTHER_CANDIDATE: "Came second to another candidate",
    SilverMedal.Reason.LOCATION: "Turned down for location",
    SilverMedal.Reason.NOT_QUALIFIED: "Not qualified at the time",
}


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: float
    reasons: list[str]


def title_words(title: str) -> set[str]:
    """The words of a job title that describe the work: 'Senior Backend Engineer' -> {'backend', 'engineer'}."""
    return {w for w in re.findall(r"[a-z0-9+#]+", title.lower()) if len(w) > 1 and w not in TITLE_STOP_WORDS}


def _overlap(wanted: set[str], title: str) -> float:
    return len(wanted & title_words(title)) / len(wanted) if wanted else 0.0


def _ago(then: datetime, now: datetime) -> str:
    days = max((now - then).days, 0)
    for size, unit in ((365, "year"), (30, "month"), (7, "week"), (1, "day")):
        if days >= size * (2 if unit in {"week", "month"} else 1):
            count = days // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "today"


def _medal_value(medal: SilverMedal, wanted: set[str], now: datetime) -> float:
    decay = 0.5 ** (max((now - medal.created_at).days, 0) / MEDAL_HALF_LIFE_DAYS)
    relevance = 0.5 + 0.5 * _overlap(wanted, medal.requisition_title)
    return (3 * medal.progress + MEDAL_REASON_WEIGHTS.get(medal.reason, 0.0)) * decay * relevance


def _score(
    candidate: Candidate, wanted: set[str], skill_keys: list[str], industry: str, now: datetime
) -> Suggestion | None:
    reasons = []
    score = 0.0
    title_match = _overlap(wanted, candidate.title)
    if title_match:
        reasons.append(f"Similar title: {candidate.title}")
    medals = sorted(candidate.silver_medals.all(), key=lambda m: _medal_value(m, wanted, now), reverse=True)
    if medals:
        best = medals[0]
        value = _medal_value(best, wanted, now)
        if value > 0:  # good enough for a similar role then counts as a title match now
            title_match = max(title_match, _overlap(wanted, best.requisition_title))
        score += value
        reasons.append(f"Reached {best.stage_name} for {best.requisition_title} {_ago(best.created_at, now)}")
        if best.reason in MEDAL_REASON_WORDS:
            reasons.append(MEDAL_REASON_WORDS[best.reason])
    score += 3 * title_match
    own = {skill.name.lower(): skill.name for skill in candidate.skills.all()}
    shared = [own[key] for key in skill_keys if key in own]
    if shared:
        score += 3 * len(shared) / len(skill_keys)
        more = f" and {len(shared) - 3} more" if len(shared) > 3 else ""
        reasons.append(f"Shares {', '.join(shared[:3])}{more}")
    same_industry = bool(industry) and candidate.industry.strip().lower() == industry.lower()
    if same_industry:
        score += 1
        reasons.append(f"Works in {candidate.industry}")
    if not (title_match or shared or same_industry) or score <= 0:
        return None
    score += 1.5 * candidate.engagement_score / 100
    if candidate.engagement_score >= WARM_ENGAGEMENT:
        reasons.append(f"Engagement {candidate.engagement_score:.0f}")
    return Suggestion(candidate=candidate, score=round(score, 3), reasons=reasons)


def suggest_from_database(
    *,
    title: str,
    skills: list[str],
    industry: str,
    exclude_ids: Iterable[int],
    limit: int = 20,
    now: datetime | None = None,
) -> list[Suggestion]:
    """Past candidates worth a look for a role with this title, skills and industry, best first.

    Who: people not erased and not marked do-not-contact, outside ``exclude_ids``, who match at least one
    signal (a title word, in their title or a role they were a silver medalist for; a skill; the industry).
    SQL narrows them to the REDISCOVERY_CANDIDATE_CAP with most shared skills, furthest silver-medal progress
    and highest engagement; those are scored in Python (three queries in all, whatever the size).

    Score (higher is better), each part with a reason in plain words:
    - title: 3 x the share of the role's title words in their title ("Similar title: Backend Engineer") or
      in the role of their best silver medal (if that medal counts in their favour), whichever is more;
    - skills: 3 x the share of the role's skills they have ("Shares Python, Django");
    - industry: 1 when it is the same ("Works in Fintech");
    - their best silver medal: (3 x progress, 0 at the first stage to 3 at the last, plus the reason weight:
      timing +1.5, compensation +1, another candidate +0.75, location and other 0, not qualified -2)
      x recency (halves every MEDAL_HALF_LIFE_DAYS) x relevance (1 for the same title words, 0.5 for none)
      ("Reached Final for Senior Backend Engineer 4 months ago", "Turned down for timing");
    - engagement now: 1.5 x score / 100, named from WARM_ENGAGEMENT up ("Engagement 72").
    People whose signals add up to nothing (say, only a not-qualified medal) are left out.
    """
    now = now or timezone.now()
    wanted = title_words(title)
    skill_keys = list(dict.fromkeys(s.strip().lower() for s in skills if s.strip()))
    industry = industry.strip()
    if not (wanted or skill_keys or industry):
        return []
    match = Q(pk__in=[])
    for word in wanted:
        match |= Q(title__icontains=word) | Q(silver_medals__requisition_title__icontains=word)
    shared: Count | Value = Value(0)
    if skill_keys:
        wanted_skills = Skill.objects.annotate(key=Lower("name")).filter(key__in=skill_keys).values("pk")
        match |= Q(skills__in=wanted_skills)
        shared = Count("skills", filter=Q(skills__in=wanted_skills), distinct=True)
    if industry:
        match |= Q(industry__iexact=industry)
    matching = (
        Candidate.objects.filter(match, erased_at__isnull=True, do_not_contact=False)
        .exclude(pk__in=list(exclude_ids))
        .values("pk")
    )
    shortlist = (
        Candidate.objects.filter(pk__in=matching)
        .annotate(shared=shared, best_progress=Coalesce(Max("silver_medals__progress"), Value(-1.0)))
        .order_by("-shared", "-best_progress", "-engagement_score", "pk")
        .prefetch_related("skills", "silver_medals")[:REDISCOVERY_CANDIDATE_CAP]
    )
    scored = [_score(c, wanted, skill_keys, industry, now) for c in shortlist]
    ranked = sorted((s for s in scored if s), key=lambda s: (-s.score, s.candidate.pk))
    return ranked[:limit]


# --- Privacy -------------------------------------------------------------------------------------------


def notices_due(policy: PrivacyPolicy) -> QuerySet[Candidate]:
    """Sourced people (not obtained from themselves) who have not had the GDPR Art. 14 notice, overdue first.

    Each has ``notice_due_at``: added to Longlist + the policy's notice_due_days.
    """
    return (
        Candidate.objects.filter(erased_at__isnull=True, privacy_notice_sent_at__isnull=True)
        .exclude(source=Source.APPLIED)
        .annotate(
            notice_due_at=ExpressionWrapper(
                F("created_at") + timedelta(days=policy.notice_due_days), output_field=DateTimeField()
            )
        )
        .order_by("created_at", "pk")
    )


def retention_due(policy: PrivacyPolicy, now: datetime | None = None) -> QuerySet[Candidate]:
    """People held longer than the retention period since the last contact (else since they were added, or
    since a recruiter last reviewed and kept them), longest first. Each has ``retained_since``."""
    now = now or timezone.now()
    return (
        Candidate.objects.filter(erased_at__isnull=True)
        .select_related("owner")
        .annotate(
            retained_since=Greatest(
                Coalesce("last_contacted_at", "created_at"), Coalesce("retention_reviewed_at", "created_at")
            )
        )
        .filter(retained_since__lt=now - timedelta(days=policy.retention_days))
        .order_by("retained_since", "pk")
    )


def notice_due_at(candidate: Candidate) -> datetime | None:
    """When the candidate's privacy notice is due, or None when it was sent or they applied themselves."""
    if candidate.privacy_notice_sent_at or candidate.source == Source.APPLIED:
        return None
    return candidate.created_at + timedelta(days=PrivacyPolicy.current().notice_due_days)


def jump_target(text: str) -> Candidate | None:
    """The one person the navigation's search box means, or None (then it shows the search): an email finds
    its holder (own or alias); other words find someone when exactly one person matches them (name, company,
    title…: the search's keywords). Erased people are never found."""
    text = text.strip()
    if not text:
        return None
    if "@" in text and " " not in text:
        found = find_existing_candidate(email=text)
        return found if found is not None and found.erased_at is None else None
    matches = list(search_candidates({"q": text})[:2])
    return matches[0] if len(matches) == 1 else None
