"""Celery tasks of pipelines: the notification emails, sent outside the request that caused them, and large
"Add to role" batches.

Each email task takes an id, returns quietly when the row is gone (erased or deleted meanwhile), and retries
when the mail server cannot be reached; each sends one email, so a retry never repeats another."""

from smtplib import SMTPException

from celery import shared_task

from candidates.models import Referral

from . import notifications, placing
from .models import Application, ShortlistReview

RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": True, "max_retries": 5}


def _application(application_id: int) -> Application | None:
    return (
        Application.objects.select_related("candidate", "requisition__recruiter")
        .filter(pk=application_id)
        .first()
    )


@shared_task(**RETRY)
def email_application_confirmation(application_id: int) -> None:
    application = _application(application_id)
    if application is not None:
        notifications.send_application_confirmation(application)


@shared_task(**RETRY)
def email_new_application(application_id: int) -> None:
    application = _application(application_id)
    if application is not None:
        notifications.send_new_application_note(application)


@shared_task(**RETRY)
def email_decision(review_id: int) -> None:
    review = (
        ShortlistReview.objects.select_related(
            "reviewer", "card__candidate", "card__pipeline__requisition__recruiter"
        )
        .filter(pk=review_id)
        .first()
    )
    if review is not None:
        notifications.send_decision(review)


@shared_task
def run_add_batch(batch_id: int) -> None:
    placing.run_add_batch(batch_id)


@shared_task(**RETRY)
def email_referral_update(referral_id: int) -> None:
    referral = Referral.objects.select_related("referrer").filter(pk=referral_id).first()
    if referral is not None:
        notifications.send_referral_update(referral)
