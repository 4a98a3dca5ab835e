"""Operations that change requisitions, boards and cards."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from candidates.models import Activity, Candidate, SilverMedal
from candidates.services import add_silver_medalist, record_activity

from .models import (
    DEFAULT_STAGES,
    TALENT_STAGES,
    Card,
    Pipeline,
    Requisition,
    ShortlistReview,
    Stage,
    StageChange,
)


@transaction.atomic
def create_requisition(*, by: AbstractBaseUser | None = None, pools=(), **fields: Any) -> Requisition:
    """A requisition with its board, whose stages start from the default template."""
    requisition = Requisition(**fields)
    requisition.full_clean()
    requisition.save()
    requisition.pools.set(pools)
    pipeline = Pipeline.objects.create(name=requisition.title, requisition=requisition)
    Stage.objects.bulk_create(
        Stage(pipeline=pipeline, name=name, position=i, is_late=late, is_shortlist=shortlist)
        for i, (name, late, shortlist) in enumerate(DEFAULT_STAGES)
    )
    return requisition


@transaction.atomic
def get_or_create_talent_board() -> Pipeline:
    pipeline, created = Pipeline.objects.get_or_create(
        kind=Pipeline.Kind.TALENT, defaults={"name": "Talent board"}
    )
    if created:
        Stage.objects.bulk_create(
            Stage(pipeline=pipeline, name=name, position=i) for i, name in enumerate(TALENT_STAGES)
        )
    return pipeline


@transaction.atomic
def add_card(
    *,
    pipeline: Pipeline,
    candidate: Candidate,
    stage: Stage | None = None,
    by: AbstractBaseUser | None = None,
    pitch: str = "",
) -> Card:
    """Put a candidate at the bottom of a stage (the first stage by default); one card per board."""
    stage = stage or pipeline.stages.order_by("position").first()
    last = Card.objects.filter(stage=stage).aggregate(last=Max("position"))["last"]
    card = Card.objects.create(
        pipeline=pipeline,
        candidate=candidate,
        stage=stage,
        position=0 if last is None else last + 1,
        added_by=by,
        pitch=pitch,
    )
    StageChange.objects.create(card=card, from_stage=None, to_stage=stage, moved_by=by)
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.STAGE_MOVE,
        actor=by,
        summary=f"Added to {pipeline.name} in {stage.name}",
        data={"card_id": card.pk, "stage_id": stage.pk},
    )
    return card


class StaleCard(Exception):
    """The card moved since the user last saw it; the caller shows the fresh columns."""


def _column(stage_id: int, *, exclude: int | None = None) -> list[Card]:
    cards = Card.objects.filter(stage_id=stage_id, status=Card.Status.ACTIVE).order_by("position", "pk")
    return list(cards.exclude(pk=exclude) if exclude else cards)


@transaction.atomic
def move_card(
    *,
    card: Card,
    to_stage: Stage,
    position: int,
    expected_version: int,
    by: AbstractBaseUser | None = None,
) -> set[int]:
    """Move a card to `position` (0-based) in `to_stage` and renumber the affected columns in one go.

    The ordering rule: every move locks the (at most two) stages it touches, in id order, so moves into the
    same columns happen one after the other and positions stay 0..n-1 without gaps or duplicates. A move
    made from a stale view of the card (its version changed since) is refused with StaleCard.
    Returns the ids of the stages whose columns changed.
    """
    if to_stage.pipeline_id != card.pipeline_id:
        raise ValueError("A card can only move within its own board.")
    stage_ids = sorted({card.stage_id, to_stage.pk})
    list(Stage.objects.select_for_update().filter(pk__in=stage_ids).order_by("pk"))
    current = Card.objects.select_for_update().get(pk=card.pk)
    if current.version != expected_version or current.status != Card.Status.ACTIVE:
        raise StaleCard
    from_stage_id = current.stage_id
    target = _column(to_stage.pk, exclude=current.pk)
    position = max(0, min(position, len(target)))
    target.insert(position, current)
    changed = []
    for index, item in enumerate(target):
        if item.position != index or item.pk == current.pk:
            item.position = index
            changed.append(item)
    if from_stage_id != to_stage.pk:
        for index, item in enumerate(_column(from_stage_id, exclude=current.pk)):
            if item.position != index:
                item.position = index
                changed.append(item)
    Card.objects.bulk_update(changed, ["position"])
    moved_stage = from_stage_id != to_stage.pk
    Card.objects.filter(pk=current.pk).update(
        stage=to_stage,
        version=current.version + 1,
        **({"entered_stage_at": timezone.now()} if moved_stage else {}),
    )
    if moved_stage:
        from_stage = Stage.objects.get(pk=from_stage_id)
        StageChange.objects.create(card=current, from_stage=from_stage, to_stage=to_stage, moved_by=by)
        record_activity(
            candidate=current.candidate,
            kind=Activity.Kind.STAGE_MOVE,
            actor=by,
            summary=f"{current.pipeline.name}: {from_stage.name} → {to_stage.name}",
            data={"card_id": current.pk, "from_stage_id": from_stage_id, "to_stage_id": to_stage.pk},
        )
    card.refresh_from_db()
    return set(stage_ids)


@transaction.atomic
def review_shortlisted_card(
    *, card: Card, reviewer: AbstractBaseUser, decision: str, comment: str = ""
) -> ShortlistReview:
    """A hiring manager's decision on a shortlisted candidate: recorded, on the timeline, and emailed to the
    role's recruiter (after commit, so a rolled-back decision sends nothing)."""
    if decision not in ShortlistReview.Decision.values:
        raise ValueError(f"Unknown decision {decision!r}.")
    review = ShortlistReview.objects.create(card=card, reviewer=reviewer, decision=decision, comment=comment)
    requisition = card.pipeline.requisition
    who = reviewer.get_full_name() or reviewer.get_username()
    record_activity(
        candidate=card.candidate,
        kind=Activity.Kind.REVIEW,
        actor=reviewer,
        summary=f"{who}: {review.get_decision_display().lower()} for {requisition.title}",
        body=comment,
        data={"card_id": card.pk, "review_id": review.pk},
    )
    recruiter = requisition.recruiter
    if recruiter is not None and recruiter.email:
        subject = f"{who} decided on {card.candidate.full_name}: {review.get_decision_display()}"
        link = settings.SITE_URL.rstrip("/") + reverse("pipelines:decisions")
        body = f"{subject} ({requisition.title}).\n\n{comment}\n\nDecisions waiting: {link}\n"
        transaction.on_commit(lambda: send_mail(subject, body, None, [recruiter.email], fail_silently=True))
    return review


def acknowledge_review(*, review: ShortlistReview) -> None:
    ShortlistReview.objects.filter(pk=review.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )


@transaction.atomic
def reject_card(*, card: Card, category: str, reason: str = "", by: AbstractBaseUser | None = None) -> Card:
    """Turn a candidate down on a board. From a late stage of a requisition they become a silver medalist, so
    they are rediscovered when a similar role opens. The column closes the gap the card leaves."""
    if category not in SilverMedal.Reason.values:
        raise ValueError(f"Unknown reason {category!r}.")
    list(Stage.objects.select_for_update().filter(pk=card.stage_id))
    updated = Card.objects.filter(pk=card.pk, status=Card.Status.ACTIVE).update(
        status=Card.Status.REJECTED,
        rejection_category=category,
        rejection_reason=reason[:255],
        rejected_at=timezone.now(),
    )
    if not updated:
        raise StaleCard
    remaining = _column(card.stage_id)
    for index, item in enumerate(remaining):
        item.position = index
    Card.objects.bulk_update(remaining, ["position"])
    card.refresh_from_db()
    stage, requisition = card.stage, card.pipeline.requisition
    record_activity(
        candidate=card.candidate,
        kind=Activity.Kind.STAGE_MOVE,
        actor=by,
        summary=f"{card.pipeline.name}: turned down at {stage.name} ({card.get_rejection_category_display().lower()})",
        body=reason,
        data={"card_id": card.pk, "stage_id": stage.pk, "category": category},
    )
    if requisition is not None and stage.is_late:
        add_silver_medalist(
            candidate=card.candidate,
            requisition=requisition,
            stage=stage,
            reason=category,
            reason_detail=reason,
            by=by,
        )
    return card


@transaction.atomic
def add_to_requisition(
    *, candidate: Candidate, requisition: Requisition, by: AbstractBaseUser | None
) -> Card | None:
    """Put a candidate on a requisition's board (first stage); None when they are already on it."""
    if Card.objects.filter(pipeline=requisition.pipeline, candidate=candidate).exists():
        return None
    return add_card(pipeline=requisition.pipeline, candidate=candidate, by=by)
