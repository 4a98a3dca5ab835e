import pytest
from django.urls import reverse

from pipelines import services
from pipelines.models import Stage
from tests.factories import CardFactory, RequisitionFactory, stage_named


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
    assert added.is_late and added.position == 7
    assert positions(requisition) == list(range(8))


def test_reorder_keeps_positions_unique(client, admin_user, requisition):
    stages = list(requisition.pipeline.stages.order_by("position"))
    new_order = [stages[-1].pk, *[s.pk for s in stages[:-1]]]
    client.force_login(admin_user)
    response = client.post(reverse("pipelines:stages_reorder", args=[requisition.pk]), {"stage": new_order})
    assert response.status_code == 200
    assert names(requisition)[:2] == ["Hired", "Sourced"]
    assert positions(requisition) == list(range(7))
    response = client.post(
        reverse("pipelines:stages_reorder", args=[requisition.pk]), {"stage": new_order[:3]}
    )
    assert response.status_code == 422 and "every stage" in response.content.decode()


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
    stages = list(requisition.pipeline.stages.all())
    for stage in stages[1:]:
        services.delete_stage(stage=stage)
    with pytest.raises(services.StageNotEmpty, match="only stage"):
        services.delete_stage(stage=stages[0])


def test_update_stage_position_moves_it(requisition):
    hired = stage_named(requisition, "Hired")
    services.update_stage(stage=hired, name="Hired", is_late=False, is_shortlist=False, position=1)
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
