"""The careers page's writes: a visitor's application for a published role, and the page's settings."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from candidates.models import Activity, Candidate, LawfulBasis, Resume, SeekingStatus, Source
from candidates.normalize import normalize_email, normalize_linkedin_url
from candidates.resume_uploads import attach_resume
from candidates.resumes import check_resume
from candidates.selectors import find_existing_candidate
from candidates.services import create_candidate, record_activity

from . import signals, tasks
from .models import Application, Card, CareersSettings, Requisition
from .services import place_on_requisition


class AlreadyApplied(ValidationError):
    """This person (same email, in any case) already applied for this role."""

    def __init__(self) -> None:
        super().__init__(
            gettext("You have already applied for this role. We have your application and will be in touch.")
        )


def update_careers_settings(**fields: Any) -> CareersSettings:
    careers = CareersSettings.current()
    for name, value in fields.items():
        setattr(careers, name, value)
    careers.full_clean()
    careers.save()
    return careers


def _applicant(
    *, first_name: str, last_name: str, email: str, phone: str, linkedin_url: str, language: str = ""
) -> tuple[Candidate, bool]:
    """The person this application is for, and whether the record is new.

    An anonymous form proves nothing about who sent it, so it never writes into an existing record: the person
    holding this email (any case, their own or an alias) gets the application, the card and the résumé, but
    none of their contact details, status or source change (what the form gave is on the timeline entry), and
    the confirmation goes to their address; only a language they never had is taken from the page they applied
    in (it says which language their emails' system text is in, nothing about who they are). Anyone else is a new active applicant; when the LinkedIn profile
    given is someone else's, the new record does not take it (it is that person's) and is flagged as a
    possible duplicate of theirs, for a recruiter to merge or leave apart.
    """
    existing = find_existing_candidate(email=email)
    if existing is not None:
        if language and not existing.language:
            Candidate.objects.filter(pk=existing.pk, language="").update(language=language)
            existing.language = language
        return existing, False
    holder = find_existing_candidate(linkedin_url=linkedin_url) if linkedin_url else None
    candidate = create_candidate(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        linkedin_url="" if holder else linkedin_url,
        possible_duplicate_of=holder,
        seeking_status=SeekingStatus.ACTIVE,
        source=Source.APPLIED,
        lawful_basis=LawfulBasis.CONSENT,
        language=language,
    )
    return candidate, True


def _given_details(candidate: Candidate, **given: str) -> str:
    """The form's details that are not on the record, for the timeline entry a recruiter reads."""
    labels = {
        "first_name": "first name",
        "last_name": "last name",
        "phone": "phone",
        "linkedin_url": "LinkedIn",
    }
    lines = [
        f"{labels[name]}: {value}"
        for name, value in given.items()
        if value and value != getattr(candidate, name)
    ]
    if not lines:
        return ""
    if candidate.possible_duplicate_of_id:
        intro = (
            f"The LinkedIn profile given is {candidate.possible_duplicate_of}'s: this record was kept apart "
            "as a possible duplicate; merge them if they are the same person."
        )
    else:
        intro = "Given on the form, not copied to the profile (an application never changes a known record):"
    return "\n".join([intro, *lines])


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
    language: str = "",
) -> Application:
    """A visitor applies for a published role.

    Everything is checked before anything is written: the role is published and open, consent was given, the
    LinkedIn address is a profile, the résumé is accepted (check_resume), and this person (same email in any
    case) has not applied for this role yet (AlreadyApplied). Then, in one transaction, the candidate is found
    by email or created (see _applicant: a known record is never changed), the résumé stored and queued for
    text extraction, a card put in the first stage of the role's board (unless they are on it already), the
    application recorded on the timeline; the emails are queued for after commit (pipelines.tasks, which log
    and retry a failed send). Raises ValidationError with a message for the visitor; when it does, nothing is
    left behind (not even the stored file). Once the application has committed nothing undoes it: an email
    that cannot be queued is logged, and the stored file is never deleted. `language` is the careers page's: a
    new applicant's emails are in it (Candidate.language).
    """
    if not Requisition.objects.published().filter(pk=requisition.pk).exists():
        raise ValidationError(gettext("This role is no longer open for applications."))
    if not consent:
        raise ValidationError(
            {"consent": gettext("Please agree to the privacy notice so we can consider you.")}
        )
    email = normalize_email(email)
    try:
        linkedin_url = normalize_linkedin_url(linkedin_url)
    except ValueError as error:
        raise ValidationError({"linkedin_url": str(error)}) from error
    checked = check_resume(resume)
    existing = find_existing_candidate(email=email)
    if existing and Application.objects.filter(requisition=requisition, candidate=existing).exists():
        raise AlreadyApplied
    stored = None
    try:
        with transaction.atomic():
            given = {
                "first_name": first_name,
                "last_name": last_name,
                "phone": phone,
                "linkedin_url": linkedin_url,
            }
            candidate, is_new = _applicant(email=email, language=language, **given)
            # The résumé's text fills contact details only on the applicant's own new record.
            stored = attach_resume(
                candidate=candidate, upload=resume, checked=checked, fill_contact_details=is_new
            )
            card = place_on_requisition(candidate=candidate, requisition=requisition, by=None)
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
                body="\n\n".join(part for part in (message, _given_details(candidate, **given)) if part),
                data={
                    "application_id": application.pk,
                    "requisition_id": requisition.pk,
                    "card_id": card.pk,
                    "given": {name: value for name, value in given.items() if value},
                },
            )
            signals.application_received.send(sender=Application, application=application)
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
