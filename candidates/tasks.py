from celery import shared_task

from .resumes import extract_text


@shared_task
def extract_resume_text(resume_id: int) -> None:
    """Read a résumé's text into the candidate's search; a résumé already read (or deleted) is left alone."""
    extract_text(resume_id)
