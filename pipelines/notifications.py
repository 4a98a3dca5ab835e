"""The emails pipelines sends by itself, run by its Celery tasks (pipelines.tasks) once the change that
caused them has committed: an application's confirmation to the applicant and its note to the role's recruiter,
a hiring manager's shortlist decision to the recruiter, and a referral's outcome (hired, not selected) to
the referrer. The applicant's confirmation is in their language (Candidate.language); the notes to staff are in
the default language. Subjects and texts are templates in
templates/pipelines/email/ (<name>_subject.txt and <name>.txt); the subject is one cleaned line
(candidates.mail_headers), whatever a visitor typed as their name."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from candidates.mail_headers import header_text
from candidates.models import Referral

from .models import Application, CareersSettings, ShortlistReview


def _send(template: str, context: dict[str, Any], to: str, language: str = settings.LANGUAGE_CODE) -> None:
    """Renders and sends one email in `language` (staff's: the default)."""
    with translation.override(language):
        _render_and_send(template, context, to)


def _render_and_send(template: str, context: dict[str, Any], to: str) -> None:
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = header_text(render_to_string(f"pipelines/email/{template}_subject.txt", context))
    body = render_to_string(f"pipelines/email/{template}.txt", context).strip() + "\n"
    send_mail(subject, body, None, [to])


def _application_context(application: Application) -> dict[str, Any]:
    return {
        "application": application,
        "candidate": application.candidate,
        "requisition": application.requisition,
        "company": CareersSettings.current().company_name,
    }


def send_application_confirmation(application: Application) -> None:
    """The applicant's confirmation, in their language (none when their record no longer has an email)."""
    candidate = application.candidate
    if candidate.email:
        language = candidate.language or settings.LANGUAGE_CODE
        _send("application_confirmation", _application_context(application), candidate.email, language)


def send_new_application_note(application: Application) -> None:
    """The note to the role's recruiter, with links to the profile and the board."""
    recruiter = application.requisition.recruiter
    if recruiter is not None and recruiter.email:
        _send("new_application", _application_context(application), recruiter.email)


def send_decision(review: ShortlistReview) -> None:
    """A hiring manager's decision on a shortlisted candidate, to the role's recruiter."""
    requisition = review.card.pipeline.requisition
    recruiter = requisition.recruiter if requisition is not None else None
    if recruiter is None or not recruiter.email:
        return
    context = {
        "review": review,
        "candidate": review.card.candidate,
        "requisition": requisition,
        "reviewer_name": review.reviewer.get_full_name() or review.reviewer.get_username(),
    }
    _send("decision_made", context, recruiter.email)


def send_referral_update(referral: Referral) -> None:
    """The referrer hears that the person they referred was hired or not selected: the person as the referrer
    gave them, nothing the database holds about them. Nothing when the status has moved on meanwhile."""
    if (
        referral.status not in (Referral.Status.HIRED, Referral.Status.NOT_SELECTED)
        or not referral.referrer.email
    ):
        return
    context = {
        "referral": referral,
        "hired": referral.status == Referral.Status.HIRED,
        "company": CareersSettings.current().company_name,
    }
    _send("referral_update", context, referral.referrer.email)
