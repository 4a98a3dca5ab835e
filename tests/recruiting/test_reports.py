"""The Insights reports, computed over hand-built histories: exact numbers, and a constant number of queries."""

import datetime as dt

import pytest
import time_machine

from candidates.models import Referral, SilverMedal
from outreach.models import EngagementEvent
from pipelines import services as pipeline_services
from pipelines import stages as pipeline_stages
from pipelines.models import Card
from recruiting import reports
from recruiting.reports.common import SCANNER_CLICK, ReportFilters
from recruiting.reports.conversion import seeking_conversion
from recruiting.reports.funnel import funnel
from recruiting.reports.ready import time_to_ready
from recruiting.reports.referrals import referral_leaderboard
from recruiting.reports.sequences import sequence_performance
from recruiting.reports.sources import source_of_hire
from tests.factories import (
    CandidateFactory,
    EmployeeFactory,
    EnrollmentFactory,
    RecruiterFactory,
    ReferralFactory,
    RequisitionFactory,
    SequenceFactory,
    StepFactory,
    TouchFactory,
    hired_stage,
    stage_named,
)

UTC = dt.UTC
T0 = dt.datetime(2030, 1, 10, 9, 0, tzinfo=UTC)
Q1 = ReportFilters(date_from=dt.date(2030, 1, 1), date_to=dt.date(2030, 3, 31))
YEAR = ReportFilters(date_from=dt.date(2030, 1, 1), date_to=dt.date(2030, 12, 31))


def days(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def on_board(requisition, candidate, path: list[tuple[str, dt.datetime]], status: str = "") -> Card:
    """Put the candidate on the board in the first stage of `path` at its time, then move along the rest
    (to "Hired" for a hire)."""
    (first, added_at), *moves = path
    with time_machine.travel(added_at, tick=False):
        card = pipeline_services.add_card(
            pipeline=requisition.pipeline, candidate=candidate, stage=stage_named(requisition, first)
        )
    for stage_name, moved_at in moves:
        with time_machine.travel(moved_at, tick=False):
            pipeline_services.move_card(
                card=card,
                to_stage=stage_named(requisition, stage_name),
                position=0,
                expected_version=card.version,
            )
    if status:
        Card.objects.filter(pk=card.pk).update(status=status)
    return card


@pytest.fixture
def backend(db):
    """Five people put on the Backend board in January (and one before), one on another board."""
    requisition = RequisitionFactory(title="Backend")
    statuses = {"c1": "passive", "c2": "passive", "c3": "passive", "c4": "active", "c5": "active"}
    people = {
        name: CandidateFactory(first_name=name, seeking_status=status) for name, status in statuses.items()
    }
    people["old"] = CandidateFactory(first_name="old")
    on_board(
        requisition,
        people["c1"],
        [("Sourced", T0), ("Contacted", days(2)), ("Screen", days(5)), ("Interview", days(9))],
    )
    on_board(
        requisition,
        people["c2"],
        [("Sourced", T0), ("Contacted", days(4)), ("Screen", days(6))],
        status=Card.Status.REJECTED,
    )
    on_board(requisition, people["c3"], [("Sourced", T0), ("Contacted", days(1.5))])
    on_board(requisition, people["c4"], [("Sourced", T0)])
    # Straight into Screen, on to Final (skipping Interview), then back to Screen.
    on_board(requisition, people["c5"], [("Screen", T0), ("Final", days(3)), ("Screen", days(8))])
    on_board(requisition, people["old"], [("Sourced", dt.datetime(2029, 12, 1, tzinfo=UTC))])
    other = RequisitionFactory(title="Another role")
    on_board(other, CandidateFactory(), [("Sourced", days(1))])
    return {"requisition": requisition, "other": other, "people": people}


def test_funnel_counts_the_furthest_stage_reached_and_converts_stage_to_stage(backend):
    report = funnel(Q1)

    assert [row.title for row in report.rows] == ["Another role", "Backend"]
    backend_funnel = report.rows[1]
    assert backend_funnel.cards == 5
    assert [(s.name, s.reached, s.conversion) for s in backend_funnel.stages] == [
        ("Sourced", 5, None),
        ("Contacted", 4, 80.0),
        ("Screen", 3, 75.0),
        ("Interview", 2, 66.7),
        ("Final", 1, 50.0),
        ("Offer", 0, 0.0),
        ("Hired", 0, None),
    ]
    assert report.totals == {"cards": 6}


def test_median_days_in_stage_over_finished_stays(backend):
    backend_funnel = funnel(Q1).rows[1]

    medians = {s.name: (s.median_days, s.stays) for s in backend_funnel.stages}
    assert medians["Sourced"] == (2.0, 3)  # 2, 4 and 1.5 days; c4 is still there
    assert medians["Contacted"] == (2.5, 2)  # 3 and 2 days; c3 is still there
    assert medians["Screen"] == (3.5, 2)  # 4 and 3 days; c2 was turned down there, c5 came back
    assert medians["Interview"] == (None, 0)  # c1 is still in it
    assert medians["Final"] == (5.0, 1)


def test_funnel_filters_by_requisition_and_recruiter(backend):
    requisition = backend["requisition"]
    only = funnel(ReportFilters(Q1.date_from, Q1.date_to, requisition_id=requisition.pk))
    assert [row.title for row in only.rows] == ["Backend"]
    mine = funnel(ReportFilters(Q1.date_from, Q1.date_to, recruiter_id=backend["other"].recruiter_id))
    assert [(row.title, row.cards) for row in mine.rows] == [("Another role", 1)]
    december = funnel(ReportFilters(dt.date(2029, 12, 1), dt.date(2029, 12, 31)))
    assert [(row.title, row.cards, row.stages[0].reached) for row in december.rows] == [("Backend", 1, 1)]


def test_a_chosen_requisition_with_nobody_added_still_shows_its_stages(backend):
    empty = RequisitionFactory(title="Empty")
    report = funnel(ReportFilters(Q1.date_from, Q1.date_to, requisition_id=empty.pk))
    assert [(row.title, row.cards) for row in report.rows] == [("Empty", 0)]
    assert {(s.reached, s.conversion, s.median_days) for s in report.rows[0].stages[1:]} == {(0, None, None)}


def test_passive_vs_active_conversion(backend):
    card = Card.objects.get(candidate=backend["people"]["c4"])
    with time_machine.travel(days(20), tick=False):
        pipeline_services.move_card(
            card=card, to_stage=hired_stage(backend["requisition"]), position=0, expected_version=card.version
        )

    report = seeking_conversion(Q1)

    rows = {row.seeking_status: row for row in report.rows}
    passive, active = rows["passive"], rows["active"]
    # Passive: c1 (in Interview: late), c2 and c3 (not). Active: c4 (hired) and c5 (was in Final, now Screen).
    assert (passive.cards, passive.reached_late, passive.late_rate, passive.hired, passive.hire_rate) == (
        4,
        1,
        25.0,
        0,
        0.0,
    )
    assert (active.cards, active.reached_late, active.late_rate, active.hired, active.hire_rate) == (
        2,
        2,
        100.0,
        1,
        50.0,
    )
    assert report.totals == {"cards": 6, "hired": 1, "hire_rate": 16.7}


# --- Sequences -----------------------------------------------------------------------------------------


def event(touch, kind, at, **data):
    return EngagementEvent.objects.create(
        candidate=touch.candidate, touch=touch, kind=kind, occurred_at=at, data=data
    )


@pytest.fixture
def nurture(db):
    owner = RecruiterFactory()
    sequence = SequenceFactory(name="Warm intro")
    StepFactory(sequence=sequence, position=1)
    StepFactory(sequence=sequence, position=2, channel="linkedin_message")
    people = [CandidateFactory(first_name=f"p{i}", owner=owner if i == 1 else None) for i in range(1, 5)]
    enrollments = [EnrollmentFactory(sequence=sequence, candidate=p) for p in people]
    first = [
        TouchFactory(enrollment=e, step_position=1, status="sent", sent_at=days(i), due_at=days(i))
        for i, e in enumerate(enrollments)
    ]
    second = [
        TouchFactory(
            enrollment=e, step_position=2, channel="linkedin_message", status="done", completed_at=days(20)
        )
        for e in enrollments[:2]
    ]
    # Not sent in the period, or not sent at all.
    TouchFactory(
        enrollment=enrollments[2],
        step_position=1,
        status="sent",
        sent_at=dt.datetime(2029, 12, 1, tzinfo=UTC),
    )
    TouchFactory(enrollment=enrollments[3], step_position=2, status="scheduled", due_at=days(30))
    TouchFactory(enrollment=enrollments[3], step_position=2, status="failed", due_at=days(30))
    TouchFactory(enrollment=enrollments[2], step_position=2, status="task_open", due_at=days(30))
    p1, p2, p3, p4 = first
    event(p1, "opened", days(1))
    event(p1, "opened", days(2))
    event(p1, "clicked", days(2))
    event(p1, "replied", days(3))
    event(p2, "opened", days(3))
    event(p2, "clicked", days(3), scanner=True)  # a mail scanner, not a person
    event(p3, "clicked", days(4), scanner=False)
    event(p3, "unsubscribed", days(5))
    event(p4, "clicked", days(4), other=1)
    event(second[0], "replied", days(21))
    EngagementEvent.objects.create(candidate=people[1], kind="replied", occurred_at=days(22))  # no touch
    other = SequenceFactory(name="Another")
    StepFactory(sequence=other, position=1)
    TouchFactory(enrollment__sequence=other, step_position=1, status="sent", sent_at=days(3))
    return {"sequence": sequence, "other": other, "owner": owner}


def test_sequence_performance_per_step(nurture):
    report = sequence_performance(Q1)

    table = [
        (r.sequence, r.step, r.channel, r.sent, r.opened, r.clicked, r.replied, r.unsubscribed, r.reply_rate)
        for r in report.rows
    ]
    assert table == [
        ("Another", 1, "Email", 1, 0, 0, 0, 0, 0.0),
        ("Warm intro", 1, "Email", 4, 2, 3, 1, 1, 25.0),
        ("Warm intro", 2, "LinkedIn message", 2, 0, 0, 1, 0, 50.0),
    ]
    assert report.totals == {"sent": 7, "replied": 2, "reply_rate": 28.6}


def test_steps_are_numbered_from_one_whatever_their_positions(db):
    """Steps made in the app start at position 0, and a deleted step leaves a gap: the report numbers them
    as the sequence page does (1, 2, 3), and says so of a touch of a deleted step."""
    sequence = SequenceFactory(name="Built in the app")
    for position in (0, 1, 3):
        StepFactory(sequence=sequence, position=position)
    for position in (0, 2, 3):  # 2: a step deleted since
        TouchFactory(enrollment__sequence=sequence, step_position=position, status="sent", sent_at=days(5))

    rows = sequence_performance(Q1).rows

    assert [(r.step, r.label) for r in rows] == [
        (1, "Built in the app · step 1"),
        (None, "Built in the app · a deleted step"),
        (3, "Built in the app · step 3"),
    ]


def test_sequence_performance_filters(nurture):
    only = sequence_performance(ReportFilters(Q1.date_from, Q1.date_to, sequence_id=nurture["sequence"].pk))
    assert [(r.step, r.sent, r.replied) for r in only.rows] == [(1, 4, 1), (2, 2, 1)]
    mine = sequence_performance(ReportFilters(Q1.date_from, Q1.date_to, recruiter_id=nurture["owner"].pk))
    assert [(r.step, r.sent, r.opened, r.clicked, r.replied, r.reply_rate) for r in mine.rows] == [
        (1, 1, 1, 1, 1, 100.0),
        (2, 1, 0, 0, 1, 100.0),
    ]


def test_scanner_clicks_are_left_out_and_clicks_without_the_key_kept(nurture):
    kept = EngagementEvent.objects.filter(kind="clicked").exclude(SCANNER_CLICK)
    assert sorted(e.candidate.first_name for e in kept) == ["p1", "p3", "p4"]


# --- Source of hire and referrals ----------------------------------------------------------------------


def test_source_of_hire(db):
    requisition, earlier = RequisitionFactory(title="Data"), RequisitionFactory(title="Data, last year")

    def hire(source, medal_for=None, at=T0, hired=True):
        candidate = CandidateFactory(source=source)
        if medal_for is not None:
            SilverMedal.objects.create(
                candidate=candidate,
                requisition_id=medal_for.pk,
                requisition_title=medal_for.title,
                stage_name="Final",
                progress=0.8,
            )
        on_board(
            requisition,
            candidate,
            [("Offer", at)] + ([("Hired", at + dt.timedelta(days=2))] if hired else []),
        )

    hire("applied")
    hire("sourced", medal_for=earlier)  # came second for another role: a silver medalist
    hire("sourced", medal_for=requisition)  # a medal for this very role does not count
    hire("referral")
    hire("silver_medalist")
    hire("sourced")
    hire("sourced", hired=False)  # still in Offer: not hired
    hire("applied", at=dt.datetime(2029, 11, 1, tzinfo=UTC))  # before the period

    report = source_of_hire(Q1)

    assert [(r.label, r.hires, r.share) for r in report.rows] == [
        ("Silver medalist", 2, 33.3),
        ("Sourced", 2, 33.3),
        ("Applied", 1, 16.7),
        ("Referral", 1, 16.7),
    ]
    assert report.totals == {"hires": 6}


def test_a_hire_is_a_card_in_process_in_a_stage_marked_hired(db):
    requisition = RequisitionFactory(title="Ops")
    started = pipeline_stages.add_stage(pipeline=requisition.pipeline, name="Started")
    hired = on_board(requisition, CandidateFactory(source="referral"), [("Offer", T0), ("Hired", days(3))])
    on_board(requisition, CandidateFactory(source="event"), [("Offer", T0), ("Started", days(4))])
    declined = on_board(requisition, CandidateFactory(), [("Offer", T0), ("Hired", days(3))])
    pipeline_services.reject_card(card=declined, category="other", reason="Reneged on the offer")
    on_board(requisition, CandidateFactory(), [("Offer", T0), ("Hired", days(3)), ("Offer", days(4))])
    talent = pipeline_services.get_or_create_talent_board()
    pipeline_services.add_card(pipeline=talent, candidate=hired.candidate, stage=talent.stages.last())

    assert source_of_hire(Q1).totals == {"hires": 1}
    assert seeking_conversion(Q1).totals == {"cards": 4, "hired": 1, "hire_rate": 25.0}

    pipeline_stages.update_stage(
        stage=started, name="Started", is_late=False, is_shortlist=False, is_hired=True
    )

    assert [(r.label, r.hires) for r in source_of_hire(Q1).rows] == [("Event", 1), ("Referral", 1)]
    assert seeking_conversion(Q1).totals == {"cards": 4, "hired": 2, "hire_rate": 50.0}


def test_referral_leaderboard_counts_only_statuses_the_board_set(db):
    ada, bo, cy = (EmployeeFactory(first_name=n, last_name="Staff") for n in ("Ada", "Bo", "Cy"))
    with time_machine.travel(T0, tick=False):
        referrals = [(ada, "new", False), (ada, "in_process", True), (ada, "hired", True)]
        referrals += [(bo, "hired", True), (bo, "hired", True), (cy, "not_selected", True)]
        referrals += [(cy, "hired", False), (cy, "interviewing", False)]  # set by hand: not counted
        for referrer, status, from_board in referrals:
            ReferralFactory(referrer=referrer, status=status, from_board=from_board)
    with time_machine.travel(dt.datetime(2029, 6, 1, tzinfo=UTC), tick=False):
        ReferralFactory(referrer=ada, status=Referral.Status.HIRED, from_board=True)

    report = referral_leaderboard(Q1)

    assert [(r.name, r.referrals, r.in_process, r.hired) for r in report.rows] == [
        ("Bo Staff", 2, 2, 2),
        ("Ada Staff", 3, 2, 1),
        ("Cy Staff", 3, 1, 0),
    ]
    assert report.totals == {"referrers": 3, "referrals": 8, "hired": 3}


# --- Time to ready to talk -----------------------------------------------------------------------------


@pytest.fixture
def talent(db):
    board = pipeline_services.get_or_create_talent_board()
    ready = board.stages.get(name="Ready to talk")
    owner = RecruiterFactory()

    def ready_at(at, seeking_status="passive", **fields):
        candidate = CandidateFactory(seeking_status=seeking_status, **fields)
        with time_machine.travel(at, tick=False):
            pipeline_services.add_card(pipeline=board, candidate=candidate, stage=ready)
        return candidate

    def touched(candidate, at, status="sent"):
        field = "sent_at" if status == "sent" else "completed_at"
        return TouchFactory(enrollment__candidate=candidate, status=status, due_at=at, **{field: at})

    r1 = ready_at(days(40), owner=owner)
    touched(r1, T0)
    r2 = ready_at(days(20))
    EngagementEvent.objects.create(candidate=r2, kind="connected", occurred_at=days(10))
    touched(r2, days(30))  # after Ready to talk: the connection came first
    r3 = ready_at(days(200))
    touched(r3, T0, status="done")
    touched(r3, days(5))
    r8 = ready_at(days(150))
    touched(r8, days(150 - 91))
    ready_at(days(60))  # never touched
    touched(ready_at(days(60), seeking_status="active"), T0)  # active: not this report
    touched(ready_at(dt.datetime(2029, 12, 1, tzinfo=UTC)), dt.datetime(2029, 11, 1, tzinfo=UTC))
    return {"owner": owner}


def test_time_from_first_touch_to_ready_to_talk(talent):
    report = time_to_ready(YEAR)

    assert [(r.label, r.candidates) for r in report.rows] == [
        ("Under 30 days", 1),
        ("30 to 89 days", 1),
        ("90 to 179 days", 1),
        ("180 days or more", 1),
    ]
    assert report.totals == {"candidates": 4, "median_days": 65.5, "no_touch": 1}  # 10, 40, 91, 200 days


def test_time_to_ready_for_one_recruiter(talent):
    report = time_to_ready(ReportFilters(YEAR.date_from, YEAR.date_to, recruiter_id=talent["owner"].pk))
    assert report.totals == {"candidates": 1, "median_days": 40.0, "no_touch": 0}


def test_empty_period_gives_empty_reports(db):
    empty = reports.all_reports(Q1)
    assert empty["funnel"].rows == [] and empty["sequences"].totals["reply_rate"] is None
    assert [r.cards for r in empty["conversion"].rows] == [0, 0]
    assert empty["sources"].rows == [] and empty["referrals"].rows == []
    assert empty["ready"].totals == {"candidates": 0, "median_days": None, "no_touch": 0}


# --- A constant number of queries ----------------------------------------------------------------------

QUERIES = {
    "funnel": 3,
    "sequences": 3,
    "conversion": 1,
    "sources": 1,
    "referrals": 1,
    "ready": 1,
    "deliverability": 2,  # the settings, and nothing sent in its 30 days: tests/recruiting/test_deliverability.py
}


def add_history(n: int, requisition, board, sequence) -> None:
    """n more people with a bit of everything: board moves, a hire, touches and events, a referral."""
    ready = board.stages.get(name="Ready to talk")
    for i in range(n):
        candidate = CandidateFactory(source="referral" if i % 2 else "sourced")
        on_board(
            requisition,
            candidate,
            [("Sourced", days(i)), ("Screen", days(i + 1)), ("Offer", days(i + 3))]
            + ([("Hired", days(i + 5))] if i % 3 == 0 else []),
        )
        touch = TouchFactory(
            enrollment__sequence=sequence,
            enrollment__candidate=candidate,
            step_position=i % 3,
            status="sent",
            sent_at=days(i),
            due_at=days(i),
        )
        event(touch, "replied", days(i + 1))
        event(touch, "clicked", days(i + 1), scanner=True)
        ReferralFactory(candidate=candidate)
        with time_machine.travel(days(i + 10), tick=False):
            pipeline_services.add_card(pipeline=board, candidate=candidate, stage=ready)


@pytest.mark.parametrize("name", list(QUERIES))
def test_each_report_is_a_constant_number_of_queries(db, django_assert_num_queries, name):
    requisition, board = RequisitionFactory(), pipeline_services.get_or_create_talent_board()
    sequence, report = SequenceFactory(), reports.REPORTS[name]
    add_history(1, requisition, board, sequence)
    with django_assert_num_queries(QUERIES[name]):
        report(Q1)
    add_history(8, RequisitionFactory(), board, SequenceFactory())
    with django_assert_num_queries(QUERIES[name]):
        report(Q1)
