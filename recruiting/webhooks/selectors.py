"""Reads for the admins' webhook pages."""

from django.db.models import Count, Max, Q, QuerySet

from ..models import WebhookDelivery, WebhookEndpoint

DELIVERY_LOG_LENGTH = 50


def endpoints_with_counts() -> QuerySet[WebhookEndpoint]:
    """Every endpoint with how many of its deliveries are delivered, waiting and failed, and the latest one."""
    status = WebhookDelivery.Status
    return WebhookEndpoint.objects.annotate(
        delivered=Count("deliveries", filter=Q(deliveries__status=status.DELIVERED)),
        waiting=Count("deliveries", filter=Q(deliveries__status__in=[status.PENDING, status.SENDING])),
        failed=Count("deliveries", filter=Q(deliveries__status=status.FAILED)),
        last_event_at=Max("deliveries__created_at"),
    ).order_by("pk")


def delivery_log(endpoint: WebhookEndpoint, *, status: str = "") -> QuerySet[WebhookDelivery]:
    """The endpoint's latest deliveries, newest first (optionally of one status)."""
    deliveries = endpoint.deliveries.defer("payload")
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-pk")[:DELIVERY_LOG_LENGTH]
