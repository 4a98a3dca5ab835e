"""A sequence's status: archiving ends its enrollments, pausing holds everything until it resumes."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from outreach import sequences
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll, pause_enrollment
from outreach.models import Enrollment, Sequence, Touch
from outreach.sequences import set_sequence_status
from tests.factories import CandidateFactory, SequenceFactory, StepFactory

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def sequence(db):
    sequence = SequenceFactory(
        name="Passive nurture", send_window_start=time(9), send_window_end=time(17), min_gap_days=0
    )
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="email", subject="Hi", body="Hello")
    StepFactory(sequence=sequence, position=1, delay_amount=7, channel="email", subject="Again", body="Hi")
    return sequence


def enrolled(sequence: Sequence, count: int) -> list[Enrollment]:
    people = CandidateFactory.create_batch(count, timezone="Europe/London")
    return [enroll(candidate=person, sequence=sequence, by=None, now=MONDAY_8AM_UTC) for person in people]


def test_archiving_stops_every_live_enrollment_and_cancels_what_it_had_planned(sequence, recruiter):
    active, paused, finished = enrolled(sequence, 3)
    pause_enrollment(enrollment=paused)
    Enrollment.objects.filter(pk=finished.pk).update(status=Enrollment.Status.COMPLETED)
    task = Touch.objects.create(
        enrollment=active,
        candidate=active.candidate,
        channel="linkedin",
        status=Touch.Status.TASK_OPEN,
        due_at=MONDAY_8AM_UTC,
        assignee=recruiter,
    )

    set_sequence_status(sequence=sequence, status=Sequence.Status.ARCHIVED, by=recruiter)

    for enrollment in (active, paused):
        enrollment.refresh_from_db()
        assert (enrollment.status, enrollment.stop_reason) == (Enrollment.Status.STOPPED, "sequence archived")
        entry = enrollment.candidate.activities.get(
            summary="Stopped in sequence Passive nurture: sequence archived"
        )
        assert entry.actor == recruiter
    assert set(Touch.objects.filter(enrollment__in=[active, paused]).values_list("status", flat=True)) == {
        Touch.Status.CANCELLED
    }
    task.refresh_from_db()
    assert task.status == Touch.Status.CANCELLED
    finished.refresh_from_db()
    assert finished.status == Enrollment.Status.COMPLETED
    assert finished.touches.get().status == Touch.Status.SCHEDULED  # not this sequence's live work: untouched
    assert not finished.candidate.activities.filter(summary__contains="sequence archived").exists()


def test_an_admin_archiving_on_the_sequence_page_stops_its_enrollments(client, admin_user, sequence):
    (enrollment,) = enrolled(sequence, 1)
    client.force_login(admin_user)
    client.post(reverse("outreach:sequence_status", args=[sequence.pk]), {"status": "archived"})
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.STOPPED
    assert enrollment.candidate.activities.get(summary__endswith="sequence archived").actor == admin_user
    assert dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2)).sent == 0 and mail.outbox == []


def test_archiving_is_all_or_nothing(sequence, monkeypatch):
    enrolled(sequence, 2)
    stop = sequences.stop_enrollment
    calls = []

    def stop_then_crash(**kwargs):
        calls.append(kwargs["enrollment"])
        if len(calls) == 2:
            raise RuntimeError("the worker died")
        return stop(**kwargs)

    monkeypatch.setattr(sequences, "stop_enrollment", stop_then_crash)
    with pytest.raises(RuntimeError):
        set_sequence_status(sequence=sequence, status=Sequence.Status.ARCHIVED)

    sequence.refresh_from_db()
    assert sequence.status == Sequence.Status.ACTIVE
    assert set(Enrollment.objects.values_list("status", flat=True)) == {Enrollment.Status.ACTIVE}
    assert set(Touch.objects.values_list("status", flat=True)) == {Touch.Status.SCHEDULED}


def test_pausing_holds_everything_and_resuming_sends_it_in_the_next_window(sequence):
    enrollments = enrolled(sequence, 2)
    set_sequence_status(sequence=sequence, status=Sequence.Status.PAUSED)
    assert dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2)).sent == 0

    friday_evening = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)
    set_sequence_status(sequence=sequence, status=Sequence.Status.ACTIVE)

    assert set(Enrollment.objects.values_list("status", flat=True)) == {Enrollment.Status.ACTIVE}
    assert dispatch_due_touches(now=friday_evening).sent == 0  # after the candidates' window
    monday_9am = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    # in the candidates' window again, one at a time: the sender's minimum spacing (2 minutes), never a burst
    assert dispatch_due_touches(now=monday_9am).sent == 1
    assert dispatch_due_touches(now=monday_9am + timedelta(minutes=1)).sent == 0
    assert dispatch_due_touches(now=monday_9am + timedelta(minutes=3)).sent == 1
    assert {e.touches.get(step_position=0).status for e in enrollments} == {"sent"}


def test_an_unknown_status_is_refused(sequence):
    with pytest.raises(ValueError):
        set_sequence_status(sequence=sequence, status="deleted")
    sequence.refresh_from_db()
    assert sequence.status == Sequence.Status.ACTIVE
