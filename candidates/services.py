"""Operations that change candidates, pools, referrals and the timeline."""

import logging
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Lower, Substr
from django.utils import timezone
from django.utils.translation import get_language
from django_countries import countries

from .models import (
    Activity,
    Candidate,
    PoolMembership,
    PrivacyPolicy,
    Referral,
    Resume,
    SilverMedal,
    Skill,
    Source,
    Suppression,
    TalentPool,
)
from .normalize import normalize_email, normalize_linkedin_url
from .search import CandidateSearchForm
from .selectors import MERGE_FIELDS, find_existing_candidate, merge_fills
from .signals import candidate_erasing, candidates_merging

logger = logging.getLogger(__name__)

SILVER_MEDALISTS_POOL = "Silver medalists"
# How much of a candidate's latest résumé text goes into their search document.
RESUME_SEARCH_CHARS = 100_000


class AlreadyReferred(Exception):
    """The referrer already referred this person: there is one referral per referrer and person."""

    def __init__(self, referral: Referral):
        super().__init__(f"{referral.candidate} was already referred by this person.")
        self.referral = referral


def record_activity(
    *,
    candidate: Candidate,
    kind: str,
    summary: str,
    actor: AbstractBaseUser | None = None,
    body: str = "",
    data: dict[str, Any] | None = None,
) -> Activity:
    """Add one entry to a candidate's timeline. Every app writes the timeline through this function."""
    return Activity.objects.create(
        candidate=candidate, kind=kind, summary=summary[:255], actor=actor, body=body, data=data or {}
    )


@lru_cache(maxsize=512)
def _country_name(code: str, language: str | None) -> str:
    """A country's name in the active language; cached, as django-countries takes ~50 µs a lookup (imports)."""
    return countries.name(code) if code else ""


def search_document_for(
    candidate: Candidate,
    note_bodies: Iterable[str] = (),
    skill_names: Iterable[str] | None = None,
    resume_text: str = "",
) -> str:
    """All the text a free-text search looks at, lowercased, one line per source (the résumé's text last).

    Skills are read from the candidate unless their names are given (a candidate not saved yet, in bulk).
    """
    if skill_names is None:
        skill_names = [skill.name for skill in candidate.skills.all()]
    parts = [
        candidate.full_name,
        candidate.email,
        candidate.title,
        candidate.company,
        candidate.industry,
        candidate.city,
        _country_name(candidate.country.code, get_language()),
        " ".join(skill_names),
        candidate.notes,
        *note_bodies,
        resume_text[:RESUME_SEARCH_CHARS],
    ]
    return "\n".join(p for p in parts if p).lower()


def refresh_search_documents(candidate_ids: Iterable[int]) -> None:
    """Recompute the search text of these candidates (and, on PostgreSQL, their weighted tsvector)."""
    ids = list(candidate_ids)
    notes: dict[int, list[str]] = {}
    for candidate_id, body in Activity.objects.filter(
        candidate_id__in=ids, kind=Activity.Kind.NOTE
    ).values_list("candidate_id", "body"):
        notes.setdefault(candidate_id, []).append(body)
    resumes: dict[int, str] = {}
    for candidate_id, text in (
        Resume.objects.filter(candidate_id__in=ids)
        .exclude(text="")
        .order_by("candidate_id", "-created_at", "-pk")
        .values_list("candidate_id", Substr("text", 1, RESUME_SEARCH_CHARS))
    ):
        resumes.setdefault(candidate_id, text)  # the latest résumé with text
    candidates = list(Candidate.objects.filter(pk__in=ids).prefetch_related("skills"))
    for candidate in candidates:
        candidate.search_document = search_document_for(
            candidate, notes.get(candidate.pk, ()), resume_text=resumes.get(candidate.pk, "")
        )
    Candidate.objects.bulk_update(candidates, ["search_document"], batch_size=500)
    if connection.vendor == "postgresql":
        Candidate.objects.filter(pk__in=ids).update(search_vector=search_vector())


def search_vector() -> CombinedExpression:
    """A candidate's weighted tsvector (PostgreSQL): A the name, B title and company, C the search document."""
    return (
        SearchVector("first_name", "last_name", weight="A", config="simple")
        + SearchVector("title", "company", weight="B", config="simple")
        + SearchVector("search_document", weight="C", config="simple")
    )


def set_skills(candidate: Candidate, names: Iterable[str]) -> None:
    """Replace a candidate's skills; names match existing skills whatever their case."""
    wanted: dict[str, str] = {}
    for name in names:
        if name.strip():
            wanted.setdefault(name.strip().lower(), name.strip())
    existing = Skill.objects.annotate(key=Lower("name")).filter(key__in=wanted)
    known = {s.key for s in existing}
    Skill.objects.bulk_create(
        [Skill(name=name) for key, name in wanted.items() if key not in known], ignore_conflicts=True
    )
    candidate.skills.set(Skill.objects.annotate(key=Lower("name")).filter(key__in=wanted))


@transaction.atomic
def create_candidate(
    *, by: AbstractBaseUser | None = None, skills: Iterable[str] = (), **fields: Any
) -> Candidate:
    fields["email"] = normalize_email(fields.get("email", ""))
    fields["linkedin_url"] = normalize_linkedin_url(fields.get("linkedin_url", ""))
    candidate = Candidate(**fields)
    candidate.full_clean(exclude=["skills"])
    candidate.save()
    set_skills(candidate, skills)
    refresh_search_documents([candidate.pk])
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.CREATED,
        actor=by,
        summary=f"Added to Longlist ({candidate.get_source_display().lower()})",
    )
    return candidate


@transaction.atomic
def update_candidate(
    *, candidate: Candidate, by: AbstractBaseUser | None = None, skills: Iterable[str] | None = None, **fields
) -> Candidate:
    if "email" in fields:
        fields["email"] = normalize_email(fields["email"])
    if "linkedin_url" in fields:
        fields["linkedin_url"] = normalize_linkedin_url(fields["linkedin_url"])
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.full_clean(exclude=["skills"])
    candidate.save()
    if skills is not None:
        set_skills(candidate, skills)
    refresh_search_documents([candidate.pk])
    return candidate


@transaction.atomic
def add_note(*, candidate: Candidate, body: str, by: AbstractBaseUser) -> Activity:
    first_line = body.strip().splitlines()[0] if body.strip() else ""
    note = record_activity(
        candidate=candidate, kind=Activity.Kind.NOTE, actor=by, summary=first_line[:120], body=body.strip()
    )
    refresh_search_documents([candidate.pk])
    return note


@transaction.atomic
def create_static_pool(
    *,
    name: str,
    by: AbstractBaseUser | None,
    description: str = "",
    candidates: Iterable[Candidate] = (),
) -> TalentPool:
    """A new static pool, owned by its creator, with these people in it (recorded on their timelines)."""
    pool = TalentPool(name=name.strip(), description=description, kind=TalentPool.Kind.STATIC, owner=by)
    pool.full_clean()
    pool.save()
    add_to_pool(pool=pool, candidates=candidates, by=by)
    return pool


def _saved_search(query: dict[str, Any]) -> dict[str, Any]:
    form = CandidateSearchForm(query)
    if not form.is_valid():
        raise ValidationError(
            {"query": [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]}
        )
    return form.to_query()


@transaction.atomic
def create_smart_pool(
    *, name: str, query: dict[str, Any], by: AbstractBaseUser | None, description: str = ""
) -> TalentPool:
    """A saved search whose members are computed when asked; the filters are validated and stored cleaned."""
    pool = TalentPool(
        name=name.strip(),
        description=description,
        kind=TalentPool.Kind.SMART,
        query=_saved_search(query),
        owner=by,
    )
    pool.full_clean()
    pool.save()
    return pool


@transaction.atomic
def update_pool(
    *,
    pool: TalentPool,
    name: str | None = None,
    description: str | None = None,
    query: dict[str, Any] | None = None,
) -> TalentPool:
    """Rename or describe a pool, or change a smart pool's search. A pool's kind never changes."""
    if name is not None:
        pool.name = name.strip()
    if description is not None:
        pool.description = description
    if query is not None:
        if pool.kind != TalentPool.Kind.SMART:
            raise ValidationError({"query": ["Only a smart pool has a search."]})
        pool.query = _saved_search(query)
    pool.full_clean()
    pool.save()
    return pool


@transaction.atomic
def remove_from_pool(
    *, pool: TalentPool, candidates: Iterable[Candidate], by: AbstractBaseUser | None
) -> int:
    """Take candidates out of a static pool (recorded on their timelines); returns how many were members."""
    if pool.kind != TalentPool.Kind.STATIC:
        raise ValidationError("The members of a smart pool come from its search; change the search instead.")
    memberships = PoolMembership.objects.filter(pool=pool, candidate__in=list(candidates))
    removed = list(memberships.values_list("candidate_id", flat=True))
    memberships.delete()
    Activity.objects.bulk_create(
        [
            Activity(
                candidate_id=pk, kind=Activity.Kind.POOL, actor=by, summary=f"Removed from pool {pool.name}"
            )
            for pk in removed
        ]
    )
    return len(removed)


@transaction.atomic
def add_to_pool(*, pool: TalentPool, candidates: Iterable[Candidate], by: AbstractBaseUser | None) -> int:
    """Add candidates to a static pool; returns how many were not already members."""
    if pool.kind != TalentPool.Kind.STATIC:
        raise ValidationError("The members of a smart pool come from its search; change the search instead.")
    candidates = list(candidates)
    already = set(
        PoolMembership.objects.filter(pool=pool, candidate__in=candidates).values_list(
            "candidate_id", flat=True
        )
    )
    new = [c for c in candidates if c.pk not in already]
    PoolMembership.objects.bulk_create([PoolMembership(pool=pool, candidate=c, added_by=by) for c in new])
    Activity.objects.bulk_create(
        [
            Activity(candidate=c, kind=Activity.Kind.POOL, actor=by, summary=f"Added to pool {pool.name}")
            for c in new
        ]
    )
    return len(new)


@transaction.atomic
def submit_referral(
    *,
    referrer: AbstractBaseUser,
    first_name: str,
    last_name: str = "",
    email: str = "",
    linkedin_url: str = "",
    relationship: str,
    reason: str,
    role_title: str = "",
) -> Referral:
    """Create or link the referred person and credit the referrer.

    Raises AlreadyReferred when this referrer already referred the person, ValidationError for values the
    candidate cannot hold (e.g. a LinkedIn address that is not a profile).
    """
    try:
        linkedin_url = normalize_linkedin_url(linkedin_url)
    except ValueError as error:
        raise ValidationError({"linkedin_url": str(error)}) from error
    candidate = find_existing_candidate(email=email, linkedin_url=linkedin_url)
    if candidate is not None:
        existing = Referral.objects.filter(referrer=referrer, candidate=candidate).first()
        if existing is not None:
            raise AlreadyReferred(existing)
    else:
        candidate = create_candidate(
            by=referrer,
            first_name=first_name,
            last_name=last_name,
            email=email,
            linkedin_url=linkedin_url,
            source=Source.REFERRAL,
        )
    referral = Referral.objects.create(
        referrer=referrer,
        candidate=candidate,
        relationship=relationship,
        reason=reason,
        role_title=role_title,
    )
    name = referrer.get_full_name() or referrer.get_username()
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.REFERRAL,
        actor=referrer,
        summary=f"Referred by {name}" + (f" for {role_title}" if role_title else ""),
        body=reason,
        data={"referral_id": referral.pk, "relationship": relationship},
    )
    return referral


@transaction.atomic
def set_referral_status(*, referral: Referral, status: str, by: AbstractBaseUser) -> Referral:
    if referral.status == status:
        return referral
    referral.status = status
    referral.save(update_fields=["status", "updated_at"])
    record_activity(
        candidate=referral.candidate,
        kind=Activity.Kind.REFERRAL,
        actor=by,
        summary=f"Referral status: {referral.get_status_display()}",
        data={"referral_id": referral.pk},
    )
    return referral


# --- Silver medalists ----------------------------------------------------------------------------------


class RoleLike(Protocol):
    """What add_silver_medalist reads of a requisition (pipelines.Requisition has it)."""

    pk: Any
    title: str


class StageLike(Protocol):
    """What add_silver_medalist reads of a stage (pipelines.Stage has it): .pipeline.stages.count() too."""

    name: str
    position: int
    pipeline: Any


@transaction.atomic
def add_silver_medalist(
    *,
    candidate: Candidate,
    requisition: RoleLike,
    stage: StageLike,
    reason: str,
    reason_detail: str = "",
    by: AbstractBaseUser | None = None,
) -> SilverMedal:
    """Keep someone turned down from a late stage for rediscovery: medal, "Silver medalists" pool, timeline.

    Duck-typed so candidates/ need not import pipelines/: ``requisition`` gives ``.pk`` and ``.title``;
    ``stage`` gives ``.name``, ``.position`` and ``.pipeline.stages``. Progress is the stage's position over
    the last position (0 = first stage, 1 = last). Calling it again for the same role updates the medal.
    """
    if reason not in SilverMedal.Reason.values:
        raise ValidationError({"reason": f"Unknown reason {reason!r}."})
    last_position = stage.pipeline.stages.count() - 1
    progress = min(max(stage.position / last_position, 0.0), 1.0) if last_position > 0 else 1.0
    medal, _ = SilverMedal.objects.update_or_create(
        candidate=candidate,
        requisition_id=requisition.pk,
        defaults={
            "requisition_title": requisition.title[:150],
            "stage_name": stage.name[:60],
            "progress": progress,
            "reason": reason,
            "reason_detail": reason_detail[:255],
            "created_at": timezone.now(),
        },
    )
    pool, _ = TalentPool.objects.get_or_create(
        name=SILVER_MEDALISTS_POOL,
        defaults={
            "kind": TalentPool.Kind.STATIC,
            "description": "Came second, or were right but the timing wasn't. Rediscover them first.",
        },
    )
    note = f"{requisition.title}: reached {stage.name}"[:255]
    PoolMembership.objects.update_or_create(
        pool=pool,
        candidate=candidate,
        defaults={"note": note},
        create_defaults={"note": note, "added_by": by},
    )
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.POOL,
        actor=by,
        summary=(
            f"Silver medalist for {requisition.title}: reached {stage.name} "
            f"({medal.get_reason_display().lower()})"
        ),
        body=reason_detail,
        data={"silver_medal_id": medal.pk, "requisition_id": requisition.pk, "pool_id": pool.pk},
    )
    return medal


# --- Dedup and merge ------------------------------------------------------------------------------------


def _earliest(*values: datetime | None) -> datetime | None:
    return min((v for v in values if v is not None), default=None)


def _latest(*values: datetime | None) -> datetime | None:
    return max((v for v in values if v is not None), default=None)


def _move_pool_memberships(primary: Candidate, duplicate: Candidate) -> list[str]:
    """Move the duplicate's pool memberships; where both are members the primary's stays. Returns those pools."""
    both = list(
        PoolMembership.objects.filter(
            candidate=duplicate, pool__memberships__candidate=primary
        ).select_related("pool")
    )
    PoolMembership.objects.filter(pk__in=[m.pk for m in both]).delete()
    PoolMembership.objects.filter(candidate=duplicate).update(candidate=primary)
    return [m.pool.name for m in both]


def _move_referrals(primary: Candidate, duplicate: Candidate) -> list[dict[str, Any]]:
    """Move the duplicate's referrals; a referrer who referred both keeps the one on the primary and the other
    is folded into the merge record (returned)."""
    folded = []
    primary_referrers = set(primary.referrals.values_list("referrer_id", flat=True))
    for referral in duplicate.referrals.filter(referrer_id__in=primary_referrers):
        folded.append(
            {
                "referrer_id": referral.referrer_id,
                "relationship": referral.relationship,
                "reason": referral.reason,
                "role_title": referral.role_title,
                "status": referral.status,
                "created_at": referral.created_at.isoformat(),
            }
        )
        referral.delete()
    duplicate.referrals.update(candidate=primary)
    return folded


def _move_silver_medals(primary: Candidate, duplicate: Candidate) -> None:
    """Move the duplicate's silver medals; for a role both have one for, the one that got further stays."""
    mine = {medal.requisition_id: medal for medal in primary.silver_medals.all()}
    for medal in duplicate.silver_medals.all():
        other = mine.get(medal.requisition_id)
        if other is not None:
            (other if medal.progress > other.progress else medal).delete()
    duplicate.silver_medals.update(candidate=primary)


def _rows_left(candidate: Candidate) -> list[str]:
    """Models that still hold rows for this candidate (each app's merge receiver must have moved them)."""
    left = []
    for relation in Candidate._meta.related_objects:
        if (
            relation.one_to_many
            and relation.related_model.objects.filter(**{relation.field.name: candidate}).exists()
        ):
            left.append(relation.related_model._meta.label)
    return left


def check_mergeable(*, primary: Candidate, duplicate: Candidate) -> None:
    """Raise ValidationError, in words for the recruiter, when these two records cannot be merged."""
    if primary.pk == duplicate.pk:
        raise ValidationError("A candidate cannot be merged with themselves.")
    if primary.erased_at or duplicate.erased_at:
        raise ValidationError("Erased candidates cannot be merged: their details are gone.")


@transaction.atomic
def merge_candidates(*, primary: Candidate, duplicate: Candidate, by: AbstractBaseUser | None) -> Candidate:
    """Fold the duplicate into the primary and delete it, losing nothing.

    The primary keeps its non-empty values; its empty ones are filled from the duplicate (values of the
    duplicate that were not kept go into the merge record). Moves the timeline, pool memberships, referrals,
    silver medals and skills; the apps above move their own rows on the ``candidates_merging`` signal (cards,
    enrollments, touches…). Conflicts: a pool both are in keeps one membership; a referrer who referred both
    keeps the primary's referral (the other is kept in the merge record); a role both have a silver medal
    for keeps the one that got further. Recorded on the primary's timeline (kind merge).
    Raises ValidationError for a merge with itself or with an erased or missing record.
    """
    check_mergeable(primary=primary, duplicate=duplicate)
    locked = {
        c.pk: c for c in Candidate.objects.select_for_update().filter(pk__in=[primary.pk, duplicate.pk])
    }
    if len(locked) != 2:
        raise ValidationError("One of these candidates no longer exists.")
    primary, duplicate = locked[primary.pk], locked[duplicate.pk]
    check_mergeable(primary=primary, duplicate=duplicate)

    fills = merge_fills(primary, duplicate)
    not_kept = {}
    for name in MERGE_FIELDS:
        attname = Candidate._meta.get_field(name).attname
        value = getattr(duplicate, attname)
        if attname not in fills and value not in (None, "") and value != getattr(primary, attname):
            not_kept[name] = str(value)
    record = {
        "duplicate_id": duplicate.pk,
        "name": duplicate.full_name,
        "email": duplicate.email,
        "linkedin_url": duplicate.linkedin_url,
        "not_kept": not_kept,
    }

    candidates_merging.send(sender=Candidate, primary=primary, duplicate=duplicate, by=by)
    duplicate.activities.update(candidate=primary)
    duplicate.resumes.update(candidate=primary)
    record["pools_already_shared"] = _move_pool_memberships(primary, duplicate)
    record["referrals_folded"] = _move_referrals(primary, duplicate)
    _move_silver_medals(primary, duplicate)
    primary.skills.add(*duplicate.skills.all())
    left = _rows_left(duplicate)
    if left:
        raise RuntimeError(
            f"Merge would delete rows of {', '.join(left)}: add a candidates_merging receiver."
        )

    for attname, value in fills.items():
        setattr(primary, attname, value)
    primary.do_not_contact = primary.do_not_contact or duplicate.do_not_contact
    primary.unsubscribed_at = _earliest(primary.unsubscribed_at, duplicate.unsubscribed_at)
    primary.privacy_notice_sent_at = _earliest(
        primary.privacy_notice_sent_at, duplicate.privacy_notice_sent_at
    )
    primary.last_contacted_at = _latest(primary.last_contacted_at, duplicate.last_contacted_at)
    primary.retention_reviewed_at = _latest(primary.retention_reviewed_at, duplicate.retention_reviewed_at)
    primary.engagement_score = max(primary.engagement_score, duplicate.engagement_score)
    first_seen = min(primary.created_at, duplicate.created_at)
    duplicate.delete()  # frees its email and LinkedIn URL for the primary
    primary.save()
    Candidate.objects.filter(pk=primary.pk).update(created_at=first_seen)  # known since the earlier record
    primary.created_at = first_seen
    refresh_search_documents([primary.pk])
    name = record["name"] + (f" ({record['email']})" if record["email"] else "")
    body = "\n".join(f"Not kept from the duplicate, {field}: {value}" for field, value in not_kept.items())
    record_activity(
        candidate=primary,
        kind=Activity.Kind.MERGE,
        actor=by,
        summary=f"Merged with {name}",
        body=body,
        data=record,
    )
    return primary


# --- Privacy --------------------------------------------------------------------------------------------


@transaction.atomic
def update_privacy_policy(
    *, retention_days: int, notice_due_days: int, by: AbstractBaseUser
) -> PrivacyPolicy:
    policy = PrivacyPolicy.current()
    policy.retention_days = retention_days
    policy.notice_due_days = notice_due_days
    policy.full_clean()
    policy.save()
    logger.info(
        "Privacy policy set by %s: retention %s days, notice due in %s days",
        by.get_username(),
        retention_days,
        notice_due_days,
    )
    return policy


@transaction.atomic
def mark_privacy_notice_sent(
    *, candidate: Candidate, by: AbstractBaseUser | None, now: datetime | None = None
) -> Candidate:
    """Record that the privacy notice (GDPR Art. 14) went out, e.g. sent by hand. Does nothing if already sent."""
    if candidate.privacy_notice_sent_at is None:
        candidate.privacy_notice_sent_at = now or timezone.now()
        candidate.save(update_fields=["privacy_notice_sent_at", "updated_at"])
        record_activity(
            candidate=candidate, kind=Activity.Kind.PRIVACY, actor=by, summary="Privacy notice sent"
        )
    return candidate


@transaction.atomic
def keep_after_retention_review(
    *, candidate: Candidate, by: AbstractBaseUser, now: datetime | None = None
) -> Candidate:
    """A recruiter reviewed someone past the retention period and keeps them: the retention clock restarts."""
    candidate.retention_reviewed_at = now or timezone.now()
    candidate.save(update_fields=["retention_reviewed_at", "updated_at"])
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.REVIEW,
        actor=by,
        summary="Reviewed past the retention period and kept",
    )
    return candidate


# Personal fields an erasure blanks; what stays (source, status, industry, country, years, dates, owner, score)
# keeps reports and counts right without identifying anyone.
ERASED_VALUES: dict[str, Any] = {
    "first_name": "Erased",
    "last_name": "",
    "email": "",
    "phone": "",
    "linkedin_url": "",
    "title": "",
    "company": "",
    "city": "",
    "timezone": "",
    "notes": "",
    "search_document": "",
    "search_vector": None,
}


def _delete_resumes(candidate: Candidate) -> None:
    """Delete a person's résumés; their files go once the transaction commits (a rollback keeps both)."""
    files = [resume.file for resume in candidate.resumes.all()]
    candidate.resumes.all().delete()

    def delete_files() -> None:
        for file in files:
            file.storage.delete(file.name)

    transaction.on_commit(delete_files)


@transaction.atomic
def erase_candidate(*, candidate: Candidate, by: AbstractBaseUser) -> Candidate:
    """Anonymise a person on request (admins only), keeping the row so counts in reports stay right.

    Leaves a Suppression for the old email and LinkedIn so a re-import does not bring them back into outreach,
    deletes their timeline and pool memberships, blanks what referrers and silver medals say about them, lets
    the apps above scrub their own rows (``candidate_erasing``), and audits it: one timeline entry on the
    anonymised row and a log line.
    """
    if not by.has_perm("candidates.erase_candidate", candidate):
        raise PermissionDenied("Only admins erase candidates.")
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.erased_at:
        raise ValidationError("This candidate has already been erased.")
    if candidate.email or candidate.linkedin_url:
        Suppression.objects.create(
            email=candidate.email, linkedin_url=candidate.linkedin_url, reason=Suppression.Reason.ERASED
        )
    candidate_erasing.send(sender=Candidate, candidate=candidate, by=by)
    candidate.activities.all().delete()
    _delete_resumes(candidate)
    candidate.pool_memberships.all().delete()
    candidate.referrals.update(reason="", relationship="")
    candidate.silver_medals.update(reason_detail="")
    candidate.skills.clear()
    for name, value in ERASED_VALUES.items():
        setattr(candidate, name, value)
    candidate.do_not_contact = True
    candidate.erased_at = timezone.now()
    candidate.save()
    admin = by.get_full_name() or by.get_username()
    record_activity(
        candidate=candidate, kind=Activity.Kind.PRIVACY, actor=by, summary=f"Erased on request by {admin}"
    )
    logger.info("Candidate %s erased on request by %s", candidate.pk, by.get_username())
    return candidate
