import logging
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils.log import configure_logging

REAL_KEY = "k8Jx2-longlist-settings-test-3QmZt9wR7vLp0sYbNc4Ue6Fh1GaDo5Ti"


def start_django(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process outside the test run, DEBUG and SECRET_KEY as given.

    The test run's own switches (PYTEST_VERSION, and DJANGO_ALLOW_ASYNC_UNSAFE which the browser tests set and
    check --deploy refuses) are not passed on."""
    inherited = {"DEBUG", "SECRET_KEY", "PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {key: value for key, value in os.environ.items() if key not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "recruiting.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_without_debug_or_a_key_is_development():
    result = start_django("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def configured_caches(**env: str) -> str:
    result = start_django("shell", "-c", "from django.conf import settings; print(settings.CACHES)", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [None, "", settings.DEVELOPMENT_SECRET_KEY, "short-but-not-empty", "a" * 60],
    ids=["unset", "empty", "development-key", "short", "one-character"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    env = {"DEBUG": "0"} if secret_key is None else {"DEBUG": "0", "SECRET_KEY": secret_key}
    result = start_django("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set to a long random value" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = start_django("check", DEBUG="0", SECRET_KEY=REAL_KEY)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_starts_with_the_development_key():
    result = start_django(
        "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", DEBUG="1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == settings.DEVELOPMENT_SECRET_KEY


def test_without_redis_the_cache_is_the_database_so_processes_share_it():
    assert "django.core.cache.backends.db.DatabaseCache" in configured_caches(DEBUG="1", REDIS_URL="")


def test_with_redis_the_cache_is_redis():
    assert "django.core.cache.backends.redis.RedisCache" in configured_caches(
        DEBUG="1", REDIS_URL="redis://x:1/0"
    )


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="the Redis cache is in use")
@pytest.mark.django_db
def test_the_test_database_has_the_cache_table():
    cache.set("careers-apply-test", 3, timeout=60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM longlist_cache")
        assert cursor.fetchone()[0] == 1
    assert cache.get("careers-apply-test") == 3


def test_api_docs_load_nothing_from_outside(client, recruiter):
    client.force_login(recruiter)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert not re.search(r"https?://", page)
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    assets += re.findall(r"""["'](/static/[^"']+)["']""", page)
    static = [url for url in assets if url.startswith(settings.STATIC_URL) or url.startswith("/static/")]
    assert any(url.endswith("swagger-ui-bundle.js") for url in static)
    for url in static:
        assert finders.find(url.removeprefix("/static/")), url


def test_a_refusal_is_logged_in_one_line(client, employee, caplog):
    client.force_login(employee)
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get(reverse("reports") + "?date_from=2026-01-01")
    assert response.status_code == 403
    records = [record for record in caplog.records if record.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None
    assert records[0].getMessage() == ("Forbidden (Permission denied): /reports/ (GET, user employee-user)")
    assert "Traceback" not in caplog.text


def test_a_refusal_is_printed_once_in_development_however_often_logging_was_configured(
    client, employee, settings, capfd
):
    # manage.py runserver sets Django up, then its WSGI module does again: LOGGING is applied twice.
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    settings.DEBUG = True
    client.force_login(employee)
    capfd.readouterr()
    assert client.get(reverse("reports")).status_code == 403
    printed = capfd.readouterr().err
    assert printed.count("Forbidden") == 1, printed
    assert "Forbidden (Permission denied): /reports/ (GET, user employee-user)\n" in printed
    assert "Traceback" not in printed


def secure_settings(**env: str) -> str:
    result = start_django(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        DEBUG="0",
        SECRET_KEY=REAL_KEY,
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_force_https_turns_on_tls_settings_and_a_cgi_https_variable_does_not():
    """runserver's WSGI handler reads an environment variable HTTPS as the CGI one: the setting has its own name."""
    assert secure_settings(FORCE_HTTPS="1") == "True True True 31536000"
    assert secure_settings(HTTPS="on") == "False False False 0"


def test_a_provider_through_anymail_is_configured_by_environment_variables():
    """ANYMAIL_* variables reach django-anymail: its Mailgun backend finds its key and domain."""
    script = (
        "from django.core.mail import get_connection; backend = get_connection(); "
        "print(type(backend).__module__, backend.api_key, backend.sender_domain)"
    )
    result = start_django(
        "shell",
        "-c",
        script,
        DEBUG="1",
        EMAIL_BACKEND="anymail.backends.mailgun.EmailBackend",
        ANYMAIL_MAILGUN_API_KEY="key-from-the-environment",
        ANYMAIL_MAILGUN_SENDER_DOMAIN="mg.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == [
        "anymail.backends.mailgun",
        "key-from-the-environment",
        "mg.example.org",
    ]
