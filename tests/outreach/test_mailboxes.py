"""IMAP polling against a real server (dovecot on loopback, tests/outreach/dovecot.py)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from candidates.models import Activity, Suppression
from outreach import mailboxes, tasks
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll
from outreach.models import EngagementEvent, Enrollment, InboundMailbox, InboundMessage, Reply
from recruiting.celery import app as celery_app
from tests.factories import AdminFactory, CandidateFactory, SequenceFactory, StepFactory, unpaced_identity

from . import mail_corpus as corpus
from .dovecot import USERS, dovecot  # noqa: F401  (the fixture)

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def people(db):
    """Five people who each got the sequence's first email; the second is scheduled."""
    sequence = SequenceFactory(name="Passive nurture", send_window_start=time(9), send_window_end=time(17))
    unpaced_identity(sequence.sender, now=MONDAY_8AM_UTC + timedelta(hours=2))  # pacing has its own tests
    StepFactory(sequence=sequence, position=0, delay_amount=0, subject="Hi {{ first_name }}", body="Hello")
    StepFactory(sequence=sequence, position=1, delay_amount=7, subject="Follow-up", body="Still keen?")
    found = {}
    for name in ("ada", "bea", "cy", "dee", "eve"):
        candidate = CandidateFactory(first_name=name.title(), email=f"{name}@example.org")
        enrollment = enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
        found[name] = (candidate, enrollment)
    dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    return {name: (c, e, e.touches.get(status="sent")) for name, (c, e) in found.items()}


def mailbox_for(server, user: str, password: str | None = None, **fields) -> InboundMailbox:
    return InboundMailbox.objects.create(
        host=server.host,
        port=server.port,
        security=InboundMailbox.Security.NONE,
        username=user,
        password=USERS[user] if password is None else password,
        **fields,
    )


def deliver_the_five(server, people, *, complaint: bool = True) -> None:
    ada, bea, cy, dee, eve = (people[name] for name in ("ada", "bea", "cy", "dee", "eve"))
    server.deliver("alice", corpus.reply(sender="Ada <ada@example.org>", in_reply_to=ada[2].message_id))
    server.deliver("alice", corpus.auto_reply(sender="Bea <bea@example.org>", in_reply_to=bea[2].message_id))
    server.deliver("alice", corpus.dsn(recipient="cy@example.org", original_message_id=cy[2].message_id))
    server.deliver(
        "alice",
        corpus.dsn(
            recipient="dee@example.org",
            original_message_id=dee[2].message_id,
            action="delayed",
            status="4.2.2",
        ),
    )
    if complaint:
        server.deliver(
            "alice", corpus.arf_complaint(recipient="eve@example.org", original_message_id=eve[2].message_id)
        )


def snapshot():
    """Everything a pass may change, to compare two passes."""
    return (
        list(Enrollment.objects.order_by("pk").values_list("pk", "status", "stop_reason")),
        list(EngagementEvent.objects.order_by("pk").values_list("pk", "kind", "candidate_id", "touch_id")),
        list(Suppression.objects.order_by("pk").values_list("email", "reason")),
        list(InboundMessage.objects.order_by("pk").values_list("key", "kind", "candidate_id")),
        Reply.objects.count(),
        Activity.objects.count(),
    )


def test_one_pass_handles_reply_auto_reply_bounces_and_complaint_and_a_second_changes_nothing(
    dovecot,  # noqa: F811
    people,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the admins' alert runs here
    AdminFactory(email="admin@longlist.example")
    mailbox = mailbox_for(dovecot, "alice", flag_handled=True)
    deliver_the_five(dovecot, people)

    with django_capture_on_commit_callbacks(execute=True):
        (result,) = mailboxes.poll_all()

    assert (result.handled, result.skipped, result.error) == (5, 0, "")
    status = {name: Enrollment.objects.get(pk=e.pk).status for name, (_, e, _) in people.items()}
    assert status == {"ada": "stopped", "bea": "active", "cy": "stopped", "dee": "active", "eve": "stopped"}
    ada, bea, cy, dee, eve = (people[name] for name in ("ada", "bea", "cy", "dee", "eve"))
    reply = Reply.objects.get()
    assert (reply.candidate, reply.touch, reply.source) == (ada[0], ada[2], Reply.Source.MAILBOX)
    assert EngagementEvent.objects.get(kind="bounced").touch == cy[2]
    assert dee[0].activities.filter(summary__contains="could not be delivered for now").exists()
    assert not Suppression.objects.filter(email="dee@example.org").exists()
    assert EngagementEvent.objects.get(kind="complained").touch == eve[2]
    assert set(Suppression.objects.values_list("email", "reason")) == {
        ("cy@example.org", Suppression.Reason.BOUNCED),
        ("eve@example.org", Suppression.Reason.COMPLAINED),
    }
    kinds = dict(InboundMessage.objects.values_list("candidate__first_name", "kind"))
    assert kinds == {
        "Ada": "reply",
        "Bea": "auto_reply",
        "Cy": "hard_bounce",
        "Dee": "soft_bounce",
        "Eve": "complaint",
    }
    auto = InboundMessage.objects.get(kind="auto_reply")
    assert auto.return_date is not None and auto.return_date.isoformat() == "2027-01-18"
    assert bea[0].activities.filter(summary__startswith="Auto-reply, back on 18 Jan 2027").exists()
    assert [m.to for m in mail.outbox if "Spam complaint" in m.subject] == [["admin@longlist.example"]]
    mailbox.refresh_from_db()
    assert (
        mailbox.last_uid == 5 and mailbox.uidvalidity and mailbox.last_success_at and not mailbox.last_error
    )
    assert all("\\Flagged" in flags for flags in dovecot.flagged("alice"))
    assert all("\\Seen" not in flags for flags in dovecot.flagged("alice")), "never marked read"

    before = snapshot()
    (again,) = mailboxes.poll_all()
    assert (again.handled, again.skipped, again.error) == (0, 0, "")
    assert snapshot() == before


def test_a_changed_uidvalidity_reads_the_folder_again_without_handling_anything_twice(
    dovecot,  # noqa: F811
    people,
):
    mailbox = mailbox_for(dovecot, "alice")
    deliver_the_five(dovecot, people)
    mailboxes.poll_all()
    before = snapshot()
    InboundMailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=1)  # as if the server renumbered

    (result,) = mailboxes.poll_all()

    assert (result.handled, result.skipped, result.error) == (0, 5, "")
    assert snapshot() == before


def test_three_soft_bounces_in_30_days_suppress_the_address(dovecot, people):  # noqa: F811
    mailbox_for(dovecot, "alice")
    dee = people["dee"]
    for _ in range(3):
        dovecot.deliver(
            "alice",
            corpus.dsn(
                recipient="dee@example.org",
                original_message_id=dee[2].message_id,
                action="delayed",
                status="4.2.2",
            ),
        )
        mailboxes.poll_all()
        assert InboundMessage.objects.filter(kind="soft_bounce").count() <= 3
    assert Suppression.objects.filter(email="dee@example.org", reason=Suppression.Reason.BOUNCED).exists()
    assert Enrollment.objects.get(pk=dee[1].pk).status == "stopped"


def test_a_failing_mailbox_shows_its_error_and_the_others_are_still_polled(dovecot, people):  # noqa: F811
    wrong_password = mailbox_for(dovecot, "bob", password="not-bob's")
    server_down = InboundMailbox.objects.create(
        host="127.0.0.1", port=1, security=InboundMailbox.Security.NONE, username="carol", password="x"
    )
    good = mailbox_for(dovecot, "alice")
    deliver_the_five(dovecot, people)

    results = {result.mailbox_id: result for result in mailboxes.poll_all()}

    assert results[good.pk].handled == 5 and not results[good.pk].error
    for failing in (wrong_password, server_down):
        failing.refresh_from_db()
        assert failing.last_error and failing.last_error_at and failing.last_success_at is None
        assert failing.is_failing
    assert "AUTHENTICATIONFAILED" in wrong_password.last_error or "Login" in wrong_password.last_error


def test_a_mailbox_being_polled_by_another_worker_is_left_alone(dovecot, people):  # noqa: F811
    mailbox = mailbox_for(dovecot, "alice")
    deliver_the_five(dovecot, people)
    assert mailboxes.claim(mailbox.pk, datetime.now(UTC))  # another worker's pass

    (result,) = mailboxes.poll_all()

    assert not result.polled and InboundMessage.objects.count() == 0


def test_the_management_command_runs_one_pass(dovecot, people, capsys):  # noqa: F811
    mailbox_for(dovecot, "alice")
    deliver_the_five(dovecot, people)
    call_command("poll_mailboxes")
    assert "5 new, 0 seen before" in capsys.readouterr().out


def test_the_beat_task_polls_each_active_mailbox_in_a_task_of_its_own(dovecot, people, monkeypatch):  # noqa: F811
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the queued tasks run here, in turn
    good = mailbox_for(dovecot, "alice")
    switched_off = mailbox_for(dovecot, "bob", is_active=False)
    deliver_the_five(dovecot, people)

    assert tasks.poll_mailboxes() == 1

    good.refresh_from_db()
    switched_off.refresh_from_db()
    assert good.last_uid == 5 and good.last_success_at is not None
    assert switched_off.last_polled_at is None
