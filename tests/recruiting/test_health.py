"""/healthz/ (database, cache, broker), /metrics (the dispatcher's gauges, behind a token), the admins' dispatcher
page, JSON logs and error reports to Sentry."""

import gzip
import json
import re
import socket
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from outreach.models import Enrollment, Sequence, Touch
from outreach.selectors import dispatcher_stats
from recruiting.celery import app as celery_app
from tests.factories import TouchFactory
from tests.recruiting.test_settings import start_django

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_healthz_answers_200_without_a_session_when_every_part_answers(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_names_the_part_that_failed_with_503_and_no_secret(client, monkeypatch):
    port = closed_port()
    monkeypatch.setitem(celery_app.conf, "broker_url", f"redis://:broker-password@127.0.0.1:{port}/0")
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://:cache-password@127.0.0.1:{port}/0",
        }
    }
    with override_settings(CACHES=caches):
        response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failed"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "failed",
        "broker": "failed",
    }
    assert "password" not in response.content.decode() and "redis" not in response.content.decode()


def test_healthz_is_exempt_from_the_https_redirect(settings):
    assert any(re.match(pattern, "healthz/") for pattern in settings.SECURE_REDIRECT_EXEMPT)


@pytest.fixture
def dispatcher_state(db):
    """Two due emails (one waiting 30 minutes), one not due yet, one of a paused enrollment, one failed."""
    TouchFactory(due_at=NOW - timedelta(minutes=30))
    TouchFactory(due_at=NOW - timedelta(minutes=5))
    TouchFactory(due_at=NOW + timedelta(hours=1))
    TouchFactory(due_at=NOW - timedelta(hours=3), enrollment__status=Enrollment.Status.PAUSED)
    TouchFactory(due_at=NOW - timedelta(hours=3), enrollment__sequence__status=Sequence.Status.PAUSED)
    TouchFactory(due_at=NOW - timedelta(days=1), status=Touch.Status.FAILED)
    TouchFactory(due_at=NOW - timedelta(days=1), status=Touch.Status.POSSIBLY_DELIVERED)


def test_dispatcher_stats_count_what_the_dispatcher_would_send(dispatcher_state):
    stats = dispatcher_stats(now=NOW)
    assert stats.backlog == 2
    assert stats.oldest_due_seconds == 1800
    assert stats.oldest_due_at == NOW - timedelta(minutes=30)
    assert (stats.failed, stats.possibly_delivered) == (1, 1)


def test_dispatcher_stats_of_an_idle_dispatcher(db):
    stats = dispatcher_stats(now=NOW)
    assert (stats.backlog, stats.oldest_due_at, stats.oldest_due_seconds, stats.failed) == (0, None, 0.0, 0)


@pytest.mark.django_db
def test_metrics_is_not_there_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "s3cret-metrics-token", "Basic s3cret"])
def test_metrics_refuses_a_missing_or_wrong_token(client, settings, authorization):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 403
    assert "longlist_" not in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_metrics_in_the_prometheus_text_format(client, settings, dispatcher_state):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    lines = response.content.decode().splitlines()
    samples = dict(line.split(" ") for line in lines if not line.startswith("#"))
    assert samples == {
        "longlist_dispatch_backlog": "2",
        "longlist_dispatch_oldest_due_seconds": "1800.000",
        "longlist_dispatch_failed": "1",
        "longlist_dispatch_possibly_delivered": "1",
    }
    for name in samples:
        assert f"# TYPE {name} gauge" in lines
        assert any(line.startswith(f"# HELP {name} ") for line in lines)


@time_machine.travel(NOW, tick=False)
def test_the_dispatcher_page_shows_admins_the_same_numbers(
    client, admin_user, dispatcher_state, settings_labels
):
    client.force_login(admin_user)
    response = client.get(reverse("outreach:dispatcher"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "30\xa0minutes" in page
    stats = response.context["stats"]
    assert (stats.backlog, stats.failed, stats.possibly_delivered) == (2, 1, 1)
    assert "Dispatcher" in settings_labels()


@pytest.mark.django_db
def test_the_dispatcher_page_is_for_admins_only(client, recruiter, settings_labels):
    url = reverse("outreach:dispatcher")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(recruiter)
    assert client.get(url).status_code == 403
    assert "Dispatcher" not in settings_labels()


def test_json_logs_are_one_object_per_line():
    script = "import logging; logging.getLogger('longlist.probe').warning('sent %s', 3, extra={'touch': 7})"
    result = start_django("shell", "-c", script, DEBUG="1", LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    probe = next(record for record in records if record["logger"] == "longlist.probe")
    assert probe["level"] == "WARNING" and probe["message"] == "sent 3" and probe["touch"] == 7
    assert datetime.fromisoformat(probe["time"]).tzinfo is not None
    assert isinstance(probe["pid"], int)


def test_text_logs_by_default_and_an_unknown_format_refused():
    script = "import logging; logging.getLogger('longlist.probe').warning('sent')"
    result = start_django("shell", "-c", script, DEBUG="1")
    assert result.returncode == 0 and "sent" in result.stderr and '"message"' not in result.stderr
    result = start_django("check", DEBUG="1", LOG_FORMAT="xml")
    assert result.returncode != 0 and "LOG_FORMAT must be text or json" in result.stderr


def test_errors_go_to_sentry_when_a_dsn_is_set():
    """A real sentry-sdk client sends to a stand-in Sentry on loopback."""
    received: list[tuple[str, bytes]] = []

    class Sentry(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "br":
                import brotli  # (sentry-sdk compresses with it only when it is installed)

                body = brotli.decompress(body)
            elif self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            received.append((self.path, body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Sentry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_port}/42"
        report = (
            "import sentry_sdk\ntry:\n    1 / 0\nexcept ZeroDivisionError as error:\n"
            "    sentry_sdk.capture_exception(error)\nsentry_sdk.flush(5)"
        )
        result = start_django("shell", "-c", report, DEBUG="1", SENTRY_DSN=dsn)
        assert result.returncode == 0, result.stderr
    finally:
        server.shutdown()
    assert received, "nothing reached the stand-in Sentry"
    path, body = received[0]
    assert path == "/api/42/envelope/"
    assert b"ZeroDivisionError" in body


def test_no_error_reporting_without_a_dsn():
    result = start_django(
        "shell", "-c", "import sentry_sdk; print(sentry_sdk.get_client().is_active())", DEBUG="1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False")
