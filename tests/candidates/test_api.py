import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from candidates.models import Activity, Candidate, Resume, Suppression, TalentPool
from outreach.models import Enrollment
from tests.factories import CandidateFactory, SequenceFactory, StepFactory, make_pdf


@pytest.fixture
def api():
    return APIClient()


def test_recruiter_creates_reads_updates_and_deletes_is_admin_only(api, recruiter, admin_user):
    api.force_authenticate(recruiter)
    created = api.post(
        "/api/candidates/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ADA@example.com",
            "linkedin_url": "linkedin.com/in/Ada",
            "skills": ["Python", "Maths"],
            "country": "GB",
            "seeking_status": "passive",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["email"] == "ada@example.com"
    assert body["linkedin_url"] == "https://www.linkedin.com/in/ada"
    assert sorted(body["skills"]) == ["Maths", "Python"]
    url = f"/api/candidates/{body['id']}/"
    assert api.get(url).json()["first_name"] == "Ada"
    assert api.patch(url, {"title": "Analyst", "skills": ["Python"]}, format="json").status_code == 200
    ada = Candidate.objects.get()
    assert ada.title == "Analyst"
    assert [s.name for s in ada.skills.all()] == ["Python"]
    assert ada.activities.filter(kind=Activity.Kind.CREATED).exists()


def test_delete_is_the_audited_erase_for_admins_and_refused_to_others(
    api, recruiter, admin_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    ada = CandidateFactory(
        first_name="Ada", email="ada@example.com", linkedin_url="https://www.linkedin.com/in/ada"
    )
    resume = Resume(candidate=ada, original_name="cv.pdf", kind=Resume.Kind.PDF, size=10, sha256="0" * 64)
    resume.file.save("cv.pdf", ContentFile(make_pdf("Ada")), save=True)
    path = resume.file.path
    url = f"/api/candidates/{ada.pk}/"
    api.force_authenticate(recruiter)
    assert api.delete(url).status_code == 403
    assert Candidate.objects.get(pk=ada.pk).erased_at is None
    api.force_authenticate(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(url).status_code == 204
    ada.refresh_from_db()
    assert ada.erased_at is not None and ada.email == "" and ada.first_name != "Ada"
    assert Suppression.objects.filter(email="ada@example.com").exists()
    assert not Resume.objects.filter(pk=resume.pk).exists() and not os.path.exists(path)
    assert [a.kind for a in ada.activities.all()] == [Activity.Kind.PRIVACY]
    assert api.get(url).status_code == 404


def test_a_reimport_after_the_erase_does_not_bring_them_back_into_outreach(api, admin_user):
    ada = CandidateFactory(email="ada@example.com")
    sequence = SequenceFactory()
    StepFactory(sequence=sequence, position=0)
    api.force_authenticate(admin_user)
    assert api.delete(f"/api/candidates/{ada.pk}/").status_code == 204
    upload = SimpleUploadedFile(
        "people.csv", b"First Name,Email\nAda,ADA@example.com\n", content_type="text/csv"
    )
    job = api.post("/api/imports/", {"file": upload, "pool": "Reimported"}).json()
    assert api.post(f"/api/imports/{job['id']}/start/").status_code == 202
    pool = TalentPool.objects.get(name="Reimported")
    enrolled = api.post("/api/enrollments/enroll/", {"sequence": sequence.pk, "pool": pool.pk}, format="json")
    assert enrolled.status_code == 201
    assert not Enrollment.objects.exists()
    assert not Candidate.objects.filter(email="ada@example.com", erased_at__isnull=True).exists()


def test_list_is_paginated_and_filtered(api, recruiter):
    CandidateFactory.create_batch(3, seeking_status="active", industry="Fintech")
    CandidateFactory.create_batch(2, seeking_status="passive", industry="Fintech")
    CandidateFactory(seeking_status="passive", industry="Gaming", title="Game designer")
    api.force_authenticate(recruiter)
    data = api.get("/api/candidates/", {"seeking_status": "passive", "industry": "Fintech"}).json()
    assert data["count"] == 2
    assert {"count", "next", "previous", "results"} <= data.keys()
    assert api.get("/api/candidates/", {"q": "game designer"}).json()["count"] == 1


def test_duplicate_is_refused_with_the_existing_id(api, recruiter):
    existing = CandidateFactory(email="ada@example.com")
    api.force_authenticate(recruiter)
    response = api.post("/api/candidates/", {"first_name": "Ada", "email": "Ada@Example.com"}, format="json")
    assert response.status_code == 400
    assert response.json()["duplicate_of"] == [str(existing.pk)]


def test_bad_input_gets_field_errors(api, recruiter):
    api.force_authenticate(recruiter)
    response = api.post(
        "/api/candidates/",
        {
            "first_name": "",
            "email": "not-an-email",
            "linkedin_url": "example.com/x",
            "seeking_status": "maybe",
            "timezone": "Mars/Olympus_Mons",
            "country": "Atlantis",
        },
        format="json",
    )
    assert response.status_code == 400
    fields = {"first_name", "email", "linkedin_url", "seeking_status", "timezone", "country"}
    assert fields <= response.json().keys()
    assert not Candidate.objects.exists()


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_other_roles_cannot_use_the_candidates_api(api, users_by_role, role):
    candidate = CandidateFactory()
    api.force_authenticate(users_by_role[role])
    assert api.get("/api/candidates/").status_code == 403
    assert api.get(f"/api/candidates/{candidate.pk}/").status_code == 403
    assert api.post("/api/candidates/", {"first_name": "X"}, format="json").status_code == 403


def test_anonymous_gets_401_and_token_authentication_works(api, recruiter):
    assert api.get("/api/candidates/").status_code == 401
    token = Token.objects.create(user=recruiter)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/candidates/").status_code == 200


def test_token_is_issued_for_username_and_password(api, recruiter):
    response = api.post("/api/token/", {"username": recruiter.username, "password": "longlist"})
    assert response.status_code == 200
    assert response.json()["token"]


def test_openapi_schema_and_docs_are_served(client, recruiter):
    client.force_login(recruiter)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/candidates/" in schema.content
    assert client.get("/api/docs/").status_code == 200
