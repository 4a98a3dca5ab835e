import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import PoolMembership
from pipelines.models import Requisition, TalentReview
from tests.factories import CandidateFactory, HiringManagerFactory, RequisitionFactory, TalentPoolFactory


@pytest.fixture
def planned(hiring_manager):
    pool = TalentPoolFactory()
    requisition = RequisitionFactory(
        status=Requisition.Status.PLANNED, hiring_manager=hiring_manager, pools=[pool]
    )
    people = {
        "warm": CandidateFactory(first_name="Warm", engagement_score=90, skills=["Rust"]),
        "cool": CandidateFactory(first_name="Cool", engagement_score=20),
        "active": CandidateFactory(first_name="Looking", engagement_score=95, seeking_status="active"),
        "erased": CandidateFactory(first_name="Gone", engagement_score=99, erased_at=timezone.now()),
        "dnc": CandidateFactory(first_name="Nocontact", engagement_score=98, do_not_contact=True),
    }
    for candidate in people.values():
        PoolMembership.objects.create(pool=pool, candidate=candidate)
    CandidateFactory(first_name="Outsider", engagement_score=100)
    return requisition, people


def answer(client, requisition, candidate, **data):
    return client.post(
        reverse("pipelines:talent_review_answer", args=[requisition.pk, candidate.pk]),
        data,
        headers={"HX-Request": "true"},
    )


def test_manager_sees_the_warmest_passive_people_of_the_role_pools(client, hiring_manager, planned):
    requisition, _ = planned
    client.force_login(hiring_manager)
    response = client.get(reverse("pipelines:talent_review", args=[requisition.pk]))
    assert response.status_code == 200
    assert [c.first_name for c in response.context["page"]] == ["Warm", "Cool"]
    html = response.content.decode()
    assert "Rust" in html and "Would you talk to Warm" in html


def test_answer_swaps_the_row_and_can_change(client, hiring_manager, planned):
    requisition, people = planned
    client.force_login(hiring_manager)
    response = answer(client, requisition, people["warm"], answer="yes", reason="Strong Rust background")
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith(
        f'\n<li class="talent-row" id="talent-{people["warm"].pk}"'
    )
    assert "<strong>Yes</strong>" in html and "Strong Rust background" in html
    answer(client, requisition, people["warm"], answer="later")
    review = TalentReview.objects.get()
    assert (review.answer, review.reason) == ("later", "")
    assert answer(client, requisition, people["warm"], answer="maybe").status_code == 422
    assert answer(client, requisition, people["erased"], answer="yes").status_code == 404


def test_recruiter_sees_the_answers_on_the_requisition(client, recruiter, hiring_manager, planned):
    requisition, people = planned
    client.force_login(hiring_manager)
    answer(client, requisition, people["warm"], answer="yes", reason="Strong Rust background")
    answer(client, requisition, people["cool"], answer="no")
    client.force_login(recruiter)
    response = client.get(requisition.get_absolute_url())
    assert response.context["talent_answers"]["counts"] == {"yes": 1, "later": 0, "no": 1}
    html = response.content.decode()
    assert "Strong Rust background" in html and people["warm"].full_name in html


def test_others_cannot_review(client, users_by_role, planned):
    requisition, _ = planned
    url = reverse("pipelines:talent_review", args=[requisition.pk])
    client.force_login(HiringManagerFactory())
    assert client.get(url).status_code == 404
    client.force_login(users_by_role["employee"])
    assert client.get(url).status_code == 404
    client.force_login(users_by_role["recruiter"])
    assert client.get(url).status_code == 403


def test_only_planned_roles_have_a_talent_review(client, hiring_manager):
    requisition = RequisitionFactory(status=Requisition.Status.OPEN, hiring_manager=hiring_manager)
    client.force_login(hiring_manager)
    assert client.get(reverse("pipelines:talent_review", args=[requisition.pk])).status_code == 404


def test_managers_home_links_planned_roles_to_talent_review(client, hiring_manager, planned):
    requisition, _ = planned
    client.force_login(hiring_manager)
    html = client.get(reverse("home")).content.decode()
    assert reverse("pipelines:talent_review", args=[requisition.pk]) in html
