"""CSV import: reading files, row validation, dedup, suppression, batches and the job's life cycle."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from candidates.imports import jobs, reading, running, writing
from candidates.imports.tasks import run_import_job
from candidates.models import Activity, Candidate, ImportJob, PoolMembership, Suppression, TalentPool
from tests.factories import CandidateFactory, TalentPoolFactory

LINKEDIN_EXPORT = """Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261"

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,,Analytical Engines,Engineer,15 Mar 2024
Grace,Hopper,https://www.linkedin.com/in/GraceHopper/,grace@navy.example,US Navy,Rear Admiral,01 Jan 2020
"""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(content: str | bytes, name: str = "people.csv", **kwargs):
    data = content.encode() if isinstance(content, str) else content
    return jobs.create_import(upload=ContentFile(data, name=name), **kwargs)


def import_now(content: str | bytes, **kwargs) -> ImportJob:
    job, preview = upload(content, **kwargs)
    assert not preview.error, preview.error
    return jobs.start_import(job, inline=True)


def test_linkedin_export_with_its_notes_preamble(db, recruiter):
    job, preview = upload(LINKEDIN_EXPORT, name="Connections.csv", by=recruiter)
    assert preview.error == ""
    assert [(c.column, c.field) for c in preview.columns] == [
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("URL", "linkedin_url"),
        ("Email Address", "email"),
        ("Company", "company"),
        ("Position", "title"),
        ("Connected On", ""),
    ]
    assert preview.ignored_columns == ["Connected On"]
    assert (preview.total_rows, preview.new_count, preview.matched_count, preview.error_count) == (2, 2, 0, 0)
    assert [(row.line, row.name, row.status) for row in preview.sample] == [
        (5, "Ada Lovelace", "new"),
        (6, "Grace Hopper", "new"),
    ]
    assert not Candidate.objects.exists()  # a preview writes nothing

    job = jobs.start_import(job)
    assert job.status == ImportJob.Status.DONE
    assert (job.processed_rows, job.created_count, job.matched_count, job.error_count) == (2, 2, 0, 0)
    grace = Candidate.objects.get(last_name="Hopper")
    assert grace.linkedin_url == "https://www.linkedin.com/in/gracehopper"
    assert (grace.email, grace.company, grace.title, grace.source) == (
        "grace@navy.example",
        "US Navy",
        "Rear Admiral",
        "sourced",
    )
    assert grace.owner == recruiter
    assert "rear admiral" in grace.search_document
    if connection.vendor == "postgresql":  # the tsvector of full-text search
        assert not Candidate.objects.filter(search_vector=None).exists()
    entry = grace.activities.get()
    assert (entry.kind, entry.summary, entry.actor) == (
        Activity.Kind.IMPORT,
        "Imported from Connections.csv",
        recruiter,
    )


def test_all_recognised_columns_with_skills_country_and_status(db):
    content = (
        "Name,E-mail,Mobile,LinkedIn,Job Title,Employer,Industry,Location,Country,Time zone,Skills,"
        "Years of experience,Notes,Seeking status,Source\n"
        "Linus Benedict Torvalds,LINUS@Example.org,+1 555,linkedin.com/in/torvalds,Fellow,LF,Software,"
        'Portland,United States,america/los_angeles,"C; Git, c",30+,Kernel,Active,Referral\n'
        "Margaret Hamilton,margaret@example.org,,,,,,,DEU,,,5.5,,,\n"
    )
    job = import_now(content)
    assert job.created_count == 2
    linus = Candidate.objects.get(first_name="Linus")
    assert (linus.last_name, linus.email, linus.phone, linus.linkedin_url) == (
        "Benedict Torvalds",
        "linus@example.org",
        "+1 555",
        "https://www.linkedin.com/in/torvalds",
    )
    assert (linus.city, linus.country.code, linus.timezone, linus.years_experience) == (
        "Portland",
        "US",
        "America/Los_Angeles",
        30,
    )
    assert (linus.seeking_status, linus.source, linus.notes) == ("active", "referral", "Kernel")
    assert sorted(s.name for s in linus.skills.all()) == ["C", "Git"]
    assert linus.skill_keys == "|c|git|"  # what the skills filter reads, written with the new row
    margaret = Candidate.objects.get(first_name="Margaret")
    assert (margaret.country.code, margaret.years_experience, margaret.seeking_status) == ("DE", 6, "passive")


def test_bad_rows_are_reported_with_their_line_and_good_rows_imported(db):
    content = (
        "First Name,Last Name,Email,LinkedIn,Company,Country,Years\n"
        "Ada,Lovelace,ada@example.org,,,,\n"
        "Bob,Bad,bob@,,,,\n"
        'Carl,"Multi\nLine",carl@example.org,example.com/in/carl,,,\n'
        ",Nameless,nobody@example.org,,,,\n"
        "Dan,Extra,dan@example.org,,Acme,GB,3,surplus\n"
        "Eve,Nowhere,eve@example.org,,,Atlantis,\n"
        "Fay,Unsure,fay@example.org,,,,many\n"
        "Gus,Anonymous,,,,,\n"
        "\n"
        "Hal,Trailing,hal@example.org,,,,,,\n"
    )
    job, preview = upload(content)
    expected = [
        (3, "Email 'bob@' is not a valid address."),
        (4, "LinkedIn URL 'example.com/in/carl': Not a LinkedIn address."),
        (6, "No first name."),
        (7, "Has 8 values but the header has 7 columns (a value with a comma needs quotes)."),
        (8, "Unknown country 'Atlantis'."),
        (9, "Years of experience 'many' is not a number."),
        (10, "Needs an email, a LinkedIn URL or a company to tell who this is."),
    ]
    assert [(e.line, e.reason) for e in preview.errors] == expected
    assert (preview.total_rows, preview.new_count, preview.error_count) == (9, 2, 7)
    job = jobs.start_import(job)
    assert [(e["line"], e["reason"]) for e in job.errors] == expected
    assert (job.processed_rows, job.created_count, job.error_count) == (9, 2, 7)
    assert sorted(Candidate.objects.values_list("first_name", flat=True)) == ["Ada", "Hal"]


def test_people_already_in_longlist_are_matched_and_only_empty_fields_filled(db, recruiter):
    ada = CandidateFactory(email="Ada@Example.org", title="", company="Analytical Engines", linkedin_url="")
    hopper = CandidateFactory(email="", linkedin_url="https://www.linkedin.com/in/grace", title="Admiral")
    pool = TalentPoolFactory(name="Pioneers")
    content = (
        "First Name,Last Name,Email,LinkedIn,Title,Company,Skills\n"
        "Ada,L,ada@example.org,linkedin.com/in/ada,Engineer,Other Co,Maths\n"
        "Grace,H,grace@example.org,https://www.linkedin.com/in/Grace,Programmer,,\n"
        "Alan,Turing,alan@example.org,,,,\n"
    )
    job, preview = upload(content, pool=pool, by=recruiter)
    assert (preview.new_count, preview.matched_count) == (1, 2)
    assert preview.sample[0].detail == f"Already in Longlist: {ada.full_name}"
    job = jobs.start_import(job)
    assert (job.created_count, job.matched_count, job.error_count) == (1, 2, 0)
    assert Candidate.objects.count() == 3
    ada.refresh_from_db()
    assert (ada.title, ada.company, ada.linkedin_url) == (
        "Engineer",
        "Analytical Engines",
        "https://www.linkedin.com/in/ada",
    )
    assert [s.name for s in ada.skills.all()] == ["Maths"]
    assert ada.skill_keys == "|maths|"
    hopper.refresh_from_db()
    assert (hopper.email, hopper.title) == ("grace@example.org", "Admiral")
    assert set(pool.members.all()) == set(Candidate.objects.all())
    summary = ada.activities.get(kind=Activity.Kind.IMPORT).summary
    assert summary == (
        "Matched in the import of people.csv; filled in: LinkedIn URL, Skills, Title; added to pool Pioneers"
    )


def test_repeats_within_the_file_are_matched_to_the_first_occurrence(db, monkeypatch):
    monkeypatch.setattr(reading, "BATCH_SIZE", 2)  # repeats within a batch and across batches
    content = (
        "First Name,Email,LinkedIn,Title\n"
        "Ada,ada@example.org,,\n"
        "Ada,,linkedin.com/in/ada,Engineer\n"  # same LinkedIn as line 5, matched there
        "Bob,bob@example.org,,\n"
        "Ada,ADA@example.org,linkedin.com/in/ada,\n"  # line 5: same email as line 2
        "Bob,bob@example.org,,Chef\n"
    )
    job, preview = upload(content)
    assert (preview.total_rows, preview.new_count, preview.matched_count) == (5, 3, 2)
    job = jobs.start_import(job)
    assert (job.created_count, job.matched_count, job.error_count) == (3, 2, 0)
    assert Candidate.objects.count() == 3
    bob = Candidate.objects.get(first_name="Bob")
    assert bob.title == "Chef"
    assert Candidate.objects.get(email="ada@example.org").linkedin_url == ""  # owned by line 3's Ada


def test_erased_people_are_not_reimported_and_unsubscribed_ones_are_not_contacted(db):
    Suppression.objects.create(email="Gone@Example.org", reason=Suppression.Reason.ERASED)
    Suppression.objects.create(linkedin_url="https://www.linkedin.com/in/quiet", reason="unsubscribed")
    content = (
        "First Name,Email,LinkedIn\nGone,gone@example.org,\nQuiet,quiet@example.org,linkedin.com/in/quiet\n"
        "Open,open@example.org,\n"
    )
    job = import_now(content)
    assert job.errors == [{"line": 2, "reason": "Asked to be erased — not re-imported."}]
    assert (job.created_count, job.error_count) == (2, 1)
    assert not Candidate.objects.filter(email="gone@example.org").exists()
    assert Candidate.objects.get(first_name="Quiet").do_not_contact is True
    assert Candidate.objects.get(first_name="Open").do_not_contact is False


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("First Name;Last Name;Email\nAda;Lovelace;ada@example.org\n", "utf-8"),
        ("First Name\tLast Name\tEmail\nAda\tLovelace\tada@example.org\n", "utf-8"),
        ("First Name,Last Name,Email\r\nAda,Lovelace,ada@example.org\r\n", "utf-8-sig"),
        ("First Name,Last Name,Email\r\nAda,Lovelace,ada@example.org\r\n", "utf-16"),  # Excel: BOM + UTF-16
        ("First Name,Last Name,Email\rAda,Lovelace,ada@example.org\r", "utf-8"),  # old Mac line endings
    ],
    ids=["semicolon", "tab", "utf-8-bom", "utf-16", "cr-only"],
)
def test_delimiters_encodings_and_line_endings(db, content, encoding):
    job = import_now(content.encode(encoding))
    assert job.created_count == 1
    ada = Candidate.objects.get()
    assert (ada.first_name, ada.last_name, ada.email) == ("Ada", "Lovelace", "ada@example.org")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\r\n  \r\n", "The file is empty."),
        (b"First Name,Email\r\n", "The file has a header row but no candidates below it."),
        (
            "First Name,Email\nAda,ada@example.org\nJos\xe9,jose@example.org\n".encode("latin-1"),
            "This file is not UTF-8 text (byte 0xE9 on line 3). Save it as 'CSV UTF-8' and upload again.",
        ),
        (
            b"Email,Company\nada@example.org,Acme\n",
            "The file has no name column: add one called 'First Name' (or 'Name'). Columns found: Email, Company.",
        ),
        (b"just,some,values\n1,2,3\n", "No header row found."),
        (b"PK\x03\x04binary", "This is an Excel workbook, not a CSV file."),
    ],
    ids=["empty", "blank-lines", "header-only", "latin-1", "no-name-column", "no-header", "xlsx"],
)
def test_a_file_that_cannot_be_imported_says_why_and_imports_nothing(db, content, message):
    pool_count = TalentPool.objects.count()
    job, preview = upload(content, pool_name="Never created")
    assert preview.error.startswith(message)
    assert (job.status, job.failure) == (ImportJob.Status.FAILED, preview.error)
    assert TalentPool.objects.count() == pool_count
    assert jobs.start_import(job).status == ImportJob.Status.FAILED
    assert not Candidate.objects.exists()


def test_new_pool_by_name_is_created_static_and_reused_whatever_the_case(db, recruiter):
    job = import_now("First Name,Email\nAda,ada@example.org\n", pool_name="Engineers 2025", by=recruiter)
    pool = TalentPool.objects.get(name="Engineers 2025")
    assert (pool.kind, pool.owner, job.pool) == (TalentPool.Kind.STATIC, recruiter, pool)
    job = import_now("First Name,Email\nBob,bob@example.org\n", pool_name="engineers 2025")
    assert job.pool == pool
    assert pool.members.count() == 2


def test_a_failing_batch_leaves_nothing_half_written(db, monkeypatch):
    monkeypatch.setattr(reading, "BATCH_SIZE", 2)
    summaries = []
    timeline_summary = writing.timeline_summary

    def fail_on_the_fourth_person(person, job):
        # By then the second batch has written its candidates, their skills and pool memberships.
        summaries.append(person)
        if len(summaries) == 4:
            raise RuntimeError("disk full")
        return timeline_summary(person, job)

    monkeypatch.setattr(writing, "timeline_summary", fail_on_the_fourth_person)
    content = "First Name,Email,Skills\n" + "".join(f"P{i},p{i}@example.org,Go\n" for i in range(5))
    job, _ = upload(content, pool_name="Half")
    job = jobs.start_import(job, inline=True)
    assert job.status == ImportJob.Status.FAILED
    assert job.failure.startswith(
        "The import stopped on an unexpected error (RuntimeError) in the rows starting on line 4: none of "
        "those rows were written, and the 2 rows before them were imported."
    )
    assert (job.processed_rows, job.created_count) == (2, 2)
    assert sorted(Candidate.objects.values_list("first_name", flat=True)) == ["P0", "P1"]
    for candidate in Candidate.objects.all():
        assert candidate.activities.filter(kind=Activity.Kind.IMPORT).count() == 1
        assert [s.name for s in candidate.skills.all()] == ["Go"]
        assert candidate.search_document
    assert PoolMembership.objects.count() == 2


def test_running_an_import_twice_imports_once(db):
    job, _ = upload("First Name,Email\nAda,ada@example.org\n")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    running.run_import(job.pk)
    running.run_import(job.pk)  # a second worker, or the same message delivered again
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count) == (ImportJob.Status.DONE, 1, 1)
    assert Candidate.objects.count() == 1
    assert jobs.start_import(job).created_count == 1  # confirming again does nothing


def test_large_imports_are_queued_for_celery(db, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(jobs, "INLINE_ROW_LIMIT", 1)
    queued = []
    monkeypatch.setattr(run_import_job, "delay", queued.append)
    job, _ = upload("First Name,Email\nAda,ada@example.org\nBob,bob@example.org\n")
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_import(job)
    assert job.status == ImportJob.Status.QUEUED
    assert queued == [job.pk]
    assert not Candidate.objects.exists()
    run_import_job(job.pk)  # what the worker runs
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJob.Status.DONE, 2)


def test_preview_reports_the_first_errors_and_counts_them_all(db, monkeypatch):
    monkeypatch.setattr(running, "MAX_REPORTED_ERRORS", 2)
    monkeypatch.setattr(running, "PREVIEW_SAMPLE_ROWS", 3)
    content = "First Name,Email\n" + "".join(f"P{i},bad{i}@\n" for i in range(5))
    job, preview = upload(content)
    assert [e.line for e in preview.errors] == [2, 3]
    assert (preview.error_count, len(preview.sample)) == (5, 3)
    job = jobs.start_import(job)
    assert (len(job.errors), job.error_count) == (2, 5)
