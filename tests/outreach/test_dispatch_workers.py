"""Real Celery workers on Redis and PostgreSQL running the dispatcher at once, and one killed mid-batch.

Runs when REDIS_URL is set and the database is PostgreSQL (CI's second run). Emails go to files (one per
message) so that every worker's sends can be counted by Message-ID.
"""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from outreach import tasks
from outreach.dispatch import send_lease
from outreach.models import Touch
from tests.factories import make_due_emails
from tests.workers import celery_worker, kill_worker, shared_database_url, wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: set REDIS_URL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: workers in other processes share the test database")


def message_ids(folder: Path) -> list[str]:
    ids = []
    for path in folder.glob("*.log"):
        ids += re.findall(r"^Message-ID: (<[^>]+>)$", path.read_text(), flags=re.MULTILINE)
    return ids


def dispatch_command(env: dict, now) -> None:
    """One pass of `manage.py dispatch_touches --now …` in its own process, as a person would run it."""
    subprocess.run(
        [sys.executable, "manage.py", "dispatch_touches", "--now", now.isoformat()],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )


def worker_env(mail_dir: Path, backend: str = "django.core.mail.backends.filebased.EmailBackend") -> dict:
    return {"DATABASE_URL": shared_database_url(), "EMAIL_BACKEND": backend, "EMAIL_FILE_PATH": str(mail_dir)}


def test_four_dispatchers_at_once_send_each_of_5000_emails_exactly_once(tmp_path):
    make_due_emails(5000)
    mail_dir = tmp_path / "mail"
    with celery_worker(tmp_path / "worker.log", pool="prefork", concurrency=4, env=worker_env(mail_dir)) as (
        queue,
        _,
    ):
        results = [tasks.dispatch_due_touches.apply_async(queue=queue) for _ in range(4)]
        sent = [result.get(timeout=300)["sent"] for result in results]
    ids = message_ids(mail_dir)
    assert sum(sent) == 5000
    assert all(n > 0 for n in sent), f"every dispatcher should have taken a share: {sent}"
    assert len(ids) == len(set(ids)) == 5000
    assert Touch.objects.filter(status="sent").count() == 5000


def test_a_dispatcher_killed_mid_batch_loses_nothing(tmp_path):
    make_due_emails(400)
    mail_dir = tmp_path / "mail"
    env = worker_env(mail_dir, backend="tests.outreach.slow_email_backend.SlowFileBackend")
    log = tmp_path / "worker.log"
    with celery_worker(log, env=env) as (queue, process):
        tasks.dispatch_due_touches.apply_async(queue=queue)
        try:
            wait_for(lambda: len(message_ids(mail_dir)) >= 50, timeout=120, process=process)
        except (RuntimeError, TimeoutError) as error:
            pytest.fail(f"{error}; worker log:\n{log.read_text()}")
        kill_worker(process)
    sent_before = Touch.objects.filter(status="sent").count()
    stranded = Touch.objects.filter(status="sending").count()
    assert 0 < sent_before < 400 and stranded > 0  # killed mid-batch, with claimed touches left behind

    # Nothing happens to the stranded touches until their lease expires; then the next pass sends them.
    dispatch_command(env, timezone.now())
    assert Touch.objects.filter(status="sending").count() == stranded
    dispatch_command(env, timezone.now() + send_lease() + timedelta(seconds=1))

    ids = message_ids(mail_dir)
    assert Touch.objects.filter(status="sent").count() == 400
    assert len(set(ids)) == 400  # none lost
    # At most the one message the worker was handing to the mail server when it died can go out twice
    # (at-least-once at the SMTP boundary); it carries the same Message-ID, so it is the same message.
    assert len(ids) - len(set(ids)) <= 1
