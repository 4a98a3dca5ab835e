"""A board's stages, edited by admins: add, rename and flag, reorder, delete when empty."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from .models import Card, Pipeline, Stage


class StageNotEmpty(Exception):
    """A stage that still holds cards (or is a board's only stage) cannot be deleted; the message says why."""


def _renumber_stages(stages: list[Stage]) -> None:
    """Give the stages positions 0..n-1 in list order, in two statements so (pipeline, position) stays unique."""
    offset = max([s.position for s in stages], default=0) + len(stages) + 1
    for i, stage in enumerate(stages):
        stage.position = offset + i
    Stage.objects.bulk_update(stages, ["position"])
    for i, stage in enumerate(stages):
        stage.position = i
    Stage.objects.bulk_update(stages, ["position"])


def _locked_stages(pipeline: Pipeline) -> list[Stage]:
    return list(Stage.objects.select_for_update().filter(pipeline=pipeline).order_by("position", "pk"))


def _refuse_duplicate_name(stage: Stage, others: list[Stage]) -> None:
    """Two stages of one board never share a name (in any case or spacing): a move "to Interview" must be
    unambiguous."""
    key = " ".join(stage.name.split()).casefold()
    if any(" ".join(other.name.split()).casefold() == key for other in others if other.pk != stage.pk):
        raise ValidationError({"name": f"This board already has a stage named “{stage.name.strip()}”."})


@transaction.atomic
def add_stage(
    *,
    pipeline: Pipeline,
    name: str,
    is_late: bool = False,
    is_shortlist: bool = False,
    is_hired: bool = False,
) -> Stage:
    """A new stage, just before the board's first hired stage (so hired stays last), else at the end; a name
    the board already has is refused (a hired stage only on a role's board: Stage.clean)."""
    stages = _locked_stages(pipeline)
    stage = Stage(
        pipeline=pipeline,
        name=name,
        position=max((s.position for s in stages), default=-1) + 1,
        is_late=is_late,
        is_shortlist=is_shortlist,
        is_hired=is_hired,
    )
    stage.full_clean()
    _refuse_duplicate_name(stage, stages)
    stage.save()
    hired_at = next((i for i, s in enumerate(stages) if s.is_hired), None)
    if hired_at is not None and not is_hired:
        _renumber_stages([*stages[:hired_at], stage, *stages[hired_at:]])
    return stage


@transaction.atomic
def reorder_stages(*, pipeline: Pipeline, stage_ids: list[int]) -> None:
    """Put the board's stages in the given order (every stage once)."""
    stages = {s.pk: s for s in _locked_stages(pipeline)}
    if sorted(stage_ids) != sorted(stages):
        raise ValueError("The new order must list every stage of the board once.")
    _renumber_stages([stages[pk] for pk in stage_ids])


@transaction.atomic
def update_stage(
    *,
    stage: Stage,
    name: str,
    is_late: bool,
    is_shortlist: bool,
    is_hired: bool,
    position: int | None = None,
) -> Stage:
    """Rename a stage and set its flags; `position` (0-based) moves it along the board.

    Marking a stage hired (or unmarking it) changes at once who counts as hired: the people in it."""
    stage.name, stage.is_late, stage.is_shortlist, stage.is_hired = name, is_late, is_shortlist, is_hired
    stage.full_clean(exclude=["position"])
    _refuse_duplicate_name(stage, _locked_stages(stage.pipeline))
    stage.save(update_fields=["name", "is_late", "is_shortlist", "is_hired"])
    if position is not None:
        order = [s.pk for s in _locked_stages(stage.pipeline) if s.pk != stage.pk]
        order.insert(max(0, min(position, len(order))), stage.pk)
        reorder_stages(pipeline=stage.pipeline, stage_ids=order)
        stage.refresh_from_db(fields=["position"])
    return stage


@transaction.atomic
def delete_stage(*, stage: Stage) -> None:
    """Delete an empty stage and close the gap; refused while cards (even turned-down ones) are in it."""
    stages = _locked_stages(stage.pipeline)
    cards = Card.objects.filter(stage=stage).aggregate(
        total=Count("pk"), rejected=Count("pk", filter=~Q(status=Card.Status.ACTIVE))
    )
    if cards["total"]:
        people = "1 candidate is" if cards["total"] == 1 else f"{cards['total']} candidates are"
        kept = f" ({cards['rejected']} of them closed, kept for the record)" if cards["rejected"] else ""
        raise StageNotEmpty(
            f"“{stage.name}” cannot be deleted: {people} in it{kept}. Move them to another stage first."
        )
    if len(stages) == 1:
        raise StageNotEmpty(f"“{stage.name}” is the board's only stage; add another before deleting it.")
    remaining = [s for s in stages if s.pk != stage.pk]
    stage.delete()
    _renumber_stages(remaining)
