"""Pipelines' part of candidate merges (and their preview) and erasures (signals sent by candidates.services), and
what follows its own cards (pipelines.signals): the status of the person's referrals."""

from django.dispatch import receiver

from candidates.models import Activity, Referral
from candidates.selectors import is_referred
from candidates.services import follow_referrals, record_activity
from candidates.signals import candidate_erasing, candidates_merging, merge_previewing

from . import selectors, tasks
from .models import Application, Card, ShortlistReview
from .signals import card_changed


def _further_along(card: Card, other: Card) -> bool:
    """Whether card got further than other: a later stage, or the same stage and still in process."""
    return (card.stage.position, card.status == Card.Status.ACTIVE) > (
        other.stage.position,
        other.status == Card.Status.ACTIVE,
    )


@receiver(merge_previewing, dispatch_uid="pipelines.count_cards")
def count_cards(sender, *, duplicate, **kwargs) -> dict[str, int]:
    return {"boards": Card.objects.filter(candidate=duplicate).count()}


@receiver(candidates_merging, dispatch_uid="pipelines.move_cards")
def move_cards(sender, *, primary, duplicate, by, **kwargs) -> None:
    """Move the duplicate's cards, with their stage history and reviews, to the primary.

    Where both are on the same board the card further along stays (the primary's on a tie); the other card's
    stage history is written to the primary's timeline, its shortlist reviews move to the kept card, and it
    is deleted.
    """
    primary_cards = {
        card.pipeline_id: card for card in Card.objects.filter(candidate=primary).select_related("stage")
    }
    for card in Card.objects.filter(candidate=duplicate).select_related("stage", "pipeline"):
        other = primary_cards.get(card.pipeline_id)
        if other is None:
            continue
        keep, drop = (card, other) if _further_along(card, other) else (other, card)
        history = list(drop.history.select_related("from_stage", "to_stage").order_by("moved_at", "pk"))
        record_activity(
            candidate=primary,
            kind=Activity.Kind.STAGE_MOVE,
            actor=by,
            summary=(
                f"Merged two cards on {card.pipeline.name}: kept the one in {keep.stage.name}; "
                f"the other was in {drop.stage.name} ({drop.get_status_display().lower()})"
            ),
            body="\n".join(
                f"{change.moved_at:%d %b %Y}: "
                f"{change.from_stage.name if change.from_stage else 'added'} → {change.to_stage.name}"
                for change in history
            ),
            data={
                "kept_card_id": keep.pk,
                "dropped_card_id": drop.pk,
                "dropped_stage": drop.stage.name,
                "dropped_status": drop.status,
                "dropped_pitch": drop.pitch,
                "dropped_rejection_reason": drop.rejection_reason,
            },
        )
        ShortlistReview.objects.filter(card=drop).update(card=keep)
        Application.objects.filter(card=drop).update(card=keep)
        drop.delete()
    Card.objects.filter(candidate=duplicate).update(candidate=primary)


@receiver(candidates_merging, dispatch_uid="pipelines.move_applications")
def move_applications(sender, *, primary, duplicate, by, **kwargs) -> None:
    """Move the duplicate's applications; for a role both applied for the primary's stays and the other's
    message goes to the primary's timeline."""
    both = Application.objects.filter(
        candidate=duplicate, requisition__applications__candidate=primary
    ).select_related("requisition")
    for application in both:
        record_activity(
            candidate=primary,
            kind=Activity.Kind.APPLICATION,
            actor=by,
            summary=f"Merged a second application for {application.requisition.title}",
            body=application.message,
            data={"dropped_application_id": application.pk},
        )
        application.delete()
    Application.objects.filter(candidate=duplicate).update(candidate=primary)


@receiver(candidate_erasing, dispatch_uid="pipelines.scrub_cards")
def scrub_cards(sender, *, candidate, by, **kwargs) -> None:
    """Blank what boards say about an erased person (pitches, rejection reasons, review comments)."""
    Card.objects.filter(candidate=candidate).update(pitch="", rejection_reason="")
    ShortlistReview.objects.filter(card__candidate=candidate).update(comment="")
    Application.objects.filter(candidate=candidate).update(message="")


@receiver(card_changed, dispatch_uid="pipelines.referrals_follow_cards")
def referrals_follow_cards(sender, *, card, by, **kwargs) -> None:
    """A referral's status follows the referred person's cards on role boards (in process → hired / not
    selected); the referrer gets a short email, after commit, when it becomes hired or not selected."""
    if not is_referred(card.candidate):  # most people are not: one cheap query on every move
        return
    status = selectors.referral_status_from_cards(card.candidate)
    if status is None:
        return
    for referral in follow_referrals(candidate=card.candidate, status=status, by=by):
        if referral.status in (Referral.Status.HIRED, Referral.Status.NOT_SELECTED):
            tasks.email_referral_update.delay_on_commit(referral.pk)
