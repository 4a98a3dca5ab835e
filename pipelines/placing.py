"""Putting people on boards: one card (add_card), or many on a role's board with the reasons some were skipped
(add_to_requisition), now or, for a large selection, on a worker (run_add_batch)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from candidates.models import Activity, Candidate
from candidates.selectors import pool_members
from candidates.services import give_owner_if_none, record_activity

from . import signals
from .models import POSITION_GAP, AddToRoleBatch, Card, Pipeline, Requisition, Stage, StageChange


@transaction.atomic
def add_card(
    *,
    pipeline: Pipeline,
    candidate: Candidate,
    stage: Stage | None = None,
    by: User | None = None,
    pitch: str = "",
) -> Card:
    """Put a candidate at the bottom of a stage (the first stage by default); one card per board.

    The stage is locked first, as a move locks it, so cards added at once get distinct places."""
    if stage is None:
        stage = pipeline.stages.order_by("position")[0]
    list(Stage.objects.select_for_update().filter(pk=stage.pk))
    last = Card.objects.filter(stage=stage).aggregate(last=Max("position"))["last"]
    card = Card.objects.create(
        pipeline=pipeline,
        candidate=candidate,
        stage=stage,
        position=0 if last is None else last + POSITION_GAP,
        added_by=by,
        pitch=pitch,
    )
    StageChange.objects.create(card=card, from_stage=None, to_stage=stage, moved_by=by)
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.STAGE_MOVE,
        actor=by,
        summary=(
            f"Hired for {pipeline.name} (added in {stage.name})"
            if stage.is_hired
            else f"Added to {pipeline.name} in {stage.name}"
        ),
        data={"card_id": card.pk, "stage_id": stage.pk, **({"hired": True} if stage.is_hired else {})},
    )
    requisition = pipeline.requisition
    recruiter = requisition.recruiter if requisition is not None and candidate.owner_id is None else None
    if recruiter is not None:  # nobody owned them (an applicant, a referral): the role's recruiter does now
        give_owner_if_none(candidate=candidate, owner=recruiter, by=by)
    if requisition is not None and requisition.status == Requisition.Status.OPEN:
        signals.card_added_to_open_role.send(sender=Card, card=card, by=by)
    if stage.is_hired:
        signals.candidate_hired.send(sender=Card, card=card, by=by)
    if requisition is not None:
        signals.card_changed.send(sender=Card, card=card, by=by)
    return card


class RoleNotLive(ValueError):
    """People are added to planned and open roles only; the message says what the role is."""


@dataclass
class AddedToRole:
    """What add_to_requisition did: the new cards, and who was skipped with the reason to show."""

    added: list[Card] = field(default_factory=list)
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)


ALREADY_ON_BOARD = "already on this board"


def _skip_reason(candidate: Candidate, on_board: dict[int, Card]) -> str:
    if candidate.erased_at:
        return "erased"
    if candidate.do_not_contact:
        return "do not contact"
    card = on_board.get(candidate.pk)
    if card is not None:
        closed = "" if card.status == Card.Status.ACTIVE else f", {card.get_status_display().lower()}"
        return f"{ALREADY_ON_BOARD} (in {card.stage.name}{closed})"
    return ""


@transaction.atomic
def add_to_requisition(
    *,
    requisition: Requisition,
    candidates: Iterable[Candidate],
    stage: Stage | None = None,
    by: User | None,
) -> AddedToRole:
    """Put people on a planned or open role's board, in `stage` (the first by default), in the order given.

    Skipped, with the reason: erased people, people marked do not contact, and people already on the board
    (whatever their card's status: one card per board). Someone listed twice is added once. The board is
    locked first, so two people adding the same person at once make one card and one skip."""
    if requisition.status not in (Requisition.Status.PLANNED, Requisition.Status.OPEN):
        raise RoleNotLive(
            f"“{requisition.title}” is {requisition.get_status_display().lower()}: "
            "people are added to planned and open roles only."
        )
    pipeline = Pipeline.objects.select_for_update().get(requisition=requisition)
    pipeline.requisition = requisition
    if stage is None:
        stage = pipeline.stages.order_by("position")[0]
    elif stage.pipeline_id != pipeline.pk:
        raise ValueError("This stage is on another board.")
    people = list(candidates)
    on_board = {
        card.candidate_id: card
        for card in Card.objects.filter(
            pipeline=pipeline, candidate__in=[c.pk for c in people]
        ).select_related("stage")
    }
    result = AddedToRole()
    for candidate in people:
        reason = _skip_reason(candidate, on_board)
        if reason:
            result.skipped.append((candidate, reason))
            continue
        card = add_card(pipeline=pipeline, candidate=candidate, stage=stage, by=by)
        on_board[candidate.pk] = card
        result.added.append(card)
    return result


@transaction.atomic
def place_on_requisition(*, candidate: Candidate, requisition: Requisition, by: User | None) -> Card | None:
    """Put one person on a role's board (first stage) whatever the role's status, as an application or a
    reply does; None when they are already on it."""
    if Card.objects.filter(pipeline=requisition.pipeline, candidate=candidate).exists():
        return None
    return add_card(pipeline=requisition.pipeline, candidate=candidate, by=by)


def batch_people(batch: AddToRoleBatch) -> QuerySet[Candidate]:
    """Who a batch is for: a pool's members (not erased), or the ids given (erased ones too, to be reported)."""
    if batch.pool is not None:
        return pool_members(batch.pool).order_by("pk")
    return Candidate.objects.filter(pk__in=batch.candidate_ids).order_by("pk")


def run_add_batch(batch_id: int) -> None:
    """Add everyone in the batch who may be added. Claimed atomically, so a second run does nothing; a role
    closed meanwhile adds nobody and says so."""
    if not AddToRoleBatch.objects.filter(pk=batch_id, status=AddToRoleBatch.Status.QUEUED).update(
        status=AddToRoleBatch.Status.RUNNING
    ):
        return
    batch = AddToRoleBatch.objects.select_related("requisition", "stage", "pool", "requested_by").get(
        pk=batch_id
    )
    people = list(batch_people(batch))
    done = {"status": AddToRoleBatch.Status.DONE, "total": len(people), "finished_at": timezone.now()}
    try:
        result = add_to_requisition(
            requisition=batch.requisition, candidates=people, stage=batch.stage, by=batch.requested_by
        )
    except RoleNotLive as error:
        AddToRoleBatch.objects.filter(pk=batch_id).update(error=str(error)[:255], **done)
        return
    AddToRoleBatch.objects.filter(pk=batch_id).update(
        added_count=len(result.added),
        skipped=[{"id": c.pk, "name": c.full_name, "reason": reason} for c, reason in result.skipped],
        **done,
    )
