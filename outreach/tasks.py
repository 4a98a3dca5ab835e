from celery import shared_task

from . import services


@shared_task
def dispatch_due_touches() -> dict:
    """Run by Celery beat every minute; any number may run at once (rows are claimed under a lease)."""
    result = services.dispatch_due_touches()
    return {
        "sent": result.sent,
        "skipped": result.skipped,
        "failed": result.failed,
        "retried": result.retried,
    }


@shared_task
def run_enrollment_batch(batch_id: int) -> None:
    services.run_enrollment_batch(batch_id)
