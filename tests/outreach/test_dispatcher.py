from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from candidates.models import Activity, Candidate, Suppression
from outreach import dispatch
from outreach.dispatch import (
    MAX_ATTEMPTS,
    claim_due_touches,
    dispatch_due_touches,
    lease_length,
    send_touch,
)
from outreach.enrollment import enroll, enroll_many, pause_enrollment, resume_enrollment
from outreach.identities import identity_for
from outreach.manual_tasks import complete_task
from outreach.models import Enrollment, SenderIdentity, Touch
from outreach.sequences import delete_step, reorder_steps, save_step
from pipelines import services as pipeline_services
from tests.factories import (
    CandidateFactory,
    CardFactory,
    RecruiterFactory,
    RequisitionFactory,
    SequenceFactory,
    StepFactory,
    hired_stage,
    stage_named,
    unpaced_identity,
)

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def sequence(db):
    sequence = SequenceFactory(
        name="Passive nurture",
        sender=RecruiterFactory(first_name="Rosa", last_name="Martinez", email="rosa@example.com"),
        send_window_start=time(9),
        send_window_end=time(17),
        min_gap_days=0,
    )
    StepFactory(
        sequence=sequence,
        position=0,
        delay_amount=0,
        channel="email",
        subject="Hi {{ first_name }}",
        body='Hello {{ first_name | "there" }}, see [our team](https://example.com/team){platform}',
    )
    StepFactory(
        sequence=sequence,
        position=1,
        delay_amount=7,
        channel="email",
        subject="Follow-up",
        body="Still keen, {{ first_name }}?",
    )
    return sequence


@pytest.fixture
def candidate(db):
    return CandidateFactory(
        first_name="Ada", email="ada@example.com", timezone="Europe/London", source="sourced"
    )


def test_first_email_is_scheduled_in_the_candidates_window(sequence, candidate):
    enrollment = enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    touch = enrollment.touches.get()
    assert touch.status == Touch.Status.SCHEDULED
    assert touch.due_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # London = UTC in winter


def test_dispatch_sends_renders_tracks_and_schedules_the_next_step(sequence, candidate):
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    result = dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    assert result.sent == 1
    [message] = mail.outbox
    touch = Touch.objects.get(step_position=0)
    assert message.subject == "Hi Ada"
    assert message.to == ["ada@example.com"]
    assert message.from_email == "Rosa Martinez <rosa@example.com>"
    assert message.extra_headers["Message-ID"] == f"<{touch.idempotency_key}@longlist>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    html = message.alternatives[0][0]
    assert "/o/c/" in html and "https://example.com/team" not in html  # links are tracked redirects
    assert (
        "Why you are hearing from us" in message.body
    )  # privacy notice in the first email to a sourced person
    candidate.refresh_from_db()
    assert candidate.privacy_notice_sent_at is not None
    assert touch.status == Touch.Status.SENT
    follow_up = Touch.objects.get(step_position=1)
    assert follow_up.status == Touch.Status.SCHEDULED
    assert follow_up.due_at.date() == (MONDAY_8AM_UTC + timedelta(days=7)).date()
    assert candidate.activities.filter(kind=Activity.Kind.TOUCH, summary="Email sent: Hi Ada").exists()


def test_a_sequence_email_is_signed_with_its_senders_identity(sequence, candidate):
    identity = identity_for(sequence.sender)
    identity.signature = "Rosa Martinez\nTalent, Brightloop"
    identity.save()
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    [message] = mail.outbox
    signed = message.body.index("\n\n-- \nRosa Martinez\nTalent, Brightloop")
    assert message.body.index("Hello Ada") < signed < message.body.index("Why you are hearing from us")
    assert "Talent, Brightloop" in message.alternatives[0][0]


def test_a_second_pass_sends_nothing_more(sequence, candidate):
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    later = MONDAY_8AM_UTC + timedelta(hours=2)
    dispatch_due_touches(now=later)
    assert dispatch_due_touches(now=later).sent == 0
    assert len(mail.outbox) == 1


def test_nothing_is_sent_before_it_is_due(sequence, candidate):
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    assert dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(minutes=30)).sent == 0
    assert mail.outbox == []


def test_unsubscribed_candidate_is_skipped_and_the_enrollment_stops(sequence, candidate):
    enrollment = enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    Suppression.objects.create(email="ADA@example.com", reason="unsubscribed")
    result = dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    assert result.skipped == 1 and mail.outbox == []
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.STOPPED
    assert enrollment.stop_reason == "unsubscribed"


def test_paused_enrollment_is_not_sent_and_resumes_in_the_next_window(sequence, candidate):
    enrollment = enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    pause_enrollment(enrollment=enrollment)
    assert dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2)).sent == 0
    friday_evening = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)
    resume_enrollment(enrollment=enrollment)
    assert dispatch_due_touches(now=friday_evening).sent == 0  # after the candidate's window (9-17 London)
    monday_morning = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert dispatch_due_touches(now=monday_morning - timedelta(minutes=1)).sent == 0
    assert dispatch_due_touches(now=monday_morning).sent == 1


def test_hired_candidate_gets_no_more_email(sequence, candidate):
    enrollment = enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    requisition = RequisitionFactory()
    CardFactory(candidate=candidate, pipeline=requisition.pipeline, stage=hired_stage(requisition))
    assert dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2)).skipped == 1
    enrollment.refresh_from_db()
    assert enrollment.stop_reason == "hired"


def test_moving_a_card_into_hired_stops_every_live_enrollment_at_once(sequence, candidate):
    second = SequenceFactory(
        sender=sequence.sender, send_window_start=time(9), send_window_end=time(17), min_gap_days=0
    )
    StepFactory(sequence=second, position=0, delay_amount=0, subject="Other", body="Hi")
    enrollment = enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    other = enroll(candidate=candidate, sequence=second, by=None, now=MONDAY_8AM_UTC)
    requisition = RequisitionFactory(title="Platform Lead")
    card = pipeline_services.add_card(
        pipeline=requisition.pipeline, candidate=candidate, stage=stage_named(requisition, "Offer")
    )
    pipeline_services.move_card(
        card=card, to_stage=stage_named(requisition, "Hired"), position=0, expected_version=card.version
    )

    for stopped in (enrollment, other):
        stopped.refresh_from_db()
        assert (stopped.status, stopped.stop_reason) == (Enrollment.Status.STOPPED, "hired")
    assert set(Touch.objects.values_list("status", flat=True)) == {Touch.Status.CANCELLED}
    result = dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    assert (result.sent, result.skipped) == (0, 0) and mail.outbox == []


def test_a_hire_moved_back_out_of_hired_may_be_emailed_again_once_enrolled_again(sequence, candidate):
    first = enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    requisition = RequisitionFactory()
    card = pipeline_services.add_card(
        pipeline=requisition.pipeline, candidate=candidate, stage=stage_named(requisition, "Hired")
    )
    pipeline_services.move_card(
        card=card, to_stage=stage_named(requisition, "Offer"), position=0, expected_version=card.version
    )
    first.refresh_from_db()
    assert first.stop_reason == "hired"  # the hire stopped it; undoing the hire does not restart it
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    assert dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2)).sent == 1


def test_a_turned_down_card_in_a_hired_stage_is_not_a_hire(sequence, candidate):
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    requisition = RequisitionFactory()
    CardFactory(
        candidate=candidate, pipeline=requisition.pipeline, stage=hired_stage(requisition), status="rejected"
    )
    assert dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2)).sent == 1


def test_editing_a_step_does_not_change_a_touch_already_scheduled(sequence, candidate):
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    step = sequence.steps.get(position=0)
    step.subject = "Changed {{ company }}"
    save_step(step)
    dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    assert mail.outbox[0].subject == "Hi Ada"


def test_deleting_a_step_keeps_its_scheduled_touch_and_the_rest_follow(sequence, candidate):
    StepFactory(sequence=sequence, position=2, delay_amount=1, channel="email", subject="Third", body="x")
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    delete_step(sequence.steps.get(position=0))
    dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    assert mail.outbox[0].subject == "Hi Ada"  # the touch scheduled before the edit went out as planned
    assert Touch.objects.get(status="scheduled").subject == "Follow-up"  # then the steps that remain


def test_steps_reordered_mid_enrollment_follow_the_new_order(sequence, candidate):
    third = StepFactory(
        sequence=sequence, position=2, delay_amount=1, channel="email", subject="Third", body="x"
    )
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    first, second = sequence.steps.get(position=0), sequence.steps.get(position=1)
    reorder_steps(sequence=sequence, step_ids=[first.pk, third.pk, second.pk])
    dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    assert Touch.objects.get(status="scheduled").subject == "Third"


def test_smtp_errors_retry_with_backoff_then_fail_with_the_error_shown(sequence, candidate, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    now = MONDAY_8AM_UTC + timedelta(hours=2)
    for _ in range(MAX_ATTEMPTS):
        dispatch_due_touches(now=now)
        touch = Touch.objects.get(step_position=0)
        now = max(now, touch.due_at) + timedelta(seconds=1)
    assert touch.status == Touch.Status.FAILED
    assert touch.attempts == MAX_ATTEMPTS
    assert "SMTP server down" in touch.last_error
    assert candidate.activities.filter(summary=f"Email failed after {MAX_ATTEMPTS} tries").exists()


@time_machine.travel(MONDAY_8AM_UTC + timedelta(hours=2))  # inside the window, whenever the tests run
def test_a_touch_left_sending_by_a_dead_worker_is_sent_once_the_lease_expires(sequence, candidate):
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    now = timezone.now()  # leases are granted from the real time at the earliest
    _, claimed = claim_due_touches(now=now, limit=10)  # the worker that then dies
    assert len(claimed) == 1
    assert dispatch_due_touches(now=now + timedelta(minutes=1)).sent == 0  # still leased
    assert dispatch_due_touches(now=now + lease_length() + timedelta(seconds=1)).sent == 1
    assert len(mail.outbox) == 1


@time_machine.travel(MONDAY_8AM_UTC + timedelta(hours=2))  # inside the window, whenever the tests run
def test_a_task_out_of_time_in_a_send_leaves_the_touch_in_flight_not_retried(
    sequence, candidate, monkeypatch
):
    def out_of_time(self, *args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("django.core.mail.EmailMessage.send", out_of_time)
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    now = timezone.now()
    with pytest.raises(SoftTimeLimitExceeded):
        dispatch_due_touches(now=now)
    touch = Touch.objects.get(step_position=0)
    assert (touch.status, touch.attempts, touch.last_error) == (Touch.Status.SENDING, 0, "")
    assert touch.lease_expires_at > now
    monkeypatch.undo()
    assert dispatch_due_touches(now=now + timedelta(minutes=1)).sent == 0  # still in flight
    assert dispatch_due_touches(now=touch.lease_expires_at + timedelta(seconds=1)).sent == 1


def test_manual_step_becomes_a_task_and_completing_it_schedules_the_next(candidate):
    recruiter = RecruiterFactory()
    sequence = SequenceFactory(sender=recruiter, min_gap_days=0)
    StepFactory(
        sequence=sequence, position=0, delay_amount=0, channel="linkedin_connect", subject="", body="Hi"
    )
    StepFactory(sequence=sequence, position=1, delay_amount=3, channel="email")
    enrollment = enroll(candidate=candidate, sequence=sequence, by=recruiter, now=MONDAY_8AM_UTC)
    task = enrollment.touches.get()
    assert task.status == Touch.Status.TASK_OPEN and task.assignee == recruiter
    assert dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(days=1)).sent == 0
    following = complete_task(touch=task, outcome="connected", by=recruiter, now=MONDAY_8AM_UTC)
    assert following.channel == "email" and following.status == Touch.Status.SCHEDULED
    assert candidate.activities.filter(summary="LinkedIn connection request: connected").exists()
    assert complete_task(touch=task, outcome="connected", by=recruiter) is None  # double click


def test_reply_logged_on_a_task_stops_the_enrollment(candidate):
    recruiter = RecruiterFactory()
    sequence = SequenceFactory(sender=recruiter)
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="call")
    StepFactory(sequence=sequence, position=1, delay_amount=3, channel="email")
    enrollment = enroll(candidate=candidate, sequence=sequence, by=recruiter, now=MONDAY_8AM_UTC)
    assert complete_task(touch=enrollment.touches.get(), outcome="replied", by=recruiter) is None
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.STOPPED


def test_enroll_many_skips_who_must_be_skipped_and_says_why(sequence):
    ok = CandidateFactory()
    dnc = CandidateFactory(do_not_contact=True)
    unsubscribed = CandidateFactory()
    Suppression.objects.create(email=unsubscribed.email, reason="unsubscribed")
    in_process = CandidateFactory()
    CardFactory(candidate=in_process)
    already = CandidateFactory()
    enroll(candidate=already, sequence=sequence, by=None)
    report = enroll_many(candidates=[ok, dnc, unsubscribed, in_process, already], sequence=sequence, by=None)
    assert [e.candidate for e in report.enrolled] == [ok]
    assert {c.pk: reason for c, reason in report.skipped} == {
        dnc.pk: "do not contact",
        unsubscribed.pk: "unsubscribed",
        in_process.pk: "in an active hiring process",
        already.pk: "already enrolled",
    }


def test_daily_limit_spreads_emails_over_days(candidate):
    sequence = SequenceFactory(min_gap_days=0)
    identity_for(sequence.sender)
    SenderIdentity.objects.filter(user=sequence.sender).update(
        daily_limit=2, send_window_start=time(9), send_window_end=time(17)
    )
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="email")
    people = CandidateFactory.create_batch(5, timezone="Europe/London")
    for person in people:
        enroll(candidate=person, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    now = MONDAY_8AM_UTC
    while now < MONDAY_8AM_UTC + timedelta(days=3):
        dispatch_due_touches(now=now)
        now += timedelta(minutes=15)
    days = sorted(
        at.replace(microsecond=0)
        for at in Touch.objects.filter(status="sent").values_list("sent_at", flat=True)
    )
    assert [d.date().isoformat() for d in days] == [
        "2026-11-30",
        "2026-11-30",
        "2026-12-01",
        "2026-12-01",
        "2026-12-02",
    ]
    assert days[1] - days[0] == timedelta(hours=4)  # spaced across the 8-hour window, not a burst


def test_minimum_gap_across_sequences(candidate, sequence):
    other = SequenceFactory(min_gap_days=5)
    StepFactory(sequence=other, position=0, delay_amount=0, channel="email")
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    second = enroll(candidate=candidate, sequence=other, by=None, now=MONDAY_8AM_UTC)
    assert second.touches.get().due_at >= datetime(2026, 12, 5, tzinfo=UTC)


def test_dispatch_command_with_now(sequence, candidate):
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    call_command("dispatch_touches", "--now", "2026-11-30T10:00:00Z")
    assert len(mail.outbox) == 1


def test_dispatch_command_rejects_a_bad_date(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="ISO date-time"):
        call_command("dispatch_touches", "--now", "next tuesday")


@pytest.mark.django_db(transaction=True)
def test_parallel_dispatchers_send_each_email_exactly_once():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent claims are a PostgreSQL matter (SQLite serialises writers).")
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    sequence = SequenceFactory(
        min_gap_days=0,
        business_days_only=False,
        send_window_start=time(0),
        send_window_end=time(23, 59),
    )
    unpaced_identity(sequence.sender, now=MONDAY_8AM_UTC + timedelta(hours=1))
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="email")
    for person in CandidateFactory.create_batch(300, timezone="UTC"):
        enroll(candidate=person, sequence=sequence, by=None, now=MONDAY_8AM_UTC)

    def run():
        try:
            return dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=1), batch_size=20).sent
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        sent = sum(pool.map(lambda _: run(), range(4)))
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert sent == 300
    assert len(ids) == len(set(ids)) == 300
    assert Touch.objects.filter(step__position=0, status="sent").count() == 300


class SessionCountingBackend(locmem.EmailBackend):
    """The locmem backend with SMTP-like sessions, counted; `refuse` makes opening one fail."""

    sessions = 0
    refuse = False

    def open(self):
        if SessionCountingBackend.refuse:
            raise ConnectionRefusedError("SMTP server down")
        if not getattr(self, "is_open", False):
            SessionCountingBackend.sessions += 1
            self.is_open = True
            return True
        return False

    def close(self):
        self.is_open = False

    def send_messages(self, messages):  # like the SMTP backend: a session of its own unless one is open
        opened_here = self.open()
        try:
            return super().send_messages(messages)
        finally:
            if opened_here:
                self.close()


@pytest.fixture
def counting_backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.SessionCountingBackend"
    SessionCountingBackend.sessions = 0
    SessionCountingBackend.refuse = False
    return SessionCountingBackend


def test_a_batch_of_emails_goes_out_over_one_smtp_session(sequence, counting_backend):
    unpaced_identity(sequence.sender, now=MONDAY_8AM_UTC + timedelta(hours=2))
    for n in range(3):
        candidate = CandidateFactory(email=f"p{n}@example.com", timezone="Europe/London")
        enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    result = dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    assert result.sent == 3
    assert len(mail.outbox) == 3
    assert counting_backend.sessions == 1


def test_an_unreachable_smtp_server_is_a_retry_for_each_touch_not_a_lost_batch(
    sequence, candidate, counting_backend
):
    counting_backend.refuse = True
    enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    result = dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    touch = Touch.objects.get(step_position=0)
    assert (result.sent, result.retried) == (0, 1)
    assert touch.status == Touch.Status.SCHEDULED
    assert touch.attempts == 1
    assert "SMTP server down" in touch.last_error


def test_a_backlog_of_paused_touches_does_not_hide_a_later_live_one(sequence):
    now = MONDAY_8AM_UTC + timedelta(hours=2)
    for n in range(10):  # more than one window of due rows, all held by a pause
        enrollment = enroll(
            candidate=CandidateFactory(email=f"held{n}@example.com"), sequence=sequence, by=None, now=now
        )
        pause_enrollment(enrollment=enrollment)
    Touch.objects.update(due_at=now - timedelta(days=1))
    live = enroll(
        candidate=CandidateFactory(email="live@example.com"), sequence=sequence, by=None, now=now
    ).touches.get()
    Touch.objects.filter(pk=live.pk).update(due_at=now)
    _, claimed = claim_due_touches(now=now, limit=2)
    assert claimed == [live.pk]
    assert Touch.objects.filter(status="sending").count() == 1


@time_machine.travel(MONDAY_8AM_UTC + timedelta(hours=2))  # inside the window, whenever the tests run
def test_a_skip_at_send_time_is_all_or_nothing(sequence, candidate, monkeypatch):
    """Marking the touch skipped and stopping its enrollment is one transaction: a crash between the two
    must not leave a live enrollment with nothing planned."""
    enrollment = enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    Candidate.objects.filter(pk=candidate.pk).update(do_not_contact=True)

    def crash(**kwargs):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(dispatch, "stop_enrollment", crash)
    now = timezone.now()
    with pytest.raises(RuntimeError):
        dispatch_due_touches(now=now)
    touch = enrollment.touches.get()
    enrollment.refresh_from_db()
    assert (touch.status, enrollment.status) == (Touch.Status.SENDING, Enrollment.Status.ACTIVE)

    monkeypatch.undo()
    assert dispatch_due_touches(now=now + lease_length() + timedelta(seconds=1)).skipped == 1  # claimed again
    touch.refresh_from_db()
    enrollment.refresh_from_db()
    assert (touch.status, enrollment.status) == (Touch.Status.SKIPPED, Enrollment.Status.STOPPED)
    assert enrollment.stop_reason == "do not contact" and mail.outbox == []


def test_an_enrollment_paused_after_its_touch_was_claimed_keeps_the_touch_for_the_resume(sequence, candidate):
    enrollment = enroll(candidate=candidate, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    now = MONDAY_8AM_UTC + timedelta(hours=2)
    token, (claimed,) = claim_due_touches(now=now, limit=10)
    pause_enrollment(enrollment=enrollment)

    send_touch(
        touch=Touch.objects.select_related("candidate", "enrollment__sequence").get(pk=claimed),
        token=token,
        now=now,
    )

    assert mail.outbox == []
    assert enrollment.touches.get().status == Touch.Status.SCHEDULED
    resume_enrollment(enrollment=enrollment)
    assert dispatch_due_touches(now=now + timedelta(minutes=1)).sent == 1
