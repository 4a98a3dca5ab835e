"""Merging two records of the same person into one, losing nothing."""

from datetime import date, datetime
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Model

from .models import Activity, Candidate, CandidateAlias, PoolMembership
from .search_documents import refresh_search_documents
from .selectors import MERGE_FIELDS, merge_fills
from .services import record_activity
from .signals import candidates_merging


def _earliest(*values: datetime | None) -> datetime | None:
    return min((v for v in values if v is not None), default=None)


def _latest(*values: datetime | None) -> datetime | None:
    return max((v for v in values if v is not None), default=None)


def _later_day(*values: date | None) -> date | None:
    return max((v for v in values if v is not None), default=None)


def _united(mine: list[str], theirs: list[str]) -> list[str]:
    """Both lists of topics, mine first, each topic once (whatever its case)."""
    seen = {topic.lower() for topic in mine}
    return [*mine, *(topic for topic in theirs if topic.lower() not in seen)]


def _keep_preferences(primary: Candidate, duplicate: Candidate) -> None:
    """The stricter of each: unsubscribed (the earlier date), do-not-contact, "fewer emails" and the later
    snooze win; the topics they asked for and the ones they clicked are united."""
    primary.do_not_contact = primary.do_not_contact or duplicate.do_not_contact
    primary.unsubscribed_at = _earliest(primary.unsubscribed_at, duplicate.unsubscribed_at)
    primary.fewer_messages = primary.fewer_messages or duplicate.fewer_messages
    primary.snoozed_until = _later_day(primary.snoozed_until, duplicate.snoozed_until)
    primary.topics = _united(primary.topics, duplicate.topics)
    primary.interests = _united(primary.interests, duplicate.interests)


def _aliases_from(primary: Candidate, duplicate: Candidate) -> dict[str, str]:
    """The duplicate's email and LinkedIn URL that the primary (its values filled in) does not hold."""
    aliases = {}
    if duplicate.email and duplicate.email.lower() != primary.email.lower():
        aliases["email"] = duplicate.email
    if duplicate.linkedin_url and duplicate.linkedin_url != primary.linkedin_url:
        aliases["linkedin_url"] = duplicate.linkedin_url
    return aliases


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
        model = cast(type[Model], relation.related_model)
        if (
            relation.one_to_many
            and model._default_manager.filter(**{relation.field.name: candidate}).exists()
        ):
            left.append(model._meta.label)
    return left


def check_mergeable(*, primary: Candidate, duplicate: Candidate) -> None:
    """Raise ValidationError, in words for the recruiter, when these two records cannot be merged."""
    if primary.pk == duplicate.pk:
        raise ValidationError("A candidate cannot be merged with themselves.")
    if primary.erased_at or duplicate.erased_at:
        raise ValidationError("Erased candidates cannot be merged: their details are gone.")


@transaction.atomic
def merge_candidates(*, primary: Candidate, duplicate: Candidate, by: User | None) -> Candidate:
    """Fold the duplicate into the primary and delete it, losing nothing.

    The primary keeps its non-empty values; its empty ones are filled from the duplicate (values of the
    duplicate that were not kept go into the merge record). Moves the timeline, pool memberships, referrals,
    silver medals and skills; the apps above move their own rows on the ``candidates_merging`` signal (cards,
    enrollments, touches…). Conflicts: a pool both are in keeps one membership; a referrer who referred both
    keeps the primary's referral (the other is kept in the merge record); a role both have a silver medal
    for keeps the one that got further. Preferences keep the stricter of the two (see _keep_preferences), and
    the duplicate's email and LinkedIn URL that the primary does not take stay as its aliases, so that imports,
    referrals, applications and inbound mail still find the person by them. Recorded on the primary's timeline
    (kind merge).
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
    for attname, value in fills.items():
        setattr(primary, attname, value)
    aliases = _aliases_from(primary, duplicate)
    not_kept = {}
    for name in MERGE_FIELDS:
        attname = cast(Field, Candidate._meta.get_field(name)).attname
        value = getattr(duplicate, attname)
        kept = attname in fills or name in aliases
        if not kept and value not in (None, "") and value != getattr(primary, attname):
            not_kept[name] = str(value)
    record: dict[str, Any] = {
        "duplicate_id": duplicate.pk,
        "name": duplicate.full_name,
        "email": duplicate.email,
        "linkedin_url": duplicate.linkedin_url,
        "aliases": aliases,
        "not_kept": not_kept,
    }

    candidates_merging.send(sender=Candidate, primary=primary, duplicate=duplicate, by=by)
    duplicate.activities.update(candidate=primary)
    duplicate.resumes.update(candidate=primary)
    duplicate.aliases.update(candidate=primary)
    record["pools_already_shared"] = _move_pool_memberships(primary, duplicate)
    record["referrals_folded"] = _move_referrals(primary, duplicate)
    _move_silver_medals(primary, duplicate)
    primary.skills.add(*duplicate.skills.all())
    # Custom values too: the primary's own stay, the duplicate's fill the fields the primary has none of.
    taken = {key: value for key, value in duplicate.custom_fields.items() if key not in primary.custom_fields}
    primary.custom_fields = {**primary.custom_fields, **taken}
    not_kept.update(
        (f"custom field {key}", str(value))
        for key, value in duplicate.custom_fields.items()
        if key not in taken and value != primary.custom_fields.get(key)
    )
    left = _rows_left(duplicate)
    if left:
        raise RuntimeError(
            f"Merge would delete rows of {', '.join(left)}: add a candidates_merging receiver."
        )

    _keep_preferences(primary, duplicate)
    primary.privacy_notice_sent_at = _earliest(
        primary.privacy_notice_sent_at, duplicate.privacy_notice_sent_at
    )
    primary.last_contacted_at = _latest(primary.last_contacted_at, duplicate.last_contacted_at)
    primary.retention_reviewed_at = _latest(primary.retention_reviewed_at, duplicate.retention_reviewed_at)
    primary.engagement_score = max(primary.engagement_score, duplicate.engagement_score)
    first_seen = min(primary.created_at, duplicate.created_at)
    duplicate.delete()  # frees its email and LinkedIn URL for the primary
    primary.save()
    if aliases:
        CandidateAlias.objects.create(candidate=primary, **aliases)
    Candidate.objects.filter(pk=primary.pk).update(created_at=first_seen)  # known since the earlier record
    primary.created_at = first_seen
    refresh_search_documents([primary.pk])
    name = record["name"] + (f" ({record['email']})" if record["email"] else "")
    body = "\n".join(
        [
            *(f"Kept as an alias, {field}: {value}" for field, value in aliases.items()),
            *(f"Not kept from the duplicate, {field}: {value}" for field, value in not_kept.items()),
        ]
    )
    record_activity(
        candidate=primary,
        kind=Activity.Kind.MERGE,
        actor=by,
        summary=f"Merged with {name}",
        body=body,
        data=record,
    )
    return primary
