import pytest

from recruiting.celery import app as celery_app


@pytest.fixture(autouse=True)
def _celery_in_process(monkeypatch):
    """Tasks queued here (notification emails, résumé text extraction) run in the test's process when their
    transaction commits; tests that capture on-commit callbacks with execute=True see what a worker does."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
