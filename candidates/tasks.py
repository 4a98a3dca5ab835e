from celery import shared_task

from .imports.running import run_import


@shared_task
def run_import_job(job_id: int) -> None:
    """Import a confirmed CSV import; the service claims the job, so a second delivery does nothing."""
    run_import(job_id)


@shared_task
def extract_resume_text(resume_id: int) -> None:
    """Read a résumé's text into the candidate's search; a résumé already read (or deleted) is left alone."""
    # Imported here: resumes enqueues this task, so importing it at the top would be circular.
    from .resumes import extract_text

    extract_text(resume_id)
