"""Résumés: checks by content, storage, text extraction into search, and who may upload and download them."""

import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from candidates import merge, privacy, resume_parsing, resume_uploads, resumes, search_documents
from candidates.models import Activity, Candidate, Resume
from candidates.search import search_candidates
from candidates.tasks import extract_resume_text
from recruiting.celery import app as celery_app
from tests.factories import (
    CandidateFactory,
    make_docx,
    make_encrypted_pdf,
    make_pdf,
    make_xobject_bomb,
    make_zip_bomb,
)

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200  # a Windows .exe header


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, monkeypatch):
    """Files in a folder of this test; the extraction task runs in the process when a commit enqueues it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(content: bytes, name: str = "cv.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Checks by content ---------------------------------------------------------------------------------------


def test_a_pdf_and_a_docx_are_recognised_by_their_content_whatever_their_name():
    assert resumes.check_resume(upload(make_pdf("Hello"), name="cv.docx")).kind == Resume.Kind.PDF
    checked = resumes.check_resume(upload(make_docx("Hello"), name="resume", content_type="text/plain"))
    assert checked.kind == Resume.Kind.DOCX and len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (EXECUTABLE, "not a PDF or a Word (.docx) document"),
        (b"%PDX-1.4 not quite", "not a PDF or a Word (.docx) document"),
        (b"PK\x03\x04 but not a zip at all", "damaged"),
    ],
)
def test_files_that_are_not_resumes_are_refused_with_a_clear_message(content, message):
    with pytest.raises(ValidationError) as error:
        resumes.check_resume(upload(content, name="cv.pdf"))
    assert message in " ".join(error.value.messages)


def test_a_file_over_10_mb_is_refused_before_it_is_read():
    big = upload(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match=r"The file is 10\.0 MB; résumés can be up to 10\.0 MB"):
        resumes.check_resume(big)


def test_a_zip_bomb_named_docx_is_refused_without_unpacking_it():
    with pytest.raises(ValidationError, match=r"unpacks to 60\.0 MB"):
        resumes.check_resume(upload(make_zip_bomb(), name="cv.docx"))
    with pytest.raises(ValidationError, match="zip bomb"):
        resumes.check_resume(upload(make_zip_bomb(5 * 1024 * 1024), name="cv.docx"))


def test_a_zip_that_is_not_a_word_document_or_holds_too_many_files_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
        for i in range(resume_parsing.DOCX_MAX_MEMBERS):
            archive.writestr(f"word/media/{i}.txt", "x")
    with pytest.raises(ValidationError, match="files inside"):
        resumes.check_resume(upload(buffer.getvalue(), name="cv.docx"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", EXECUTABLE)
    with pytest.raises(ValidationError, match="not a PDF or a Word"):
        resumes.check_resume(upload(buffer.getvalue(), name="cv.docx"))


def test_download_names_are_safe():
    resume = Resume(original_name='../../etc/pa"ss\r\nwd;<script>.exe', kind=Resume.Kind.PDF)
    assert resumes.download_name(resume) == "pa_ss_wd_script.pdf"
    assert resumes.display_name("C:\\Users\\jane\\My CV.docx") == "My CV.docx"


# --- Storing and extracting ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_attached_pdf_is_stored_under_a_generated_name_and_its_text_becomes_searchable(
    settings, recruiter
):
    candidate = CandidateFactory(first_name="Ada", last_name="Byron", email="", phone="")
    resume = resume_uploads.attach_resume(
        candidate=candidate,
        upload=upload(make_pdf("Ada Byron", "ada@example.net", "Built a quokkatron at work"), "../My CV.pdf"),
        by=recruiter,
    )
    resume.refresh_from_db()
    assert resume.original_name == "My CV.pdf"
    assert resume.file.name.startswith("resumes/") and resume.file.name.endswith(".pdf")
    assert "My CV" not in resume.file.name
    assert [p.name for p in stored_files(settings)] == [Path(resume.file.name).name]
    assert resume.text_status == Resume.TextStatus.EXTRACTED and "quokkatron" in resume.text
    assert list(search_candidates({"q": "quokkatron"})) == [candidate]
    candidate.refresh_from_db()
    assert candidate.email == "ada@example.net"  # was empty: filled from the résumé


def test_extraction_fills_only_empty_contact_details_and_never_takes_another_persons(db):
    CandidateFactory(email="taken@example.net")
    candidate = CandidateFactory(email="mine@example.org", phone="", linkedin_url="")
    resume = Resume.objects.create(
        candidate=candidate, kind="pdf", size=1, sha256="0" * 64, original_name="cv.pdf"
    )
    resume.file.save(
        "x.pdf",
        upload(make_pdf("taken@example.net", "Mobile: +44 7700 900123", "www.linkedin.com/in/Ada-B")),
        save=True,
    )
    resumes.extract_text(resume.pk)
    candidate.refresh_from_db()
    assert candidate.email == "mine@example.org"
    assert candidate.phone == "+44 7700 900123"
    assert candidate.linkedin_url == "https://www.linkedin.com/in/ada-b"
    assert candidate.activities.filter(summary="From the résumé: LinkedIn, phone").exists()
    assert resumes.extract_text(resume.pk) is None  # already done: a second delivery does nothing


def _stored(candidate, content: bytes, kind: str) -> Resume:
    resume = Resume(candidate=candidate, kind=kind, size=len(content), sha256="0" * 64, original_name="cv")
    resume.file.save("cv", upload(content), save=True)
    return resume


@pytest.mark.parametrize(
    ("content", "kind", "status"),
    [
        (make_encrypted_pdf("Secret words"), "pdf", Resume.TextStatus.ENCRYPTED),
        (b"%PDF-1.4\nthis is not really a pdf", "pdf", Resume.TextStatus.BROKEN),
        (make_pdf(), "pdf", Resume.TextStatus.EMPTY),
        (make_docx("Loves", "fenestration"), "docx", Resume.TextStatus.EXTRACTED),
    ],
)
def test_text_status_records_what_could_be_read(db, content, kind, status):
    candidate = CandidateFactory()
    resume = resumes.extract_text(_stored(candidate, content, kind).pk)
    assert resume.text_status == status
    if status == Resume.TextStatus.EXTRACTED:
        assert "fenestration" in resume.text
    else:
        assert resume.text == ""
        assert candidate.activities.filter(kind=Activity.Kind.RESUME, summary__contains="cv:").exists()


def test_the_bounded_reader_stops_a_pdf_that_draws_one_form_a_thousand_times_within_seconds():
    bomb = make_xobject_bomb()
    assert len(bomb) < 2_000
    started = time.monotonic()
    parsed = resume_parsing.extract("pdf", bomb, cpu_seconds=2)
    assert time.monotonic() - started < 10
    assert (parsed.status, parsed.text) == (Resume.TextStatus.COMPLEX, "")


def test_a_resume_too_complex_to_read_is_recorded_so_on_the_profile_and_the_timeline(
    client, recruiter, settings
):
    settings.RESUME_PARSE_SECONDS = 1
    candidate = CandidateFactory()
    resume = resumes.extract_text(_stored(candidate, make_xobject_bomb(), "pdf").pk)
    assert resume.text_status == Resume.TextStatus.COMPLEX and resume.text == ""
    assert "1 s CPU limit" in resume.text_error
    client.force_login(recruiter)
    page = client.get(candidate.get_absolute_url()).content.decode()
    assert "Too complex: no text" in page
    assert candidate.activities.get(summary="Résumé cv: too complex: no text").body == (
        "The file is kept; its text is not searchable."
    )


def test_resume_text_is_read_on_its_own_queue_within_time_limits(settings):
    assert celery_app.amqp.router.route({}, extract_resume_text.name)["queue"].name == "resumes"
    budget = resume_parsing.wall_clock_budget(settings.RESUME_PARSE_SECONDS)
    assert budget < extract_resume_text.soft_time_limit < extract_resume_text.time_limit


def test_search_document_takes_the_latest_resume_with_text(db):
    candidate = CandidateFactory()
    Resume.objects.create(candidate=candidate, kind="pdf", size=1, sha256="", text="oldword")
    Resume.objects.create(candidate=candidate, kind="pdf", size=1, sha256="", text="newword")
    search_documents.refresh_search_documents([candidate.pk])
    candidate.refresh_from_db()
    assert "newword" in candidate.search_document and "oldword" not in candidate.search_document


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgres_full_text_finds_a_word_only_in_the_resume(db):
    candidate = CandidateFactory(first_name="Grace", last_name="Hopper")
    Resume.objects.create(
        candidate=candidate, kind="pdf", size=1, sha256="", text="Wrote the xylophonist compiler"
    )
    search_documents.refresh_search_documents([candidate.pk])
    assert list(search_candidates({"q": "xylophonist"})) == [candidate]
    assert list(search_candidates({"q": "xylophon"})) == [candidate]  # prefix, as you type


def test_merge_moves_resumes_and_erase_deletes_them_with_their_files(
    db, settings, admin_user, django_capture_on_commit_callbacks
):
    primary, duplicate = CandidateFactory(), CandidateFactory()
    kept = resume_uploads.attach_resume(candidate=duplicate, upload=upload(make_pdf("x")), by=admin_user)
    merge.merge_candidates(primary=primary, duplicate=duplicate, by=admin_user)
    assert list(primary.resumes.all()) == [kept]
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_candidate(candidate=primary, by=admin_user)
    assert not Resume.objects.exists() and stored_files(settings) == []


# --- Pages: upload and download ------------------------------------------------------------------------------


def test_recruiter_uploads_a_resume_on_the_profile(client, recruiter, settings):
    candidate = CandidateFactory()
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:resume_upload", args=[candidate.pk]), {"file": upload(make_docx("Hi"), "cv.docx")}
    )
    assert response.status_code == 302
    resume = candidate.resumes.get()
    assert (resume.kind, resume.uploaded_by) == (Resume.Kind.DOCX, recruiter)
    page = client.get(candidate.get_absolute_url()).content.decode()
    assert reverse("candidates:resume_download", args=[candidate.pk, resume.pk]) in page
    assert "cv.docx" in page


def test_a_bad_upload_on_the_profile_says_why_and_stores_nothing(client, recruiter, settings):
    candidate = CandidateFactory()
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:resume_upload", args=[candidate.pk]),
        {"file": upload(EXECUTABLE, "cv.pdf")},
        follow=True,
    )
    assert "Résumé not added: This file is not a PDF or a Word (.docx) document" in response.content.decode()
    assert not Resume.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize(
    ("role", "upload_status", "download_status"),
    [("admin", 302, 200), ("recruiter", 302, 200), ("manager", 403, 403), ("employee", 403, 403)],
)
def test_who_may_upload_and_download_resumes(client, users_by_role, role, upload_status, download_status):
    candidate = CandidateFactory()
    resume = resume_uploads.attach_resume(candidate=candidate, upload=upload(make_pdf("x"), "Jane's CV.pdf"))
    client.force_login(users_by_role[role])
    posted = client.post(
        reverse("candidates:resume_upload", args=[candidate.pk]), {"file": upload(make_pdf("y"))}
    )
    assert posted.status_code == upload_status
    response = client.get(reverse("candidates:resume_download", args=[candidate.pk, resume.pk]))
    assert response.status_code == download_status
    if download_status == 200:
        assert response["Content-Disposition"] == 'attachment; filename="Jane_s CV.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_anonymous_visitors_are_sent_to_log_in_for_resumes(client, db):
    candidate = CandidateFactory()
    resume = resume_uploads.attach_resume(candidate=candidate, upload=upload(make_pdf("x")))
    response = client.get(reverse("candidates:resume_download", args=[candidate.pk, resume.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_resume_is_only_downloaded_through_its_own_candidate(client, recruiter):
    resume = resume_uploads.attach_resume(candidate=CandidateFactory(), upload=upload(make_pdf("x")))
    other = CandidateFactory()
    client.force_login(recruiter)
    assert client.get(reverse("candidates:resume_download", args=[other.pk, resume.pk])).status_code == 404


def test_a_resume_whose_file_is_gone_from_storage_says_so_instead_of_failing(client, recruiter, caplog):
    resume = resume_uploads.attach_resume(candidate=CandidateFactory(), upload=upload(make_pdf("x")))
    resume.file.storage.delete(resume.file.name)
    client.force_login(recruiter)
    page = client.get(
        reverse("candidates:resume_download", args=[resume.candidate_id, resume.pk]), follow=True
    )
    assert page.redirect_chain[-1][0] == resume.candidate.get_absolute_url()
    assert "missing from storage; upload it again" in page.content.decode()
    api = client.get(f"/api/resumes/{resume.pk}/download/")
    assert api.status_code == 404 and "missing from storage" in api.json()["detail"]
    assert f"Résumé {resume.pk}: its file" in caplog.text


# --- API --------------------------------------------------------------------------------------------------------


def test_api_uploads_checks_and_downloads_resumes(client, recruiter, settings):
    candidate = CandidateFactory()
    client.force_login(recruiter)
    bad = client.post(
        "/api/resumes/", {"candidate": candidate.pk, "file": upload(make_zip_bomb(), "cv.docx")}
    )
    assert bad.status_code == 400 and "unpacks to" in bad.json()["file"][0]
    assert not Resume.objects.exists() and stored_files(settings) == []
    created = client.post("/api/resumes/", {"candidate": candidate.pk, "file": upload(make_pdf("API"))})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "pdf" and body["text_status"] == "pending" and "file" not in body
    listed = client.get("/api/resumes/", {"candidate": candidate.pk}).json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]
    download = client.get(body["download_url"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_api_resumes_are_closed_to_hiring_managers_and_employees(client, users_by_role, role):
    candidate = CandidateFactory()
    resume = resume_uploads.attach_resume(candidate=candidate, upload=upload(make_pdf("x")))
    client.force_login(users_by_role[role])
    assert client.get("/api/resumes/").status_code == 403
    assert client.get(f"/api/resumes/{resume.pk}/download/").status_code == 403
    posted = client.post("/api/resumes/", {"candidate": candidate.pk, "file": upload(make_pdf("y"))})
    assert posted.status_code == 403
    assert Resume.objects.count() == 1
    assert Candidate.objects.count() == 1
