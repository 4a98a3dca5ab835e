"""Webhook endpoints and their deliveries through the API, for admins: the same services as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from candidates.api.errors import as_drf_errors
from candidates.roles import RulesObjectPermissions

from ..models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from . import endpoints


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "is_active", "secret", "created_by", "created_at"]
        read_only_fields = ["secret", "created_by", "created_at"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event_id",
            "event_type",
            "payload",
            "status",
            "attempts",
            "next_attempt_at",
            "response_status",
            "response_ms",
            "last_error",
            "created_at",
            "delivered_at",
        ]
        read_only_fields = fields


class WebhookEndpointViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Admins register endpoints (the URL must resolve to public addresses) and choose their events; the secret
    is made by Longlist and replaced through `{id}/secret/`. Endpoints are deactivated, never deleted."""

    serializer_class = WebhookEndpointSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = WebhookEndpoint.objects.order_by("pk")

    def perform_create(self, serializer):
        with as_drf_errors():
            serializer.instance = endpoints.create_endpoint(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        with as_drf_errors():
            serializer.instance = endpoints.update_endpoint(
                endpoint=serializer.instance, **serializer.validated_data
            )

    @extend_schema(request=None, responses=WebhookEndpointSerializer)
    @action(detail=True, methods=["post"])
    def secret(self, request, pk=None):
        """A new signing secret; deliveries from now on are signed with it."""
        endpoint = self.get_object()
        return Response(self.get_serializer(endpoints.rotate_secret(endpoint=endpoint)).data)


class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The delivery log (filter `endpoint`, `status`, `event_type`), newest first; `{id}/redeliver/` sends a
    delivered or failed one again with the same event id."""

    serializer_class = WebhookDeliverySerializer
    permission_classes = [RulesObjectPermissions]
    queryset = WebhookDelivery.objects.order_by("-created_at", "-pk")
    filterset_fields = ["endpoint", "status", "event_type"]

    @extend_schema(request=None, responses=WebhookDeliverySerializer)
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        delivery = self.get_object()
        if not request.user.has_perm("recruiting.change_webhookdelivery", delivery):
            raise PermissionDenied
        try:
            delivery = endpoints.redeliver(delivery=delivery)
        except endpoints.NotRedeliverable as error:
            raise ValidationError({"status": [str(error)]}) from error
        return Response(self.get_serializer(delivery).data)
