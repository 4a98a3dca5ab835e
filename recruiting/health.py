"""What operators and their tools read: /healthz/ (is this process able to serve) and /metrics (the
dispatcher's numbers in the Prometheus text format). Neither needs a session; neither shows a secret."""

import hmac
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from outreach.selectors import dispatcher_stats

from .celery import app as celery_app

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    cache.set("longlist:healthz", "ok", timeout=30)
    if cache.get("longlist:healthz") != "ok":
        raise RuntimeError("the cache did not keep a value")


def check_broker() -> None:
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database, the cache and the broker answer, else 503; the body names each part's state
    and how long it took, never an error's text (it may hold an address or a password)."""
    checks = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
            state = "ok"
        except Exception as error:
            # One line (health checks run every few seconds); the error's text stays in the server's log.
            logger.warning("healthz: the %s check failed: %s: %s", name, type(error).__name__, error)
            state = "failed"
        checks[name] = {"status": state, "ms": round((time.monotonic() - started) * 1000, 1)}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failed", "checks": checks}, status=200 if healthy else 503
    )


METRICS = [
    ("longlist_dispatch_backlog", "Emails due now that the dispatcher has not sent yet.", "backlog"),
    (
        "longlist_dispatch_oldest_due_seconds",
        "Seconds the oldest due email has waited (0 when none waits).",
        "oldest_due_seconds",
    ),
    ("longlist_dispatch_failed", "Emails that failed and wait for a person to resend them.", "failed"),
    (
        "longlist_dispatch_possibly_delivered",
        "Emails whose server answer was lost after the whole message: waiting for a person.",
        "possibly_delivered",
    ),
]


@login_not_required
@never_cache
@require_GET
def metrics(request):
    """The dispatcher's gauges for Prometheus. 404 unless METRICS_TOKEN is set; 403 without
    `Authorization: Bearer <METRICS_TOKEN>`."""
    expected = settings.METRICS_TOKEN
    if not expected:
        raise Http404
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponseForbidden(
            "A valid Authorization: Bearer token is required.\n", content_type="text/plain"
        )
    stats = dispatcher_stats()
    lines = []
    for name, help_text, field in METRICS:
        value = getattr(stats, field)
        sample = f"{value:.3f}" if isinstance(value, float) else str(value)
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {sample}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4; charset=utf-8")
