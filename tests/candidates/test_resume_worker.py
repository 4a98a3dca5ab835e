"""A real Celery worker reads a résumé that would take half an hour within its bounds, and the normal résumé
uploaded right after it is read at once.

Runs when REDIS_URL is set and the database is PostgreSQL (CI's second run): the worker is another process
sharing the test database and the media folder. It listens on a queue of this test's own, so the extraction
task is sent there instead of to "resumes" (the routing itself: test_resumes.py).
"""

import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from candidates import resume_uploads, tasks
from candidates.models import Activity, Resume
from tests.factories import CandidateFactory, make_pdf, make_xobject_bomb
from tests.workers import celery_worker, shared_database_url, wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="needs Redis: set REDIS_URL to run the résumé worker test"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker in another process shares the test database")


def status(resume: Resume) -> str:
    resume.refresh_from_db()
    return resume.text_status if resume.text_status != Resume.TextStatus.PENDING else ""


def test_a_pdf_bomb_is_bounded_and_the_next_resume_is_read_by_a_real_worker(tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    env = {
        "DATABASE_URL": shared_database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "RESUME_PARSE_SECONDS": "2",
    }
    log = tmp_path / "worker.log"
    with celery_worker(log, pool="prefork", concurrency=1, env=env) as (queue, process):
        monkeypatch.setattr(
            tasks.extract_resume_text,
            "delay",
            lambda *args: tasks.extract_resume_text.apply_async(args, queue=queue),
        )
        bomb_owner, applicant = CandidateFactory(), CandidateFactory()
        started = time.monotonic()
        bomb = resume_uploads.attach_resume(
            candidate=bomb_owner, upload=SimpleUploadedFile("bomb.pdf", make_xobject_bomb())
        )
        normal = resume_uploads.attach_resume(
            candidate=applicant,
            upload=SimpleUploadedFile("cv.pdf", make_pdf("Grace Hopper", "Wrote the first compiler")),
        )
        try:
            wait_for(lambda: status(normal), timeout=60, process=process)
        except (RuntimeError, TimeoutError) as error:
            pytest.fail(f"{error}; worker log:\n{log.read_text()}")
        elapsed = time.monotonic() - started
    assert status(bomb) == Resume.TextStatus.COMPLEX
    assert status(normal) == Resume.TextStatus.EXTRACTED and "first compiler" in normal.text
    assert elapsed < 30, f"both résumés took {elapsed:.0f} s"
    assert bomb_owner.activities.filter(
        kind=Activity.Kind.RESUME, summary="Résumé bomb.pdf: too complex: no text"
    ).exists()
