"""A real Celery worker killed in the middle of posting a webhook loses nothing: once the delivery's lease
expires, the next pass posts it again with the same event id (at-least-once), and it is delivered.

Runs when REDIS_URL is set and the database is PostgreSQL (CI's second run): the worker is another process
sharing the test database."""

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from recruiting.models import WebhookDelivery
from recruiting.webhooks import endpoints, sending, tasks
from tests.recruiting.webhook_receiver import verify, webhook_receiver
from tests.workers import celery_worker, kill_worker, shared_database_url, wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: set REDIS_URL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a worker in another process shares the test database")


def test_a_worker_killed_mid_delivery_does_not_lose_it(tmp_path, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    env = {"DATABASE_URL": shared_database_url(), "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "1"}
    log = tmp_path / "worker.log"
    with webhook_receiver(hold_first=True) as receiver:
        endpoint = endpoints.create_endpoint(url=receiver.url, events=["candidate.created"], by=None)
        event_id = uuid.uuid4()
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_id=event_id,
            event_type="candidate.created",
            payload={"id": str(event_id), "type": "candidate.created", "data": {"candidate": {"id": 1}}},
        )
        with celery_worker(log, env=env) as (queue, process):
            tasks.deliver_webhook.apply_async((delivery.pk,), queue=queue)
            try:
                wait_for(lambda: receiver.received, timeout=60, process=process)
            except (RuntimeError, TimeoutError) as error:
                pytest.fail(f"{error}; worker log:\n{log.read_text()}")
            kill_worker(process)  # while the receiver still holds the request: no answer ever reached it
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("sending", 1)

        # Nothing happens to it while the dead worker's lease holds; after it, the next pass delivers it.
        assert sending.send_due_deliveries() == {}
        later = timezone.now() + sending.lease_length() + timedelta(seconds=1)
        assert sending.send_due_deliveries(now=later) == {"delivered": 1}

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 2, 200)
    first, second = receiver.received
    assert first.headers["X-Longlist-Event-Id"] == second.headers["X-Longlist-Event-Id"] == str(event_id)
    assert first.body == second.body
    assert verify(endpoint.secret, second.headers, second.body, now=int(later.timestamp()))
