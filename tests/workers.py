"""Real Celery workers for tests: started as subprocesses on a queue of their own, always stopped."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def celery_command() -> list[str]:
    script = Path(sys.executable).with_name("celery")  # .venv/bin/celery next to .venv/bin/python
    return [str(script)] if script.exists() else [sys.executable, "-m", "celery"]


def shared_database_url() -> str:
    """The DATABASE_URL of the test database this test runs on, for a worker process to share it."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(
    log_path: Path, *, pool: str = "solo", concurrency: int = 1, env: dict | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    queue = f"longlist-test-{uuid.uuid4().hex}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                *celery_command(),
                "-A",
                "recruiting",
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
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
            env={**os.environ, **(env or {})},
            start_new_session=True,  # its own process group, so a test can kill the pool children too
        )
    try:
        yield queue, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def kill_worker(process: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool processes at once: a crash, with no chance to finish anything."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def wait_for(predicate, *, timeout: float, interval: float = 0.2, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the worker exited with {process.returncode}")
        time.sleep(interval)
    raise TimeoutError(f"not done within {timeout} s")
