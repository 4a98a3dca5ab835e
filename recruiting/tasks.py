from celery import shared_task


@shared_task
def ping() -> str:
    """A health check that proves a worker is consuming the broker."""
    return "pong"
