"""The dispatcher against a real SMTP server on loopback (aiosmtpd, in this process) that injects faults:
slow answers, a connection dropped after the message was stored, refusals. Every message the server
receives is counted by Message-ID, and every session by the client's address.

The tests with two dispatchers at once need PostgreSQL (SQLite serialises writers); they run in CI's
PostgreSQL pass and skip with a message on SQLite.
"""

import asyncio
import email
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, connections
from django.utils import timezone

from candidates.models import Activity
from outreach.dispatch import dispatch_due_touches, resend_touch
from outreach.models import Touch
from outreach.outbox import queue_email, write_bulk
from tests.factories import CandidateFactory, RecruiterFactory, make_due_emails, unpaced_identity

LEASE_SECONDS = 2


class FaultyServer:
    """aiosmtpd handler: stores each message, then answers after `delay` seconds; drops the connection
    instead of answering for the recipients in `drop_after_storing`; refuses those in `refuse`."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.sessions: set[tuple] = set()
        self.delay = 0.0
        self.refuse: set[str] = set()
        self.drop_at_rcpt: set[str] = set()
        self.drop_after_storing: set[str] = set()
        self.silent_after_storing: set[str] = set()
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, options):
        with self.lock:
            self.sessions.add(session.peer)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.drop_at_rcpt:
            server.transport.close()
            return "421 closing"
        if address in self.refuse:
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message_id = email.message_from_bytes(envelope.original_content)["Message-ID"]
        with self.lock:
            self.message_ids.append(message_id)
        if self.delay:
            await asyncio.sleep(self.delay)
        if set(envelope.rcpt_tos) & self.drop_after_storing:
            server.transport.close()
        if set(envelope.rcpt_tos) & self.silent_after_storing:
            await asyncio.sleep(3)  # longer than the client's EMAIL_TIMEOUT
        return "250 OK"

    def duplicates(self) -> dict[str, int]:
        return {mid: n for mid, n in Counter(self.message_ids).items() if n > 1}

    def sessions_carrying_mail(self) -> int:
        return len(self.sessions)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = FaultyServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "outreach.email.SMTPBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    settings.DISPATCH_LEASE_SECONDS = LEASE_SECONDS
    yield handler
    controller.stop()


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two dispatchers at once (SQLite serialises writers)")


def in_thread(**kwargs):
    """One dispatcher pass on a connection of its own, as another worker would run it."""
    try:
        return dispatch_due_touches(**kwargs)
    finally:
        connections.close_all()


def run_side_by_side(first: dict, second: dict, *, second_after: float):
    with ThreadPoolExecutor(2) as pool:
        early = pool.submit(in_thread, **first)
        time.sleep(second_after)
        late = pool.submit(in_thread, **second)
        return early.result(timeout=60), late.result(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_a_pass_whose_clock_is_more_than_a_lease_behind_beside_a_fresh_pass_sends_each_email_once(
    smtp_server, postgresql_only
):
    make_due_emails(120)
    smtp_server.delay = 0.02
    behind = timezone.now() - timedelta(seconds=5 * LEASE_SECONDS)  # its leases would have ended already
    results = run_side_by_side({"now": behind, "batch_size": 20}, {"batch_size": 20}, second_after=0.3)
    assert smtp_server.duplicates() == {}
    assert len(smtp_server.message_ids) == 120
    assert sum(r.sent for r in results) == 120
    assert Touch.objects.filter(status="sent").count() == 120


@pytest.mark.django_db(transaction=True)
def test_a_server_slow_enough_for_a_batch_to_outlive_its_lease_sends_each_email_once(
    smtp_server, postgresql_only
):
    make_due_emails(16)
    smtp_server.delay = 0.3  # a batch of 16 takes about 5 s, its lease is 2 s
    results = run_side_by_side({"batch_size": 16}, {"batch_size": 16}, second_after=LEASE_SECONDS + 0.5)
    assert smtp_server.duplicates() == {}
    assert len(smtp_server.message_ids) == 16
    assert [r.sent for r in results] == [16, 0]  # the slow batch kept what it claimed


@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_after_the_server_stored_the_message_is_possibly_delivered_not_sent_again(
    smtp_server,
):
    make_due_emails(4)
    smtp_server.drop_after_storing = {"person1@example.org"}
    result = dispatch_due_touches()
    assert (result.sent, result.possibly_delivered, result.retried) == (3, 1, 0)
    touch = Touch.objects.get(candidate__email="person1@example.org")
    assert touch.status == Touch.Status.POSSIBLY_DELIVERED
    assert "SMTPServerDisconnected" in touch.last_error
    assert Activity.objects.filter(
        candidate=touch.candidate, summary="Email possibly delivered: Hi Person1"
    ).exists()

    assert dispatch_due_touches(now=timezone.now() + timedelta(days=1)).sent == 0
    assert smtp_server.duplicates() == {}
    assert len(smtp_server.message_ids) == 4


@pytest.mark.django_db(transaction=True)
def test_an_answer_slower_than_the_email_timeout_after_the_whole_message_is_possibly_delivered(smtp_server):
    make_due_emails(2)
    smtp_server.silent_after_storing = {"person0@example.org"}
    result = dispatch_due_touches()
    assert (result.sent, result.possibly_delivered) == (1, 1)
    touch = Touch.objects.get(candidate__email="person0@example.org")
    assert touch.status == Touch.Status.POSSIBLY_DELIVERED
    assert dispatch_due_touches(now=timezone.now() + timedelta(days=1)).sent == 0
    assert smtp_server.duplicates() == {}


@pytest.mark.django_db(transaction=True)
def test_a_possibly_delivered_email_is_sent_again_when_a_recruiter_resends_it(smtp_server):
    make_due_emails(1)
    smtp_server.drop_after_storing = {"person0@example.org"}
    dispatch_due_touches()
    smtp_server.drop_after_storing = set()
    touch = Touch.objects.get()
    assert resend_touch(touch=touch, by=RecruiterFactory()) is True
    assert resend_touch(touch=touch, by=None) is False  # a second click does nothing more
    assert dispatch_due_touches().sent == 1
    touch.refresh_from_db()
    assert touch.status == Touch.Status.SENT
    # the same message again, recognisably: the same Message-ID
    assert smtp_server.message_ids == [touch.message_id, touch.message_id]


@pytest.mark.django_db(transaction=True)
def test_with_resend_ambiguous_a_possibly_delivered_email_is_retried(smtp_server, settings):
    settings.DISPATCH_RESEND_AMBIGUOUS = True
    make_due_emails(1)
    smtp_server.drop_after_storing = {"person0@example.org"}
    assert dispatch_due_touches().retried == 1
    touch = Touch.objects.get()
    assert (touch.status, touch.attempts) == (Touch.Status.SCHEDULED, 1)
    smtp_server.drop_after_storing = set()
    assert dispatch_due_touches(now=touch.due_at + timedelta(seconds=1)).sent == 1
    assert len(smtp_server.message_ids) == 2  # at-least-once, as chosen


@pytest.mark.django_db(transaction=True)
def test_after_one_refused_message_the_rest_of_the_batch_shares_one_session(smtp_server):
    make_due_emails(6)
    smtp_server.refuse = {"person1@example.org"}
    result = dispatch_due_touches()
    assert (result.sent, result.retried) == (5, 1)
    refused = Touch.objects.get(candidate__email="person1@example.org")
    assert (refused.status, refused.attempts) == (Touch.Status.SCHEDULED, 1)
    assert "550" in refused.last_error
    assert smtp_server.sessions_carrying_mail() == 1


@pytest.mark.django_db(transaction=True)
def test_after_a_lost_connection_the_session_is_reopened_once_for_the_rest_of_the_batch(smtp_server):
    make_due_emails(6)
    smtp_server.drop_at_rcpt = {"person1@example.org"}
    result = dispatch_due_touches()
    assert (result.sent, result.retried, result.possibly_delivered) == (5, 1, 0)  # lost before the message
    assert smtp_server.sessions_carrying_mail() == 2
    assert len(smtp_server.message_ids) == 5


@pytest.mark.django_db(transaction=True)
def test_the_sent_mark_waits_for_the_disk(smtp_server):
    """The documented crash bound: a database crash can lose no acknowledged "sent" mark, so only the message
    in flight can go out again. The transaction marking a touch sent runs with synchronous_commit on."""
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is a PostgreSQL setting (SQLite commits to its file every time)")
    make_due_emails(3)
    seen = []

    def spy(execute, sql, params, many, context):
        if sql.startswith('UPDATE "outreach_touch" SET "status"') and params and params[0] == "sent":
            context["cursor"].execute("SHOW synchronous_commit")
            seen.append(context["cursor"].fetchone()[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        assert dispatch_due_touches().sent == 3
    assert seen == ["on", "on", "on"]


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_send_every_kind_of_the_outbox_once(smtp_server, postgresql_only):
    """Sequence steps, bulk emails and one-off emails share the claim and the lease."""
    make_due_emails(40)
    sender = RecruiterFactory()
    unpaced_identity(sender)  # about claims and leases; pacing has its own tests
    write_bulk(candidates=CandidateFactory.create_batch(30), sender=sender, subject="Hi", body="News")
    for candidate in CandidateFactory.create_batch(10):
        queue_email(candidate, sender=sender, subject="One", body="Just you", kind=Touch.Kind.ONE_OFF)
    smtp_server.delay = 0.01
    results = run_side_by_side({"batch_size": 10}, {"batch_size": 10}, second_after=0.1)
    assert smtp_server.duplicates() == {}
    assert len(smtp_server.message_ids) == 80
    assert sum(r.sent for r in results) == 80
    assert Touch.objects.filter(status="sent").count() == 80
