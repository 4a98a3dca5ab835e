"""The admins' use cases: register and change endpoints, and send a delivery again."""

import secrets
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .addresses import AddressRefused, resolve
from .events import queue_sending


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _check(endpoint: WebhookEndpoint) -> None:
    errors: dict[str, Any] = {}
    unknown = sorted(set(endpoint.events) - set(WebhookEvent.values))
    if unknown:
        errors["events"] = f"Unknown events: {', '.join(unknown)}."
    elif not endpoint.events:
        errors["events"] = "Choose at least one event."
    try:
        endpoint.full_clean(exclude=["events"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if "url" not in errors:
        try:
            resolve(endpoint.url)
        except AddressRefused as error:
            errors["url"] = str(error)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_endpoint(
    *, url: str, events: list[str], by: User | None, description: str = "", is_active: bool = True
) -> WebhookEndpoint:
    """A new endpoint with a secret of its own; its URL must resolve to public addresses only."""
    endpoint = WebhookEndpoint(
        url=url,
        events=sorted(set(events)),
        description=description,
        is_active=is_active,
        secret=new_secret(),
        created_by=by,
    )
    _check(endpoint)
    endpoint.save()
    return endpoint


@transaction.atomic
def update_endpoint(*, endpoint: WebhookEndpoint, **fields: Any) -> WebhookEndpoint:
    """Change the URL, events, description or active flag (the URL checked again)."""
    if "events" in fields:
        fields["events"] = sorted(set(fields["events"]))
    for name, value in fields.items():
        setattr(endpoint, name, value)
    _check(endpoint)
    endpoint.save()
    return endpoint


@transaction.atomic
def rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new signing secret; deliveries from now on are signed with it."""
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint


class NotRedeliverable(ValueError):
    """A delivery still waiting or being sent is not sent again by hand."""


@transaction.atomic
def redeliver(*, delivery: WebhookDelivery, now=None) -> WebhookDelivery:
    """Send a delivered or failed delivery again, with the same event id and payload (a receiver that keeps the
    ids it has seen takes it as the same event), through the usual attempts and backoff."""
    now = now or timezone.now()
    done = (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED)
    reset = WebhookDelivery.objects.filter(pk=delivery.pk, status__in=done).update(
        status=WebhookDelivery.Status.PENDING,
        attempts=0,
        next_attempt_at=now,
        last_error="",
        response_status=None,
        response_ms=None,
        claim_token=None,
        lease_expires_at=None,
    )
    if reset != 1:
        raise NotRedeliverable("This delivery is still waiting to be sent.")
    queue_sending([delivery.pk])
    delivery.refresh_from_db()
    return delivery
