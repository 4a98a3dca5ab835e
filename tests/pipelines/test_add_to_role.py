"""Add to role: one service behind the profile, search, pool and suggestion doors and the API."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from candidates import services as candidate_services
from candidates.models import Activity
from pipelines import batches, placing, services
from pipelines.models import AddToRoleBatch, Card, Requisition, StageChange
from tests.factories import CandidateFactory, RequisitionFactory, TalentPoolFactory, stage_named

ADD = reverse("pipelines:add_to_role")


@pytest.fixture
def role(hiring_manager):
    return RequisitionFactory(title="Data Engineer", hiring_manager=hiring_manager)


@pytest.fixture
def people(db):
    return {
        "ada": CandidateFactory(first_name="Ada", last_name="Lovelace"),
        "grace": CandidateFactory(first_name="Grace", last_name="Hopper"),
        "erased": CandidateFactory(first_name="Gone", erased_at=timezone.now()),
        "dnc": CandidateFactory(first_name="Quiet", do_not_contact=True),
    }


# --- The service ---------------------------------------------------------------------------------------------


def test_adds_people_in_the_first_stage_and_says_who_was_skipped_and_why(role, people, recruiter):
    already = CandidateFactory(first_name="Hedy")
    services.add_card(pipeline=role.pipeline, candidate=already, stage=stage_named(role, "Screen"))

    result = services.add_to_requisition(
        requisition=role,
        candidates=[people["ada"], people["erased"], people["dnc"], already, people["grace"], people["ada"]],
        by=recruiter,
    )

    assert [card.candidate for card in result.added] == [people["ada"], people["grace"]]
    assert {card.stage.name for card in result.added} == {"Sourced"}
    assert [(person.first_name, reason) for person, reason in result.skipped] == [
        ("Gone", "erased"),
        ("Quiet", "do not contact"),
        ("Hedy", "already on this board (in Screen)"),
        ("Ada", "already on this board (in Sourced)"),
    ]
    first, second = result.added
    assert second.position > first.position  # each at the bottom, in the order given
    assert StageChange.objects.filter(card__in=result.added, from_stage=None, moved_by=recruiter).count() == 2
    assert Activity.objects.filter(
        candidate=people["ada"], summary="Added to Data Engineer in Sourced", actor=recruiter
    ).exists()


def test_a_turned_down_card_counts_as_already_on_the_board(role, people, recruiter):
    card = services.add_card(pipeline=role.pipeline, candidate=people["ada"])
    services.reject_card(card=card, category="timing")
    result = services.add_to_requisition(requisition=role, candidates=[people["ada"]], by=recruiter)
    assert result.added == []
    assert result.skipped == [(people["ada"], "already on this board (in Sourced, rejected)")]


def test_adds_in_the_stage_chosen(role, people, recruiter):
    screen = stage_named(role, "Screen")
    result = services.add_to_requisition(
        requisition=role, candidates=[people["ada"]], stage=screen, by=recruiter
    )
    assert Card.objects.get(pk=result.added[0].pk).stage == screen


def test_refuses_a_stage_of_another_board_and_a_role_that_is_not_live(role, people, recruiter):
    other = RequisitionFactory()
    with pytest.raises(ValueError, match="another board"):
        services.add_to_requisition(
            requisition=role, candidates=[people["ada"]], stage=stage_named(other, "Screen"), by=recruiter
        )
    services.change_requisition_status(role, Requisition.Status.CLOSED)
    with pytest.raises(services.RoleNotLive, match="closed"):
        services.add_to_requisition(requisition=role, candidates=[people["ada"]], by=recruiter)
    assert not Card.objects.filter(candidate=people["ada"]).exists()


def test_a_planned_role_takes_people(people, recruiter):
    planned = RequisitionFactory(status=Requisition.Status.PLANNED)
    result = services.add_to_requisition(requisition=planned, candidates=[people["ada"]], by=recruiter)
    assert len(result.added) == 1


# --- The page: from search, a profile, a pool, a suggestion ------------------------------------------------


def test_search_and_profile_offer_add_to_role_to_the_recruiting_team(client, recruiter, people):
    client.force_login(recruiter)
    search = client.get(reverse("candidates:list")).content.decode()
    assert f'href="{ADD}" data-selection-link="candidate_ids" data-selection-param="candidates">' in search
    profile = client.get(people["ada"].get_absolute_url()).content.decode()
    assert f'href="{ADD}?candidates={people["ada"].pk}">Add to a role</a>' in profile
    pool = TalentPoolFactory()
    assert (
        f'href="{ADD}?pool={pool.pk}">Add to a role</a>'
        in client.get(pool.get_absolute_url()).content.decode()
    )


def test_the_page_names_the_selection_and_offers_only_live_roles(client, recruiter, role, people):
    closed = RequisitionFactory(title="Closed role", status=Requisition.Status.CLOSED)
    client.force_login(recruiter)
    page = client.get(ADD, {"candidates": f"{people['ada'].pk},{people['grace'].pk}"}).content.decode()
    assert "2 selected: Ada Lovelace, Grace Hopper." in page
    assert "Data Engineer" in page and closed.title not in page


def test_a_selection_is_added_and_the_result_says_who_was_skipped(client, recruiter, role, people):
    client.force_login(recruiter)
    ids = ",".join(str(people[name].pk) for name in ("ada", "dnc", "grace"))
    response = client.post(ADD, {"candidates": ids, "requisition": role.pk, "stage": ""}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 added to" in page and "in the first stage" in page
    assert "Quiet" in page and "Do not contact" in page
    assert "hx-trigger" not in page  # done: nothing to poll
    assert set(
        Card.objects.filter(pipeline=role.pipeline).values_list("candidate__first_name", flat=True)
    ) == {
        "Ada",
        "Grace",
    }
    assert Card.objects.filter(pipeline=role.pipeline).first().added_by == recruiter


def test_a_pool_is_added_whole(client, recruiter, role, people):
    pool = TalentPoolFactory()
    candidate_services.add_to_pool(pool=pool, candidates=[people["ada"], people["grace"]], by=recruiter)
    client.force_login(recruiter)
    screen = stage_named(role, "Screen")
    page = client.post(ADD, {"pool": pool.pk, "requisition": role.pk, "stage": screen.pk}, follow=True)
    assert "2 added to" in page.content.decode() and "in Screen" in page.content.decode()
    assert set(
        Card.objects.filter(pipeline=role.pipeline, stage=screen).values_list("candidate", flat=True)
    ) == {
        people["ada"].pk,
        people["grace"].pk,
    }


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (lambda r, p: {"candidates": "1,x", "requisition": r.pk}, "Candidates must be ids."),
        (lambda r, p: {"candidates": "-4", "requisition": r.pk}, "Candidates must be ids."),
        (lambda r, p: {"requisition": r.pk}, "Choose people to add"),
        (
            lambda r, p: {
                "candidates": p["ada"].pk,
                "requisition": r.pk,
                "stage": stage_named(RequisitionFactory(title="Other"), "Screen").pk,
            },
            "Choose a stage of Data Engineer.",
        ),
        (
            lambda r, p: {
                "candidates": p["ada"].pk,
                "requisition": RequisitionFactory(status=Requisition.Status.FILLED).pk,
            },
            "Select a valid choice.",
        ),
    ],
)
def test_bad_input_is_refused_with_the_reason_and_adds_nobody(client, recruiter, role, people, data, error):
    client.force_login(recruiter)
    response = client.post(ADD, data(role, people))
    assert response.status_code == 422
    assert error in response.content.decode()
    assert not Card.objects.exists()


def test_a_large_selection_runs_on_a_worker_with_progress(
    client, recruiter, role, people, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(batches, "BATCH_INLINE_LIMIT", 1)
    client.force_login(recruiter)
    ids = f"{people['ada'].pk},{people['grace'].pk}"
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(ADD, {"candidates": ids, "requisition": role.pk})
    batch = AddToRoleBatch.objects.get()
    assert response.url == reverse("pipelines:add_batch", args=[batch.pk])
    waiting = client.get(response.url).content.decode()
    assert f'hx-get="{response.url}" hx-trigger="every 1s"' in waiting and not Card.objects.exists()
    for callback in queued:
        callback()  # the worker (tasks run eagerly here)
    done = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "2 added to" in done and "hx-trigger" not in done
    assert Card.objects.filter(pipeline=role.pipeline).count() == 2


def test_a_role_closed_before_the_worker_ran_adds_nobody_and_says_so(recruiter, role, people):
    batch = AddToRoleBatch.objects.create(
        requisition=role, candidate_ids=[people["ada"].pk], requested_by=recruiter
    )
    services.change_requisition_status(role, Requisition.Status.CLOSED)
    placing.run_add_batch(batch.pk)
    placing.run_add_batch(batch.pk)  # a second run does nothing
    batch.refresh_from_db()
    assert batch.status == "done" and "planned and open roles only" in batch.error
    assert not Card.objects.exists()


def test_a_suggestion_row_adds_its_person_in_place(client, recruiter, role, people):
    client.force_login(recruiter)
    response = client.post(
        ADD, {"candidates": people["ada"].pk, "requisition": role.pk}, headers={"HX-Request": "true"}
    )
    row = response.content.decode()
    assert f'id="suggestion-{people["ada"].pk}"' in row and "added in Sourced" in row
    assert Card.objects.filter(pipeline=role.pipeline, candidate=people["ada"]).exists()
    again = client.post(
        ADD, {"candidates": people["ada"].pk, "requisition": role.pk}, headers={"HX-Request": "true"}
    )
    assert "not added: already on this board (in Sourced)" in again.content.decode()


def test_suggestions_offer_the_button_on_live_roles_only(client, recruiter, people):
    role = RequisitionFactory(title="Lovelace engineer", industry="Computing")
    people["ada"].title = "Engineer"
    people["ada"].save()
    client.force_login(recruiter)
    page = client.get(role.get_absolute_url()).content.decode()
    assert f"Add to role: {people['ada'].full_name}" in page
    services.change_requisition_status(role, Requisition.Status.CLOSED)
    assert "Add to role: " not in client.get(role.get_absolute_url()).content.decode()


@pytest.mark.parametrize("role_name", ["manager", "employee"])
def test_managers_and_employees_may_not_add_to_a_role(client, users_by_role, role, people, role_name):
    client.force_login(users_by_role[role_name])
    assert client.get(ADD, {"candidates": people["ada"].pk}).status_code == 403
    assert client.post(ADD, {"candidates": people["ada"].pk, "requisition": role.pk}).status_code == 403
    batch = AddToRoleBatch.objects.create(requisition=role, candidate_ids=[people["ada"].pk])
    assert client.get(reverse("pipelines:add_batch", args=[batch.pk])).status_code == 403
    assert not Card.objects.exists()


# --- The API -------------------------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def cards_url(requisition) -> str:
    return f"/api/requisitions/{requisition.pk}/cards/"


def test_the_api_adds_people_and_answers_who_was_added_and_skipped(api, recruiter, role, people):
    api.force_authenticate(recruiter)
    screen = stage_named(role, "Screen")
    ids = [people["ada"].pk, people["erased"].pk, people["grace"].pk]
    response = api.post(cards_url(role), {"candidates": ids, "stage": screen.pk}, format="json")
    assert response.status_code == 201
    body = response.json()
    cards = {card.candidate_id: card for card in Card.objects.filter(pipeline=role.pipeline)}
    assert body["added"] == [
        {"candidate": pk, "card": cards[pk].pk, "stage": screen.pk}
        for pk in (people["ada"].pk, people["grace"].pk)
    ]
    assert body["skipped"] == [{"candidate": people["erased"].pk, "reason": "erased"}]

    again = api.post(cards_url(role), {"candidates": [people["ada"].pk]}, format="json")
    assert again.status_code == 200
    assert again.json() == {
        "added": [],
        "skipped": [{"candidate": people["ada"].pk, "reason": "already on this board (in Screen)"}],
    }


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (lambda r, p: {"candidates": []}, "candidates"),
        (lambda r, p: {"candidates": "1,2"}, "candidates"),
        (lambda r, p: {"candidates": [p["ada"].pk, 999_999]}, "candidates"),
        (
            lambda r, p: {
                "candidates": [p["ada"].pk],
                "stage": stage_named(RequisitionFactory(), "Screen").pk,
            },
            "stage",
        ),
        (lambda r, p: {"candidates": list(range(1, 502))}, "candidates"),
    ],
)
def test_the_api_refuses_bad_input(api, recruiter, role, people, payload, field):
    api.force_authenticate(recruiter)
    response = api.post(cards_url(role), payload(role, people), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Card.objects.exists()


def test_the_api_refuses_a_role_that_is_not_live(api, recruiter, role, people):
    services.change_requisition_status(role, Requisition.Status.CLOSED)
    api.force_authenticate(recruiter)
    response = api.post(cards_url(role), {"candidates": [people["ada"].pk]}, format="json")
    assert response.status_code == 400
    assert "planned and open roles only" in response.json()["requisition"][0]


def test_the_api_refuses_managers_and_employees(api, users_by_role, role, people):
    other = RequisitionFactory()
    for name, requisition in [("manager", role), ("manager", other), ("employee", role)]:
        api.force_authenticate(users_by_role[name])
        response = api.post(cards_url(requisition), {"candidates": [people["ada"].pk]}, format="json")
        assert response.status_code == 403, (name, requisition)
    api.force_authenticate(None)
    assert api.post(cards_url(role), {"candidates": [people["ada"].pk]}, format="json").status_code in (
        401,
        403,
    )
    assert not Card.objects.exists()
