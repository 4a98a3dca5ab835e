"""Structured feedback: a role's criteria, ratings and a recommendation, others' feedback once yours is in."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pipelines import feedback, services
from pipelines.models import Feedback
from tests.factories import CandidateFactory, HiringManagerFactory, RecruiterFactory, RequisitionFactory


@pytest.fixture
def role(hiring_manager):
    role = RequisitionFactory(title="Data Engineer", hiring_manager=hiring_manager)
    feedback.set_criteria(requisition=role, names=["Rust", "System design"])
    return role


@pytest.fixture
def card(role):
    return services.add_card(pipeline=role.pipeline, candidate=CandidateFactory(first_name="Ada"))


def ratings_post(role, recommendation=3, comment="", **values):
    data = {"recommendation": recommendation, "comment": comment}
    for criterion in role.criteria.all():
        data[f"rating_{criterion.pk}"] = values.get(criterion.name.split()[0].lower(), 4)
    return data


def test_criteria_are_kept_in_order_without_repeats_and_keep_their_ids(role, recruiter):
    rust = role.criteria.get(name="Rust")
    feedback.set_criteria(requisition=role, names=["  Communication ", "rust", "", "RUST", "System design"])
    assert list(role.criteria.values_list("name", flat=True)) == ["Communication", "rust", "System design"]
    assert role.criteria.get(name="rust").pk == rust.pk


def test_the_recruiting_team_sets_criteria_on_the_role_page(client, recruiter, hiring_manager, role):
    url = reverse("pipelines:requisition_criteria", args=[role.pk])
    client.force_login(recruiter)
    page = client.get(role.get_absolute_url()).content.decode()
    assert 'id="criteria"' in page and "Save criteria" in page
    client.post(url, {"criteria": "Rust\nCommunication"})
    assert list(role.criteria.values_list("name", flat=True)) == ["Rust", "Communication"]
    client.force_login(hiring_manager)
    assert client.post(url, {"criteria": "Nothing"}).status_code == 403
    assert "Save criteria" not in client.get(role.get_absolute_url()).content.decode()


def test_a_reviewer_sees_others_feedback_only_after_giving_theirs(client, hiring_manager, role, card):
    colleague = RecruiterFactory(first_name="Rita", last_name="R")
    feedback.give_feedback(
        card=card,
        reviewer=colleague,
        recommendation=Feedback.Recommendation.STRONG_YES,
        ratings={c.pk: 5 for c in role.criteria.all()},
        comment="Excellent <b>Rust</b>",
    )
    url = reverse("pipelines:card_feedback", args=[card.pk])
    client.force_login(hiring_manager)
    before = client.get(url).content.decode()
    assert "Excellent" not in before and "1 other reviewer gave feedback" in before
    response = client.post(url, ratings_post(role, recommendation=2, comment="Not enough design", rust=3))
    assert response.status_code == 302
    after = client.get(url).content.decode()
    assert "Excellent &lt;b&gt;Rust&lt;/b&gt;" in after and "Rita R: Strong yes" in after
    assert "1 no, 1 strong yes" in after
    mine = Feedback.objects.get(reviewer=hiring_manager)
    assert mine.recommendation == 2 and mine.ratings[str(role.criteria.get(name="Rust").pk)] == 3
    assert card.candidate.activities.filter(summary__contains="no for Data Engineer").exists()


def test_the_recruiting_team_sees_all_feedback_without_giving_any(
    client, admin_user, hiring_manager, role, card
):
    feedback.give_feedback(
        card=card,
        reviewer=hiring_manager,
        recommendation=Feedback.Recommendation.YES,
        ratings={c.pk: 4 for c in role.criteria.all()},
        comment="Solid",
    )
    client.force_login(admin_user)
    assert "Solid" in client.get(reverse("pipelines:card_feedback", args=[card.pk])).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        lambda role: ratings_post(role, recommendation=9),
        lambda role: {k: v for k, v in ratings_post(role).items() if not k.startswith("rating_")},
        lambda role: ratings_post(role, rust=6),
    ],
)
def test_bad_feedback_is_refused(client, hiring_manager, role, card, data):
    client.force_login(hiring_manager)
    response = client.post(reverse("pipelines:card_feedback", args=[card.pk]), data(role))
    assert response.status_code == 422 and not Feedback.objects.exists()


def test_the_service_wants_every_criterion_rated(hiring_manager, role, card):
    with pytest.raises(ValidationError, match="Rate every criterion"):
        feedback.give_feedback(card=card, reviewer=hiring_manager, recommendation=3, ratings={})
    with pytest.raises(ValidationError, match="Rate every criterion"):
        feedback.give_feedback(
            card=card,
            reviewer=hiring_manager,
            recommendation=3,
            ratings={c.pk: 0 for c in role.criteria.all()},
        )
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("recruiter", 200), ("manager", 200), ("other_manager", 404), ("employee", 403)],
)
def test_who_may_open_the_feedback_page(client, users_by_role, card, who, status):
    user = HiringManagerFactory() if who == "other_manager" else users_by_role[who]
    client.force_login(user)
    assert client.get(reverse("pipelines:card_feedback", args=[card.pk])).status_code == status
    other_role_criteria = reverse("pipelines:requisition_criteria", args=[card.pipeline.requisition.pk])
    if who == "other_manager":
        assert client.post(other_role_criteria, {"criteria": "x"}).status_code == 404


def test_the_board_card_shows_the_recommendations(client, recruiter, hiring_manager, role, card):
    client.force_login(recruiter)
    board = reverse("pipelines:board", args=[role.pk])
    assert "Feedback:" not in client.get(board).content.decode()
    for reviewer, recommendation in [(hiring_manager, 4), (recruiter, 2)]:
        feedback.give_feedback(
            card=card,
            reviewer=reviewer,
            recommendation=recommendation,
            ratings={c.pk: 3 for c in role.criteria.all()},
        )
    assert "Feedback: strong yes, no</div>" in client.get(board).content.decode()
