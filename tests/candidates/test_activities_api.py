"""/api/candidates/{id}/activities/: the timeline, paginated, and notes."""

import pytest
from rest_framework.test import APIClient

from candidates import privacy
from tests.factories import ActivityFactory, CandidateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_timeline_is_paginated_newest_first(api, recruiter):
    ada = CandidateFactory()
    for i in range(55):
        ActivityFactory(candidate=ada, summary=f"Entry {i}")
    ActivityFactory(summary="Someone else's")
    api.force_authenticate(recruiter)
    first = api.get(f"/api/candidates/{ada.pk}/activities/").json()
    assert first["count"] == 55
    assert len(first["results"]) == 50
    assert first["results"][0]["summary"] == "Entry 54"
    second = api.get(first["next"]).json()
    assert [row["summary"] for row in second["results"]] == [f"Entry {i}" for i in range(4, -1, -1)]


def test_recruiter_adds_a_note(api, recruiter):
    ada = CandidateFactory()
    api.force_authenticate(recruiter)
    response = api.post(
        f"/api/candidates/{ada.pk}/activities/", {"body": "Called, open in spring"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "note" and body["body"] == "Called, open in spring"
    assert body["actor"] == recruiter.get_full_name()
    assert "open in spring" in ada.__class__.objects.get(pk=ada.pk).search_document


def test_empty_note_is_a_400(api, recruiter):
    ada = CandidateFactory()
    api.force_authenticate(recruiter)
    assert api.post(f"/api/candidates/{ada.pk}/activities/", {"body": ""}, format="json").status_code == 400
    assert not ada.activities.exists()


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_others_cannot_read_or_write_the_timeline(api, users_by_role, role):
    ada = CandidateFactory()
    api.force_authenticate(users_by_role[role])
    assert api.get(f"/api/candidates/{ada.pk}/activities/").status_code == 403
    assert api.post(f"/api/candidates/{ada.pk}/activities/", {"body": "x"}, format="json").status_code == 403


def test_erased_candidates_timeline_is_gone(api, admin_user):
    ada = CandidateFactory()
    privacy.erase_candidate(candidate=ada, by=admin_user)
    api.force_authenticate(admin_user)
    assert api.get(f"/api/candidates/{ada.pk}/activities/").status_code == 404
