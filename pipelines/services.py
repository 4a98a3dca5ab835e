"""Operations that change requisitions, boards and cards."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from candidates.custom_fields import write_custom_values
from candidates.models import Activity, Candidate, CustomField, SilverMedal, Skill, TalentPool
from candidates.services import add_silver_medalist, record_activity, withdraw_silver_medal

from . import signals, tasks
from .models import (
    DEFAULT_STAGES,
    POSITION_GAP,
    TALENT_STAGES,
    Card,
    ForecastSettings,
    Pipeline,
    Requisition,
    ShortlistReview,
    Stage,
    StageChange,
    TalentReview,
)

# Putting people on boards lives in placing.py (a worker runs it too); its names are the services' as well.
from .placing import AddedToRole as AddedToRole
from .placing import RoleNotLive as RoleNotLive
from .placing import add_card as add_card
from .placing import add_to_requisition as add_to_requisition
from .placing import place_on_requisition as place_on_requisition


@transaction.atomic
def create_requisition(
    *,
    by: User | None = None,
    pools: Iterable[TalentPool] = (),
    skills: Iterable[str] = (),
    custom_fields: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Requisition:
    """A requisition with its board, whose stages start from the default template. ``custom_fields`` are
    the values of the admins' requisition fields by key (validated as every custom value is)."""
    requisition = Requisition(**fields)
    if custom_fields is not None:
        write_custom_values(
            record=requisition, applies_to=CustomField.AppliesTo.REQUISITION, values=custom_fields
        )
    requisition.full_clean()
    requisition.save()
    requisition.pools.set(pools)
    _set_requisition_skills(requisition, skills)
    pipeline = Pipeline.objects.create(name=requisition.title, requisition=requisition)
    Stage.objects.bulk_create(
        Stage(pipeline=pipeline, name=name, position=i, is_late=late, is_shortlist=shortlist, is_hired=hired)
        for i, (name, late, shortlist, hired) in enumerate(DEFAULT_STAGES)
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


class StaleCard(Exception):
    """The card moved since the user last saw it; the caller shows the fresh columns."""


def _column_positions(
    stage_id: int, exclude: int, *, offset: int, limit: int, from_end: bool = False
) -> list[int]:
    """`limit` position keys of a column's active cards (all but `exclude`) from `offset`, in column order or,
    `from_end`, from its last card up. In SQL, as _renumber: every drop runs it, and the ORM took longer to
    build it than the database took to answer."""
    table = connection.ops.quote_name(Card._meta.db_table)
    order = "position DESC, id DESC" if from_end else "position, id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT position FROM {table} WHERE stage_id = %s AND status = %s AND id <> %s ORDER BY {order} "
            "LIMIT %s OFFSET %s",
            [stage_id, Card.Status.ACTIVE, exclude, limit, offset],
        )
        return [position for (position,) in cursor.fetchall()]


def _renumber(stage_id: int, exclude: int) -> None:
    """Spread a column's active cards (all but `exclude`) POSITION_GAP apart, starting at POSITION_GAP, in one
    UPDATE. The exception, not the rule: run only when two neighbours have no key left between them."""
    table = connection.ops.quote_name(Card._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET position = ranked.rank * %s FROM (SELECT id, ROW_NUMBER() OVER "
            f"(ORDER BY position, id) AS rank FROM {table} WHERE stage_id = %s AND status = %s AND id <> %s) "
            f"AS ranked WHERE {table}.id = ranked.id",
            [POSITION_GAP, stage_id, Card.Status.ACTIVE, exclude],
        )


def _position_at(stage_id: int, index: int, exclude: int) -> int:
    """The position key for a card going to `index` (0-based) among a column's other active cards: before the
    first, after the last, or halfway between its two neighbours, renumbering the column first when there is no
    key left between them. Called with the stage locked."""
    if index == 0:
        first = _column_positions(stage_id, exclude, offset=0, limit=1)
        return first[0] - POSITION_GAP if first else 0
    neighbours = _column_positions(stage_id, exclude, offset=index - 1, limit=2)
    if not neighbours:  # past the end
        last = _column_positions(stage_id, exclude, offset=0, limit=1, from_end=True)
        return last[0] + POSITION_GAP if last else 0
    if len(neighbours) == 1:
        return neighbours[0] + POSITION_GAP
    before, after = neighbours
    if after - before >= 2:
        return before + (after - before) // 2
    _renumber(stage_id, exclude)
    return index * POSITION_GAP + POSITION_GAP // 2


@transaction.atomic
def move_card(
    *,
    card: Card,
    to_stage: Stage,
    position: int,
    expected_version: int,
    by: User | None = None,
) -> set[int]:
    """Move a card to `position` (0-based) in `to_stage`, writing the moved card's row only.

    The ordering rule: every move locks the (at most two) stages it touches, in id order, so moves into the
    same columns happen one after the other and no two cards of a column share a place. The card takes a key
    between its new neighbours' (see _position_at); a column is renumbered only when that gap is used up.
    A move made from a stale view of the card (its version changed since) is refused with StaleCard.
    A move into a stage marked hired is on the timeline as "Hired for <role>"; the card stays in process there
    (Card.objects.hired()), so moving it back undoes the hire. The requisition's status is left alone.
    Returns the ids of the stages whose columns changed.
    """
    if to_stage.pipeline_id != card.pipeline_id:
        raise ValueError("A card can only move within its own board.")
    # The two stages, locked in id order: the one the card goes to and the one it is in as stored now (the
    # caller's copy may be older), read in the locking statement. Then the card's row. In SQL: the ORM took
    # longer to build these two statements than the database took to run them (Django's select_for_update
    # likewise drops FOR UPDATE on a database without it, SQLite, where a write transaction is exclusive).
    for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""
    stages = Stage.objects.raw(
        "SELECT * FROM pipelines_stage WHERE id = %s OR id = (SELECT stage_id FROM pipelines_card WHERE id = %s) "
        f"ORDER BY id{for_update}",
        [to_stage.pk, card.pk],
    )
    locked = {s.pk: s for s in stages}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT version, status, stage_id FROM pipelines_card WHERE id = %s{for_update}", [card.pk]
        )
        row = cursor.fetchone()
    if row is None:  # erased meanwhile (with its person)
        raise StaleCard
    version, status, from_stage_id = row
    if version != expected_version or status != Card.Status.ACTIVE or from_stage_id not in locked:
        raise StaleCard  # (not in locked: it moved between the two reads)
    moved_stage = from_stage_id != to_stage.pk
    changes: dict[str, Any] = {
        "stage": to_stage,
        "position": _position_at(to_stage.pk, max(0, position), exclude=card.pk),
        "version": version + 1,
        **({"entered_stage_at": timezone.now()} if moved_stage else {}),
    }
    Card.objects.filter(pk=card.pk).update(**changes)
    # The caller's copy as stored now, without reading the row again; its person and board are as it has them.
    for field, value in {**changes, "status": Card.Status.ACTIVE}.items():
        setattr(card, field, value)
    if moved_stage:
        from_stage = locked[from_stage_id]
        StageChange.objects.create(card=card, from_stage=from_stage, to_stage=to_stage, moved_by=by)
        path = f"{from_stage.name} → {to_stage.name}"
        hired = to_stage.is_hired and not from_stage.is_hired
        board = card.pipeline.name
        record_activity(
            candidate=card.candidate,
            kind=Activity.Kind.STAGE_MOVE,
            actor=by,
            summary=f"Hired for {board} ({path})" if hired else f"{board}: {path}",
            data={
                "card_id": card.pk,
                "from_stage_id": from_stage_id,
                "to_stage_id": to_stage.pk,
                **({"hired": True} if hired else {}),
            },
        )
        signals.card_moved.send(sender=Card, card=card, from_stage=from_stage, to_stage=to_stage, by=by)
        if hired:
            signals.candidate_hired.send(sender=Card, card=card, by=by)
        if card.pipeline.requisition_id is not None:
            signals.card_changed.send(sender=Card, card=card, by=by)
    return set(locked)


@transaction.atomic
def review_shortlisted_card(
    *, card: Card, reviewer: User, decision: str, comment: str = ""
) -> ShortlistReview:
    """A hiring manager's decision on a shortlisted candidate: recorded, on the timeline, and emailed to the
    role's recruiter by a task queued on commit (a rolled-back decision sends nothing)."""
    if decision not in ShortlistReview.Decision.values:
        raise ValueError(f"Unknown decision {decision!r}.")
    review = ShortlistReview.objects.create(card=card, reviewer=reviewer, decision=decision, comment=comment)
    requisition = card.pipeline.requisition
    assert requisition is not None, "shortlists are on a role's board"
    who = reviewer.get_full_name() or reviewer.get_username()
    record_activity(
        candidate=card.candidate,
        kind=Activity.Kind.REVIEW,
        actor=reviewer,
        summary=f"{who}: {review.get_decision_display().lower()} for {requisition.title}",
        body=comment,
        data={"card_id": card.pk, "review_id": review.pk},
    )
    tasks.email_decision.delay_on_commit(review.pk)
    return review


def acknowledge_review(*, review: ShortlistReview) -> None:
    ShortlistReview.objects.filter(pk=review.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )


# --- Requisitions: edit and status ---------------------------------------------------------------------


def _set_requisition_skills(requisition: Requisition, names: Iterable[str]) -> None:
    """Replace a requisition's skills; names match existing skills whatever their case (as for candidates)."""
    wanted: dict[str, str] = {}
    for name in names:
        if name.strip():
            wanted.setdefault(name.strip().lower(), name.strip())
    known = set(
        Skill.objects.annotate(key=Lower("name")).filter(key__in=wanted).values_list("key", flat=True)
    )
    Skill.objects.bulk_create(
        [Skill(name=name) for key, name in wanted.items() if key not in known], ignore_conflicts=True
    )
    requisition.skills.set(Skill.objects.annotate(key=Lower("name")).filter(key__in=wanted))


@transaction.atomic
def update_requisition(
    *,
    requisition: Requisition,
    by: User | None = None,
    pools: Iterable[TalentPool] | None = None,
    skills: Iterable[str] | None = None,
    custom_fields: Mapping[str, Any] | None = None,
    custom_fields_partial: bool = False,
    **fields: Any,
) -> Requisition:
    """Change a requisition's details (not its status: see change_requisition_status); the board keeps its
    name in step with the title. Pools and skills are replaced when given; custom values are written over
    the role's own (``custom_fields_partial``: a required one left out is not asked for)."""
    if "status" in fields:
        raise ValueError("Change a requisition's status with change_requisition_status.")
    for name, value in fields.items():
        setattr(requisition, name, value)
    if custom_fields is not None:
        write_custom_values(
            record=requisition,
            applies_to=CustomField.AppliesTo.REQUISITION,
            values=custom_fields,
            partial=custom_fields_partial,
        )
    requisition.full_clean()
    requisition.save()
    if pools is not None:
        requisition.pools.set(pools)
    if skills is not None:
        _set_requisition_skills(requisition, skills)
    Pipeline.objects.filter(requisition=requisition).exclude(name=requisition.title).update(
        name=requisition.title
    )
    return requisition


RequisitionStatus = Requisition.Status
# Where each status may go next. Filled is final; a closed role may be reopened (budget came back).
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RequisitionStatus.PLANNED: (RequisitionStatus.OPEN, RequisitionStatus.CLOSED),
    RequisitionStatus.OPEN: (RequisitionStatus.ON_HOLD, RequisitionStatus.FILLED, RequisitionStatus.CLOSED),
    RequisitionStatus.ON_HOLD: (RequisitionStatus.OPEN, RequisitionStatus.CLOSED),
    RequisitionStatus.FILLED: (),
    RequisitionStatus.CLOSED: (RequisitionStatus.OPEN,),
}


class InvalidTransition(ValueError):
    """A status change the requisition's current status does not allow; the message says what would."""


@transaction.atomic
def change_requisition_status(requisition: Requisition, status: str, by: User | None = None) -> Requisition:
    """Move a requisition along planned → open → on hold → filled / closed, stamping opened_at and closed_at.

    The row is locked first, so two people changing the status at once see each other's change."""
    current = Requisition.objects.select_for_update().get(pk=requisition.pk)
    allowed = STATUS_TRANSITIONS[current.status]
    if status not in allowed:
        label = RequisitionStatus(current.status).label.lower()
        target = RequisitionStatus(status).label.lower() if status in RequisitionStatus.values else status
        options = " or ".join(RequisitionStatus(s).label.lower() for s in allowed)
        next_step = (
            f"From {label} it can only become {options}." if options else f"{label.capitalize()} is final."
        )
        raise InvalidTransition(f"“{current.title}” is {label}, so it cannot become {target}. {next_step}")
    now = timezone.now()
    current.status = status
    if status == RequisitionStatus.OPEN:
        current.opened_at = current.opened_at or now
        current.closed_at = None
    elif status in (RequisitionStatus.FILLED, RequisitionStatus.CLOSED):
        current.closed_at = now
    current.save(update_fields=["status", "opened_at", "closed_at"])
    requisition.status, requisition.opened_at, requisition.closed_at = (
        current.status,
        current.opened_at,
        current.closed_at,
    )
    return requisition


# --- Talent review and forecast settings -----------------------------------------------------------------


@transaction.atomic
def answer_talent_review(
    *,
    requisition: Requisition,
    candidate: Candidate,
    reviewer: User,
    answer: str,
    reason: str = "",
) -> TalentReview:
    """A hiring manager's "would you talk to this person?" for a planned role; answering again replaces it."""
    if requisition.status != Requisition.Status.PLANNED:
        raise ValueError("Talent review is for planned roles only.")
    if answer not in TalentReview.Answer.values:
        raise ValueError(f"Unknown answer {answer!r}.")
    review, _ = TalentReview.objects.update_or_create(
        requisition=requisition,
        candidate=candidate,
        reviewer=reviewer,
        defaults={"answer": answer, "reason": reason},
    )
    who = reviewer.get_full_name() or reviewer.get_username()
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.REVIEW,
        actor=reviewer,
        summary=f"{who} would talk to them for {requisition.title}: {review.get_answer_display().lower()}",
        body=reason,
        data={"requisition_id": requisition.pk, "talent_review_id": review.pk},
    )
    return review


def update_forecast_settings(*, warm_threshold: int, target_ratio: int) -> ForecastSettings:
    forecast = ForecastSettings.current()
    forecast.warm_threshold, forecast.target_ratio = warm_threshold, target_ratio
    forecast.full_clean()
    forecast.save()
    return forecast


@transaction.atomic
def reject_card(
    *,
    card: Card,
    category: str,
    reason: str = "",
    by: User | None = None,
    email_template_id: int | None = None,
) -> Card:
    """Turn a candidate down on a board. From a late stage of a requisition they become a silver medalist, so
    they are rediscovered when a similar role opens. The other cards keep their places (one row is written).
    With `email_template_id` the person gets that rejection email after a delay (outreach, on the signal)."""
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
    if requisition is not None:
        signals.card_turned_down.send(sender=Card, card=card, by=by, email_template_id=email_template_id)
        signals.card_changed.send(sender=Card, card=card, by=by)
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
def reinstate_card(*, card: Card, by: User | None = None) -> Card:
    """Undo a turn-down, at once ("Undo") or later ("Reconsider" in the board's Turned down view): the card is
    in process again in the stage it was in, at the place its key gives it among the others; a silver medal
    the turn-down gave is taken back. Refused with StaleCard when the card is not turned down (any more)."""
    list(Stage.objects.select_for_update().filter(pk=card.stage_id))
    updated = Card.objects.filter(pk=card.pk, status=Card.Status.REJECTED).update(
        status=Card.Status.ACTIVE,
        rejection_category="",
        rejection_reason="",
        rejected_at=None,
        version=F("version") + 1,
    )
    if not updated:
        raise StaleCard
    card.refresh_from_db()
    requisition = card.pipeline.requisition
    if requisition is not None:
        withdraw_silver_medal(candidate=card.candidate, requisition_id=requisition.pk, by=by)
    record_activity(
        candidate=card.candidate,
        kind=Activity.Kind.STAGE_MOVE,
        actor=by,
        summary=f"{card.pipeline.name}: back in process at {card.stage.name} (turn-down undone)",
        data={"card_id": card.pk, "stage_id": card.stage_id, "reinstated": True},
    )
    signals.card_reinstated.send(sender=Card, card=card, by=by)
    if requisition is not None:
        signals.card_changed.send(sender=Card, card=card, by=by)
    return card


@transaction.atomic
def move_cards(*, cards: list[tuple[Card, int]], to_stage: Stage, by: User | None = None) -> set[int]:
    """Move several cards (each with the version the user saw) to the bottom of `to_stage`, in the order given:
    all or none. One that moved since it was seen refuses the lot with StaleCard (nothing moves)."""
    changed: set[int] = set()
    for card, version in cards:
        changed |= move_card(card=card, to_stage=to_stage, position=10**9, expected_version=version, by=by)
    return changed


@transaction.atomic
def reject_cards(
    *,
    cards: list[tuple[Card, int]],
    category: str,
    reason: str = "",
    by: User | None = None,
    email_template_id: int | None = None,
) -> list[Card]:
    """Turn several people down with one reason (and one optional email): all or none. A card that changed
    since it was seen (its version) refuses the lot with StaleCard."""
    done = []
    for card, version in cards:
        if Card.objects.filter(pk=card.pk).values_list("version", flat=True).get() != version:
            raise StaleCard
        done.append(
            reject_card(
                card=card, category=category, reason=reason, by=by, email_template_id=email_template_id
            )
        )
    return done
