"""The bursts of issue 16, each replayed through the dispatcher with its clock moved on as beat would: every one
of these sent several emails in one pass before pacing moved to the sender identity."""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest

from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll
from outreach.models import Enrollment, SenderIdentity, Sequence, Touch
from outreach.sequences import set_sequence_status
from tests.factories import CandidateFactory, RecruiterFactory, SequenceFactory, StepFactory

pytestmark = pytest.mark.django_db

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def identity(daily_limit: int) -> SenderIdentity:
    user = RecruiterFactory(first_name="Rosa", last_name="Martinez", email="rosa@example.com")
    return SenderIdentity.objects.create(
        user=user,
        display_name="Rosa Martinez",
        address="rosa@example.com",
        daily_limit=daily_limit,
        send_window_start=time(9),
        send_window_end=time(17),
    )


def one_email_sequence(sender, **fields) -> Sequence:
    sequence = SequenceFactory(
        sender=sender, send_window_start=time(9), send_window_end=time(17), min_gap_days=0, **fields
    )
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="email", subject="Hi", body="Hello")
    return sequence


def enroll_people(sequence: Sequence, count: int) -> list[Enrollment]:
    people = CandidateFactory.create_batch(count, timezone="Europe/London")
    return [enroll(candidate=person, sequence=sequence, by=None, now=MONDAY_8AM_UTC) for person in people]


def run_dispatcher(start: datetime, end: datetime, every: timedelta = timedelta(minutes=30)) -> list[int]:
    """One pass every `every` from start to end; how many each pass sent."""
    sent = []
    now = start
    while now < end:
        sent.append(dispatch_due_touches(now=now).sent)
        now += every
    return sent


def sent_per_day() -> Counter:
    return Counter(at.date() for at in Touch.objects.filter(status="sent").values_list("sent_at", flat=True))


def test_resuming_a_sequence_after_two_weeks_sends_its_backlog_at_the_daily_limit():
    sequence = one_email_sequence(identity(daily_limit=2).user)
    enroll_people(sequence, 10)
    set_sequence_status(sequence=sequence, status=Sequence.Status.PAUSED)
    resumed = datetime(2026, 12, 14, 10, 0, tzinfo=UTC)  # a Monday, 14 days later
    set_sequence_status(sequence=sequence, status=Sequence.Status.ACTIVE)

    first_day = run_dispatcher(resumed, resumed + timedelta(hours=14), every=timedelta(minutes=10))

    assert max(first_day) == 1 and sum(first_day) == 2
    run_dispatcher(resumed + timedelta(hours=14), resumed + timedelta(days=5))
    assert sent_per_day() == {date(2026, 12, day): 2 for day in (14, 15, 16, 17, 18)}


def test_a_dispatcher_down_for_a_month_does_not_send_the_overdue_emails_in_one_pass():
    sequence = one_email_sequence(identity(daily_limit=1).user)
    enroll_people(sequence, 23)
    back = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)  # a month later, nothing sent meanwhile

    assert dispatch_due_touches(now=back).sent == 1
    run_dispatcher(back + timedelta(minutes=30), back + timedelta(days=2, hours=12))
    assert sent_per_day() == {date(2027, 1, 4): 1, date(2027, 1, 5): 1, date(2027, 1, 6): 1}


def test_fewer_emails_across_two_sequences_is_one_email_not_two_on_the_same_day():
    sender = identity(daily_limit=100).user
    person = CandidateFactory(timezone="Europe/London", fewer_messages=True)
    earlier = one_email_sequence(sender)
    first = enroll(candidate=person, sequence=earlier, by=None, now=MONDAY_8AM_UTC)
    Touch.objects.filter(enrollment=first).update(status="sent", sent_at=MONDAY_8AM_UTC + timedelta(hours=1))
    ten_days_later = MONDAY_8AM_UTC + timedelta(days=10)
    for _ in range(2):
        enroll(candidate=person, sequence=one_email_sequence(sender), by=None, now=ten_days_later)

    run_dispatcher(ten_days_later, ten_days_later + timedelta(days=55), every=timedelta(hours=6))

    sends = sorted(Touch.objects.filter(status="sent").values_list("sent_at", flat=True))
    assert len(sends) == 3  # both held emails went out in the end
    assert all(later - before >= timedelta(days=30) for before, later in pairwise(sends))


def test_one_mailbox_sends_at_most_its_daily_limit_across_sequences_and_one_offs():
    sender = identity(daily_limit=3).user
    for _ in range(2):
        enroll_people(one_email_sequence(sender), 3)
    [enrollment] = enroll_people(one_email_sequence(sender), 1)
    Touch.objects.create(
        enrollment=enrollment,
        candidate=enrollment.candidate,
        kind=Touch.Kind.ONE_OFF,
        sender=sender,
        channel="email",
        due_at=MONDAY_8AM_UTC,
        subject="A quick question",
        body="Hi",
    )

    run_dispatcher(MONDAY_8AM_UTC, MONDAY_8AM_UTC + timedelta(days=3))

    assert sent_per_day() == {date(2026, 11, 30): 3, date(2026, 12, 1): 3, date(2026, 12, 2): 1}


def test_a_raised_limit_speeds_the_backlog_up_from_now_on_still_spread():
    rosa = identity(daily_limit=1)
    enroll_people(one_email_sequence(rosa.user), 12)
    run_dispatcher(MONDAY_8AM_UTC, MONDAY_8AM_UTC + timedelta(hours=16))
    SenderIdentity.objects.filter(pk=rosa.pk).update(daily_limit=4)

    tuesday = run_dispatcher(MONDAY_8AM_UTC + timedelta(days=1), MONDAY_8AM_UTC + timedelta(days=1, hours=16))

    assert max(tuesday) == 1 and sum(tuesday) == 4  # 9:00, 11:00, 13:00, 15:00: a quarter of the window each
    assert sent_per_day() == {date(2026, 11, 30): 1, date(2026, 12, 1): 4}


def test_an_overdue_email_waits_for_the_persons_hours_not_their_night():
    sender = RecruiterFactory()  # an identity with the default window: all day
    sequence = one_email_sequence(sender)
    sydney = CandidateFactory(timezone="Australia/Sydney")
    enroll(candidate=sydney, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    back = datetime(2026, 12, 14, 12, 0, tzinfo=UTC)  # 23:00 in Sydney, two weeks late

    assert run_dispatcher(back, back + timedelta(hours=10)) == [0] * 20
    assert dispatch_due_touches(now=datetime(2026, 12, 14, 22, 0, tzinfo=UTC)).sent == 1  # 9:00 in Sydney
