"""Operations that change candidates, pools, referrals and the timeline."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models.functions import Lower

from .models import Activity, Candidate, PoolMembership, Referral, Skill, Source, TalentPool
from .normalize import normalize_email, normalize_linkedin_url
from .selectors import find_existing_candidate


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


def search_document_for(candidate: Candidate, note_bodies: Iterable[str] = ()) -> str:
    """All the text a free-text search looks at, lowercased, one line per source."""
    parts = [
        candidate.full_name,
        candidate.email,
        candidate.title,
        candidate.company,
        candidate.industry,
        candidate.city,
        candidate.country.name if candidate.country else "",
        " ".join(skill.name for skill in candidate.skills.all()),
        candidate.notes,
        *note_bodies,
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
    candidates = list(Candidate.objects.filter(pk__in=ids).prefetch_related("skills"))
    for candidate in candidates:
        candidate.search_document = search_document_for(candidate, notes.get(candidate.pk, ()))
    Candidate.objects.bulk_update(candidates, ["search_document"], batch_size=500)
    if connection.vendor == "postgresql":
        Candidate.objects.filter(pk__in=ids).update(
            search_vector=SearchVector("first_name", "last_name", weight="A", config="simple")
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
def add_to_pool(*, pool: TalentPool, candidates: Iterable[Candidate], by: AbstractBaseUser | None) -> int:
    """Add candidates to a static pool; returns how many were not already members."""
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
    """Create or link the referred person and credit the referrer."""
    candidate = find_existing_candidate(email=email, linkedin_url=linkedin_url)
    if candidate is None:
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
