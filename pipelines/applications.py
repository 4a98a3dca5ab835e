"""The careers page's writes: a visitor's application for a published role, and the page's settings."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.filling import empty_field_fills
from candidates.models import Activity, Candidate, LawfulBasis, Resume, SeekingStatus, Source
from candidates.normalize import normalize_email, normalize_linkedin_url
from candidates.resume_uploads import attach_resume
from candidates.resumes import check_resume
from candidates.selectors import find_existing_candidate
from candidates.services import create_candidate, record_activity, update_candidate

from . import tasks
from .models import Application, Card, CareersSettings, Requisition
from .services import add_to_requisition


class AlreadyApplied(ValidationError):
    """This person (same email or LinkedIn profile) already applied for this role."""

    def __init__(self) -> None:
        super().__init__(
            "You have already applied for this role. We have your application and will be in touch."
        )


def update_careers_settings(**fields: Any) -> CareersSettings:
    careers = CareersSettings.current()
    for name, value in fields.items():
        setattr(careers, name, value)
    careers.full_clean()
    careers.save()
    return careers


def _applicant(*, first_name: str, last_name: str, email: str, phone: str, linkedin_url: str) -> Candidate:
    """The existing person (same email in any case, or same LinkedIn, their own or an alias) marked active, with
    their empty fields filled by the one rule (candidates.filling: never an email or LinkedIn someone else
    holds), or a new active applicant."""
    existing = find_existing_candidate(email=email, linkedin_url=linkedin_url)
    if existing is None:
        return create_candidate(
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            linkedin_url=linkedin_url,
            seeking_status=SeekingStatus.ACTIVE,
            source=Source.APPLIED,
            lawful_basis=LawfulBasis.CONSENT,
        )
    candidate = Candidate.objects.select_for_update().get(pk=existing.pk)
    offered = {"last_name": last_name, "email": email, "phone": phone, "linkedin_url": linkedin_url}
    fills = empty_field_fills(candidate, offered)
    return update_candidate(candidate=candidate, seeking_status=SeekingStatus.ACTIVE, **fills)


def submit_application(
    *,
    requisition: Requisition,
    first_name: str,
    last_name: str,
    email: str,
    resume: UploadedFile,
    consent: bool,
    phone: str = "",
    linkedin_url: str = "",
    message: str = "",
) -> Application:
    """A visitor applies for a published role.

    Everything is checked before anything is written: the role is published and open, consent was given, the
    LinkedIn address is a profile, the résumé is accepted (check_resume), and this person (same email in any
    case, or same LinkedIn) has not applied for this role yet (AlreadyApplied). Then, in one transaction, the
    candidate is created or updated (see _applicant), the résumé stored and queued for text extraction, a card
    put in the first stage of the role's board (unless they are on it already), the application recorded on
    the timeline; the emails are queued for after commit (pipelines.tasks, which log and retry a failed send).
    Raises ValidationError with a message for the visitor; when it does, nothing is left behind (not even the
    stored file). Once the application has committed nothing undoes it: an email that cannot be queued is
    logged, and the stored file is never deleted.
    """
    if not Requisition.objects.published().filter(pk=requisition.pk).exists():
        raise ValidationError("This role is no longer open for applications.")
    if not consent:
        raise ValidationError({"consent": "Please agree to the privacy notice so we can consider you."})
    email = normalize_email(email)
    try:
        linkedin_url = normalize_linkedin_url(linkedin_url)
    except ValueError as error:
        raise ValidationError({"linkedin_url": str(error)}) from error
    checked = check_resume(resume)
    existing = find_existing_candidate(email=email, linkedin_url=linkedin_url)
    if existing and Application.objects.filter(requisition=requisition, candidate=existing).exists():
        raise AlreadyApplied
    stored = None
    try:
        with transaction.atomic():
            candidate = _applicant(
                first_name=first_name,
                last_name=last_name,
                email=email,
                phone=phone,
                linkedin_url=linkedin_url,
            )
            stored = attach_resume(candidate=candidate, upload=resume, checked=checked)
            card = add_to_requisition(candidate=candidate, requisition=requisition, by=None)
            card = card or Card.objects.get(pipeline=requisition.pipeline, candidate=candidate)
            application = Application.objects.create(
                requisition=requisition,
                candidate=candidate,
                card=card,
                resume=stored,
                message=message,
                consent_at=timezone.now(),
            )
            record_activity(
                candidate=candidate,
                kind=Activity.Kind.APPLICATION,
                summary=f"Applied for {requisition.title} on the careers page",
                body=message,
                data={"application_id": application.pk, "requisition_id": requisition.pk, "card_id": card.pk},
            )
            # robust: a broker that cannot take a task is logged, and the committed application stands
            pk = application.pk
            transaction.on_commit(lambda: tasks.email_application_confirmation.delay(pk), robust=True)
            transaction.on_commit(lambda: tasks.email_new_application.delay(pk), robust=True)
    except BaseException as error:
        if stored is not None and not Resume.objects.filter(pk=stored.pk).exists():
            stored.file.delete(save=False)  # only a file whose row never committed
        if (
            isinstance(error, IntegrityError)
            and Application.objects.filter(requisition=requisition, candidate__email__iexact=email).exists()
        ):
            raise AlreadyApplied from error  # a second submission of the same form, at the same moment
        raise
    return application
