"""The conversation on the profile: both directions, grouped by thread, newest thread first, quotes folded."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outreach import inbound, threads
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll
from outreach.models import InboundMessage
from tests.factories import CandidateFactory, SequenceFactory, StepFactory, unpaced_identity

from . import mail_corpus as corpus

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_split_quoted_history_in_three_languages():
    assert threads.split_quoted("Yes!\n\nOn Mon, 4 Jan 2027, Rita wrote:\n> Hi") == (
        "Yes!",
        "On Mon, 4 Jan 2027, Rita wrote:\n> Hi",
    )
    assert threads.split_quoted("Ja.\nAm 4. Januar 2027 schrieb Rita <r@x>:\n> Hallo")[0] == "Ja."
    assert threads.split_quoted("Oui.\nLe lun. 4 janv. 2027, Rita a écrit :\n> Bonjour")[0] == "Oui."
    assert threads.split_quoted("No quote here.") == ("No quote here.", "")


def test_threads_join_by_headers_and_put_the_newest_thread_first():
    at = MONDAY_8AM_UTC
    first = threads.Message(key="<a@x>", outgoing=True, at=at, sender="Rita", subject="One", body="")
    answer = threads.Message(
        key="<b@y>",
        outgoing=False,
        at=at + timedelta(hours=1),
        sender="Ada",
        subject="Re: One",
        body="",
        parents=["<a@x>"],
    )
    other = threads.Message(
        key="<c@x>", outgoing=True, at=at + timedelta(minutes=30), sender="Rita", subject="Two", body=""
    )
    found = threads.threads([answer, other, first])
    assert [[m.key for m in t.messages] for t in found] == [["<a@x>", "<b@y>"], ["<c@x>"]]


@pytest.fixture
def sequence(db):
    sequence = SequenceFactory(
        name="Passive nurture", send_window_start=time(9), send_window_end=time(17), min_gap_days=0
    )
    unpaced_identity(sequence.sender, now=MONDAY_8AM_UTC + timedelta(hours=2))  # pacing has its own tests
    StepFactory(
        sequence=sequence,
        position=0,
        delay_amount=0,
        subject="Hi {{ first_name }}",
        body="Hello {{ first_name }}",
    )
    StepFactory(sequence=sequence, position=1, delay_amount=7, subject="Follow-up", body="Still keen?")
    return sequence


def person_with_threads(sequence, count: int, name: str, later: timedelta = timedelta(0)):
    """`count` people's worth of history on one person: emails sent and answered, `count` times (dispatched
    `later` than the others', as two dispatcher passes never run at one instant), a week apart, on Mondays."""
    candidate = CandidateFactory(first_name=name, email=f"{name.lower()}@example.org")
    for i in range(count):
        enrollment = enroll(
            candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC + timedelta(days=i)
        )
        dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(days=7 * i, hours=2) + later)
        touch = enrollment.touches.get(status="sent")
        inbound.receive_message(
            corpus.reply(
                sender=candidate.email,
                in_reply_to=touch.message_id,
                subject=f"Re: Hi {name}",
                text=f"Answer {i}\n\nOn Mon, Rita wrote:\n> Hello {name}",
            ),
            source=InboundMessage.Source.MAILBOX,
            received_at=MONDAY_8AM_UTC + timedelta(days=7 * i, hours=3) + later,
        )
    return candidate


def test_the_profile_shows_both_directions_in_threads_with_the_quote_folded(client, recruiter, sequence):
    ada = person_with_threads(sequence, 2, "Ada")
    client.force_login(recruiter)
    html = client.get(ada.get_absolute_url()).content.decode()
    section = html[html.index('id="conversation"') : html.index('id="timeline"')]
    assert section.count('class="thread"') == 2
    assert section.index("Answer 1") < section.index("Answer 0"), "newest thread first"
    assert "Hello Ada" in section and "Hi Ada" in section
    assert '<details class="thread-quoted"><summary>Quoted text</summary>' in section


def test_the_profile_reads_as_many_queries_with_five_threads_as_with_one(client, recruiter, sequence):
    few = person_with_threads(sequence, 1, "Few")
    many = person_with_threads(sequence, 5, "Many", later=timedelta(minutes=30))
    client.force_login(recruiter)

    def queries(url):
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(many.get_absolute_url()) == queries(few.get_absolute_url())


@time_machine.travel(datetime(2027, 1, 5, 9, 0, tzinfo=UTC), tick=False)  # the day after the auto-reply
def test_an_auto_reply_return_date_is_offered_as_a_snooze(client, recruiter, sequence):
    bea = CandidateFactory(first_name="Bea", email="bea@example.org")
    enroll(candidate=bea, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    back = corpus.SENT.date() + timedelta(days=20)  # after the auto-reply's own date, and still ahead
    inbound.receive_message(
        corpus.auto_reply(sender=bea.email, text=f"I am out of the office until {back.isoformat()}."),
        source=InboundMessage.Source.MAILBOX,
    )
    record = InboundMessage.objects.get()
    client.force_login(recruiter)
    assert "Snooze until then" in client.get(bea.get_absolute_url()).content.decode()
    response = client.post(f"/candidates/{bea.pk}/snooze/{record.pk}/")
    assert response.status_code == 302
    bea.refresh_from_db()
    assert bea.snoozed_until == back
    assert "Snooze until then" not in client.get(bea.get_absolute_url()).content.decode()
