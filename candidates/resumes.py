"""Résumé files: checked by their content, stored under generated names, their text extracted for search.

A file is a PDF when it starts with ``%PDF-`` and a Word document when it is a zip (``PK\\x03\\x04``) holding
``[Content_Types].xml`` and ``word/document.xml``; what the file is called and what the browser says it is are
ignored. A DOCX is refused before anything is unpacked when its central directory announces too many members,
too much unpacked data or a suspicious compression ratio (a zip bomb; resume_parsing.check_docx); ``zipfile``
never inflates a member past the size the directory announces, so those numbers bound what extraction reads too.

Files go to the default storage (``MEDIA_ROOT``, or S3-compatible storage when configured) under a random
name (``Resume.file``'s ``upload_to``); no URL serves them: staff download them through a view that checks the
candidate. Text is extracted by a Celery task (on a queue of its own, "resumes") after the upload commits, in
a child process with CPU, memory and wall-clock bounds (resume_parsing); a damaged, encrypted or too complex
file is recorded as such on the résumé and on the timeline, and nothing else depends on it. Storing an upload and
queueing that task is resume_uploads.attach_resume.
"""

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext

from .filling import fill_empty_fields
from .models import Activity, Candidate, Resume
from .normalize import normalize_email, normalize_linkedin_url
from .resume_parsing import NOT_A_RESUME, check_docx, extract
from .search_documents import refresh_search_documents
from .services import record_activity

logger = logging.getLogger(__name__)

MAX_RESUME_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {
    Resume.Kind.PDF: "application/pdf",
    Resume.Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ACCEPT = ".pdf,.docx," + ",".join(CONTENT_TYPES.values())


@dataclass(frozen=True)
class CheckedResume:
    """What check_resume learnt about an upload."""

    kind: str
    size: int
    sha256: str


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_resume(upload: UploadedFile) -> CheckedResume:
    """Size, type by content (magic bytes) and, for a DOCX, the zip's members. Raises ValidationError with a
    message for the person uploading; reads the file once more for its SHA-256."""
    if not upload.size:
        raise ValidationError(gettext("The file is empty."))
    if upload.size > MAX_RESUME_BYTES:
        raise ValidationError(
            gettext("The file is %(size)s; résumés can be up to %(limit)s.")
            % {"size": _megabytes(upload.size), "limit": _megabytes(MAX_RESUME_BYTES)}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        kind = Resume.Kind.PDF
    elif head.startswith(b"PK\x03\x04"):
        check_docx(upload)
        kind = Resume.Kind.DOCX
    else:
        raise ValidationError(NOT_A_RESUME)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedResume(kind=kind, size=upload.size, sha256=digest.hexdigest())


def display_name(name: str | None) -> str:
    """The uploader's file name as we show it: no folders, no control characters, at most 255 characters."""
    name = PurePath((name or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:255] or "résumé"


def download_name(resume: Resume) -> str:
    """A safe attachment name: letters, digits, spaces, dots, dashes and underscores, with the real extension."""
    stem = PurePath(resume.original_name).stem
    stem = re.sub(r"[^\w .-]+", "_", stem).strip(" ._")[:100] or "resume"
    return stem + Resume.EXTENSIONS[resume.kind]


class ResumeFileMissing(Exception):
    """The résumé's row is there but its file is gone from storage (a restore without the media, say)."""

    message = "This résumé's file is missing from storage; upload it again."


def download_response(resume: Resume) -> FileResponse:
    """The file as an attachment under its safe name, never cached. A file gone from storage is logged and
    raises ResumeFileMissing, which the page and the API turn into a message, not a server error."""
    try:
        file = resume.file.open("rb")
    except FileNotFoundError as error:
        logger.error("Résumé %s: its file %s is missing from storage", resume.pk, resume.file.name)
        raise ResumeFileMissing(ResumeFileMissing.message) from error
    response = FileResponse(
        file,
        as_attachment=True,
        filename=download_name(resume),
        content_type=CONTENT_TYPES[Resume.Kind(resume.kind)],
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Text extraction ---------------------------------------------------------------------------------------


def read_text(resume: Resume) -> tuple[str, str, str]:
    """(text, text_status, error) for a stored résumé, read within RESUME_PARSE_SECONDS of CPU time (and
    resume_parsing's memory and wall-clock bounds). Never raises for a bad file."""
    with resume.file.open("rb") as stream:
        data = stream.read(MAX_RESUME_BYTES + 1)
    parsed = extract(resume.kind, data, cpu_seconds=settings.RESUME_PARSE_SECONDS)
    if parsed.status in (Resume.TextStatus.BROKEN, Resume.TextStatus.COMPLEX):
        logger.info("Résumé %s could not be read (%s): %s", resume.pk, parsed.status, parsed.error)
    return parsed.text, parsed.status, parsed.error


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_LINKEDIN = re.compile(r"(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/in/[A-Za-z0-9_%-]+/?", re.IGNORECASE)
# A phone number starts with "+" or follows a label, so that years ("2015 2019") are not taken for one.
_PHONE = re.compile(
    r"(?:(?P<label>phone|tel|telephone|mobile|cell)\b[^\d+\n]{0,12})?(?P<number>\+?\d[\d ().-]{6,20}\d)",
    re.IGNORECASE,
)


def contact_details(text: str) -> dict[str, str]:
    """The first email, phone number and LinkedIn profile found in a résumé's text (normalised)."""
    found: dict[str, str] = {}
    if email := _EMAIL.search(text):
        found["email"] = normalize_email(email.group())
    for match in _LINKEDIN.finditer(text):
        try:
            found["linkedin_url"] = normalize_linkedin_url(match.group())
            break
        except ValueError:
            continue
    for match in _PHONE.finditer(text):
        number = match["number"].strip()
        digits = re.sub(r"\D", "", number)
        if (number.startswith("+") or match["label"]) and 8 <= len(digits) <= 15:
            found["phone"] = re.sub(r"\s+", " ", number)[:40]
            break
    return found


FIELD_WORDS = {"email": "email", "phone": "phone", "linkedin_url": "LinkedIn"}


def extract_text(resume_id: int, *, fill_contact_details: bool = True) -> Resume | None:
    """Extract a résumé's text, add it to the candidate's search text and fill their empty contact details
    (unless fill_contact_details is False: a file an anonymous visitor sent for a known person).

    Only a résumé still waiting is processed (the conditional UPDATE is the claim), so a task delivered twice
    does nothing the second time. Returns None when the résumé is gone or was already done.
    """
    resume = Resume.objects.filter(pk=resume_id, text_status=Resume.TextStatus.PENDING).first()
    if resume is None:
        return None
    text, status, error = read_text(resume)
    with transaction.atomic():
        claimed = Resume.objects.filter(pk=resume_id, text_status=Resume.TextStatus.PENDING).update(
            text=text, text_status=status, text_error=error
        )
        if not claimed:
            return None
        candidate = Candidate.objects.select_for_update().get(pk=resume.candidate_id)
        filled = fill_empty_fields(candidate, contact_details(text)) if text and fill_contact_details else []
        if filled:
            candidate.save(update_fields=[*filled, "updated_at"])
        refresh_search_documents([candidate.pk])
        if status != Resume.TextStatus.EXTRACTED:
            record_activity(
                candidate=candidate,
                kind=Activity.Kind.RESUME,
                summary=f"Résumé {resume.original_name}: {Resume.TextStatus(status).label.lower()}",
                body="The file is kept; its text is not searchable." if status != "empty" else "",
                data={"resume_id": resume.pk, "text_status": status},
            )
        if filled:
            record_activity(
                candidate=candidate,
                kind=Activity.Kind.RESUME,
                summary="From the résumé: " + ", ".join(FIELD_WORDS[name] for name in filled),
                data={"resume_id": resume.pk, "filled": filled},
            )
    resume.refresh_from_db()
    return resume
