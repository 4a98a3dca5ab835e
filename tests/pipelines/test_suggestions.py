"""The requisition page: industry and skills, and "Suggested from your database" for the recruiting team only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import SilverMedal, Skill
from pipelines import services
from pipelines.selectors import suggestions_for
from tests.factories import CandidateFactory, RequisitionFactory, stage_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def role(hiring_manager):
    requisition = RequisitionFactory(
        title="Senior Backend Engineer", industry="Fintech", hiring_manager=hiring_manager
    )
    requisition.skills.set([Skill.objects.create(name="Python"), Skill.objects.create(name="Django")])
    return requisition


@pytest.fixture
def medalist():
    ada = CandidateFactory(
        first_name="Ada", last_name="Lovelace", title="Platform Engineer", industry="Fintech"
    )
    earlier = RequisitionFactory(title="Backend Engineer")
    medal = candidate_services.add_silver_medalist(
        candidate=ada, requisition=earlier, stage=stage_named(earlier, "Final"), reason="timing"
    )
    SilverMedal.objects.filter(pk=medal.pk).update(created_at=timezone.now() - timedelta(days=125))
    return ada


def test_recruiter_sees_suggestions_with_reasons(client, recruiter, role, medalist):
    client.force_login(recruiter)
    response = client.get(reverse("pipelines:requisition", args=[role.pk]))
    html = response.content.decode()
    assert 'id="suggestions"' in html
    assert f'id="suggestion-{medalist.pk}"' in html
    assert "Reached Final for Backend Engineer 4 months ago · Turned down for timing" in html
    assert "Fintech" in html and ">Python<" in html and ">Django<" in html


def test_hiring_manager_never_sees_suggestions(client, hiring_manager, role, medalist):
    client.force_login(hiring_manager)
    response = client.get(reverse("pipelines:requisition", args=[role.pk]))
    assert response.status_code == 200
    assert response.context["suggestions"] is None
    html = response.content.decode()
    assert "Suggested from your database" not in html and "Ada Lovelace" not in html


def test_people_already_on_the_board_are_not_suggested(role, medalist):
    assert [s.candidate for s in suggestions_for(role)] == [medalist]
    services.add_card(pipeline=role.pipeline, candidate=medalist)
    assert suggestions_for(role) == []


def test_suggestions_use_the_requisitions_skills_and_industry(role):
    pythonista = CandidateFactory(title="Gardener", industry="Retail")
    candidate_services.set_skills(pythonista, ["python"])
    fintech = CandidateFactory(title="Gardener", industry="fintech")
    CandidateFactory(title="Gardener", industry="Retail")
    suggested = {s.candidate for s in suggestions_for(role)}
    assert suggested == {pythonista, fintech}
