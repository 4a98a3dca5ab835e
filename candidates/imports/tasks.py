"""The import's Celery task (found by recruiting/celery.py's autodiscovery of candidates.imports)."""

from celery import shared_task

from .running import run_import


@shared_task
def run_import_job(job_id: int) -> None:
    """Import a confirmed CSV import; the service claims the job, so a second delivery does nothing."""
    run_import(job_id)
