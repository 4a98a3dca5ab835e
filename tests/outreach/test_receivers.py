"""Outreach's part of merging two records of one person and of erasing a person."""

from datetime import UTC, datetime

from candidates.merge import merge_candidates
from candidates.privacy import erase_candidate
from outreach import inbound
from outreach.enrollment import enroll
from outreach.models import Enrollment, InboundMessage, Touch
from outreach.outbox import queue_email
from tests.factories import CandidateFactory, SequenceFactory, StepFactory
from tests.outreach import mail_corpus as corpus

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_a_merge_stops_the_duplicates_enrollment_in_a_sequence_both_are_in(admin_user):
    sequence = SequenceFactory(name="Passive nurture", min_gap_days=0)
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="email")
    kept, duplicate = CandidateFactory(), CandidateFactory()
    enroll(candidate=kept, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    clash = enroll(candidate=duplicate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)

    merge_candidates(primary=kept, duplicate=duplicate, by=admin_user)

    clash.refresh_from_db()
    assert (clash.candidate, clash.status, clash.stop_reason) == (kept, Enrollment.Status.STOPPED, "merged")
    assert clash.touches.get().status == Touch.Status.CANCELLED
    entry = kept.activities.get(summary="Stopped in sequence Passive nurture: merged")
    assert entry.actor == admin_user
    assert kept.enrollments.filter(status=Enrollment.Status.ACTIVE).count() == 1


def test_erasing_a_person_stops_their_enrollments_and_cancels_their_touches(admin_user):
    sequence = SequenceFactory(min_gap_days=0)
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="email")
    person = CandidateFactory()
    enrollment = enroll(candidate=person, sequence=sequence, by=None, now=MONDAY_8AM_UTC)

    erase_candidate(candidate=person, by=admin_user)

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.stop_reason) == (Enrollment.Status.STOPPED, "erased")
    assert enrollment.touches.get().status == Touch.Status.CANCELLED


def test_erasing_a_person_cancels_the_outbox_emails_waiting_for_them_and_blanks_them(admin_user):
    person = CandidateFactory()
    waiting = queue_email(
        person,
        sender=admin_user,
        subject="Hi",
        body="About your role",
        kind=Touch.Kind.MEETING,
        in_reply_to="<theirs@example.org>",
        calendar="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )

    erase_candidate(candidate=person, by=admin_user)

    waiting.refresh_from_db()
    assert waiting.status == Touch.Status.CANCELLED
    assert (waiting.subject, waiting.body, waiting.in_reply_to, waiting.calendar) == ("", "", "", "")


def test_inbound_mail_follows_a_merge_and_loses_its_text_on_erasure(admin_user):
    kept, duplicate = CandidateFactory(), CandidateFactory(email="old@example.org")
    auto_reply = corpus.auto_reply(sender="old@example.org", subject="Out of office")
    record, _ = inbound.receive_message(auto_reply, source=InboundMessage.Source.MAILBOX)
    assert record.candidate == duplicate

    merge_candidates(primary=kept, duplicate=duplicate, by=admin_user)
    record.refresh_from_db()
    assert record.candidate == kept

    erase_candidate(candidate=kept, by=admin_user)
    record.refresh_from_db()
    assert (record.address, record.subject) == ("", "")
