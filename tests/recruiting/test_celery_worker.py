"""A real Celery worker, started as a subprocess, consumes a task from Redis and returns its result.

Runs only when REDIS_URL is set (the settings then use Redis as broker and result backend). The worker
listens on a queue of its own, so parallel test runs (or a developer's worker) cannot take the message.
`ping` does not touch the database, and neither does this test.
"""

import time

import pytest
from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.conf import settings

from recruiting.tasks import ping
from tests.workers import celery_worker

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="needs Redis: set REDIS_URL to run the Celery worker test"
    ),
]


def test_worker_consumes_ping_from_redis(tmp_path):
    log = tmp_path / "worker.log"
    with celery_worker(log) as (queue, process):
        result = ping.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        try:
            while True:
                try:
                    value = result.get(timeout=2)
                    break
                except CeleryTimeoutError:
                    if process.poll() is not None:
                        pytest.fail(f"the worker exited with {process.returncode}:\n{log.read_text()}")
                    if time.monotonic() > deadline:
                        pytest.fail(f"no result from the worker within 60 s; worker log:\n{log.read_text()}")
        finally:
            result.forget()
    assert value == "pong"
