"""Structured feedback: a role's criteria (the recruiting team's list) and each reviewer's ratings and
recommendation on a candidate."""

from collections.abc import Mapping

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from candidates.models import Activity
from candidates.services import record_activity

from .models import Card, Feedback, FeedbackCriterion, Requisition

MAX_CRITERIA = 12


@transaction.atomic
def set_criteria(
    *, requisition: Requisition, names: list[str], by: User | None = None
) -> list[FeedbackCriterion]:
    """Replace a role's criteria with these names, in this order (blank lines and repeats, in any case, left
    out); a criterion kept keeps its ratings, one dropped takes its ratings with it."""
    wanted: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())[:100]
        if name:
            wanted.setdefault(name.casefold(), name)
    if len(wanted) > MAX_CRITERIA:
        raise ValidationError(f"At most {MAX_CRITERIA} criteria: choose the ones that decide.")
    existing = {
        c.name.casefold(): c
        for c in FeedbackCriterion.objects.select_for_update().filter(requisition=requisition)
    }
    FeedbackCriterion.objects.filter(
        pk__in=[c.pk for key, c in existing.items() if key not in wanted]
    ).delete()
    kept = []
    for position, (key, name) in enumerate(wanted.items()):
        criterion = existing.get(key) or FeedbackCriterion(requisition=requisition)
        criterion.name, criterion.position = name, position
        criterion.save()
        kept.append(criterion)
    return kept


@transaction.atomic
def give_feedback(
    *, card: Card, reviewer: User, recommendation: int, ratings: Mapping[int, int], comment: str = ""
) -> Feedback:
    """A reviewer's feedback on someone on a role's board: a rating (1 to 5) for every criterion of the role and a
    recommendation; giving it again replaces theirs. On the person's timeline."""
    requisition = card.pipeline.requisition
    if requisition is None:
        raise ValidationError("Feedback is for people on a role's board.")
    if recommendation not in Feedback.Recommendation.values:
        raise ValidationError("Choose a recommendation.")
    criteria = set(requisition.criteria.values_list("pk", flat=True))
    if set(ratings) != criteria or any(not 1 <= value <= 5 for value in ratings.values()):
        raise ValidationError("Rate every criterion from 1 to 5.")
    feedback, _ = Feedback.objects.update_or_create(
        card=card,
        reviewer=reviewer,
        defaults={
            "recommendation": recommendation,
            "ratings": {str(pk): value for pk, value in ratings.items()},
            "comment": comment,
        },
    )
    who = reviewer.get_full_name() or reviewer.get_username()
    record_activity(
        candidate=card.candidate,
        kind=Activity.Kind.REVIEW,
        actor=reviewer,
        summary=f"{who}: {feedback.get_recommendation_display().lower()} for {requisition.title}",
        body=comment,
        data={"card_id": card.pk, "feedback_id": feedback.pk},
    )
    return feedback
