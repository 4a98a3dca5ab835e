from celery import shared_task

from . import conversation, dispatch, engagement, enrollment


@shared_task
def dispatch_due_touches() -> dict:
    """Run by Celery beat every minute; any number may run at once (rows are claimed under a lease).

    It first starts the planned-role campaigns that are due (each claimed atomically), then sends."""
    started = conversation.start_due_campaigns()
    result = dispatch.dispatch_due_touches()
    return {
        "campaigns_started": len(started),
        "sent": result.sent,
        "skipped": result.skipped,
        "failed": result.failed,
        "retried": result.retried,
        "possibly_delivered": result.possibly_delivered,
    }


@shared_task
def run_enrollment_batch(batch_id: int) -> None:
    enrollment.run_enrollment_batch(batch_id)


@shared_task
def refresh_engagement_scores() -> int:
    """Run by Celery beat daily so that scores decay; idempotent, so safe on many workers."""
    return engagement.refresh_all()
