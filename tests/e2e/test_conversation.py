"""Inbound mail in a browser: the recruiter reads their email and the reply as one thread on the profile, the
reply's quoted history folded until they open it; the admin sees which mailbox fails."""

from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from outreach import inbound
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll
from outreach.models import InboundMailbox, InboundMessage
from tests.e2e.conftest import login, screenshot
from tests.factories import AdminFactory, CandidateFactory, RecruiterFactory, SequenceFactory, StepFactory
from tests.outreach import mail_corpus as corpus

pytestmark = pytest.mark.e2e

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_recruiter_reads_their_email_and_the_reply_as_one_thread(page, live_server):
    rita = RecruiterFactory(username="e2e-recruiter", first_name="Rita", last_name="Recruiter")
    sequence = SequenceFactory(
        name="Passive nurture", sender=rita, send_window_start=time(9), send_window_end=time(17)
    )
    StepFactory(
        sequence=sequence,
        position=0,
        delay_amount=0,
        subject="A platform role in Berlin, {{ first_name }}?",
        body="Hi {{ first_name }},\n\nwould you be open to a short chat about our platform team?\n\nRita",
    )
    ada = CandidateFactory(first_name="Ada", last_name="Lovelace", email="ada@example.org")
    enrollment = enroll(candidate=ada, sequence=sequence, by=rita, now=MONDAY_8AM_UTC)
    dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    touch = enrollment.touches.get(status="sent")
    inbound.receive_message(
        corpus.reply(
            sender="Ada Lovelace <ada@example.org>",
            in_reply_to=touch.message_id,
            subject="Re: A platform role in Berlin, Ada?",
            text="Hi Rita,\n\nyes, happy to talk next week.\n\nAda\n\n"
            "On Mon, 30 Nov 2026, Rita Recruiter wrote:\n> Hi Ada,\n> would you be open to a short chat?",
        ),
        source=InboundMessage.Source.MAILBOX,
        received_at=MONDAY_8AM_UTC + timedelta(hours=5),
    )

    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}{ada.get_absolute_url()}")
    conversation = page.locator("#conversation")
    thread = conversation.locator("article.thread")
    expect(thread).to_have_count(1)
    expect(thread.locator("h3")).to_have_text("A platform role in Berlin, Ada?")
    messages = thread.locator(".thread-message")
    expect(messages).to_have_count(2)
    expect(messages.nth(0)).to_contain_text("Rita Recruiter sent")
    expect(messages.nth(0)).to_contain_text("would you be open to a short chat about our platform team?")
    expect(messages.nth(1)).to_contain_text("Ada Lovelace replied")
    expect(messages.nth(1)).to_contain_text("yes, happy to talk next week.")
    quoted = messages.nth(1).locator("details.thread-quoted")
    expect(quoted.locator(".thread-body")).not_to_be_visible()
    screenshot(page, "conversation-1-thread")
    quoted.locator("summary").click()
    expect(quoted.locator(".thread-body")).to_be_visible()
    expect(quoted).to_contain_text("Rita Recruiter wrote:")
    screenshot(page, "conversation-2-quote-open")


def test_admin_sees_which_mailbox_fails_and_since_when(page, live_server):
    AdminFactory(username="e2e-admin")
    InboundMailbox.objects.create(
        host="imap.example.org",
        username="jobs@example.org",
        password="x",
        last_success_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        last_error="MailboxLoginError: Response status 'OK' expected, but 'NO' received. [AUTHENTICATIONFAILED]",
        last_error_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
    )
    InboundMailbox.objects.create(
        host="imap.example.org",
        username="rita@example.org",
        password="x",
        last_success_at=datetime(2026, 12, 2, 9, 5, tzinfo=UTC),
    )
    login(page, live_server, "e2e-admin")
    page.goto(f"{live_server.url}/mailboxes/")
    rows = page.locator("#mailboxes tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="jobs@example.org")).to_contain_text("Failing")
    expect(rows.filter(has_text="jobs@example.org")).to_contain_text("last success 1 Dec 2026")
    expect(rows.filter(has_text="rita@example.org")).to_contain_text("Working")
    screenshot(page, "mailboxes-1-list")
