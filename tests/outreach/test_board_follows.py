"""The board drives outreach: pipelines' signals pause nurture for people on an open role and stop it on a hire."""

from datetime import UTC, datetime

from outreach.enrollment import enroll
from outreach.models import Enrollment, Touch
from pipelines import services
from pipelines.models import Requisition
from tests.factories import (
    CandidateFactory,
    RequisitionFactory,
    SequenceFactory,
    StepFactory,
    TouchFactory,
    hired_stage,
    stage_named,
)

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _enrolled(person, name="Passive nurture", channel="email"):
    sequence = SequenceFactory(name=name, min_gap_days=0)
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel=channel)
    return enroll(candidate=person, sequence=sequence, by=None, now=MONDAY_8AM_UTC)


def test_put_on_an_open_roles_board_pauses_nurture_with_the_reason(recruiter):
    person = CandidateFactory()
    enrollment = _enrolled(person)
    role = RequisitionFactory(title="Data Engineer")

    services.add_to_requisition(requisition=role, candidates=[person], by=recruiter)

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.PAUSED
    assert enrollment.touches.get().status == Touch.Status.SCHEDULED  # held, not cancelled: it may resume
    entry = person.activities.get(summary="Paused in sequence Passive nurture: on the Data Engineer board")
    assert entry.actor == recruiter


def test_a_planned_role_or_the_talent_board_does_not_pause_nurture(recruiter):
    person = CandidateFactory()
    enrollment = _enrolled(person)
    planned = RequisitionFactory(status=Requisition.Status.PLANNED)
    services.add_to_requisition(requisition=planned, candidates=[person], by=recruiter)
    services.add_card(pipeline=services.get_or_create_talent_board(), candidate=person, by=recruiter)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_a_hire_stops_every_enrollment_and_closes_open_tasks_as_hired(recruiter):
    person = CandidateFactory()
    nurture = _enrolled(person)
    calls = _enrolled(person, name="Call them", channel="call")
    call = calls.touches.get()
    assert call.status == Touch.Status.TASK_OPEN
    someone_else = TouchFactory(channel="call", status=Touch.Status.TASK_OPEN)
    role = RequisitionFactory(title="Data Engineer")
    card = services.add_card(pipeline=role.pipeline, candidate=person, stage=stage_named(role, "Offer"))

    services.move_card(
        card=card, to_stage=hired_stage(role), position=0, expected_version=card.version, by=recruiter
    )

    for enrollment in (nurture, calls):
        enrollment.refresh_from_db()
        assert (enrollment.status, enrollment.stop_reason) == (Enrollment.Status.STOPPED, "hired")
    call.refresh_from_db()
    assert (call.status, call.outcome) == (Touch.Status.CANCELLED, "hired")
    assert nurture.touches.get().status == Touch.Status.CANCELLED
    assert person.activities.filter(summary="Closed 1 open task: hired", actor=recruiter).exists()
    someone_else.refresh_from_db()
    assert someone_else.status == Touch.Status.TASK_OPEN


def test_added_straight_to_hired_stops_outreach_too(recruiter):
    person = CandidateFactory()
    nurture = _enrolled(person)
    role = RequisitionFactory(status=Requisition.Status.PLANNED)
    services.add_to_requisition(requisition=role, candidates=[person], stage=hired_stage(role), by=recruiter)
    nurture.refresh_from_db()
    assert nurture.stop_reason == "hired"


def test_moving_within_the_hired_stage_or_out_of_it_changes_nothing_more(recruiter):
    person = CandidateFactory()
    role = RequisitionFactory()
    card = services.add_card(pipeline=role.pipeline, candidate=person, stage=hired_stage(role))
    later = _enrolled(person, name="After the hire")
    services.move_card(
        card=card, to_stage=hired_stage(role), position=0, expected_version=card.version, by=recruiter
    )
    services.move_card(
        card=card,
        to_stage=stage_named(role, "Offer"),
        position=0,
        expected_version=card.version,
        by=recruiter,
    )
    later.refresh_from_db()
    assert later.status == Enrollment.Status.ACTIVE


def _resume_button(client, person) -> bool:
    return "Resume nurture" in client.get(person.get_absolute_url()).content.decode()


def test_turned_down_the_recruiter_is_offered_to_resume_nurture_never_automatically(client, recruiter):
    person = CandidateFactory()
    enrollment = _enrolled(person)
    role = RequisitionFactory()
    (card,) = services.add_to_requisition(requisition=role, candidates=[person], by=recruiter).added
    client.force_login(recruiter)
    assert not _resume_button(client, person)  # still in process on an open role

    services.reject_card(card=card, category="timing", by=recruiter)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.PAUSED  # nothing resumed by itself
    assert _resume_button(client, person)

    response = client.post(f"/enrollments/{enrollment.pk}/resume/")
    assert response.url == person.get_absolute_url()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert not _resume_button(client, person)


def test_the_role_closed_offers_resuming_too(client, recruiter):
    person = CandidateFactory()
    _enrolled(person)
    role = RequisitionFactory()
    services.add_to_requisition(requisition=role, candidates=[person], by=recruiter)
    services.change_requisition_status(role, Requisition.Status.CLOSED)
    client.force_login(recruiter)
    assert _resume_button(client, person)
