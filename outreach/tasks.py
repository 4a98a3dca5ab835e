from datetime import timedelta

from celery import shared_task
from django.conf import settings

from . import conversation, dispatch, engagement, enrollment, meetings


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


@shared_task
def send_meeting_reminders() -> int:
    """Run by Celery beat every few minutes: reminders of meetings starting within MEETING_REMINDER_HOURS. Each
    meeting is claimed with a conditional UPDATE, so workers running it at once remind once."""
    return meetings.send_due_reminders(ahead=timedelta(hours=settings.MEETING_REMINDER_HOURS))


@shared_task
def request_interview_feedback() -> int:
    """Run by Celery beat: each host of an interview that is over is asked for feedback, once; and cards whose
    next meeting is over show the one after it."""
    meetings.refresh_passed_next_meetings()
    return meetings.request_feedback()
