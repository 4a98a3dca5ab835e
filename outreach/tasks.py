from datetime import timedelta

from celery import shared_task
from django.conf import settings

from . import conversation, data_export, dispatch, engagement, enrollment, mailboxes, meetings
from .alerts import alert_admins_of_complaint  # noqa: F401  (the complaint alert, queued by outreach.inbound)


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
def poll_mailboxes() -> int:
    """Run by Celery beat every INBOUND_POLL_SECONDS: one task per mailbox, so a slow or failing one never
    holds up the others. Returns how many were queued."""
    ids = mailboxes.active_mailbox_ids()
    for mailbox_id in ids:
        poll_mailbox.delay(mailbox_id)
    return len(ids)


@shared_task
def poll_mailbox(mailbox_id: int) -> dict:
    """One pass over one mailbox; a second task for the same mailbox finds it claimed and does nothing."""
    result = mailboxes.poll_mailbox(mailbox_id)
    return {
        "polled": result.polled,
        "handled": result.handled,
        "skipped": result.skipped,
        "error": result.error,
    }


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


@shared_task
def build_data_file(request_id: int) -> bool:
    """Queued when a candidate confirms a data request; safe twice or on many workers (the row is claimed)."""
    return data_export.build_data_file(request_id) is not None


@shared_task
def expire_data_requests() -> dict:
    """Run by Celery beat hourly: deletes data files past DATA_REQUEST_FILE_DAYS, expires unopened confirmation
    links, and builds again a file whose worker died."""
    return data_export.expire_data_requests()
