"""Outreach's part of candidate merges (and their preview) and erasures (signals sent by candidates/merge.py and
privacy.py), and of what happens on the boards (signals sent by pipelines: see pipelines/signals.py)."""

from django.dispatch import receiver

from candidates.signals import candidate_erasing, candidates_merging, merge_previewing
from pipelines.signals import candidate_hired, card_added_to_open_role, card_reinstated, card_turned_down

from .enrollment import pause_enrollment, stop_enrollment
from .manual_tasks import close_open_tasks
from .models import EngagementEvent, Enrollment, InboundMessage, Reply, Touch
from .rejections import cancel_rejection_emails, schedule_rejection_email


@receiver(merge_previewing, dispatch_uid="outreach.count_enrollments")
def count_enrollments(sender, *, duplicate, **kwargs) -> dict[str, int]:
    return {"sequences": Enrollment.objects.filter(candidate=duplicate).count()}


@receiver(candidates_merging, dispatch_uid="outreach.move_enrollments")
def move_enrollments(sender, *, primary, duplicate, by, **kwargs) -> None:
    """Move the duplicate's enrollments, touches, engagement events, replies and inbound mail to the primary.

    Where both are live in the same sequence, the duplicate's enrollment is stopped (reason "merged") and its
    open touches cancelled, so the person is never contacted twice by one sequence.
    """
    live_for_primary = Enrollment.objects.filter(
        candidate=primary, status__in=Enrollment.LIVE_STATUSES
    ).values_list("sequence_id", flat=True)
    clashing = Enrollment.objects.filter(
        candidate=duplicate, status__in=Enrollment.LIVE_STATUSES, sequence_id__in=list(live_for_primary)
    ).select_related("candidate", "sequence")
    # The timeline entry is the duplicate's, so it moves to the primary with the rest.
    for enrollment in clashing:
        stop_enrollment(enrollment=enrollment, reason="merged", by=by)
    Enrollment.objects.filter(candidate=duplicate).update(candidate=primary)
    Touch.objects.filter(candidate=duplicate).update(candidate=primary)
    EngagementEvent.objects.filter(candidate=duplicate).update(candidate=primary)
    Reply.objects.filter(candidate=duplicate).update(candidate=primary)
    InboundMessage.objects.filter(candidate=duplicate).update(candidate=primary)


@receiver(candidate_erasing, dispatch_uid="outreach.stop_and_scrub")
def stop_and_scrub(sender, *, candidate, by, **kwargs) -> None:
    """Stop every live enrollment of an erased person, cancel the other emails waiting for them in the outbox,
    and blank the messages written to and by them."""
    live = Enrollment.objects.filter(candidate=candidate, status__in=Enrollment.LIVE_STATUSES)
    for enrollment in live.select_related("candidate", "sequence"):
        stop_enrollment(enrollment=enrollment, reason="erased", by=by)
    Touch.objects.filter(candidate=candidate, enrollment=None, status=Touch.Status.SCHEDULED).update(
        status=Touch.Status.CANCELLED
    )
    Touch.objects.filter(candidate=candidate).update(
        subject="", body="", last_error="", in_reply_to="", references="", calendar="", to_address=""
    )
    EngagementEvent.objects.filter(candidate=candidate).update(url="", data={})
    Reply.objects.filter(candidate=candidate).update(from_address="", subject="", body="")
    # The address stays on the suppression list (erasure leaves one); the inbound records lose their text.
    InboundMessage.objects.filter(candidate=candidate).update(address="", subject="", detail="")


@receiver(card_added_to_open_role, dispatch_uid="outreach.pause_nurture_on_open_role")
def pause_nurture(sender, *, card, by, **kwargs) -> None:
    """Someone put on an open role's board is in a hiring conversation: their active enrollments pause (never
    stop), with the role on the timeline, for a recruiter to resume if the role does not work out."""
    active = Enrollment.objects.filter(candidate=card.candidate, status=Enrollment.Status.ACTIVE)
    for enrollment in active.select_related("candidate", "sequence"):
        pause_enrollment(enrollment=enrollment, by=by, reason=f"on the {card.pipeline.name} board")


@receiver(candidate_hired, dispatch_uid="outreach.stop_all_on_hire")
def stop_on_hire(sender, *, card, by, **kwargs) -> None:
    """A hired person's open manual tasks are closed as "hired" and every live enrollment stops."""
    close_open_tasks(candidate=card.candidate, outcome="hired", by=by)
    live = Enrollment.objects.filter(candidate=card.candidate, status__in=Enrollment.LIVE_STATUSES)
    for enrollment in live.select_related("candidate", "sequence"):
        stop_enrollment(enrollment=enrollment, reason="hired", by=by)


@receiver(card_turned_down, dispatch_uid="outreach.schedule_rejection_email")
def schedule_turn_down_email(sender, *, card, by, email_template_id=None, **kwargs) -> None:
    """The rejection email the recruiter chose, sent after the delay unless the turn-down is undone."""
    if email_template_id is not None:
        schedule_rejection_email(card=card, template_id=email_template_id, by=by)


@receiver(card_reinstated, dispatch_uid="outreach.cancel_rejection_email")
def cancel_turn_down_email(sender, *, card, by, **kwargs) -> None:
    cancel_rejection_emails(card=card, by=by)
