import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import AdminFactory, EmployeeFactory, HiringManagerFactory, RecruiterFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Tests need no collectstatic, and a fast password hasher (PBKDF2 costs ~0.5 s a user); the deliverability
    page asks a loopback address where no DNS server listens (tests that look records up start their own)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DELIVERABILITY_DNS_SERVERS = ["127.0.0.1"]
    settings.DELIVERABILITY_DNS_PORT = 9  # discard: nothing answers DNS there
    settings.DELIVERABILITY_DNS_TIMEOUT = 0.5
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        settings.CACHES = {
            "default": {**settings.CACHES["default"], "LOCATION": _redis_cache_of_this_worker()}
        }


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: LocaleMiddleware leaves a request's language active in its thread
    (the next request sets its own), so a German request would otherwise reach the next test's plain code."""
    translation.deactivate()
    yield
    translation.deactivate()


def _redis_cache_of_this_worker() -> str:
    """A Redis database of its own for each xdist worker's cache (10, 11, …), away from the broker's.

    Redis' cache.clear() empties its whole database: shared, one worker's clear would reset another's
    rate-limit counts mid-test, and the Celery broker's queues with them.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    url = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(url._replace(path=f"/{10 + int(worker or 0)}"))


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="admin-user")


@pytest.fixture
def recruiter(db):
    return RecruiterFactory(username="recruiter-user")


@pytest.fixture
def hiring_manager(db):
    return HiringManagerFactory(username="manager-user")


@pytest.fixture
def employee(db):
    return EmployeeFactory(username="employee-user")


@pytest.fixture
def users_by_role(admin_user, recruiter, hiring_manager, employee):
    return {"admin": admin_user, "recruiter": recruiter, "manager": hiring_manager, "employee": employee}


@pytest.fixture
def settings_labels(client):
    """The settings pages the signed-in user is offered in the Settings area (none: the area is refused)."""

    def labels() -> list[str]:
        response = client.get(reverse("settings"))
        if response.status_code == 403:
            return []
        return [page["label"] for _, pages in response.context["sections"] for page in pages]

    return labels
