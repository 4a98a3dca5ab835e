from celery import shared_task

from .resumes import extract_text


@shared_task
def extract_resume_text(resume_id: int, fill_contact_details: bool = True) -> None:
    """Read a résumé's text into the candidate's search; a résumé already read (or deleted) is left alone."""
    extract_text(resume_id, fill_contact_details=fill_contact_details)
