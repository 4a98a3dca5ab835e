"""Sequences and their steps: admins edit them; the status changes through `{id}/status/`."""

from rest_framework import serializers, viewsets

from candidates.roles import RulesObjectPermissions

from .. import placeholders, selectors
from ..models import Sequence, Step
from ..sequences import create_sequence, delete_step, save_step


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
        return save_step(Step(position=None, **validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return save_step(instance)


class SequenceSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)

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
            "daily_cap",
            "min_gap_days",
            "track_opens",
            "steps",
        ]

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


class SequenceViewSet(viewsets.ModelViewSet):
    """Sequences and their steps: admins change them, recruiters read them."""

    serializer_class = SequenceSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = Sequence.objects.prefetch_related("steps")

    def perform_create(self, serializer):
        serializer.instance = create_sequence(by=self.request.user, **serializer.validated_data)


class StepViewSet(viewsets.ModelViewSet):
    serializer_class = StepSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = Step.objects.select_related("sequence")
    filterset_fields = ["sequence"]

    def perform_destroy(self, instance):
        delete_step(instance)
