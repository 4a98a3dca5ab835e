"""Celery tasks of the outgoing webhooks: thin, they take ids and call the sender (which claims each row)."""

from celery import shared_task

from . import sending


@shared_task
def deliver_webhook(delivery_id: int) -> str | None:
    """Post one delivery, queued when its event committed; nothing happens if it is not due or taken."""
    return sending.deliver(delivery_id)


@shared_task
def send_due_webhooks() -> dict[str, int]:
    """Celery beat's pass: retries whose time has come, and deliveries a dead worker left behind."""
    return sending.send_due_deliveries()
