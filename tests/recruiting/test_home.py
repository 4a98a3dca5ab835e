"""The home page by role: the recruiter's day, the admin's alerts, the manager's shortlists, the employee's referrals."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from outreach.models import EngagementEvent
from outreach.selectors import sending_rates
from pipelines.models import ShortlistReview
from recruiting import selectors
from recruiting.models import InsightSettings
from tests.factories import (
    CandidateFactory,
    CardFactory,
    HiringManagerFactory,
    RecruiterFactory,
    ReferralFactory,
    RequisitionFactory,
    SequenceFactory,
    TouchFactory,
    stage_named,
)

NOW = dt.datetime(2030, 2, 15, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def names(candidates) -> list[str]:
    return [c.first_name for c in candidates]


@pytest.fixture
def day(recruiter):
    """A recruiter's day: tasks, a decision, people warming up, snoozes ending, people gone quiet."""
    colleague = RecruiterFactory()

    def mine(name, **fields):
        return CandidateFactory(first_name=name, owner=fields.pop("owner", recruiter), **fields)

    TouchFactory(status="task_open", channel="call", assignee=recruiter, due_at=ago(2))
    TouchFactory(status="task_open", channel="call", assignee=recruiter, due_at=NOW + dt.timedelta(hours=2))
    TouchFactory(status="task_open", channel="call", assignee=colleague, due_at=ago(2))

    role = RequisitionFactory(title="Backend", recruiter=recruiter)
    card = CardFactory(pipeline=role.pipeline, stage=stage_named(role, "Interview"), candidate=mine("Dana"))
    ShortlistReview.objects.create(card=card, reviewer=role.hiring_manager, decision="advance")
    theirs = RequisitionFactory(title="Theirs", recruiter=colleague)
    other_card = CardFactory(pipeline=theirs.pipeline, stage=stage_named(theirs, "Interview"))
    ShortlistReview.objects.create(card=other_card, reviewer=theirs.hiring_manager, decision="decline")

    def engaged(candidate, kind, days, **data):
        EngagementEvent.objects.create(candidate=candidate, kind=kind, occurred_at=ago(days), data=data)
        return candidate

    engaged(engaged(mine("Wren"), "replied", 2), "clicked", 1)
    engaged(mine("Wade", engagement_score=80), "connected", 6)
    engaged(mine("Scan"), "clicked", 1, scanner=True)  # a mail scanner, not a person
    engaged(mine("Opal"), "opened", 1)  # opens do not count
    engaged(mine("Late"), "replied", 8)  # more than a week ago
    engaged(mine("Cole", owner=colleague), "replied", 1)

    mine("Sia", snoozed_until=TODAY + dt.timedelta(days=3))
    mine("Sol", snoozed_until=TODAY)
    mine("Sky", snoozed_until=TODAY + dt.timedelta(days=10))
    mine("Sam", snoozed_until=TODAY - dt.timedelta(days=1))

    mine("Quinn", last_contacted_at=ago(61))
    mine("Quip", last_contacted_at=ago(59))
    with time_machine.travel(ago(100), tick=False):
        mine("Nova")  # never contacted, added 100 days ago
        mine("Nash", seeking_status="active")
        mine("Dnc", do_not_contact=True)
        mine("Zed", snoozed_until=TODAY + dt.timedelta(days=30))
        mine("Col", owner=colleague)

    RequisitionFactory(
        title="Planned, no pools", status="planned", expected_open_date=TODAY.replace(year=2031)
    )
    RequisitionFactory(title="Open, no pools", status="open")
    return {"colleague": colleague}


def test_recruiter_home_shows_their_day(client, recruiter, day):
    client.force_login(recruiter)
    response = client.get(reverse("home"))
    html = response.content.decode()
    context = response.context

    assert '<span id="tasks-overdue" class="text-danger">1 overdue</span>' in html
    assert '<span id="tasks-today">1 due today</span>' in html
    assert [review.card.candidate.first_name for review in context["decisions"]] == ["Dana"]
    assert names(context["warming_up"]) == ["Wren", "Wade"]  # two events first, then one
    assert [c.recent_events for c in context["warming_up"]] == [2, 1]
    assert names(context["snoozed"]) == ["Sol", "Sia"]
    assert names(context["gone_quiet"]) == ["Nova", "Quinn"]
    assert [role.requisition.title for role in context["low_coverage"]] == ["Planned, no pools"]
    for section in ["my-tasks", "decisions-waiting", "warming-up", "snoozed-coming-back", "gone-quiet"]:
        assert f'id="{section}"' in html
    assert "No touch for 60 days" in html
    assert 'id="sequence-alerts"' not in html and 'id="failed-touches"' not in html


def test_staleness_follows_the_admins_rule(recruiter, day):
    settings = InsightSettings.current()
    settings.stale_after_days = 30
    settings.save()
    assert names(selectors.gone_quiet(recruiter, NOW, settings)) == ["Nova", "Quinn", "Quip"]


def test_admin_sees_everyones_people_and_the_alerts(client, admin_user, day):
    healthy, unsubscribes, bounces = (SequenceFactory(name=n) for n in ("Healthy", "Unsubscribes", "Bounces"))
    plan = [(healthy, 10, "", 0), (unsubscribes, 10, "unsubscribed", 1), (bounces, 4, "bounced", 1)]
    for sequence, sent, kind, people in plan:
        touches = [
            TouchFactory(enrollment__sequence=sequence, status="sent", sent_at=ago(3), due_at=ago(3))
            for _ in range(sent)
        ]
        for touch in touches[:people]:
            EngagementEvent.objects.create(
                candidate=touch.candidate, touch=touch, kind=kind, occurred_at=ago(2)
            )
    old = TouchFactory(enrollment__sequence=healthy, status="sent", sent_at=ago(40), due_at=ago(40))
    EngagementEvent.objects.create(
        candidate=old.candidate, touch=old, kind="unsubscribed", occurred_at=ago(39)
    )
    failed = TouchFactory(status="failed", due_at=ago(3), last_error="SMTPRecipientsRefused")
    TouchFactory(status="failed", due_at=ago(40))

    client.force_login(admin_user)
    response = client.get(reverse("home"))
    context, html = response.context, response.content.decode()

    assert [(a.name, a.sent, a.unsubscribe_rate, a.bounce_rate) for a in context["sequence_alerts"]] == [
        ("Bounces", 4, 0.0, 25.0),
        ("Unsubscribes", 10, 10.0, 0.0),
    ]
    assert list(context["failed_touches"]) == [failed]
    assert "25.0% bounced" in html and "10.0% unsubscribed" in html
    assert "SMTPRecipientsRefused" in html
    assert "Cole" in names(context["warming_up"])
    assert "Col" in names(context["gone_quiet"])


def test_alert_thresholds_are_the_admins(admin_user, day):
    sequence = SequenceFactory(name="Borderline")
    touches = [TouchFactory(enrollment__sequence=sequence, status="sent", sent_at=ago(1)) for _ in range(50)]
    EngagementEvent.objects.create(
        candidate=touches[0].candidate, touch=touches[0], kind="unsubscribed", occurred_at=ago(1)
    )
    settings = InsightSettings.current()
    alerts = selectors.sequence_alerts(sending_rates(until=NOW), settings)
    assert [(a.name, a.unsubscribe_rate) for a in alerts] == [("Borderline", 2.0)]  # at the threshold
    settings.unsubscribe_alert_percent = 3
    assert selectors.sequence_alerts(sending_rates(until=NOW), settings) == []


def test_hiring_manager_home_shows_shortlists_waiting(client, db):
    manager = HiringManagerFactory()
    role = RequisitionFactory(title="Data", hiring_manager=manager)
    CardFactory(pipeline=role.pipeline, stage=stage_named(role, "Final"), candidate__first_name="Ines")
    client.force_login(manager)
    html = client.get(reverse("home")).content.decode()
    assert 'id="shortlists-waiting"' in html and "Ines" in html
    assert 'id="warming-up"' not in html and 'id="stats"' not in html


def test_employee_home_shows_their_referrals(client, employee):
    ReferralFactory(referrer=employee, candidate__first_name="Rhea")
    client.force_login(employee)
    html = client.get(reverse("home")).content.decode()
    assert 'id="my-referrals"' in html and "Rhea" in html
    assert 'id="my-tasks"' not in html


def test_other_recruiters_people_stay_off_my_home(recruiter, day):
    assert "Cole" not in names(selectors.warming_up(recruiter, NOW))
    assert "Col" not in names(selectors.gone_quiet(recruiter, NOW, InsightSettings.current()))
    colleague = day["colleague"]
    assert names(selectors.warming_up(colleague, NOW)) == ["Cole"]
    assert names(selectors.snoozed_coming_back(colleague, TODAY)) == []
