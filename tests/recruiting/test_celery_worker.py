"""A real Celery worker, started as a subprocess, consumes a task from Redis and returns its result.

Runs only when REDIS_URL is set (the settings then use Redis as broker and result backend). The worker
listens on a queue of its own, so parallel test runs (or a developer's worker) cannot take the message.
No database is involved: `ping` does not touch it, and neither does this test.
"""

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.conf import settings

from recruiting.tasks import ping

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="needs Redis: set REDIS_URL to run the Celery worker test"
    ),
]

BASE_DIR = Path(settings.BASE_DIR)


def _celery_command() -> list[str]:
    script = Path(sys.executable).with_name("celery")  # .venv/bin/celery next to .venv/bin/python
    return [str(script)] if script.exists() else [sys.executable, "-m", "celery"]


@pytest.fixture
def worker(tmp_path):
    """A solo-pool worker consuming only its own queue; always stopped at teardown."""
    queue = f"longlist-test-{uuid.uuid4().hex}"
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                *_celery_command(),
                "-A",
                "recruiting",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "--hostname",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # The environment is inherited: REDIS_URL (broker and results) and DATABASE_URL.
        )
    try:
        yield queue, process, log_path
    finally:
        if process.poll() is None:
            process.terminate()  # SIGTERM: warm shutdown
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def test_worker_consumes_ping_from_redis(worker):
    queue, process, log_path = worker

    result = ping.apply_async(queue=queue)
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                value = result.get(timeout=2)
                break
            except CeleryTimeoutError:
                if process.poll() is not None:
                    pytest.fail(f"the worker exited with {process.returncode}:\n{log_path.read_text()}")
                if time.monotonic() > deadline:
                    raise
    except CeleryTimeoutError:
        pytest.fail(f"no result from the worker within 60 s; worker log:\n{log_path.read_text()}")
    finally:
        result.forget()

    assert value == "pong"
