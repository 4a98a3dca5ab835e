"""Custom fields through the API: candidates and requisitions read and write `custom_fields`, validated as the
pages validate them, and the OpenAPI schema documents them."""

import pytest
from rest_framework.test import APIClient

from candidates.models import Candidate
from pipelines.models import Requisition
from tests.factories import CandidateFactory, CustomFieldFactory, RequisitionFactory


@pytest.fixture
def api(recruiter):
    client = APIClient()
    client.force_authenticate(recruiter)
    return client


@pytest.fixture
def fields(db):
    CustomFieldFactory(label="Notice (days)", key="notice", type="number")
    CustomFieldFactory(
        label="Languages", key="languages", type="multiple_choice", choices=["English", "German"]
    )
    CustomFieldFactory(
        label="Work style", key="work_style", type="choice", choices=["Remote", "Office"], required=True
    )
    CustomFieldFactory(label="Budget code", key="budget", applies_to="requisition")


def test_candidates_are_created_read_and_patched_with_custom_values(api, fields):
    created = api.post(
        "/api/candidates/",
        {
            "first_name": "Ada",
            "custom_fields": {"notice": "30", "languages": ["german"], "work_style": "Remote"},
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["custom_fields"] == {"notice": 30, "languages": ["German"], "work_style": "Remote"}
    url = f"/api/candidates/{created.json()['id']}/"
    assert api.get(url).json()["custom_fields"]["notice"] == 30
    patched = api.patch(
        url, {"custom_fields": {"notice": None, "languages": ["English", "German"]}}, format="json"
    )
    assert patched.status_code == 200, patched.json()
    assert Candidate.objects.get(first_name="Ada").custom_fields == {
        "languages": ["English", "German"],
        "work_style": "Remote",
    }


@pytest.mark.parametrize(
    ("custom_fields", "errors"),
    [
        ({"notice": "abc", "work_style": "Remote"}, {"notice": ["“abc” is not a number."]}),
        (
            {"languages": ["Klingon"], "work_style": "Remote"},
            {"languages": ["“Klingon” is not one of the options (English, German)."]},
        ),
        ({"budget": "B-1", "work_style": "Remote"}, {"budget": ["There is no custom field with this key."]}),
        ({"notice": 3}, {"work_style": ["This field is required."]}),
        ({}, {"work_style": ["This field is required."]}),
    ],
)
def test_invalid_custom_values_answer_400_by_key(api, fields, custom_fields, errors):
    response = api.post(
        "/api/candidates/", {"first_name": "Ada", "custom_fields": custom_fields}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"custom_fields": errors}
    assert not Candidate.objects.exists()


def test_a_new_candidate_without_custom_fields_still_needs_the_required_ones(api, fields):
    response = api.post("/api/candidates/", {"first_name": "Ada"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"custom_fields": {"work_style": ["This field is required."]}}


def test_a_patch_need_not_repeat_required_fields_but_may_not_empty_them(api, fields):
    ada = CandidateFactory(custom_fields={"work_style": "Office"})
    url = f"/api/candidates/{ada.pk}/"
    assert api.patch(url, {"custom_fields": {"notice": 5}}, format="json").status_code == 200
    emptied = api.patch(url, {"custom_fields": {"work_style": ""}}, format="json")
    assert emptied.status_code == 400
    assert emptied.json() == {"custom_fields": {"work_style": ["This field is required."]}}
    ada.refresh_from_db()
    assert ada.custom_fields == {"work_style": "Office", "notice": 5}


def test_requisitions_read_and_write_their_custom_values(api, fields):
    role = RequisitionFactory()
    url = f"/api/requisitions/{role.pk}/"
    assert api.get(url).json()["custom_fields"] == {}
    assert api.patch(url, {"custom_fields": {"budget": "B-7"}}, format="json").status_code == 200
    assert Requisition.objects.get(pk=role.pk).custom_fields == {"budget": "B-7"}
    wrong = api.patch(url, {"custom_fields": {"notice": 3}}, format="json")
    assert wrong.status_code == 400
    assert wrong.json() == {"custom_fields": {"notice": ["There is no custom field with this key."]}}


def test_the_schema_documents_custom_fields(api, fields):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for name in ("Candidate", "Requisition"):
        prop = schema["components"]["schemas"][name]["properties"]["custom_fields"]
        assert prop["type"] == "object"
        assert "by their key" in prop["description"]
        assert prop["example"]["languages"] == ["English", "German"]
    assert "cf_<key>" in schema["paths"]["/api/candidates/"]["get"]["description"]
