"""Outreach's part of candidate merges and erasures (signals sent by candidates.services)."""

from django.dispatch import receiver
from django.utils import timezone

from candidates.models import Activity
from candidates.services import record_activity
from candidates.signals import candidate_erasing, candidates_merging

from .models import EngagementEvent, Enrollment, Reply, Touch

OPEN_TOUCH_STATUSES = [Touch.Status.SCHEDULED, Touch.Status.TASK_OPEN]


def _stop(enrollment: Enrollment, reason: str) -> None:
    """End a live enrollment and cancel the touches it still had planned."""
    enrollment.touches.filter(status__in=OPEN_TOUCH_STATUSES).update(status=Touch.Status.CANCELLED)
    enrollment.status = Enrollment.Status.STOPPED
    enrollment.stop_reason = reason
    enrollment.ended_at = timezone.now()
    enrollment.save(update_fields=["status", "stop_reason", "ended_at"])


@receiver(candidates_merging, dispatch_uid="outreach.move_enrollments")
def move_enrollments(sender, *, primary, duplicate, by, **kwargs) -> None:
    """Move the duplicate's enrollments, touches, engagement events and replies to the primary.

    Where both are live in the same sequence, the duplicate's enrollment is stopped (reason "merged") and its
    open touches cancelled, so the person is never contacted twice by one sequence.
    """
    live_for_primary = Enrollment.objects.filter(
        candidate=primary, status__in=Enrollment.LIVE_STATUSES
    ).values_list("sequence_id", flat=True)
    clashing = Enrollment.objects.filter(
        candidate=duplicate, status__in=Enrollment.LIVE_STATUSES, sequence_id__in=list(live_for_primary)
    ).select_related("sequence")
    for enrollment in clashing:
        _stop(enrollment, "merged")
        record_activity(
            candidate=primary,
            kind=Activity.Kind.TOUCH,
            actor=by,
            summary=f"Stopped the duplicate's enrollment in {enrollment.sequence.name}: merged",
            data={"enrollment_id": enrollment.pk},
        )
    Enrollment.objects.filter(candidate=duplicate).update(candidate=primary)
    Touch.objects.filter(candidate=duplicate).update(candidate=primary)
    EngagementEvent.objects.filter(candidate=duplicate).update(candidate=primary)
    Reply.objects.filter(candidate=duplicate).update(candidate=primary)


@receiver(candidate_erasing, dispatch_uid="outreach.stop_and_scrub")
def stop_and_scrub(sender, *, candidate, by, **kwargs) -> None:
    """Stop every live enrollment of an erased person and blank the messages written to and by them."""
    for enrollment in Enrollment.objects.filter(candidate=candidate, status__in=Enrollment.LIVE_STATUSES):
        _stop(enrollment, "erased")
    Touch.objects.filter(candidate=candidate).update(subject="", body="", last_error="")
    EngagementEvent.objects.filter(candidate=candidate).update(url="", data={})
    Reply.objects.filter(candidate=candidate).update(from_address="", subject="", body="")
