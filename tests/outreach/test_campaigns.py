from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from candidates.models import Candidate
from outreach import conversation, tasks
from outreach.enrollment import enroll
from outreach.models import Enrollment, PlannedRoleCampaign
from tests.factories import (
    CandidateFactory,
    CardFactory,
    RequisitionFactory,
    SequenceFactory,
    StepFactory,
    TalentPoolFactory,
)

TODAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def sequence(db):
    sequence = SequenceFactory(name="Platform warm-up", min_gap_days=0)
    StepFactory(
        sequence=sequence, position=0, delay_amount=0, channel="linkedin_connect", subject="", body="Hi"
    )
    return sequence


@pytest.fixture
def role(db):
    """A planned role six months away, fed by a static pool and a smart pool."""
    static, smart = (
        TalentPoolFactory(name="Platform people"),
        TalentPoolFactory(name="Rust people", kind="smart", query={"skills": "Rust"}),
    )
    return RequisitionFactory(
        title="Platform lead", status="planned", expected_open_date=date(2027, 6, 1), pools=[static, smart]
    )


def people(role, sequence):
    static = role.pools.get(kind="static")
    ok = CandidateFactory(first_name="Ok")
    rustacean = CandidateFactory(first_name="Rustacean", skills=["Rust"])
    both = CandidateFactory(first_name="Both", skills=["Rust"])
    unsubscribed = CandidateFactory(first_name="Gone", unsubscribed_at=TODAY)
    dnc = CandidateFactory(first_name="Dnc", do_not_contact=True)
    snoozed = CandidateFactory(first_name="Later", snoozed_until=date(2027, 9, 1))
    enrolled = CandidateFactory(first_name="Already")
    enroll(candidate=enrolled, sequence=sequence, by=None, now=TODAY)
    interviewing = CandidateFactory(first_name="Busy")
    CardFactory(candidate=interviewing)
    static.members.add(ok, both, unsubscribed, dnc, snoozed, enrolled, interviewing)
    return {"ok": ok, "rustacean": rustacean, "both": both}


def test_campaign_starts_four_months_before_the_role_opens_and_skips_who_must_be_skipped(
    role, sequence, recruiter
):
    expected = people(role, sequence)
    campaign = conversation.create_campaign(
        sequence=sequence, requisition=role, months_before=4, by=recruiter
    )
    assert campaign.starts_on == date(2027, 2, 1)
    before = Enrollment.objects.count()

    call_command("dispatch_touches", "--now", "2027-01-31T23:00:00Z")
    campaign.refresh_from_db()
    assert campaign.started_at is None and Enrollment.objects.count() == before

    call_command("dispatch_touches", "--now", "2027-02-01T08:00:00Z")
    campaign.refresh_from_db()
    assert campaign.started_at == datetime(2027, 2, 1, 8, tzinfo=UTC)
    enrolled = Candidate.objects.filter(enrollments__sequence=sequence, enrollments__enrolled_by=recruiter)
    assert set(enrolled) == set(expected.values())
    assert campaign.enrolled_count == 3
    assert sorted((s["name"].split()[0], s["reason"]) for s in campaign.skipped) == [
        ("Already", "already enrolled"),
        ("Busy", "in an active hiring process"),
        ("Dnc", "do not contact"),
        ("Gone", "unsubscribed"),
        ("Later", "asked us to check back after 1 Sep 2027"),
    ]

    call_command("dispatch_touches", "--now", "2027-02-02T08:00:00Z")  # started once only
    assert Enrollment.objects.filter(sequence=sequence).count() == 4


def test_a_campaign_is_claimed_once(role, sequence):
    people(role, sequence)
    campaign = conversation.create_campaign(sequence=sequence, requisition=role, months_before=4, by=None)
    when = datetime(2027, 3, 1, tzinfo=UTC)
    assert conversation.start_due_campaigns(now=when) == [campaign]
    assert conversation.start_due_campaigns(now=when) == []
    stale = PlannedRoleCampaign.objects.get(pk=campaign.pk)
    stale.started_at = None  # a second worker that read the row before the first claimed it
    assert conversation._start_campaign(stale, when) is False


def test_closed_roles_and_paused_sequences_do_not_start(role, sequence):
    people(role, sequence)
    conversation.create_campaign(sequence=sequence, requisition=role, months_before=4, by=None)
    sequence.status = "paused"
    sequence.save()
    assert conversation.start_due_campaigns(now=datetime(2027, 3, 1, tzinfo=UTC)) == []
    sequence.status = "active"
    sequence.save()
    role.status = "closed"
    role.save()
    assert conversation.start_due_campaigns(now=datetime(2027, 3, 1, tzinfo=UTC)) == []


def test_the_beat_task_starts_due_campaigns(role, sequence, time_machine):
    people(role, sequence)
    conversation.create_campaign(sequence=sequence, requisition=role, months_before=4, by=None)
    time_machine.move_to(datetime(2027, 2, 1, 10, tzinfo=UTC), tick=False)
    assert tasks.dispatch_due_touches()["campaigns_started"] == 1


def test_recruiter_plans_a_sequence_for_a_planned_role_on_the_sequence_page(
    client, recruiter, role, sequence
):
    RequisitionFactory(title="Open role", status="open")
    client.force_login(recruiter)
    page = client.get(reverse("outreach:sequence", args=[sequence.pk])).content.decode()
    assert "Platform lead" in page and "Open role" not in page
    url = reverse("outreach:campaign_add", args=[sequence.pk])
    response = client.post(url, {"requisition": role.pk, "months_before": 4})
    assert response.status_code == 200 and "Starts 1 Feb 2027" in response.content.decode()
    campaign = PlannedRoleCampaign.objects.get()
    assert (campaign.requisition, campaign.months_before, campaign.created_by) == (role, 4, recruiter)
    again = client.post(url, {"requisition": role.pk, "months_before": 3})
    assert again.status_code == 422
    assert "This sequence is already planned for that role." in again.content.decode()
    bad = client.post(url, {"requisition": role.pk, "months_before": 0})
    assert bad.status_code == 422 and "greater than or equal to 1" in bad.content.decode()


@pytest.mark.parametrize(("role_name", "expected"), [("admin", 200), ("manager", 403), ("employee", 403)])
def test_planning_a_campaign_by_role(client, users_by_role, role, sequence, role_name, expected):
    client.force_login(users_by_role[role_name])
    response = client.post(
        reverse("outreach:campaign_add", args=[sequence.pk]), {"requisition": role.pk, "months_before": 4}
    )
    assert response.status_code == expected
    assert PlannedRoleCampaign.objects.count() == (1 if expected == 200 else 0)


def test_anonymous_cannot_plan_a_campaign(client, role, sequence):
    response = client.post(
        reverse("outreach:campaign_add", args=[sequence.pk]), {"requisition": role.pk, "months_before": 4}
    )
    assert response.status_code == 302 and PlannedRoleCampaign.objects.count() == 0
