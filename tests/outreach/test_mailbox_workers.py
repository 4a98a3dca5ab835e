"""Real Celery workers (Redis, PostgreSQL) polling one mailbox at once: one pass reads it, nothing twice.

Runs when REDIS_URL is set and the database is PostgreSQL (CI's second run), with dovecot on loopback."""

import pytest
from django.conf import settings
from django.db import connection

from outreach import tasks
from outreach.models import EngagementEvent, InboundMailbox, InboundMessage, Reply
from tests.workers import celery_worker, shared_database_url

from .dovecot import dovecot  # noqa: F401  (the fixture)
from .test_mailboxes import deliver_the_five, mailbox_for, people  # noqa: F401  (people is a fixture)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: set REDIS_URL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: workers in other processes share the test database")


def test_four_workers_polling_one_mailbox_handle_each_message_once(tmp_path, dovecot, people):  # noqa: F811
    mailbox = mailbox_for(dovecot, "alice")
    # Not the complaint: its alert to the admins would be queued for a worker of the default queue, which this
    # test does not run (and a later process on the same Redis should not find).
    deliver_the_five(dovecot, people, complaint=False)
    env = {
        "DATABASE_URL": shared_database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    with celery_worker(tmp_path / "worker.log", pool="prefork", concurrency=4, env=env) as (queue, _):
        results = [tasks.poll_mailbox.apply_async(args=[mailbox.pk], queue=queue) for _ in range(4)]
        outcomes = [result.get(timeout=120) for result in results]
    assert sum(o["handled"] for o in outcomes) == 4, outcomes
    assert not any(o["error"] for o in outcomes), outcomes
    assert InboundMessage.objects.count() == 4 and Reply.objects.count() == 1
    assert EngagementEvent.objects.filter(kind="bounced").count() == 1
    mailbox = InboundMailbox.objects.get(pk=mailbox.pk)
    assert mailbox.last_uid == 4 and mailbox.lease_expires_at is None
