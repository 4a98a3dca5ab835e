"""A candidate's language (the system text of their emails): set on the form, through the API, from a CSV column,
and kept by a merge when the primary has none."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.test import APIClient

from candidates.imports import jobs
from candidates.merge import merge_candidates
from candidates.models import Candidate
from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db


def test_the_api_reads_and_writes_the_language_and_refuses_an_unshipped_one(recruiter):
    api = APIClient()
    api.force_authenticate(recruiter)
    created = api.post(
        "/api/candidates/", {"first_name": "Jonas", "email": "j@example.org", "language": "de"}
    )
    assert created.status_code == 201, created.json()
    assert created.json()["language"] == "de"
    url = f"/api/candidates/{created.json()['id']}/"
    assert api.patch(url, {"language": "xx"}, format="json").status_code == 400
    assert api.patch(url, {"language": "fr"}, format="json").json()["language"] == "fr"
    assert Candidate.objects.get().language == "fr"


def test_the_candidate_form_sets_the_language(client, recruiter):
    ada = CandidateFactory(first_name="Ada", email="ada@example.org")
    client.force_login(recruiter)
    form = client.get(reverse("candidates:edit", args=[ada.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "skills"}
    data.update({"language": "fr", "skills": "", "country": "GB", "owner": ""})
    response = client.post(reverse("candidates:edit", args=[ada.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    ada.refresh_from_db()
    assert ada.language == "fr"


def test_a_csv_language_column_by_code_or_name_and_a_row_with_an_unknown_one(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = (
        "First name,Email,Language\n"
        "Jonas,jonas@example.org,Deutsch\n"
        "Amélie,amelie@example.org,fr-CA\n"
        "Ada,ada@example.org,\n"
        "Kim,kim@example.org,Klingon\n"
    )
    job, preview = jobs.create_import(upload=ContentFile(content.encode(), name="people.csv"))
    assert [(error.line, error.reason) for error in preview.errors] == [
        (5, "Unknown language 'Klingon' (use one of en, de, fr, or leave it empty).")
    ]
    jobs.start_import(job, inline=True)
    assert dict(Candidate.objects.values_list("first_name", "language")) == {
        "Jonas": "de",
        "Amélie": "fr",
        "Ada": "",
    }


def test_a_merge_fills_a_missing_language_from_the_duplicate(recruiter):
    primary = CandidateFactory(email="ada@example.org", language="")
    duplicate = CandidateFactory(email="ada.work@example.org", language="de")
    merge_candidates(primary=primary, duplicate=duplicate, by=recruiter)
    primary.refresh_from_db()
    assert primary.language == "de"
