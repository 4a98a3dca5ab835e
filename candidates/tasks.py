from celery import shared_task


@shared_task
def run_import_job(job_id: int) -> None:
    """Import a confirmed CSV import; the service claims the job, so a second delivery does nothing."""
    # Imported here: csv_import enqueues this task, so importing it at the top would be circular.
    from .csv_import import run_import

    run_import(job_id)
