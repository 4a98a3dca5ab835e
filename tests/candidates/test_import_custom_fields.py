"""CSV import into custom fields: columns named like a field fill it, a person maps any other column on the
preview (or in the API upload), bad values are row errors like the others, and people already in Longlist only
get the values they have none of."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from candidates.imports import jobs
from candidates.models import Candidate, ImportJob
from tests.factories import CandidateFactory, CustomFieldFactory

CSV = (
    "First Name,Email,Company,Notice,Spoken,Team\n"
    "Ada,ada@example.org,Engines,30,English; German,Platform\n"
    "Bob,bob@example.org,Acme,soon,English,Data\n"
    "Cy,cy@example.org,Acme,,Klingon,Data\n"
    "Grace,grace@example.org,Navy,90,,\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fields(db):
    CustomFieldFactory(label="Notice", key="notice_days", type="number")
    CustomFieldFactory(
        label="Languages", key="languages", type="multiple_choice", choices=["English", "German"]
    )
    CustomFieldFactory(label="Squad", key="squad", type="text")


def csv_file(content: str = CSV) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", content.encode(), "text/csv")


def run(job):
    return jobs.start_import(job, inline=True)


def test_a_column_named_like_a_custom_field_fills_it_and_bad_values_are_row_errors(fields, recruiter):
    job, preview = jobs.create_import(upload=csv_file(), by=recruiter)
    by_header = {c.column: c for c in preview.columns}
    assert by_header["Notice"].field == "cf_notice_days" and by_header["Notice"].label == "Notice"
    assert by_header["Spoken"].field == "" and by_header["Team"].field == ""  # not named like one
    assert [(e.line, e.reason) for e in preview.errors] == [(3, "Notice: “soon” is not a number.")]
    run(job)
    assert dict(Candidate.objects.values_list("first_name", "custom_fields")) == {
        "Ada": {"notice_days": 30},
        "Cy": {},
        "Grace": {"notice_days": 90},
    }
    job.refresh_from_db()
    assert job.errors == [{"line": 3, "reason": "Notice: “soon” is not a number."}]


def test_the_preview_maps_a_column_into_a_custom_field(client, fields, recruiter):
    client.force_login(recruiter)
    client.post(reverse("candidates:import"), {"file": csv_file(), "source": "sourced"})
    job = ImportJob.objects.get()
    page = client.get(reverse("candidates:import_job", args=[job.pk])).content.decode()
    assert '<optgroup label="Custom fields"><option value="notice_days">Notice</option>' in page
    assert '<option value="languages">Languages</option>' in page
    response = client.post(
        reverse("candidates:import_columns", args=[job.pk]),
        {"header": ["Notice", "Spoken", "Team", "Company"], "target": ["-", "languages", "squad", ""]},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.column_map == {"Notice": "-", "Spoken": "languages", "Team": "squad"}
    page = client.get(reverse("candidates:import_job", args=[job.pk])).content.decode()
    assert '<option value="languages" selected>' in page
    assert "Languages: “Klingon” is not one of the options (English, German)." in page  # Cy's row, line 4
    assert "soon" not in page  # the Notice column is left out now
    client.post(reverse("candidates:import_start", args=[job.pk]))
    assert dict(Candidate.objects.values_list("first_name", "custom_fields")) == {
        "Ada": {"languages": ["English", "German"], "squad": "Platform"},
        "Bob": {"languages": ["English"], "squad": "Data"},
        "Grace": {},
    }


def test_an_unknown_field_is_refused_and_a_started_import_keeps_its_columns(fields, recruiter):
    job, _ = jobs.create_import(upload=csv_file(), by=recruiter)
    with pytest.raises(jobs.ValidationError, match="no custom field with the key shoe_size"):
        jobs.map_import_columns(job=job, column_map={"Team": "shoe_size"})
    run(job)
    with pytest.raises(jobs.ValidationError, match="can no longer change"):
        jobs.map_import_columns(job=job, column_map={"Team": "squad"})


def test_people_already_in_longlist_only_get_custom_values_they_lack(fields, recruiter):
    CandidateFactory(first_name="Ada", email="ada@example.org", custom_fields={"notice_days": 60})
    CandidateFactory(first_name="Grace", email="grace@example.org", custom_fields={})
    job, _ = jobs.create_import(upload=csv_file(), column_map={"Team": "squad"}, by=recruiter)
    run(job)
    people = dict(Candidate.objects.values_list("first_name", "custom_fields"))
    assert people["Ada"] == {"notice_days": 60, "squad": "Platform"}  # kept 60, got the squad
    assert people["Grace"] == {"notice_days": 90}
    ada = Candidate.objects.get(first_name="Ada")
    assert "filled in: custom fields" in ada.activities.get(kind="import").summary


def test_a_new_person_needs_the_required_fields_of_mapped_columns(fields, recruiter):
    CustomFieldFactory(label="Team", key="team", required=True)
    _, preview = jobs.create_import(upload=csv_file(), by=recruiter)
    assert (5, "Team: This field is required.") in [(e.line, e.reason) for e in preview.errors]  # Grace


def test_the_api_upload_takes_a_column_map(fields, recruiter):
    api = APIClient()
    api.force_authenticate(recruiter)
    response = api.post("/api/imports/", {"file": csv_file(), "column_map.Team": "squad"}, format="multipart")
    assert response.status_code == 201, response.json()
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.column_map == {"Team": "squad"}
    columns = {c["column"]: c["field"] for c in response.json()["preview"]["columns"]}
    assert columns["Team"] == "cf_squad"
    refused = api.post("/api/imports/", {"file": csv_file(), "column_map.Team": "nope"}, format="multipart")
    assert refused.status_code == 400
    assert refused.json() == {"column_map": ["Column Team: there is no custom field with the key nope."]}


def test_the_command_maps_columns_too(fields, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(CSV)
    with pytest.raises(CommandError, match="no custom field with the key nope"):
        call_command("import_candidates", str(path), "--column", "Team=nope")
    call_command(
        "import_candidates", str(path), "--column", "Team=squad", "--column", "Notice=-", stdout=io.StringIO()
    )
    assert Candidate.objects.get(first_name="Bob").custom_fields == {"squad": "Data"}  # "soon" left out
