"""The one list of stop rules, seen from both of its callers: enrolling people, and the dispatcher's send.

Each condition is set on its own, on a person who would otherwise be enrolled and mailed; removing that
condition from outreach.stop_rules.RULES makes its two tests fail."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail

from candidates.models import Candidate, Suppression
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll, enroll_many
from outreach.models import Enrollment, Touch
from tests.factories import (
    CandidateFactory,
    CardFactory,
    RequisitionFactory,
    SequenceFactory,
    StepFactory,
    hired_stage,
)

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def unsubscribed(person: Candidate) -> None:
    Candidate.objects.filter(pk=person.pk).update(unsubscribed_at=MONDAY_8AM_UTC)


def suppressed_by_linkedin_only(person: Candidate) -> None:
    Suppression.objects.create(
        email="someone.else@example.org",
        linkedin_url=person.linkedin_url,
        reason=Suppression.Reason.UNSUBSCRIBED,
    )


def do_not_contact(person: Candidate) -> None:
    Candidate.objects.filter(pk=person.pk).update(do_not_contact=True)


def erased(person: Candidate) -> None:
    Candidate.objects.filter(pk=person.pk).update(erased_at=MONDAY_8AM_UTC)


def hired(person: Candidate) -> None:
    requisition = RequisitionFactory()
    CardFactory(candidate=person, pipeline=requisition.pipeline, stage=hired_stage(requisition))


CONDITIONS = pytest.mark.parametrize(
    ("condition", "reason"),
    [
        (unsubscribed, "unsubscribed"),
        (suppressed_by_linkedin_only, "unsubscribed"),
        (do_not_contact, "do not contact"),
        (erased, "erased"),
        (hired, "hired"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)


@pytest.fixture
def sequence(db):
    sequence = SequenceFactory(send_window_start=time(9), send_window_end=time(17), min_gap_days=0)
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="email", subject="Hi", body="Hello")
    return sequence


@pytest.fixture
def person(db):
    return CandidateFactory(
        email="ada@example.com",
        linkedin_url="https://www.linkedin.com/in/ada-lovelace",
        timezone="Europe/London",
    )


@CONDITIONS
def test_enrolling_skips_them_and_says_why(sequence, person, condition, reason):
    condition(person)
    person.refresh_from_db()
    report = enroll_many(candidates=[person], sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    assert report.enrolled == [] and report.skipped == [(person, reason)]
    assert not Enrollment.objects.exists()


@CONDITIONS
def test_the_dispatcher_does_not_send_their_due_email_and_stops_the_enrollment(
    sequence, person, condition, reason
):
    enrollment = enroll(candidate=person, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    condition(person)

    result = dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))

    assert (result.sent, result.skipped) == (0, 1) and mail.outbox == []
    assert enrollment.touches.get().status == Touch.Status.SKIPPED
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.stop_reason) == (Enrollment.Status.STOPPED, reason)


def test_someone_without_any_condition_is_enrolled_and_mailed(sequence, person):
    assert len(enroll_many(candidates=[person], sequence=sequence, by=None, now=MONDAY_8AM_UTC).enrolled) == 1
    assert dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2)).sent == 1


def test_a_suppressed_address_is_named_for_why_it_is_on_the_list(sequence, person):
    Suppression.objects.create(email="ADA@example.com", reason=Suppression.Reason.BOUNCED)
    report = enroll_many(candidates=[person], sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    assert report.skipped == [(person, "suppressed (hard bounce)")]
