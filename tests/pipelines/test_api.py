import pytest
from rest_framework.test import APIClient

from candidates.models import PoolMembership
from pipelines import services
from pipelines.models import Card, Requisition, ShortlistReview, Stage, TalentReview
from tests.factories import CandidateFactory, CardFactory, RequisitionFactory, TalentPoolFactory, stage_named


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def own(hiring_manager):
    return RequisitionFactory(title="Mine", hiring_manager=hiring_manager)


@pytest.fixture
def others(db):
    return RequisitionFactory(title="Someone else's")


def test_requisitions_are_scoped_by_role(api, users_by_role, own, others):
    expected = {"admin": 200, "recruiter": 200, "manager": 200, "employee": 403}
    for role, status in expected.items():
        api.force_authenticate(users_by_role[role])
        response = api.get("/api/requisitions/")
        assert response.status_code == status, role
        if role == "manager":
            assert [r["title"] for r in response.json()["results"]] == ["Mine"]
    api.force_authenticate(users_by_role["manager"])
    assert api.get(f"/api/requisitions/{others.pk}/").status_code == 404
    assert api.get(f"/api/requisitions/{own.pk}/").status_code == 200
    assert api.patch(f"/api/requisitions/{own.pk}/", {"title": "Mine!"}).status_code == 403
    assert api.post("/api/requisitions/", {"title": "New"}).status_code == 403


def test_recruiter_creates_and_edits_a_requisition(api, recruiter, hiring_manager):
    pool = TalentPoolFactory()
    api.force_authenticate(recruiter)
    response = api.post(
        "/api/requisitions/",
        {
            "title": "SRE",
            "headcount": 2,
            "hiring_manager": hiring_manager.pk,
            "pools": [pool.pk],
            "skills": ["Go"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "planned" and body["skills"] == ["Go"] and body["pipeline"]
    response = api.patch(
        f"/api/requisitions/{body['id']}/", {"title": "Site reliability", "status": "filled"}
    )
    assert response.status_code == 200 and response.json()["status"] == "planned"  # status is read-only here
    assert Requisition.objects.get().pipeline.name == "Site reliability"
    assert api.post("/api/requisitions/", {"title": "", "headcount": 0}).status_code == 400
    assert api.post("/api/requisitions/", {"title": "X", "hiring_manager": recruiter.pk}).status_code == 400


def test_status_endpoint(api, recruiter, hiring_manager):
    requisition = RequisitionFactory(status="planned", hiring_manager=hiring_manager)
    url = f"/api/requisitions/{requisition.pk}/status/"
    api.force_authenticate(recruiter)
    response = api.post(url, {"status": "filled"})
    assert response.status_code == 400 and "cannot become filled" in response.json()["status"][0]
    response = api.post(url, {"status": "open"})
    assert (
        response.status_code == 200 and response.json()["status"] == "open" and response.json()["opened_at"]
    )
    api.force_authenticate(hiring_manager)
    assert api.post(url, {"status": "closed"}).status_code == 403


def test_a_requisition_is_closed_never_deleted(api, admin_user, own):
    api.force_authenticate(admin_user)
    assert api.delete(f"/api/requisitions/{own.pk}/").status_code == 405
    assert Requisition.objects.filter(pk=own.pk).exists()


def test_rejecting_a_card_through_the_api(api, recruiter, hiring_manager, own):
    card = CardFactory(pipeline=own.pipeline, stage=stage_named(own, "Final"))
    url = f"/api/cards/{card.pk}/reject/"
    api.force_authenticate(hiring_manager)
    assert api.post(url, {"category": "timing"}).status_code == 403
    api.force_authenticate(recruiter)
    assert api.post(url, {"category": "bogus"}).status_code == 400
    response = api.post(url, {"category": "timing", "reason": "Relocating next year"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert card.candidate.silver_medals.get().reason_detail == "Relocating next year"
    again = api.post(url, {"category": "timing"})
    assert again.status_code == 409 and again.json()["status"] == "rejected"


def test_stages_admins_write_recruiters_read(api, admin_user, recruiter, own, others):
    api.force_authenticate(recruiter)
    response = api.get("/api/stages/", {"pipeline": own.pipeline.pk})
    assert response.status_code == 200 and response.json()["count"] == 7
    assert api.post("/api/stages/", {"pipeline": own.pipeline.pk, "name": "X"}).status_code == 403
    api.force_authenticate(admin_user)
    response = api.post("/api/stages/", {"pipeline": own.pipeline.pk, "name": "Take-home", "is_late": True})
    assert response.status_code == 201 and response.json()["position"] == 6  # before Hired
    hired = stage_named(own, "Hired")
    response = api.patch(f"/api/stages/{hired.pk}/", {"position": 0, "name": "Hired!"})
    assert response.status_code == 200 and response.json()["position"] == 0
    assert list(own.pipeline.stages.values_list("position", flat=True)) == list(range(8))
    screen = stage_named(own, "Screen")
    CardFactory(pipeline=own.pipeline, stage=screen)
    response = api.delete(f"/api/stages/{screen.pk}/")
    assert response.status_code == 409 and "cannot be deleted" in response.json()["detail"]
    assert api.delete(f"/api/stages/{stage_named(own, 'Offer').pk}/").status_code == 204
    assert not Stage.objects.filter(pipeline=own.pipeline, name="Offer").exists()


def test_stages_hired_flag_through_the_api(api, admin_user, own):
    api.force_authenticate(admin_user)
    offer = stage_named(own, "Offer")
    response = api.patch(f"/api/stages/{offer.pk}/", {"is_hired": True})
    assert response.status_code == 200 and response.json()["is_hired"] is True
    offer.refresh_from_db()
    assert offer.is_hired and offer.is_late
    talent = services.get_or_create_talent_board()
    response = api.patch(f"/api/stages/{talent.stages.first().pk}/", {"is_hired": True})
    assert response.status_code == 400 and "nobody is hired" in response.json()["is_hired"][0]
    response = api.post("/api/stages/", {"pipeline": talent.pk, "name": "Joined", "is_hired": True})
    assert response.status_code == 400
    assert not talent.stages.filter(is_hired=True).exists()


def test_cards_create_list_and_move(api, recruiter, hiring_manager, own, others):
    candidate = CandidateFactory()
    api.force_authenticate(recruiter)
    response = api.post("/api/cards/", {"pipeline": own.pipeline.pk, "candidate": candidate.pk})
    assert response.status_code == 201
    card = response.json()
    assert card["stage"] == stage_named(own, "Sourced").pk and card["version"] == 1
    assert (
        api.post("/api/cards/", {"pipeline": own.pipeline.pk, "candidate": candidate.pk}).status_code == 400
    )
    wrong_board = {
        "pipeline": own.pipeline.pk,
        "candidate": CandidateFactory().pk,
        "stage": stage_named(others, "Screen").pk,
    }
    assert api.post("/api/cards/", wrong_board).status_code == 400
    screen = stage_named(own, "Screen")
    assert api.get("/api/cards/", {"stage": screen.pk}).json()["count"] == 0

    move = f"/api/cards/{card['id']}/move/"
    response = api.post(move, {"stage": screen.pk, "position": 0, "version": 1})
    assert (
        response.status_code == 200
        and response.json()["stage"] == screen.pk
        and response.json()["version"] == 2
    )
    stale = api.post(move, {"stage": stage_named(own, "Final").pk, "position": 0, "version": 1})
    assert stale.status_code == 409
    assert stale.json() | {"detail": ""} == {
        "detail": "",
        "stage": screen.pk,
        "position": 0,
        "version": 2,
        "status": "active",
    }
    assert (
        api.post(move, {"stage": stage_named(others, "Final").pk, "position": 0, "version": 2}).status_code
        == 400
    )
    assert api.post(move, {"stage": screen.pk, "position": -1, "version": 2}).status_code == 400
    assert Card.objects.get(pk=card["id"]).stage == screen

    api.force_authenticate(hiring_manager)
    assert api.get("/api/cards/").status_code == 403
    assert api.post(move, {"stage": screen.pk, "position": 0, "version": 2}).status_code == 403


def test_shortlist_reviews(api, recruiter, hiring_manager, own, others):
    shortlisted = CardFactory(pipeline=own.pipeline, stage=stage_named(own, "Interview"))
    early = CardFactory(pipeline=own.pipeline, stage=stage_named(own, "Screen"))
    elsewhere = CardFactory(pipeline=others.pipeline, stage=stage_named(others, "Interview"))
    api.force_authenticate(hiring_manager)
    response = api.post("/api/reviews/", {"card": shortlisted.pk, "decision": "advance", "comment": "Yes"})
    assert response.status_code == 201 and response.json()["reviewer"] == hiring_manager.pk
    assert api.post("/api/reviews/", {"card": early.pk, "decision": "advance"}).status_code == 400
    assert api.post("/api/reviews/", {"card": elsewhere.pk, "decision": "advance"}).status_code == 400
    services.review_shortlisted_card(card=elsewhere, reviewer=others.hiring_manager, decision="hold")
    assert api.get("/api/reviews/").json()["count"] == 1
    api.force_authenticate(recruiter)
    assert api.get("/api/reviews/").json()["count"] == 2
    assert api.post("/api/reviews/", {"card": shortlisted.pk, "decision": "hold"}).status_code == 403
    assert ShortlistReview.objects.count() == 2


def test_talent_reviews(api, recruiter, hiring_manager, employee):
    pool = TalentPoolFactory()
    requisition = RequisitionFactory(status="planned", hiring_manager=hiring_manager, pools=[pool])
    inside, outside = CandidateFactory(engagement_score=50), CandidateFactory()
    PoolMembership.objects.create(pool=pool, candidate=inside)
    api.force_authenticate(hiring_manager)
    data = {"requisition": requisition.pk, "candidate": inside.pk, "answer": "yes", "reason": "Good"}
    assert api.post("/api/talent-reviews/", data).status_code == 201
    assert api.post("/api/talent-reviews/", data | {"answer": "no"}).status_code == 201
    assert TalentReview.objects.get().answer == "no"
    assert api.post("/api/talent-reviews/", data | {"candidate": outside.pk}).status_code == 400
    api.force_authenticate(recruiter)
    assert api.get("/api/talent-reviews/").json()["count"] == 1
    assert api.post("/api/talent-reviews/", data).status_code == 403
    api.force_authenticate(employee)
    assert api.get("/api/talent-reviews/").status_code == 403
