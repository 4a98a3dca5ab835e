import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from pipelines import services, stages
from pipelines.models import Card, Stage
from tests.factories import CardFactory, RequisitionFactory, hired_stage, stage_named


def names(requisition):
    return list(requisition.pipeline.stages.order_by("position").values_list("name", flat=True))


def positions(requisition):
    return list(requisition.pipeline.stages.order_by("position").values_list("position", flat=True))


@pytest.fixture
def requisition(db):
    return RequisitionFactory()


def test_admin_renames_flags_and_adds_stages(client, admin_user, requisition):
    screen = stage_named(requisition, "Screen")
    client.force_login(admin_user)
    response = client.post(
        reverse("pipelines:stage_edit", args=[requisition.pk, screen.pk]),
        {"name": "Phone screen", "is_shortlist": "on"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and 'id="stages"' in response.content.decode()
    screen.refresh_from_db()
    assert (screen.name, screen.is_late, screen.is_shortlist) == ("Phone screen", False, True)
    client.post(
        reverse("pipelines:stage_add", args=[requisition.pk]), {"name": "Reference check", "is_late": "on"}
    )
    added = stage_named(requisition, "Reference check")
    assert added.is_late and added.position == 6  # before the hired stage, which stays last
    assert names(requisition)[-2:] == ["Reference check", "Hired"]
    assert positions(requisition) == list(range(8))


def test_a_new_stage_goes_at_the_end_of_a_board_without_a_hired_stage(requisition):
    stages.update_stage(
        stage=hired_stage(requisition), name="Hired", is_late=False, is_shortlist=False, is_hired=False
    )
    stages.add_stage(pipeline=requisition.pipeline, name="Reference check")
    assert names(requisition)[-2:] == ["Hired", "Reference check"]


def test_a_new_hired_stage_goes_at_the_end(requisition):
    stages.add_stage(pipeline=requisition.pipeline, name="Started", is_hired=True)
    assert names(requisition)[-2:] == ["Hired", "Started"]


@pytest.mark.parametrize("name", ["Interview", "  interview ", "INTERVIEW"])
def test_a_duplicate_name_is_refused_when_adding(client, admin_user, requisition, name):
    client.force_login(admin_user)
    response = client.post(reverse("pipelines:stage_add", args=[requisition.pk]), {"name": name})
    assert response.status_code == 422
    assert "This board already has a stage named" in response.content.decode()
    assert names(requisition).count("Interview") == 1 and len(names(requisition)) == 7


def test_a_duplicate_name_is_refused_when_renaming_but_a_stage_keeps_its_own(client, admin_user, requisition):
    screen = stage_named(requisition, "Screen")
    client.force_login(admin_user)
    url = reverse("pipelines:stage_edit", args=[requisition.pk, screen.pk])
    response = client.post(url, {"name": "Offer"}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "already has a stage named “Offer”" in response.content.decode()
    screen.refresh_from_db()
    assert screen.name == "Screen"
    assert client.post(url, {"name": "screen", "is_late": "on"}).status_code == 200


def test_the_api_refuses_a_duplicate_stage_name(admin_user, requisition):
    api = APIClient()
    api.force_authenticate(admin_user)
    response = api.post("/api/stages/", {"pipeline": requisition.pipeline.pk, "name": "offer"})
    assert response.status_code == 400 and "already has a stage named" in response.json()["name"][0]


def test_reorder_keeps_positions_unique(client, admin_user, requisition):
    board = list(requisition.pipeline.stages.order_by("position"))
    new_order = [board[-1].pk, *[s.pk for s in board[:-1]]]
    client.force_login(admin_user)
    response = client.post(reverse("pipelines:stages_reorder", args=[requisition.pk]), {"stage": new_order})
    assert response.status_code == 200
    assert names(requisition)[:2] == ["Hired", "Sourced"]
    assert positions(requisition) == list(range(7))
    response = client.post(
        reverse("pipelines:stages_reorder", args=[requisition.pk]), {"stage": new_order[:3]}
    )
    assert response.status_code == 422 and "every stage" in response.content.decode()


def test_a_stage_moves_up_or_down_by_button_and_not_past_the_ends(client, admin_user, requisition):
    screen = stage_named(requisition, "Screen")
    client.force_login(admin_user)
    url = reverse("pipelines:stages_reorder", args=[requisition.pk])

    response = client.post(url, {"move": screen.pk, "direction": "up"}, headers={"HX-Request": "true"})

    assert names(requisition)[:3] == ["Sourced", "Screen", "Contacted"]
    html = response.content.decode()
    assert "Stage moved up: now stage 2." in html
    assert 'aria-label="Move stage Screen up" autofocus' in html  # the focus stays on the moved stage
    first = stage_named(requisition, "Sourced")
    assert client.post(url, {"move": first.pk, "direction": "up"}).status_code == 422


def test_delete_empty_stage_closes_the_gap(client, admin_user, requisition):
    client.force_login(admin_user)
    offer = stage_named(requisition, "Offer")
    client.post(reverse("pipelines:stage_delete", args=[requisition.pk, offer.pk]))
    assert "Offer" not in names(requisition)
    assert positions(requisition) == list(range(6))


def test_delete_stage_with_cards_is_refused_with_a_message(client, admin_user, requisition):
    screen = stage_named(requisition, "Screen")
    CardFactory(pipeline=requisition.pipeline, stage=screen)
    CardFactory(pipeline=requisition.pipeline, stage=screen, status="rejected")
    client.force_login(admin_user)
    response = client.post(
        reverse("pipelines:stage_delete", args=[requisition.pk, screen.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "“Screen” cannot be deleted: 2 candidates are in it (1 of them closed" in response.content.decode()
    assert Stage.objects.filter(pk=screen.pk).exists()


def test_the_last_stage_cannot_be_deleted(requisition):
    board = list(requisition.pipeline.stages.all())
    for stage in board[1:]:
        stages.delete_stage(stage=stage)
    with pytest.raises(stages.StageNotEmpty, match="only stage"):
        stages.delete_stage(stage=board[0])


def test_update_stage_position_moves_it(requisition):
    hired = stage_named(requisition, "Hired")
    stages.update_stage(
        stage=hired, name="Hired", is_late=False, is_shortlist=False, is_hired=True, position=1
    )
    assert names(requisition)[:3] == ["Sourced", "Hired", "Contacted"]


@pytest.mark.parametrize(("role", "status"), [("recruiter", 403), ("manager", 403), ("employee", 404)])
def test_only_admins_edit_stages(client, users_by_role, role, status):
    requisition = RequisitionFactory(hiring_manager=users_by_role["manager"])
    screen = stage_named(requisition, "Screen")
    client.force_login(users_by_role[role])
    assert client.get(reverse("pipelines:stages", args=[requisition.pk])).status_code == status
    for name, args in [
        ("stage_add", [requisition.pk]),
        ("stage_edit", [requisition.pk, screen.pk]),
        ("stage_delete", [requisition.pk, screen.pk]),
        ("stages_reorder", [requisition.pk]),
    ]:
        assert client.post(reverse(f"pipelines:{name}", args=args), {"name": "X"}).status_code == status
    assert names(requisition)[2] == "Screen"


def test_stage_of_another_board_is_404(client, admin_user, requisition):
    other = stage_named(RequisitionFactory(), "Screen")
    client.force_login(admin_user)
    response = client.post(reverse("pipelines:stage_delete", args=[requisition.pk, other.pk]))
    assert response.status_code == 404


def test_new_boards_have_one_hired_stage_and_the_talent_board_none(requisition):
    assert list(requisition.pipeline.stages.filter(is_hired=True).values_list("name", flat=True)) == ["Hired"]
    talent = services.get_or_create_talent_board()
    assert not talent.stages.filter(is_hired=True).exists()
    with pytest.raises(ValidationError, match="nobody is hired"):
        stages.update_stage(
            stage=talent.stages.last(), name="Ready to talk", is_late=False, is_shortlist=False, is_hired=True
        )
    with pytest.raises(ValidationError, match="nobody is hired"):
        stages.add_stage(pipeline=talent, name="Joined", is_hired=True)
    assert not talent.stages.filter(is_hired=True).exists()


def test_admin_marks_a_stage_hired_in_the_editor_and_its_people_count_as_hired(
    client, admin_user, requisition
):
    offer = stage_named(requisition, "Offer")
    card = CardFactory(pipeline=requisition.pipeline, stage=offer)
    CardFactory(pipeline=requisition.pipeline, stage=offer, status="withdrawn")
    client.force_login(admin_user)
    page = client.get(reverse("pipelines:stages", args=[requisition.pk])).content.decode()
    hired_row = page.split(f'id="stage-row-{stage_named(requisition, "Hired").pk}"')[1].split("</li>")[0]
    assert '<input type="checkbox" name="is_hired" checked> Hired' in hired_row

    response = client.post(
        reverse("pipelines:stage_edit", args=[requisition.pk, offer.pk]),
        {"name": "Offer accepted", "is_late": "on", "is_hired": "on"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    offer.refresh_from_db()
    assert (offer.name, offer.is_late, offer.is_shortlist, offer.is_hired) == (
        "Offer accepted",
        True,
        False,
        True,
    )
    assert list(Card.objects.hired()) == [card]
    client.post(reverse("pipelines:stage_edit", args=[requisition.pk, offer.pk]), {"name": "Offer accepted"})
    offer.refresh_from_db()
    assert not offer.is_hired and not Card.objects.hired().exists()


def test_admin_adds_a_hired_stage_and_a_bad_one_keeps_the_ticks(client, admin_user, requisition):
    client.force_login(admin_user)
    url = reverse("pipelines:stage_add", args=[requisition.pk])
    client.post(url, {"name": "Started", "is_hired": "on"})
    assert stage_named(requisition, "Started").is_hired
    response = client.post(url, {"name": "x" * 61, "is_hired": "on"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert '<input type="checkbox" name="is_hired" checked> Hired' in response.content.decode()
