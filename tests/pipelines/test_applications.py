"""Applying on the careers page: what an application creates, and bad input that creates nothing."""

from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates.models import Activity, Candidate, Resume, SeekingStatus, Source
from candidates.search import search_candidates
from pipelines import applications, services
from pipelines.models import Application, Card
from tests.factories import (
    CandidateFactory,
    RequisitionFactory,
    make_docx,
    make_encrypted_pdf,
    make_pdf,
    make_xobject_bomb,
    make_zip_bomb,
    stage_named,
)


@pytest.fixture(autouse=True)
def _isolated(db, settings, tmp_path):
    """Files in a folder of this test, a fresh rate-limit count (Celery tasks run in the process: conftest)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def role(db):
    return RequisitionFactory(title="Data Engineer", is_published=True)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def form(**overrides):
    data = {
        "first_name": "Maya",
        "last_name": "Okafor",
        "email": "Maya.Okafor@Example.com",
        "phone": "",
        "linkedin_url": "",
        "message": "I would love to build your pipelines.",
        "consent": "on",
        "website": "",
        "resume": SimpleUploadedFile(
            "Maya CV.pdf",
            make_pdf("Maya Okafor", "Phone: +351 912 345 678", "Shipped the marmoset ingestion engine"),
            content_type="application/pdf",
        ),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def apply(client, role, **overrides):
    return client.post(reverse("pipelines:careers_role", args=[role.pk]), form(**overrides))


def counts(settings) -> dict[str, int]:
    return {
        "candidates": Candidate.objects.count(),
        "cards": Card.objects.count(),
        "applications": Application.objects.count(),
        "resumes": Resume.objects.count(),
        "files": len(stored_files(settings)),
    }


NOTHING = {"candidates": 0, "cards": 0, "applications": 0, "resumes": 0, "files": 0}


def test_an_application_creates_the_candidate_card_resume_timeline_and_emails(
    client, role, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, role)
    assert response.status_code == 302
    assert response.url == reverse("pipelines:careers_thanks", args=[role.pk])
    assert "Thank you for applying" in client.get(response.url).content.decode()

    candidate = Candidate.objects.get()
    assert (candidate.email, candidate.seeking_status, candidate.source) == (
        "maya.okafor@example.com",
        SeekingStatus.ACTIVE,
        Source.APPLIED,
    )
    assert candidate.phone == "+351 912 345 678"  # found in the résumé
    application = Application.objects.get()
    assert application.card.stage == stage_named(role, "Sourced")  # the first stage of the board
    assert application.resume.text_status == Resume.TextStatus.EXTRACTED
    assert application.message == "I would love to build your pipelines." and application.consent_at
    assert candidate.activities.filter(kind=Activity.Kind.APPLICATION).count() == 1
    assert list(search_candidates({"q": "marmoset"})) == [candidate]

    assert [m.to for m in mail.outbox] == [["maya.okafor@example.com"], [role.recruiter.email]]
    assert "Data Engineer" in mail.outbox[0].subject
    assert "Maya Okafor" in mail.outbox[1].subject
    assert reverse("pipelines:board", args=[role.pk]) in mail.outbox[1].body


CONTACT_AND_STATE = ["first_name", "last_name", "email", "phone", "linkedin_url", "seeking_status", "source"]


def snapshot(candidate: Candidate) -> dict:
    candidate.refresh_from_db()
    return {name: getattr(candidate, name) for name in CONTACT_AND_STATE} | {
        "resumes": list(candidate.resumes.values_list("pk", flat=True)),
        "cards": list(Card.objects.filter(candidate=candidate).values_list("pk", flat=True)),
    }


def test_someone_already_in_the_database_gets_the_application_by_email_and_nothing_of_theirs_changes(
    client, role, django_capture_on_commit_callbacks
):
    known = CandidateFactory(
        first_name="Maya",
        last_name="",
        email="maya.okafor@example.com",
        phone="",
        linkedin_url="",
        seeking_status="passive",
        source="sourced",
    )
    before = snapshot(known)
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(
            client,
            role,
            email="MAYA.OKAFOR@example.com",
            phone="+351 999 000 111",
            linkedin_url="linkedin.com/in/mayao",
        )
    assert response.status_code == 302
    assert Candidate.objects.count() == 1
    application = Application.objects.get()
    assert application.candidate == known and application.resume.candidate == known
    after = snapshot(known)
    assert {k: after[k] for k in CONTACT_AND_STATE} == {k: before[k] for k in CONTACT_AND_STATE}
    assert application.resume.text_status == Resume.TextStatus.EXTRACTED  # searchable, but fills nothing
    entry = known.activities.get(kind=Activity.Kind.APPLICATION)
    assert "not copied to the profile" in entry.body
    assert (
        "phone: +351 999 000 111" in entry.body
        and "LinkedIn: https://www.linkedin.com/in/mayao" in entry.body
    )


def test_a_linkedin_profile_without_its_email_makes_a_new_record_flagged_as_a_possible_duplicate(
    client, role, recruiter, django_capture_on_commit_callbacks
):
    known = CandidateFactory(
        first_name="Maya",
        last_name="Okafor",
        email="",
        phone="",
        linkedin_url="https://www.linkedin.com/in/maya-o",
        seeking_status="passive",
        source="sourced",
    )
    before = snapshot(known)
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, role, linkedin_url="https://uk.linkedin.com/in/Maya-O/")
    assert response.status_code == 302
    assert snapshot(known) == before  # no email, phone, status, résumé or card taken over
    assert not known.applications.exists()
    assert [m.to for m in mail.outbox] == [["maya.okafor@example.com"], [role.recruiter.email]]

    applicant = Candidate.objects.exclude(pk=known.pk).get()
    assert (applicant.email, applicant.linkedin_url, applicant.phone) == (
        "maya.okafor@example.com",
        "",  # the profile is the known person's
        "+351 912 345 678",  # from the applicant's own résumé
    )
    assert applicant.possible_duplicate_of == known and Application.objects.get().candidate == applicant
    entry = applicant.activities.get(kind=Activity.Kind.APPLICATION)
    assert "LinkedIn: https://www.linkedin.com/in/maya-o" in entry.body and "possible duplicate" in entry.body

    client.force_login(recruiter)
    for profile, other in ((known, applicant), (applicant, known)):
        html = client.get(profile.get_absolute_url()).content.decode()
        assert 'id="possible-duplicates"' in html
        assert reverse("candidates:merge_confirm", args=[profile.pk, other.pk]) in html


def test_the_email_decides_who_an_application_is_for_never_the_linkedin_profile(client, role):
    linkedin_holder = CandidateFactory(email="", linkedin_url="https://www.linkedin.com/in/maya-o")
    email_holder = CandidateFactory(email="maya.okafor@example.com", linkedin_url="")
    before = snapshot(linkedin_holder), snapshot(email_holder)
    response = apply(client, role, linkedin_url="https://www.linkedin.com/in/maya-o")
    assert response.status_code == 302
    assert Application.objects.get().candidate == email_holder
    assert (snapshot(linkedin_holder), snapshot(email_holder))[0] == before[0]
    assert {k: snapshot(email_holder)[k] for k in CONTACT_AND_STATE} == {
        k: before[1][k] for k in CONTACT_AND_STATE
    }
    assert Candidate.objects.count() == 2


def test_a_sourced_candidate_already_on_the_board_keeps_their_card(client, role):
    known = CandidateFactory(email="maya.okafor@example.com")
    card = services.add_card(pipeline=role.pipeline, candidate=known, stage=stage_named(role, "Screen"))
    assert apply(client, role).status_code == 302
    assert Card.objects.get() == card and Application.objects.get().card == card


def test_a_duplicate_application_says_so_and_creates_nothing_more(client, role, settings):
    apply(client, role)
    before = counts(settings)
    response = apply(client, role, email="maya.okafor@EXAMPLE.com", first_name="M.")
    assert response.status_code == 422
    assert "You have already applied for this role" in response.content.decode()
    assert counts(settings) == before
    assert Candidate.objects.get().first_name == "Maya"


def test_the_same_person_may_apply_for_another_role(client, role):
    apply(client, role)
    other = RequisitionFactory(title="Analytics Engineer", is_published=True)
    assert apply(client, other).status_code == 302
    assert Candidate.objects.count() == 1 and Application.objects.count() == 2


@pytest.mark.parametrize(
    ("resume", "message"),
    [
        (
            SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)),
            "résumés can be up to 10.0 MB",
        ),
        (
            SimpleUploadedFile("cv.pdf", b"MZ\x90\x00" + b"\0" * 512, content_type="application/pdf"),
            "This file is not a PDF or a Word (.docx) document",
        ),
        (SimpleUploadedFile("cv.docx", make_zip_bomb()), "more than a Word document would"),
        (SimpleUploadedFile("cv.docx", make_zip_bomb(5 * 1024 * 1024)), "looks like a zip bomb"),
    ],
    ids=["oversized", "renamed-executable", "zip-bomb-too-big", "zip-bomb-ratio"],
)
def test_a_bad_resume_is_refused_with_a_clear_message_and_nothing_is_written(
    client, role, settings, resume, message
):
    response = apply(client, role, resume=resume)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html and 'id="id_resume_error"' in html
    assert counts(settings) == NOTHING
    assert not mail.outbox


def test_missing_fields_are_explained_next_to_each_field_with_the_focus_on_the_first(client, role, settings):
    response = apply(client, role, first_name="", email="not-an-email", consent=None, resume=None)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_first_name_error"' in html and 'id="id_email_error"' in html
    assert "Please agree to the privacy notice so we can consider you." in html
    assert html.count("autofocus") == 1 and 'name="first_name" autocomplete="given-name"' in html
    assert counts(settings) == NOTHING


def test_an_encrypted_pdf_still_goes_through_and_is_recorded_as_encrypted(
    client, role, settings, django_capture_on_commit_callbacks
):
    encrypted = SimpleUploadedFile(
        "cv.pdf", make_encrypted_pdf("Hidden words"), content_type="application/pdf"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert apply(client, role, resume=encrypted).status_code == 302
    resume = Resume.objects.get()
    assert resume.text_status == Resume.TextStatus.ENCRYPTED and resume.text == ""
    assert Application.objects.get().resume == resume
    assert Activity.objects.filter(summary="Résumé cv.pdf: encrypted: no text").exists()


def test_a_resume_too_complex_to_read_still_goes_through_and_is_recorded_as_too_complex(
    client, role, settings, django_capture_on_commit_callbacks
):
    settings.RESUME_PARSE_SECONDS = 1
    bomb = SimpleUploadedFile("cv.pdf", make_xobject_bomb(), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, role, resume=bomb)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.resume.text_status == Resume.TextStatus.COMPLEX
    assert application.candidate.activities.filter(summary="Résumé cv.pdf: too complex: no text").exists()
    assert len(mail.outbox) == 2


def test_a_docx_resume_is_accepted(client, role, django_capture_on_commit_callbacks):
    docx = SimpleUploadedFile("cv.docx", make_docx("Led the pangolin migration"))
    with django_capture_on_commit_callbacks(execute=True):
        assert apply(client, role, resume=docx).status_code == 302
    assert Resume.objects.get().kind == Resume.Kind.DOCX
    assert search_candidates({"q": "pangolin"}).count() == 1


def test_a_filled_honeypot_looks_accepted_but_creates_nothing(client, role, settings):
    response = apply(client, role, website="https://spam.example")
    assert response.status_code == 302
    assert response.url == reverse("pipelines:careers_thanks", args=[role.pk])
    assert counts(settings) == NOTHING and not mail.outbox


def test_too_many_applications_from_one_address_are_refused(client, role, settings):
    settings.CAREERS_APPLY_RATE_LIMIT = 2
    assert apply(client, role).status_code == 302
    assert apply(client, role, email="other@example.com").status_code == 302
    before = counts(settings)
    response = apply(client, role, email="third@example.com")
    assert response.status_code == 429
    assert "Too many applications have been sent from your network" in response.content.decode()
    assert counts(settings) == before
    other_address = client.post(
        reverse("pipelines:careers_role", args=[role.pk]),
        form(email="fourth@example.com"),
        REMOTE_ADDR="10.0.0.9",
    )
    assert other_address.status_code == 302


def test_applying_to_a_role_that_is_not_published_is_not_found(client, db, settings):
    hidden = RequisitionFactory(is_published=False)
    assert apply(client, hidden).status_code == 404
    assert counts(settings) == NOTHING


def test_the_service_rolls_back_the_stored_file_when_writing_fails(role, settings, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(applications, "place_on_requisition", broken)
    with pytest.raises(RuntimeError):
        applications.submit_application(requisition=role, consent=True, **_service_fields())
    assert counts(settings) == NOTHING


def _service_fields():
    data = form()
    return {
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "email": data["email"],
        "resume": data["resume"],
        "message": data["message"],
    }


# --- The requisition page and the API ----------------------------------------------------------------------


def test_the_requisition_page_lists_its_applications_for_the_recruiting_team(client, role, recruiter):
    apply(client, role)
    client.force_login(recruiter)
    html = client.get(role.get_absolute_url()).content.decode()
    application = Application.objects.get()
    assert f'id="application-{application.pk}"' in html
    assert (
        reverse("candidates:resume_download", args=[application.candidate_id, application.resume_id]) in html
    )


def test_hiring_managers_do_not_see_applications_or_resume_links(client, role):
    apply(client, role)
    client.force_login(role.hiring_manager)
    html = client.get(role.get_absolute_url()).content.decode()
    assert 'id="applications"' not in html


@pytest.mark.parametrize(
    ("user_role", "status"), [("admin", 200), ("recruiter", 200), ("manager", 403), ("employee", 403)]
)
def test_applications_api_is_for_the_recruiting_team(client, role, users_by_role, user_role, status):
    apply(client, role)
    client.force_login(users_by_role[user_role])
    listed = client.get("/api/applications/", {"requisition": role.pk})
    assert listed.status_code == status
    application = Application.objects.get()
    assert client.get(f"/api/applications/{application.pk}/").status_code in (status, 404)
    if status == 200:
        row = listed.json()["results"][0]
        assert row["candidate_name"] == "Maya Okafor" and row["stage"] == "Sourced"
    assert client.post("/api/applications/", {}).status_code in (403, 405)


def test_applications_api_needs_a_login(client, role):
    assert client.get("/api/applications/").status_code in (401, 403)
