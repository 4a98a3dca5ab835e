"""Storing an uploaded résumé for a candidate and queueing the extraction of its text (resumes.py, by a
Celery task once the upload commits)."""

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from .models import Activity, Candidate, Resume
from .resumes import CheckedResume, check_resume, display_name
from .services import record_activity
from .tasks import extract_resume_text


def attach_resume(
    *,
    candidate: Candidate,
    upload: UploadedFile,
    by: User | None = None,
    checked: CheckedResume | None = None,
    fill_contact_details: bool = True,
) -> Resume:
    """Check and store a résumé for a candidate and queue its text extraction once the transaction commits.

    Raises ValidationError (nothing stored) for a file that is not accepted. When the database write fails the
    stored file is removed again (never once its row has committed); a caller that wraps this in a larger
    transaction removes the file itself if that transaction fails later (see
    pipelines.applications.submit_application). With fill_contact_details=False the text never fills the
    candidate's empty contact details (a file an anonymous visitor sent for a known person).
    """
    checked = checked or check_resume(upload)
    resume = Resume(
        candidate=candidate,
        original_name=display_name(upload.name),
        kind=checked.kind,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    upload.seek(0)
    resume.file.save(upload.name or "resume", upload, save=False)  # the name comes from upload_to
    try:
        with transaction.atomic():
            resume.save()
            record_activity(
                candidate=candidate,
                kind=Activity.Kind.RESUME,
                actor=by,
                summary=f"Résumé added: {resume.original_name}",
                data={"resume_id": resume.pk},
            )
            # robust: a broker that cannot take the task is logged; the résumé stays "pending", never lost
            transaction.on_commit(
                lambda: extract_resume_text.delay(resume.pk, fill_contact_details), robust=True
            )
    except BaseException:
        if not Resume.objects.filter(pk=resume.pk).exists():
            resume.file.delete(save=False)  # only a file whose row never committed
        raise
    return resume
