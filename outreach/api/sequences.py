"""Sequences and their steps: admins edit them; the status changes through `{id}/status/`."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from candidates.api.errors import as_drf_errors
from candidates.api.fields import TimezoneNameField
from candidates.roles import RulesObjectPermissions

from .. import placeholders, selectors
from ..identities import NOT_YOURS, may_send_as
from ..models import Sequence, Step
from ..sequences import create_sequence, delete_step, save_step, set_sequence_status, update_sequence


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = ["id", "sequence", "position", "delay_amount", "delay_unit", "channel", "subject", "body"]
        read_only_fields = ["position"]

    def validate(self, attrs):
        for name in ("subject", "body"):
            try:
                placeholders.validate(attrs.get(name, getattr(self.instance, name, "")))
            except placeholders.TemplateError as error:
                raise serializers.ValidationError({name: [str(error)]}) from error
        return attrs

    def create(self, validated_data):
        with as_drf_errors():
            return save_step(Step(position=None, **validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        with as_drf_errors():
            return save_step(instance)


class SequenceSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)
    sender_timezone = TimezoneNameField(
        required=False,
        help_text="Used for candidates whose timezone is unknown (IANA name, e.g. Europe/London)",
    )

    class Meta:
        model = Sequence
        fields = [
            "id",
            "name",
            "purpose",
            "topic",
            "sender",
            "sender_timezone",
            "status",
            "send_window_start",
            "send_window_end",
            "business_days_only",
            "min_gap_days",
            "track_opens",
            "steps",
        ]
        read_only_fields = ["status"]

    def validate_sender(self, sender):
        request = self.context.get("request")
        if request is not None and not may_send_as(request.user, sender):
            raise serializers.ValidationError(NOT_YOURS)
        return sender

    def validate_topic(self, topic: str) -> str:
        if topic and topic != getattr(self.instance, "topic", "") and topic not in selectors.link_topics():
            raise serializers.ValidationError("Choose one of the topics the preference centre offers.")
        return topic

    def validate(self, attrs):
        start = attrs.get("send_window_start", getattr(self.instance, "send_window_start", None))
        end = attrs.get("send_window_end", getattr(self.instance, "send_window_end", None))
        if start and end and start >= end:
            raise serializers.ValidationError(
                {"send_window_end": ["The send window must end after it starts."]}
            )
        return attrs


class SequenceStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Sequence.Status.choices)


class SequenceViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Sequences and their steps: admins change them, recruiters read them. The status (pause, resume,
    archive) changes only through `{id}/status/`; a sequence is archived, never deleted."""

    serializer_class = SequenceSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = Sequence.objects.prefetch_related("steps")

    def perform_create(self, serializer):
        with as_drf_errors():
            serializer.instance = create_sequence(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        with as_drf_errors():
            serializer.instance = update_sequence(
                sequence=serializer.instance, by=self.request.user, **serializer.validated_data
            )

    @extend_schema(request=SequenceStatusSerializer, responses=SequenceSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Pause, resume or archive. Archiving stops every live enrollment and cancels its planned touches;
        resuming after a pause sends what fell due meanwhile at the senders' pace, never all at once."""
        sequence = self.get_object()
        if not request.user.has_perm("outreach.change_sequence", sequence):
            raise PermissionDenied
        data = SequenceStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with as_drf_errors():
            set_sequence_status(sequence=sequence, status=data.validated_data["status"], by=request.user)
        return Response(self.get_serializer(sequence).data)


class StepViewSet(viewsets.ModelViewSet):
    serializer_class = StepSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = Step.objects.select_related("sequence")
    filterset_fields = ["sequence"]

    def perform_destroy(self, instance):
        delete_step(instance)
