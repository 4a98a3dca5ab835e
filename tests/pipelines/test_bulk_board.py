"""Bulk on the board: several cards moved or turned down at once, all or none, refused as stale with 409; the
board's queries stay flat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import TalentPool
from pipelines import feedback, services
from pipelines.models import Card
from tests.factories import CandidateFactory, RequisitionFactory, stage_named


@pytest.fixture
def role(db):
    return RequisitionFactory(title="Data Engineer")


@pytest.fixture
def cards(role):
    return [
        services.add_card(pipeline=role.pipeline, candidate=CandidateFactory(first_name=name))
        for name in ("Ada", "Bo", "Cy")
    ]


def bulk(client, role, cards, **data):
    pairs = ",".join(f"{card.pk}:{card.version}" for card in cards)
    return client.post(
        reverse("pipelines:cards_bulk", args=[role.pk]),
        {"cards": pairs, **data},
        headers={"HX-Request": "true"},
    )


def test_moves_the_selection_to_the_bottom_of_a_stage_in_order(client, recruiter, role, cards):
    screen = stage_named(role, "Screen")
    already = services.add_card(
        pipeline=role.pipeline, candidate=CandidateFactory(first_name="Dee"), stage=screen
    )
    client.force_login(recruiter)
    response = bulk(client, role, [cards[2], cards[0]], action="move", stage=screen.pk)
    assert response.status_code == 200 and "Moved 2 candidates to Screen." in response.content.decode()
    column = Card.objects.filter(stage=screen, status="active").order_by("position", "pk")
    assert [c.candidate.first_name for c in column] == ["Dee", "Cy", "Ada"]
    assert already in column


def test_turns_the_selection_down_with_one_reason(client, recruiter, role, cards):
    client.force_login(recruiter)
    response = bulk(client, role, cards[:2], action="reject", category="location", reason="Relocation")
    assert "2 candidates turned down." in response.content.decode()
    assert set(Card.objects.filter(status="rejected").values_list("rejection_category", flat=True)) == {
        "location"
    }
    assert Card.objects.get(pk=cards[2].pk).status == "active"


@pytest.mark.parametrize("action", ["move", "reject"])
def test_one_stale_card_refuses_the_lot_with_409(client, recruiter, role, cards, action):
    services.move_card(card=cards[1], to_stage=stage_named(role, "Screen"), position=0, expected_version=1)
    stale = [Card.objects.get(pk=cards[0].pk), cards[1]]  # cards[1] as the page saw it: version 1
    stale[1].version = 1
    client.force_login(recruiter)
    response = bulk(
        client, role, stale, action=action, stage=stage_named(role, "Offer").pk, category="timing"
    )
    assert response.status_code == 409
    assert "nothing was done" in response.content.decode()
    assert Card.objects.get(pk=cards[0].pk).stage.name == "Sourced"
    assert not Card.objects.filter(status="rejected").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"cards": "1:x", "action": "move"},
        {"action": "move"},
        {"action": "reject"},
        {"action": "explode"},
    ],
)
def test_bad_input_is_refused(client, recruiter, role, cards, data):
    client.force_login(recruiter)
    pairs = f"{cards[0].pk}:{cards[0].version}"
    response = client.post(reverse("pipelines:cards_bulk", args=[role.pk]), {"cards": pairs, **data})
    assert response.status_code == 400
    assert Card.objects.get(pk=cards[0].pk).stage.name == "Sourced"


def test_a_card_of_another_board_is_not_found(client, recruiter, role, cards):
    other = services.add_card(pipeline=RequisitionFactory().pipeline, candidate=CandidateFactory())
    client.force_login(recruiter)
    response = bulk(client, role, [cards[0], other], action="move", stage=stage_named(role, "Screen").pk)
    assert response.status_code == 404
    assert Card.objects.get(pk=cards[0].pk).stage.name == "Sourced"


@pytest.mark.parametrize("who", ["manager", "employee"])
def test_managers_and_employees_are_refused(client, users_by_role, role, cards, who):
    client.force_login(users_by_role[who])
    assert bulk(client, role, cards, action="move", stage=stage_named(role, "Screen").pk).status_code == 403


def _board_queries(client, role) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("pipelines:board", args=[role.pk])).status_code == 200
    return len(queries)


def test_the_board_reads_as_many_queries_for_15_cards_with_feedback_as_for_3(
    client, recruiter, hiring_manager
):
    counts = []
    for size in (3, 15):
        role = RequisitionFactory(hiring_manager=hiring_manager)
        feedback.set_criteria(requisition=role, names=["Rust"])
        for i in range(size):
            card = services.add_card(
                pipeline=role.pipeline, candidate=CandidateFactory(), stage=role.pipeline.stages.all()[i % 4]
            )
            feedback.give_feedback(
                card=card,
                reviewer=hiring_manager,
                recommendation=3,
                ratings={c.pk: 4 for c in role.criteria.all()},
            )
        client.force_login(recruiter)
        counts.append(_board_queries(client, role))
    assert counts[0] == counts[1]


def test_the_selection_goes_to_a_pool_through_the_add_to_pool_page(client, recruiter, role, cards):
    client.force_login(recruiter)
    board = client.get(reverse("pipelines:board", args=[role.pk])).content.decode()
    add_to_pool = reverse("candidates:add_to_pool")
    assert f'href="{add_to_pool}" data-selection-link="candidate_ids"' in board

    ids = [card.candidate_id for card in cards]
    page = client.get(add_to_pool, {"candidates": ",".join(map(str, ids)) + ",junk,-4"})
    assert page.status_code == 200
    assert "3 selected: " in page.content.decode()
    assert "Ada" in page.content.decode()

    response = client.post(add_to_pool, {"candidate_ids": ids, "new_pool_name": "Data Engineer finalists"})
    pool = TalentPool.objects.get(name="Data Engineer finalists")
    assert response.status_code == 302 and response["Location"] == pool.get_absolute_url()
    assert set(pool.members.values_list("pk", flat=True)) == set(ids)


def test_the_add_to_pool_page_says_what_is_missing_and_keeps_the_selection(client, recruiter, cards):
    client.force_login(recruiter)
    ids = [card.candidate_id for card in cards]
    response = client.post(reverse("candidates:add_to_pool"), {"candidate_ids": ids})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose a pool or name a new one." in html
    assert html.count('name="candidate_ids"') == 3


@pytest.mark.parametrize("role_name", ["manager", "employee"])
def test_only_the_recruiting_team_may_open_the_add_to_pool_page(client, users_by_role, role_name, cards):
    client.force_login(users_by_role[role_name])
    url = reverse("candidates:add_to_pool")
    assert client.get(url, {"candidates": str(cards[0].candidate_id)}).status_code == 403
