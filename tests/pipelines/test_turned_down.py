"""Rejecting kindly: no default reason, Undo on the board, the Turned down view and Reconsider."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from candidates.models import SilverMedal
from pipelines import services
from pipelines.models import Card
from tests.factories import CandidateFactory, RequisitionFactory, stage_named


@pytest.fixture
def role(hiring_manager):
    return RequisitionFactory(title="Staff Engineer", hiring_manager=hiring_manager)


def test_the_reason_has_no_default(client, recruiter, role):
    card = services.add_card(pipeline=role.pipeline, candidate=CandidateFactory(first_name="Ada"))
    client.force_login(recruiter)
    menu = client.get(reverse("pipelines:card_menu"), {"card": card.pk, "version": card.version})
    html = menu.content.decode()
    assert 'aria-label="Why Ada' in html and "required" in html
    assert '<option value="" selected disabled>Why? Choose a reason…</option>' in html
    response = client.post(reverse("pipelines:card_reject", args=[card.pk]), {"reason": "no category"})
    assert response.status_code == 400
    card.refresh_from_db()
    assert card.status == Card.Status.ACTIVE


def test_undo_puts_the_card_back_where_it_was_and_takes_the_silver_medal_back(client, recruiter, role):
    final = stage_named(role, "Final")
    ada, grace, hedy = (
        services.add_card(pipeline=role.pipeline, candidate=CandidateFactory(first_name=name), stage=final)
        for name in ("Ada", "Grace", "Hedy")
    )
    client.force_login(recruiter)
    rejected = client.post(
        reverse("pipelines:card_reject", args=[grace.pk]),
        {"category": "timing"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert reverse("pipelines:card_reinstate", args=[grace.pk]) in rejected and ">Undo</button>" in rejected
    assert SilverMedal.objects.filter(candidate=grace.candidate).exists()

    undone = client.post(reverse("pipelines:card_reinstate", args=[grace.pk]), headers={"HX-Request": "true"})
    assert "Grace" in undone.content.decode() and "is back in process in Final" in undone.content.decode()
    grace.refresh_from_db()
    assert (grace.status, grace.stage, grace.rejection_category, grace.rejected_at) == (
        "active",
        final,
        "",
        None,
    )
    column = list(Card.objects.filter(stage=final, status="active").order_by("position", "pk"))
    assert column == [ada, grace, hedy]
    assert not SilverMedal.objects.filter(candidate=grace.candidate).exists()
    assert not grace.candidate.pools.filter(name="Silver medalists").exists()
    assert grace.candidate.activities.filter(
        summary="Staff Engineer: back in process at Final (turn-down undone)"
    )

    again = client.post(reverse("pipelines:card_reinstate", args=[grace.pk]), headers={"HX-Request": "true"})
    assert "is not turned down any more" in again.content.decode()


def test_a_medal_from_another_role_keeps_them_in_the_silver_medalists_pool(recruiter, role):
    person = CandidateFactory()
    other = RequisitionFactory()
    for requisition in (other, role):
        card = services.add_card(
            pipeline=requisition.pipeline, candidate=person, stage=stage_named(requisition, "Final")
        )
        services.reject_card(card=card, category="timing", by=recruiter)
    services.reinstate_card(card=card, by=recruiter)
    assert list(SilverMedal.objects.filter(candidate=person).values_list("requisition_id", flat=True)) == [
        other.pk
    ]
    assert person.pools.filter(name="Silver medalists").exists()


def test_the_turned_down_view_filters_by_reason_and_stage_and_reconsider_puts_back(client, recruiter, role):
    screen, final = stage_named(role, "Screen"), stage_named(role, "Final")
    cards = {}
    for name, stage, category in [
        ("Ada", screen, "timing"),
        ("Bo", final, "timing"),
        ("Cy", final, "location"),
    ]:
        cards[name] = services.add_card(
            pipeline=role.pipeline, candidate=CandidateFactory(first_name=name), stage=stage
        )
        services.reject_card(card=cards[name], category=category, reason=f"{name}'s <b>reason</b>")
    services.add_card(pipeline=role.pipeline, candidate=CandidateFactory(first_name="Dee"))
    url = reverse("pipelines:turned_down", args=[role.pk])
    client.force_login(recruiter)

    def shown(**filters):
        html = client.get(url, filters).content.decode()
        return {name for name in ("Ada", "Bo", "Cy", "Dee") if f">{name} " in html}

    assert shown() == {"Ada", "Bo", "Cy"}
    assert shown(category="timing") == {"Ada", "Bo"}
    assert shown(stage=final.pk) == {"Bo", "Cy"}
    assert shown(category="timing", stage=final.pk) == {"Bo"}
    assert "Ada&#x27;s &lt;b&gt;reason&lt;/b&gt;" in client.get(url).content.decode()
    assert client.get(url, {"stage": stage_named(RequisitionFactory(), "Final").pk}).status_code == 400
    assert client.get(url, {"category": "bogus"}).status_code == 400

    response = client.post(reverse("pipelines:card_reinstate", args=[cards["Cy"].pk]))
    assert response.url == url
    cards["Cy"].refresh_from_db()
    assert cards["Cy"].status == "active" and cards["Cy"].stage == final
    assert "is back in process in Final" in client.get(url).content.decode()  # the message, once
    assert shown() == {"Ada", "Bo"}


@pytest.mark.parametrize("role_name", ["admin", "recruiter", "manager", "other_manager", "employee"])
def test_turned_down_view_and_reinstate_by_role(client, users_by_role, role, role_name):
    card = services.add_card(pipeline=role.pipeline, candidate=CandidateFactory())
    services.reject_card(card=card, category="timing")
    expected = {"admin": 200, "recruiter": 200, "manager": 403, "other_manager": 404, "employee": 403}
    user = users_by_role.get(role_name)
    if role_name == "other_manager":
        user = RequisitionFactory().hiring_manager
    client.force_login(user)
    assert client.get(reverse("pipelines:turned_down", args=[role.pk])).status_code == expected[role_name]
    reinstate = client.post(reverse("pipelines:card_reinstate", args=[card.pk]))
    assert reinstate.status_code == (302 if expected[role_name] == 200 else 403)
    card.refresh_from_db()
    assert card.status == ("active" if expected[role_name] == 200 else "rejected")


def test_the_board_links_to_its_turned_down_view(client, recruiter, role):
    client.force_login(recruiter)
    page = client.get(reverse("pipelines:board", args=[role.pk])).content.decode()
    assert f'href="{reverse("pipelines:turned_down", args=[role.pk])}">Turned down</a>' in page


def test_the_api_reinstates_and_refuses_a_card_in_process(recruiter, employee, role):
    card = services.add_card(pipeline=role.pipeline, candidate=CandidateFactory())
    api = APIClient()
    api.force_authenticate(recruiter)
    url = f"/api/cards/{card.pk}/reinstate/"
    assert api.post(url).status_code == 409
    services.reject_card(card=card, category="timing")
    api.force_authenticate(employee)
    assert api.post(url).status_code == 403
    api.force_authenticate(recruiter)
    response = api.post(url)
    assert response.status_code == 200 and response.json()["status"] == "active"
