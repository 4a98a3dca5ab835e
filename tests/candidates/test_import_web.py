"""CSV import through the upload pages, the REST API and the import_candidates command."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from candidates.imports import jobs
from candidates.models import Candidate, ImportJob, TalentPool
from tests.factories import TalentPoolFactory

CSV = (
    "First Name,Last Name,Email Address,URL,Company,Connected On\n"
    "Ada,Lovelace,ada@example.org,,Analytical Engines,15 Mar 2024\n"
    "Bob,Bad,bob@,,Acme,1 Jan 2020\n"
    "Grace,Hopper,,linkedin.com/in/grace,US Navy,1 Jan 2021\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def csv_file(content: str | bytes = CSV, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content, "text/csv")


def test_upload_preview_confirm_and_summary(client, recruiter):
    pool = TalentPoolFactory(name="Pioneers")
    client.force_login(recruiter)
    assert client.get(reverse("candidates:import")).status_code == 200
    response = client.post(
        reverse("candidates:import"), {"file": csv_file(), "pool": pool.pk, "source": "event"}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("candidates:import_job", args=[job.pk])

    preview = client.get(response["Location"]).content.decode()
    assert "Preview of people.csv" in preview
    assert "Email Address" in preview and "Connected On" in preview
    assert "Email &#x27;bob@&#x27; is not a valid address." in preview
    assert "Import 2 rows" in preview
    assert not Candidate.objects.exists()

    response = client.post(reverse("candidates:import_start", args=[job.pk]))
    assert response.status_code == 302
    summary = client.get(response["Location"]).content.decode()
    assert "Import finished" in summary
    assert 'hx-trigger="every 1s"' not in summary
    assert pool.get_absolute_url() in summary
    assert "Email &#x27;bob@&#x27; is not a valid address." in summary
    assert set(pool.members.values_list("first_name", flat=True)) == {"Ada", "Grace"}
    assert set(Candidate.objects.values_list("source", flat=True)) == {"event"}


def test_progress_partial_polls_while_running_and_stops_when_done(client, recruiter):
    job, _ = jobs.create_import(upload=csv_file(), by=recruiter)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, total_rows=3, processed_rows=1
    )
    client.force_login(recruiter)
    url = reverse("candidates:import_job", args=[job.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="import-progress" hx-get="')
    assert 'hx-trigger="every 1s"' in partial
    assert "1 of 3 rows" in partial
    assert "<html" not in partial
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, processed_rows=3)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial
    assert "Import finished" in partial


def test_upload_of_a_file_that_cannot_be_imported_shows_why_on_the_form(client, recruiter):
    client.force_login(recruiter)
    latin1 = "First Name,Email\nJos\xe9,jose@example.org\n".encode("latin-1")
    response = client.post(reverse("candidates:import"), {"file": csv_file(latin1), "source": "sourced"})
    assert response.status_code == 422
    assert "This file is not UTF-8 text (byte 0xE9 on line 2)." in response.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED


def test_upload_form_checks_size_and_pool_choice(client, recruiter, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_FILE_BYTES", 10)
    pool = TalentPoolFactory(name="Existing")
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:import"),
        {"file": csv_file(), "pool": pool.pk, "new_pool_name": "Another", "source": "sourced"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Split it into smaller files." in html
    assert "Choose an existing pool or name a new one, not both." in html
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_only_the_recruiting_team_imports(client, users_by_role, role):
    job, _ = jobs.create_import(upload=csv_file())
    client.force_login(users_by_role[role])
    assert client.get(reverse("candidates:import")).status_code == 403
    assert client.post(reverse("candidates:import"), {"file": csv_file()}).status_code == 403
    assert client.get(reverse("candidates:import_job", args=[job.pk])).status_code == 403
    assert client.post(reverse("candidates:import_start", args=[job.pk])).status_code == 403
    api = APIClient()
    api.force_authenticate(users_by_role[role])
    assert api.post("/api/imports/", {"file": csv_file()}, format="multipart").status_code == 403
    assert api.get(f"/api/imports/{job.pk}/").status_code == 403
    assert api.post(f"/api/imports/{job.pk}/start/").status_code == 403
    assert not Candidate.objects.exists()


def test_api_upload_preview_start_and_progress(recruiter):
    api = APIClient()
    api.force_authenticate(recruiter)
    response = api.post("/api/imports/", {"file": csv_file(), "pool": "From the API"}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["pool"], body["total_rows"]) == ("preview", "From the API", 3)
    preview = body["preview"]
    assert (preview["new_count"], preview["matched_count"], preview["error_count"]) == (2, 0, 1)
    assert preview["errors"] == [{"line": 3, "reason": "Email 'bob@' is not a valid address."}]
    assert preview["ignored_columns"] == ["Connected On"]
    column = {"column": "URL", "field": "linkedin_url", "label": "LinkedIn URL", "chosen": False}
    assert column in preview["columns"]  # chosen: mapped on the preview rather than by its name
    assert preview["sample"][0]["name"] == "Ada Lovelace"

    started = api.post(f"/api/imports/{body['id']}/start/")
    assert started.status_code == 202
    assert started.json()["status"] == "done"
    assert api.post(f"/api/imports/{body['id']}/start/").status_code == 409
    progress = api.get(f"/api/imports/{body['id']}/").json()
    assert (progress["processed_rows"], progress["created_count"], progress["error_count"]) == (3, 2, 1)
    assert progress["errors"] == [{"line": 3, "reason": "Email 'bob@' is not a valid address."}]
    assert TalentPool.objects.get(name="From the API").members.count() == 2


def test_api_refuses_a_file_that_cannot_be_imported_and_smart_pools(recruiter):
    TalentPoolFactory(name="Smart one", kind=TalentPool.Kind.SMART)
    api = APIClient()
    api.force_authenticate(recruiter)
    response = api.post("/api/imports/", {"file": csv_file("First Name,Email\n")}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": ["The file has a header row but no candidates below it."]}
    response = api.post("/api/imports/", {"file": csv_file(), "pool": "smart ONE"}, format="multipart")
    assert response.status_code == 400
    assert "is a smart pool" in response.json()["pool"][0]
    response = api.post("/api/imports/", {"file": csv_file(), "pool": "Nul\x00name"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["pool"] == ["Null characters are not allowed."]


def test_command_imports_synchronously_and_reports_row_errors(db, tmp_path, capsys):
    path = tmp_path / "connections.csv"
    path.write_text(CSV)
    call_command("import_candidates", str(path), "--pool", "Command line", "--source", "database")
    out = capsys.readouterr().out
    assert "connections.csv: 3 rows, comma-separated" in out
    assert "Ignored columns: Connected On" in out
    assert "Imported 3 of 3 rows" in out
    assert "Done into the pool Command line: 2 added, 0 matched existing, 1 not imported." in out
    assert "line 3: Email 'bob@' is not a valid address." in out
    assert set(Candidate.objects.values_list("source", flat=True)) == {"database"}
    assert TalentPool.objects.get(name="Command line").members.count() == 2


def test_command_fails_on_a_file_that_cannot_be_imported(db, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("First Name,Email\nJos\xe9,jose@example.org\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"not UTF-8 text \(byte 0xE9 on line 2\)"):
        call_command("import_candidates", str(path))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_candidates", str(tmp_path / "missing.csv"))
    assert not Candidate.objects.exists()
