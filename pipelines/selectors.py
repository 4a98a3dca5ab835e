"""Read queries for requisitions and boards."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from .models import Card, Pipeline, Requisition, ShortlistReview, Stage

BOARD_COLUMN_LIMIT = 50


def requisitions_for(user: AbstractBaseUser) -> QuerySet[Requisition]:
    return (
        Requisition.objects.visible_to(user)
        .select_related("hiring_manager", "recruiter")
        .annotate(card_count=Count("pipeline__cards", filter=Q(pipeline__cards__status=Card.Status.ACTIVE)))
    )


def get_requisition_for_user(user: AbstractBaseUser, pk: int) -> Requisition:
    """The requisition, or 404 when it does not exist or the user may not see it."""
    return get_object_or_404(requisitions_for(user), pk=pk)


def requisition_counts() -> dict[str, int]:
    return Requisition.objects.aggregate(
        open=Count("pk", filter=Q(status=Requisition.Status.OPEN)),
        planned=Count("pk", filter=Q(status=Requisition.Status.PLANNED)),
    )


def board_columns(pipeline: Pipeline) -> list[Stage]:
    """Stages with their active cards (the first BOARD_COLUMN_LIMIT each) in a constant number of queries."""
    stages = list(
        pipeline.stages.annotate(card_count=Count("cards", filter=Q(cards__status=Card.Status.ACTIVE)))
    )
    cards = (
        Card.objects.filter(pipeline=pipeline, status=Card.Status.ACTIVE)
        .annotate(rank=Window(RowNumber(), partition_by=F("stage_id"), order_by=[F("position"), F("pk")]))
        .filter(rank__lte=BOARD_COLUMN_LIMIT)
        .select_related("candidate")
        .order_by("stage_id", "position", "pk")
    )
    by_stage: dict[int, list[Card]] = {s.pk: [] for s in stages}
    for card in cards:
        by_stage[card.stage_id].append(card)
    for stage in stages:
        stage.board_cards = by_stage[stage.pk]
    return stages


def shortlist(requisition: Requisition) -> QuerySet[Card]:
    return (
        Card.objects.filter(
            pipeline__requisition=requisition, stage__is_shortlist=True, status=Card.Status.ACTIVE
        )
        .select_related("candidate", "stage")
        .prefetch_related(Prefetch("reviews", queryset=ShortlistReview.objects.select_related("reviewer")))
    )


def shortlists_waiting_for(manager: AbstractBaseUser) -> QuerySet[Card]:
    """Shortlisted cards on a manager's requisitions that they have not decided on yet."""
    return (
        Card.objects.filter(
            pipeline__requisition__hiring_manager=manager,
            stage__is_shortlist=True,
            status=Card.Status.ACTIVE,
        )
        .exclude(reviews__reviewer=manager)
        .select_related("candidate", "pipeline__requisition", "stage")
    )
