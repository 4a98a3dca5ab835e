"""The outbox: one-off, reply and bulk emails (and any kind queued by another feature) are touches the one
dispatcher sends with the sequence steps' lease, stop rules and notice; send later and cancel for every kind."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from candidates.models import Activity, Suppression
from outreach import outbox
from outreach.dispatch import dispatch_due_touches
from outreach.models import EngagementEvent, SenderIdentity, Touch
from tests.factories import CandidateFactory, RecruiterFactory, ReplyFactory, TouchFactory
from tests.smtp_capture import capture_mail

pytestmark = pytest.mark.django_db

INVITATION = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Longlist//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
    "UID:call-1@longlist\r\nDTSTAMP:20261207T100000Z\r\nDTSTART:20261208T100000Z\r\n"
    "DTEND:20261208T103000Z\r\nSUMMARY:Call\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def sender():
    user = RecruiterFactory(first_name="Rita", last_name="Recruiter", email="rita@login.example.com")
    SenderIdentity.objects.create(
        user=user,
        display_name="Rita at Acme",
        address="rita@acme.example.com",
        reply_to="talent@acme.example.com",
        signature="Rita Recruiter\nAcme Talent",
    )
    return user


@pytest.fixture
def captured_mail(settings):
    handler, controller = capture_mail(settings)
    yield handler
    controller.stop()


def sent_to(address: str):
    return [message for message in mail.outbox if address in message.to]


def header(message, name: str) -> str:
    return str(message.message()[name] or "")


def test_a_one_off_goes_out_as_the_sender_identity_with_the_notice_and_on_the_timeline(sender):
    candidate = CandidateFactory(first_name="Ada", source="sourced")
    touch = outbox.write_one_off(
        candidate=candidate, sender=sender, subject="Hello {{ first_name }}", body="Hi {{ first_name }},"
    )
    assert touch.kind == Touch.Kind.ONE_OFF and touch.enrollment is None

    assert dispatch_due_touches().sent == 1

    [message] = sent_to(candidate.email)
    assert message.subject == "Hello Ada"
    assert header(message, "From") == "Rita at Acme <rita@acme.example.com>"
    assert message.reply_to == ["talent@acme.example.com"]
    assert message.body.startswith("Hi Ada,\n\n-- \nRita Recruiter\nAcme Talent")
    assert "Why you are hearing from us" in message.body  # Art. 14, first contact with a sourced person
    assert header(message, "List-Unsubscribe").startswith("<http")  # not personal: marketing rules
    touch.refresh_from_db()
    assert touch.status == Touch.Status.SENT
    entry = Activity.objects.get(candidate=candidate, data__touch_id=touch.pk)
    assert entry.summary == "Email sent: Hello Ada" and entry.actor == sender
    assert EngagementEvent.objects.filter(touch=touch, kind="sent").exists()
    candidate.refresh_from_db()
    assert candidate.privacy_notice_sent_at is not None


def test_without_an_identity_the_email_is_from_the_user_as_before():
    user = RecruiterFactory(first_name="Sam", last_name="Smith", email="sam@example.com")
    candidate = CandidateFactory(source="applied")
    outbox.queue_email(candidate, sender=user, subject="Hi", body="Hello", kind=Touch.Kind.ONE_OFF)
    dispatch_due_touches()
    [message] = sent_to(candidate.email)
    assert header(message, "From") == "Sam Smith <sam@example.com>"
    assert not message.reply_to
    assert "Why you are hearing from us" not in message.body  # they applied: no Art. 14 notice


def test_writing_to_someone_who_unsubscribed_needs_confirmation_and_goes_as_a_personal_message(sender):
    candidate = CandidateFactory(unsubscribed_at=timezone.now())
    with pytest.raises(outbox.NeedsConfirmation):
        outbox.write_one_off(candidate=candidate, sender=sender, subject="Hi", body="About your question")
    assert not Touch.objects.exists()

    outbox.write_one_off(candidate=candidate, sender=sender, subject="Hi", body="About your q", personal=True)
    assert dispatch_due_touches().sent == 1

    [message] = sent_to(candidate.email)
    assert "List-Unsubscribe" not in message.extra_headers
    assert "Unsubscribe" not in message.body and "Email preferences" not in message.body
    assert "reply to this email and we will not contact you again" in message.body


def test_an_unsubscribe_after_queueing_stops_a_marketing_email_and_the_timeline_says_so(sender):
    candidate = CandidateFactory()
    touch = outbox.write_one_off(candidate=candidate, sender=sender, subject="Hi", body="Hello")
    Suppression.objects.create(email=candidate.email.upper(), reason=Suppression.Reason.UNSUBSCRIBED)

    result = dispatch_due_touches()

    assert (result.sent, result.skipped) == (0, 1)
    touch.refresh_from_db()
    assert (touch.status, touch.last_error) == (Touch.Status.SKIPPED, "unsubscribed")
    assert Activity.objects.filter(candidate=candidate, summary="Email not sent (unsubscribed): Hi").exists()


@pytest.mark.parametrize(
    "make_unreachable, reason",
    [
        (lambda c: Suppression.objects.create(email=c.email, reason="bounced"), "suppressed (hard bounce)"),
        (lambda c: type(c).objects.filter(pk=c.pk).update(do_not_contact=True), "do not contact"),
    ],
)
def test_suppressed_and_do_not_contact_stop_even_a_personal_message(sender, make_unreachable, reason):
    candidate = CandidateFactory()
    touch = outbox.queue_email(
        candidate, sender=sender, subject="Hi", body="Hello", kind=Touch.Kind.REPLY, personal=True
    )
    make_unreachable(candidate)
    assert dispatch_due_touches().skipped == 1
    touch.refresh_from_db()
    assert touch.last_error == reason
    assert mail.outbox == []
    candidate.refresh_from_db()
    with pytest.raises(ValidationError, match=re.escape(reason)):
        outbox.write_one_off(candidate=candidate, sender=sender, subject="Hi", body="x", personal=True)


def test_an_erased_person_cannot_be_written_to(sender):
    candidate = CandidateFactory(erased_at=timezone.now())
    with pytest.raises(ValidationError):
        outbox.queue_email(candidate, sender=sender, subject="Hi", body="x", kind=Touch.Kind.ONE_OFF)


def test_placeholders_are_checked_when_written(sender):
    with pytest.raises(ValidationError, match="Unknown placeholder"):
        outbox.write_one_off(
            candidate=CandidateFactory(), sender=sender, subject="Hi {{ salary }}", body="Hello"
        )


def test_a_reply_threads_with_re_in_reply_to_and_references_and_the_reply_links_to_it(sender):
    candidate = CandidateFactory()
    reply = ReplyFactory(
        candidate=candidate,
        subject="RE: Re: A role in Berlin",
        message_id="<answer-2@mail.example.org>",
        in_reply_to="<first@longlist>",
        references="<first@longlist>",
        source="webhook",
    )

    touch = outbox.write_reply(reply=reply, sender=sender, body="Great, when can we talk?")
    dispatch_due_touches()

    [message] = sent_to(candidate.email)
    assert message.subject == "Re: Re: A role in Berlin"
    assert header(message, "In-Reply-To") == "<answer-2@mail.example.org>"
    assert header(message, "References") == "<first@longlist> <answer-2@mail.example.org>"
    assert list(reply.answers.all()) == [touch]
    entry = Activity.objects.get(candidate=candidate, data__touch_id=touch.pk)
    assert entry.summary.startswith("Reply sent: Re:") and entry.data["reply_id"] == reply.pk


@pytest.mark.parametrize(
    "subject, expected",
    [
        ("Hello", "Re: Hello"),
        ("Re: Hello", "Re: Hello"),
        ("AW: Hallo", "Re: Hallo"),
        ("", "Re: your message"),
    ],
)
def test_reply_subjects_get_one_re(subject, expected):
    assert outbox.reply_subject(subject) == expected


def test_a_reply_logged_by_hand_answers_the_email_of_ours_it_replied_to(sender):
    ours = TouchFactory(status=Touch.Status.SENT, subject="Hello")
    reply = ReplyFactory(candidate=ours.candidate, touch=ours, subject="", message_id="")
    touch = outbox.write_reply(reply=reply, sender=sender, body="Thanks!")
    assert (touch.subject, touch.in_reply_to, touch.references) == (
        "Re: Hello",
        ours.message_id,
        ours.message_id,
    )


def test_bulk_fills_placeholders_per_person_signs_and_skips_who_may_not_get_marketing(sender):
    ada, bob = CandidateFactory(first_name="Ada"), CandidateFactory(first_name="Bob")
    gone = CandidateFactory(first_name="Cy", unsubscribed_at=timezone.now())
    result = outbox.write_bulk(
        candidates=[ada, bob, gone],
        sender=sender,
        subject="News for {{ first_name }}",
        body="Hi {{ first_name }}",
    )
    assert [t.candidate for t in result.queued] == [ada, bob]
    assert result.skipped == [(gone, "unsubscribed")]

    assert dispatch_due_touches().sent == 2

    assert [m.subject for m in sent_to(ada.email) + sent_to(bob.email)] == ["News for Ada", "News for Bob"]
    assert all(header(m, "List-Unsubscribe") for m in mail.outbox)
    assert sent_to(bob.email)[0].body.startswith("Hi Bob\n\n-- \nRita Recruiter")
    assert Activity.objects.filter(candidate=ada, summary="Bulk email sent: News for Ada").exists()


def test_the_preview_is_the_email_as_the_person_reads_it(sender):
    preview = outbox.preview_email(
        candidate=CandidateFactory(first_name="Ada"), sender=sender, subject="Hi {{ first_name }}", body="Yo"
    )
    assert preview == outbox.Preview(subject="Hi Ada", body="Yo\n\n-- \nRita Recruiter\nAcme Talent")


def test_send_later_waits_and_cancel_before_sending_stops_it(sender):
    now = timezone.now()
    candidate = CandidateFactory()
    later = outbox.write_one_off(
        candidate=candidate, sender=sender, subject="Later", body="x", send_at=now + timedelta(hours=2)
    )
    assert Activity.objects.filter(candidate=candidate, summary__startswith="Email to be sent").exists()
    cancelled = outbox.queue_email(
        candidate,
        sender=sender,
        subject="Oops",
        body="x",
        kind=Touch.Kind.BULK,
        send_at=now + timedelta(hours=1),
    )

    assert dispatch_due_touches(now=now).sent == 0
    assert outbox.cancel_email(cancelled, by=sender) is True
    assert dispatch_due_touches(now=now + timedelta(hours=3)).sent == 1

    assert [m.subject for m in mail.outbox] == ["Later"]
    later.refresh_from_db()
    assert later.status == Touch.Status.SENT
    assert outbox.cancel_email(later, by=sender) is False  # gone already
    assert Activity.objects.filter(summary="Email cancelled before sending: Oops").exists()


def test_an_invitation_carries_a_text_calendar_part_with_its_method_and_an_ics_attachment(sender):
    candidate = CandidateFactory()
    outbox.queue_email(
        candidate,
        sender=sender,
        subject="Call",
        body="See you",
        kind=Touch.Kind.MEETING,
        personal=True,
        calendar=INVITATION,
    )
    dispatch_due_touches()

    parsed = sent_to(candidate.email)[0].message()
    parts = {part.get_content_type(): part for part in parsed.walk()}
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "REQUEST" and calendar.get_content_charset() == "utf-8"
    assert "BEGIN:VEVENT" in calendar.get_payload(decode=True).decode()
    assert any(part.get_filename() == "invite.ics" for part in parsed.walk())


def test_a_copy_to_a_colleague_goes_to_their_address_without_unsubscribe_or_notice(sender):
    candidate = CandidateFactory(unsubscribed_at=timezone.now())
    outbox.queue_email(
        candidate,
        sender=sender,
        subject="Call",
        body="Host copy",
        kind=Touch.Kind.MEETING,
        to_address="host@acme.example.com",
    )
    assert dispatch_due_touches().sent == 1
    [message] = sent_to("host@acme.example.com")
    assert "List-Unsubscribe" not in message.extra_headers
    assert "Why you are hearing from us" not in message.body
    candidate.refresh_from_db()
    assert candidate.privacy_notice_sent_at is None and candidate.last_contacted_at is None


def test_sequence_steps_cannot_be_queued(sender):
    with pytest.raises(ValidationError):
        outbox.queue_email(CandidateFactory(), sender=sender, subject="x", body="x", kind=Touch.Kind.SEQUENCE)


def test_headers_read_back_from_a_real_smtp_server(sender, captured_mail):
    """Through aiosmtpd on loopback: the identity's From, a personal reply's threading headers and no
    unsubscribe header, an invitation's text/calendar part."""
    candidate = CandidateFactory(unsubscribed_at=timezone.now())
    reply = ReplyFactory(candidate=candidate, subject="Hello", message_id="<theirs@mail.example.org>")
    outbox.write_reply(reply=reply, sender=sender, body="Thanks for writing back.", personal=True)
    outbox.queue_email(
        candidate,
        sender=sender,
        subject="Call",
        body="x",
        kind=Touch.Kind.MEETING,
        personal=True,
        calendar=INVITATION,
    )

    assert dispatch_due_touches().sent == 2

    answer, invitation = captured_mail.to(candidate.email)
    assert answer["From"] == "Rita at Acme <rita@acme.example.com>"
    assert answer["Reply-To"] == "talent@acme.example.com"
    assert answer["Subject"] == "Re: Hello"
    assert answer["In-Reply-To"] == answer["References"] == "<theirs@mail.example.org>"
    assert answer["List-Unsubscribe"] is None
    calendar = next(part for part in invitation.walk() if part.get_content_type() == "text/calendar")
    assert calendar["Content-Type"].replace('"', "") == "text/calendar; charset=utf-8; method=REQUEST"
