"""Posting deliveries: claim a due row under a lease, sign its JSON, post it to the checked address, record the
answer, and retry with exponential backoff.

The database is the source of truth: a delivery is a row, claimed by a conditional UPDATE, so any number of
workers (the task queued when the event committed, and the periodic pass that picks up retries and the rows of
a dead worker) can run at once and only one holds a row at a time. A worker that dies mid-request leaves the
row `sending`; once its lease expires the next pass posts it again with the same event id (at-least-once)."""

import hashlib
import hmac
import json
import time
import uuid
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from requests.adapters import HTTPAdapter

from ..models import WebhookDelivery
from .addresses import AddressRefused, Target, resolve

USER_AGENT = "Longlist-Webhooks/1"
ERROR_EXCERPT = 500  # characters of a refusing answer's body kept as the delivery's last error


def body_of(payload: dict) -> bytes:
    """The exact bytes posted and signed: the stored payload as compact JSON."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256, under the endpoint's secret, of the timestamp, a dot and the body."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def lease_length() -> timedelta:
    """How long a claim holds a delivery: longer than the slowest request the client waits for."""
    request_seconds = settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS + 2 * settings.WEBHOOK_TIMEOUT_SECONDS
    return timedelta(seconds=max(settings.WEBHOOK_LEASE_SECONDS, request_seconds))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the `attempts`-th failure: the base, doubled each time."""
    return timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def _due(now: datetime) -> Q:
    return Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=WebhookDelivery.Status.SENDING, lease_expires_at__lt=now
    )


def claim(delivery_id: int, *, now: datetime) -> WebhookDelivery | None:
    """Take the delivery if it is due (or its last holder's lease expired), counting the attempt; None when it
    is not due, already taken, delivered or failed."""
    token = uuid.uuid4()
    taken = WebhookDelivery.objects.filter(_due(now), pk=delivery_id).update(
        status=WebhookDelivery.Status.SENDING,
        claim_token=token,
        lease_expires_at=max(now, timezone.now()) + lease_length(),
        attempts=F("attempts") + 1,
    )
    if taken != 1:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id, claim_token=token)


class PinnedAddressAdapter(HTTPAdapter):
    """Connects to the address that was checked, whatever the host resolves to by then, while TLS still checks
    the certificate against the host name (and sends it as SNI)."""

    def __init__(self, target: Target):
        self.target = target
        super().__init__(max_retries=0)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        host_params["host"] = self.target.address
        if host_params["scheme"] == "https":
            pool_kwargs = {
                **pool_kwargs,
                "server_hostname": self.target.host,
                "assert_hostname": self.target.host,
            }
        return host_params, pool_kwargs


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST to a checked address with short timeouts, no redirects and no proxy; returns the status and the
    start of the answer's body."""
    target = resolve(url)
    default_port = target.port == {"http": 80, "https": 443}[target.scheme]
    host_header = target.host if default_port else f"{target.host}:{target.port}"
    if ":" in target.host:  # an IPv6 literal
        host_header = f"[{target.host}]" if default_port else f"[{target.host}]:{target.port}"
    with requests.Session() as session:
        session.trust_env = False  # no proxy or .netrc from the environment
        session.mount(f"{target.scheme}://", PinnedAddressAdapter(target))
        response = session.post(
            url,
            data=body,
            headers={**headers, "Host": host_header},
            timeout=(settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS, settings.WEBHOOK_TIMEOUT_SECONDS),
            allow_redirects=False,
            stream=True,
        )
        with response:
            excerpt = response.raw.read(ERROR_EXCERPT * 4, decode_content=True) or b""
        return response.status_code, excerpt.decode("utf-8", "replace")[:ERROR_EXCERPT]


def headers_for(delivery: WebhookDelivery, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Longlist-Event": delivery.event_type,
        "X-Longlist-Event-Id": str(delivery.event_id),
        "X-Longlist-Timestamp": str(timestamp),
        "X-Longlist-Signature": signature(delivery.endpoint.secret, timestamp, body),
    }


def send(delivery: WebhookDelivery, *, now: datetime) -> str | None:
    """Post a claimed delivery and record the outcome; returns its new status, or None when the claim was lost
    meanwhile (its lease ran out and another worker took the delivery: that one records the outcome)."""
    if not delivery.endpoint.is_active:
        return _record(delivery, now=now, error="The endpoint is inactive.", final=True)
    body = body_of(delivery.payload)
    headers = headers_for(delivery, body, int(now.timestamp()))
    started = time.monotonic()
    try:
        status, excerpt = post(delivery.endpoint.url, body, headers)
    except AddressRefused as error:
        return _record(delivery, now=now, error=str(error), final=True)
    except requests.RequestException as error:
        return _record(delivery, now=now, error=f"{type(error).__name__}: {error}"[:ERROR_EXCERPT])
    elapsed_ms = round((time.monotonic() - started) * 1000)
    if 200 <= status < 300:
        return _record(delivery, now=now, status=status, elapsed_ms=elapsed_ms)
    refusal = f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else "")
    if excerpt.strip():
        refusal += f": {excerpt.strip()}"
    return _record(delivery, now=now, status=status, elapsed_ms=elapsed_ms, error=refusal)


def _record(
    delivery: WebhookDelivery,
    *,
    now: datetime,
    status: int | None = None,
    elapsed_ms: int | None = None,
    error: str = "",
    final: bool = False,
) -> str | None:
    """Write the outcome, if the claim is still ours (a claim whose lease ran out may have been taken over)."""
    fields: dict = {"response_status": status, "response_ms": elapsed_ms, "last_error": error}
    if not error:
        fields.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=now)
    elif final or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        fields.update(status=WebhookDelivery.Status.FAILED)
    else:
        fields.update(
            status=WebhookDelivery.Status.PENDING, next_attempt_at=now + retry_delay(delivery.attempts)
        )
    recorded = WebhookDelivery.objects.filter(
        pk=delivery.pk, claim_token=delivery.claim_token, status=WebhookDelivery.Status.SENDING
    ).update(lease_expires_at=None, **fields)
    return fields["status"] if recorded else None


def deliver(delivery_id: int, *, now: datetime | None = None) -> str | None:
    """Claim and post one delivery; None when it was not due, someone else holds it, or took it over."""
    now = now or timezone.now()
    delivery = claim(delivery_id, now=now)
    return None if delivery is None else send(delivery, now=now)


def send_due_deliveries(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """One pass: every due delivery (retries whose time has come, rows a dead worker left), oldest first, up to
    `limit`; counts the outcomes. Safe on many workers at once: each row is claimed before it is posted."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
    outcomes: dict[str, int] = {}
    for delivery_id in list(due.values_list("pk", flat=True)[:limit]):
        outcome = deliver(delivery_id, now=now)
        if outcome is not None:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
