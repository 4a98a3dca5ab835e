"""Operations that change requisitions, boards and cards."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from candidates.models import Activity, Candidate
from candidates.services import record_activity

from .models import DEFAULT_STAGES, TALENT_STAGES, Card, Pipeline, Requisition, Stage, StageChange


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
