"""Events become deliveries: one row per active endpoint that chose the event, written in the transaction of
the change (a rolled-back change leaves none), and queued for sending once that transaction commits.

The payload is built when the event happens and stored with the row, so a retry or a redelivery sends the same
bytes: `{"id": <event id>, "type": "card.moved", "created_at": <ISO 8601>, "data": {...}}`."""

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate
from pipelines.models import Card, Pipeline, Stage

from ..models import WebhookDelivery, WebhookEndpoint
from . import tasks

# Past this many deliveries from one change (a CSV import's batch), one pass sends them rather than a task each.
QUEUED_ONE_BY_ONE = 20


def subscribed_endpoints(event_type: str) -> list[WebhookEndpoint]:
    return [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(is_active=True)
        if event_type in endpoint.events
    ]


def record_event(event_type: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    return record_events(event_type, [data])


def record_events(event_type: str, events: Iterable[dict[str, Any]]) -> list[WebhookDelivery]:
    """One delivery per subscribed endpoint for each event's data; sent after the caller's transaction commits."""
    endpoints = subscribed_endpoints(event_type)
    if not endpoints:
        return []
    now = timezone.now()
    rows = []
    for data in events:
        event_id = uuid.uuid4()
        payload = {"id": str(event_id), "type": event_type, "created_at": now.isoformat(), "data": data}
        rows += [
            WebhookDelivery(
                endpoint=endpoint,
                event_id=event_id,
                event_type=event_type,
                payload=payload,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        ]
    deliveries = WebhookDelivery.objects.bulk_create(rows)
    queue_sending([delivery.pk for delivery in deliveries])
    return deliveries


def queue_sending(delivery_ids: list[int]) -> None:
    """After commit, a task per delivery (or one pass for many); a broker that cannot take them is logged and
    the periodic pass sends the rows anyway."""

    def enqueue() -> None:
        if len(delivery_ids) > QUEUED_ONE_BY_ONE:
            tasks.send_due_webhooks.delay()
        else:
            for pk in delivery_ids:
                tasks.deliver_webhook.delay(pk)

    transaction.on_commit(enqueue, robust=True)


# --- What each event tells ------------------------------------------------------------------------------


def by_data(user) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "username": user.get_username()}


def candidate_data(candidate: Candidate) -> dict[str, Any]:
    return {
        "id": candidate.pk,
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "email": candidate.email,
        "linkedin_url": candidate.linkedin_url,
        "title": candidate.title,
        "company": candidate.company,
        "source": candidate.source,
        "seeking_status": candidate.seeking_status,
        "custom_fields": candidate.custom_fields,
        "url": settings.SITE_URL.rstrip("/") + reverse("candidates:detail", args=[candidate.pk]),
    }


def board_data(pipeline: Pipeline) -> dict[str, Any]:
    return {"id": pipeline.pk, "name": pipeline.name, "requisition_id": pipeline.requisition_id}


def stage_data(stage: Stage) -> dict[str, Any]:
    return {"id": stage.pk, "name": stage.name, "is_hired": stage.is_hired}


def card_data(card: Card, *, by=None, **extra: Any) -> dict[str, Any]:
    return {
        "card": {"id": card.pk},
        "candidate": candidate_data(card.candidate),
        "board": board_data(card.pipeline),
        **extra,
        "by": by_data(by),
    }
