import pytest
from django.core import mail
from django.urls import reverse

from pipelines import services
from pipelines.models import ShortlistReview
from tests.factories import CandidateFactory, RecruiterFactory, RequisitionFactory, stage_named


@pytest.fixture
def shortlisted(hiring_manager):
    recruiter = RecruiterFactory(email="rita@example.com")
    requisition = RequisitionFactory(
        hiring_manager=hiring_manager, recruiter=recruiter, title="Staff Engineer"
    )
    card = services.add_card(
        pipeline=requisition.pipeline,
        candidate=CandidateFactory(first_name="Ada", last_name="Lovelace"),
        stage=stage_named(requisition, "Interview"),
        pitch="Built the first compiler for our stack.",
    )
    return requisition, card, recruiter


def review(client, card, decision, comment=""):
    return client.post(
        reverse("pipelines:shortlist_review", args=[card.pk]),
        {"decision": decision, "comment": comment},
        headers={"HX-Request": "true"},
    )


def test_manager_declines_with_a_comment_and_the_recruiter_hears_of_it(
    client, hiring_manager, shortlisted, django_capture_on_commit_callbacks
):
    requisition, card, recruiter = shortlisted
    client.force_login(hiring_manager)
    page = client.get(reverse("pipelines:shortlist", args=[requisition.pk])).content.decode()
    assert "Built the first compiler" in page and "Your decision" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = review(client, card, "decline", "Not enough distributed systems depth")
    assert response.status_code == 200
    assert "Not enough distributed systems depth" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["rita@example.com"] and "Decline" in message.subject
    assert card.candidate.activities.filter(kind="review").exists()

    client.force_login(recruiter)
    board = client.get(reverse("pipelines:board", args=[requisition.pk])).content.decode()
    assert "decision-badge-decline" in board
    decisions = client.get(reverse("pipelines:decisions")).content.decode()
    assert "Ada Lovelace" in decisions
    review_id = ShortlistReview.objects.get().pk
    assert client.post(reverse("pipelines:decision_acknowledge", args=[review_id])).status_code == 200
    assert "Ada Lovelace" not in client.get(reverse("pipelines:decisions")).content.decode()


def test_decline_needs_a_reason_and_bad_decisions_are_refused(client, hiring_manager, shortlisted):
    _, card, _ = shortlisted
    client.force_login(hiring_manager)
    assert review(client, card, "decline").status_code == 422
    assert review(client, card, "maybe").status_code == 422
    assert not ShortlistReview.objects.exists()


def test_another_manager_cannot_see_or_decide(client, shortlisted):
    from tests.factories import HiringManagerFactory

    requisition, card, _ = shortlisted
    client.force_login(HiringManagerFactory())
    assert client.get(reverse("pipelines:shortlist", args=[requisition.pk])).status_code == 404
    assert review(client, card, "advance").status_code == 404


def test_recruiter_sees_the_shortlist_but_cannot_decide(client, recruiter, shortlisted):
    requisition, card, _ = shortlisted
    client.force_login(recruiter)
    page = client.get(reverse("pipelines:shortlist", args=[requisition.pk])).content.decode()
    assert "Your decision" not in page
    assert review(client, card, "advance").status_code == 403


def test_cards_outside_shortlist_stages_cannot_be_reviewed(client, hiring_manager, shortlisted):
    requisition, _, _ = shortlisted
    sourced_card = services.add_card(pipeline=requisition.pipeline, candidate=CandidateFactory())
    client.force_login(hiring_manager)
    assert review(client, sourced_card, "advance").status_code == 404


@pytest.mark.parametrize(("role", "expected"), [("manager", 403), ("employee", 403), ("recruiter", 200)])
def test_decisions_page_by_role(client, users_by_role, role, expected):
    client.force_login(users_by_role[role])
    assert client.get(reverse("pipelines:decisions")).status_code == expected


def test_review_object_permissions(hiring_manager, shortlisted):
    from tests.factories import HiringManagerFactory

    _, card, recruiter = shortlisted
    review = services.review_shortlisted_card(card=card, reviewer=hiring_manager, decision="hold")
    assert hiring_manager.has_perm("pipelines.view_shortlistreview", review)
    assert recruiter.has_perm("pipelines.view_shortlistreview", review)
    assert not HiringManagerFactory().has_perm("pipelines.view_shortlistreview", review)
