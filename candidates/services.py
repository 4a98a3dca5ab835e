"""Operations that change candidates, pools, referrals, silver medals and the timeline.

Merging is in merge.py, privacy (notices, retention, erasure) in privacy.py, search text in search_documents.py.
"""

from collections.abc import Iterable
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from .filling import UNIQUE_FIELDS, held_by_others
from .models import (
    Activity,
    Candidate,
    LawfulBasis,
    PoolMembership,
    Referral,
    SilverMedal,
    Skill,
    Source,
    TalentPool,
)
from .normalize import normalize_email, normalize_linkedin_url
from .roles import is_recruiting_team
from .search import CandidateSearchForm
from .search_documents import refresh_search_documents
from .selectors import find_existing_candidate
from .signals import candidates_created

SILVER_MEDALISTS_POOL = "Silver medalists"
# Changes to these go on the timeline (what changed, from what to what, by whom), as people read them.
AUDITED_FIELDS = {
    "email": "Email",
    "phone": "Phone",
    "linkedin_url": "LinkedIn",
    "title": "Title",
    "owner": "Owner",
    "do_not_contact": "Do not contact",
    "lawful_basis": "Lawful basis",
}
_AUDITED_ATTNAMES = [name + "_id" if name == "owner" else name for name in AUDITED_FIELDS]


class AlreadyReferred(Exception):
    """The referrer already referred this person: there is one referral per referrer and person."""

    def __init__(self, referral: Referral):
        super().__init__(f"{referral.referred_name} was already referred by this person.")
        self.referral = referral


def record_activity(
    *,
    candidate: Candidate,
    kind: str,
    summary: str,
    actor: User | None = None,
    body: str = "",
    data: dict[str, Any] | None = None,
) -> Activity:
    """Add one entry to a candidate's timeline. Every app writes the timeline through this function."""
    return Activity.objects.create(
        candidate=candidate, kind=kind, summary=summary[:255], actor=actor, body=body, data=data or {}
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


def _refuse_others_addresses(candidate: Candidate) -> None:
    """Two people never share an email or LinkedIn URL: the unique constraints cover the candidates' own
    addresses, this the aliases that merges leave behind."""
    taken = held_by_others(candidate)
    errors = {
        name: f"Another person in Longlist is known by this {label}."
        for name, label in (("email", "email"), ("linkedin_url", "LinkedIn profile"))
        if getattr(candidate, name) and taken(name, getattr(candidate, name))
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_candidate(*, by: User | None = None, skills: Iterable[str] = (), **fields: Any) -> Candidate:
    """A new candidate. Without an owner, the recruiter or admin creating them owns them (a referrer or a
    visitor does not: an applicant or a referral gets the role's recruiter once on a role's board)."""
    if fields.get("owner") is None and by is not None and is_recruiting_team(by):
        fields["owner"] = by
    fields["email"] = normalize_email(fields.get("email", ""))
    fields["linkedin_url"] = normalize_linkedin_url(fields.get("linkedin_url", ""))
    candidate = Candidate(**fields)
    candidate.full_clean(exclude=["skills"])
    _refuse_others_addresses(candidate)
    candidate.save()
    set_skills(candidate, skills)
    refresh_search_documents([candidate.pk])
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.CREATED,
        actor=by,
        summary=f"Added to Longlist ({candidate.get_source_display().lower()})",
    )
    candidates_created.send(sender=Candidate, candidates=[candidate], by=by)
    return candidate


@transaction.atomic
def update_candidate(
    *, candidate: Candidate, by: User | None = None, skills: Iterable[str] | None = None, **fields
) -> Candidate:
    """Change a candidate's details: every page, API call and task that edits someone comes through here.

    Changes to contact details, title, owner, do-not-contact and lawful basis are recorded on the timeline in
    one entry, from the values stored before (a ModelForm has already written the new ones on the instance).
    """
    if "email" in fields:
        fields["email"] = normalize_email(fields["email"])
    if "linkedin_url" in fields:
        fields["linkedin_url"] = normalize_linkedin_url(fields["linkedin_url"])
    before = _audited_values(Candidate.objects.filter(pk=candidate.pk).values(*_AUDITED_ATTNAMES).get())
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.full_clean(exclude=["skills"])
    if fields.keys() & set(UNIQUE_FIELDS):
        _refuse_others_addresses(candidate)
    candidate.save()
    if skills is not None:
        set_skills(candidate, skills)
    refresh_search_documents([candidate.pk])
    after = _audited_values({attname: getattr(candidate, attname) for attname in _AUDITED_ATTNAMES})
    _record_changes(candidate, before, after, by=by)
    return candidate


@transaction.atomic
def give_owner_if_none(*, candidate: Candidate, owner: User, by: User | None) -> bool:
    """Give someone nobody owns an owner (their role's recruiter, say), audited as any owner change; a person
    who has an owner keeps them. Whether it was given."""
    if not Candidate.objects.filter(pk=candidate.pk, owner__isnull=True).update(owner=owner):
        return False
    before = _audited_values(Candidate.objects.filter(pk=candidate.pk).values(*_AUDITED_ATTNAMES).get())
    candidate.owner = owner
    _record_changes(candidate, {**before, "owner": None}, {**before, "owner": owner.pk}, by=by)
    return True


def _audited_values(values: dict[str, Any]) -> dict[str, Any]:
    """The audited fields by name, from values by attname."""
    return {name: values[attname] for name, attname in zip(AUDITED_FIELDS, _AUDITED_ATTNAMES, strict=True)}


def _in_a_sentence(label: str) -> str:
    return label if label == "LinkedIn" else label.lower()


def _record_changes(
    candidate: Candidate, before: dict[str, Any], after: dict[str, Any], by: User | None
) -> None:
    """One timeline entry listing the audited fields that changed, each from what to what."""
    changed = [name for name in AUDITED_FIELDS if before[name] != after[name]]
    if not changed:
        return
    owners = {}
    if "owner" in changed:
        users = get_user_model().objects.filter(pk__in=[before["owner"], after["owner"]])
        owners = {user.pk: user.get_full_name() or user.get_username() for user in users}

    def shown(name: str, value: Any) -> str:
        if value is None or value == "":
            return "(empty)"
        if name == "owner":
            return owners.get(value, f"user #{value}")
        if name == "do_not_contact":
            return "yes" if value else "no"
        if name == "lawful_basis":
            return str(LawfulBasis(value).label)
        return str(value)

    changes = [
        {"field": name, "from": shown(name, before[name]), "to": shown(name, after[name])} for name in changed
    ]
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.EDIT,
        actor=by,
        summary="Changed " + ", ".join(_in_a_sentence(AUDITED_FIELDS[name]) for name in changed),
        body="\n".join(f"{AUDITED_FIELDS[c['field']]}: {c['from']} → {c['to']}" for c in changes),
        data={"changes": changes},
    )


@transaction.atomic
def add_note(*, candidate: Candidate, body: str, by: User, shareable: bool = False) -> Activity:
    """A recruiter's note on the timeline; a shareable one is also shown to the hiring managers of the roles
    whose boards the person is on (their shortlist), nothing else of the timeline is."""
    first_line = body.strip().splitlines()[0] if body.strip() else ""
    note = record_activity(
        candidate=candidate,
        kind=Activity.Kind.NOTE,
        actor=by,
        summary=first_line[:120],
        body=body.strip(),
        data={"shareable": True} if shareable else None,
    )
    refresh_search_documents([candidate.pk])
    return note


@transaction.atomic
def create_static_pool(
    *,
    name: str,
    by: User | None,
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
            {"query": [f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()]}
        )
    return form.to_query()


@transaction.atomic
def create_smart_pool(
    *, name: str, query: dict[str, Any], by: User | None, description: str = ""
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
def delete_pool(*, pool: TalentPool, by: User) -> None:
    """Delete a pool (admins). Its people stay in Longlist, each member with a timeline entry; requisitions
    and enrollment batches that used it lose the link."""
    Activity.objects.bulk_create(
        [
            Activity(candidate_id=pk, kind=Activity.Kind.POOL, actor=by, summary=f"Pool {pool.name} deleted")
            for pk in pool.memberships.values_list("candidate_id", flat=True)
        ]
    )
    pool.delete()


@transaction.atomic
def remove_from_pool(*, pool: TalentPool, candidates: Iterable[Candidate], by: User | None) -> int:
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
def add_to_pool(*, pool: TalentPool, candidates: Iterable[Candidate], by: User | None) -> int:
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
    referrer: User,
    first_name: str,
    last_name: str = "",
    email: str = "",
    linkedin_url: str = "",
    relationship: str,
    reason: str,
    role_title: str = "",
) -> Referral:
    """Create or link the referred person and credit the referrer.

    The referrer's answer never depends on what the database holds: the referral keeps the person as the
    referrer gave them, and that is all the referrer sees. Someone already in the database is linked without a
    change to their record or their timeline; recruiters see the match in the referral inbox.

    Raises AlreadyReferred when this referrer already referred the person, ValidationError for values the
    candidate cannot hold (e.g. a LinkedIn address that is not a profile).
    """
    try:
        linkedin_url = normalize_linkedin_url(linkedin_url)
    except ValueError as error:
        raise ValidationError({"linkedin_url": str(error)}) from error
    candidate = find_existing_candidate(email=email, linkedin_url=linkedin_url)
    matched_existing = candidate is not None
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
        first_name=first_name,
        last_name=last_name,
        email=email,
        linkedin_url=linkedin_url,
        matched_existing=matched_existing,
        relationship=relationship,
        reason=reason,
        role_title=role_title,
    )
    if not matched_existing:
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
def follow_referrals(*, candidate: Candidate, status: str, by: User | None) -> list[Referral]:
    """Set the status of every referral of this person from their cards on role boards (pipelines calls it
    whenever a card is added, moves or is turned down): in process, hired or not selected. Marked from_board,
    so the leaderboard counts it. Returns the referrals whose status changed, each noted on the timeline."""
    if status not in Referral.BOARD_STATUSES:
        raise ValueError(f"{status!r} is not a status the board sets.")
    changed = list(Referral.objects.filter(candidate=candidate).exclude(status=status, from_board=True))
    for referral in changed:
        referral.status, referral.from_board = status, True
        referral.save(update_fields=["status", "from_board", "updated_at"])
        record_activity(
            candidate=candidate,
            kind=Activity.Kind.REFERRAL,
            actor=by,
            summary=f"Referral status: {referral.get_status_display()} (from the board)",
            data={"referral_id": referral.pk},
        )
    return changed


def set_referral_status(*, referral: Referral, status: str, by: User) -> Referral:
    """A recruiter's status for a referral: no longer from the board, so the leaderboard leaves it out until
    the person's cards set it again."""
    if referral.status == status:
        return referral
    referral.status, referral.from_board = status, False
    referral.save(update_fields=["status", "from_board", "updated_at"])
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
    by: User | None = None,
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


@transaction.atomic
def withdraw_silver_medal(*, candidate: Candidate, requisition_id: int, by: User | None = None) -> bool:
    """Take back the medal of a turn-down that was undone (the person is in process again for that role); they
    leave the "Silver medalists" pool when no other medal keeps them there. Whether there was a medal."""
    deleted, _ = SilverMedal.objects.filter(candidate=candidate, requisition_id=requisition_id).delete()
    if deleted and not SilverMedal.objects.filter(candidate=candidate).exists():
        pool = TalentPool.objects.filter(name=SILVER_MEDALISTS_POOL, kind=TalentPool.Kind.STATIC).first()
        if pool is not None:
            remove_from_pool(pool=pool, candidates=[candidate], by=by)
    return bool(deleted)
