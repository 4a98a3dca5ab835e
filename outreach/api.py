from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from candidates.models import TalentPool
from candidates.roles import RulesObjectPermissions

from . import placeholders, selectors, services
from .models import Enrollment, EnrollmentBatch, Sequence, Step, Touch


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
        return services.save_step(Step(position=None, **validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_step(instance)


class SequenceSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Sequence
        fields = [
            "id",
            "name",
            "purpose",
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
        serializer.instance = services.create_sequence(by=self.request.user, **serializer.validated_data)


class StepViewSet(viewsets.ModelViewSet):
    serializer_class = StepSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = Step.objects.select_related("sequence")
    filterset_fields = ["sequence"]

    def perform_destroy(self, instance):
        services.delete_step(instance)


class EnrollmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enrollment
        fields = [
            "id",
            "sequence",
            "candidate",
            "status",
            "stop_reason",
            "enrolled_by",
            "enrolled_at",
            "ended_at",
        ]
        read_only_fields = ["status", "stop_reason", "enrolled_by", "enrolled_at", "ended_at"]


class EnrollRequestSerializer(serializers.Serializer):
    sequence = serializers.PrimaryKeyRelatedField(
        queryset=Sequence.objects.filter(status=Sequence.Status.ACTIVE)
    )
    candidate_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    pool = serializers.PrimaryKeyRelatedField(
        queryset=TalentPool.objects.all(), required=False, allow_null=True
    )

    def validate(self, attrs):
        if not attrs.get("candidate_ids") and not attrs.get("pool"):
            raise serializers.ValidationError("Give candidate_ids or a pool.")
        return attrs


class EnrollmentBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnrollmentBatch
        fields = [
            "id",
            "sequence",
            "pool",
            "status",
            "total",
            "enrolled_count",
            "skipped",
            "created_at",
            "finished_at",
        ]


class EnrollmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Enrollments: POST /enroll/ a selection or a pool; pause, resume and stop one."""

    serializer_class = EnrollmentSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = selectors.enrollments_of(None)
    filterset_fields = ["sequence", "candidate", "status"]

    @action(detail=False, methods=["post"], serializer_class=EnrollRequestSerializer)
    def enroll(self, request):
        if not request.user.has_perm("outreach.add_enrollment"):
            raise PermissionDenied
        data = EnrollRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.start_enrollment_batch(
            sequence=data.validated_data["sequence"],
            candidate_ids=data.validated_data["candidate_ids"],
            pool=data.validated_data.get("pool"),
            by=request.user,
        )
        return Response(EnrollmentBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    def _act(self, request, operation, **kwargs):
        enrollment = self.get_object()
        if not request.user.has_perm("outreach.change_enrollment", enrollment):
            raise PermissionDenied
        operation(enrollment=enrollment, by=request.user, **kwargs)
        enrollment.refresh_from_db()
        return Response(EnrollmentSerializer(enrollment).data)

    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._act(request, services.pause_enrollment)

    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._act(request, services.resume_enrollment)

    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None):
        return self._act(request, services.stop_enrollment, reason="stopped by a recruiter")


class EnrollmentBatchViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EnrollmentBatchSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = EnrollmentBatch.objects.all()


class TouchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Touch
        fields = [
            "id",
            "enrollment",
            "candidate",
            "channel",
            "status",
            "due_at",
            "assignee",
            "step_position",
            "subject",
            "attempts",
            "last_error",
            "outcome",
            "sent_at",
            "completed_at",
        ]


class CompleteTaskSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=list(services.TASK_OUTCOMES))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class TouchViewSet(viewsets.ReadOnlyModelViewSet):
    """Touches (read), and POST /complete/ on an open manual task."""

    serializer_class = TouchSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = Touch.objects.select_related("candidate")
    filterset_fields = ["status", "channel", "assignee", "candidate", "enrollment"]
    ordering_fields = ["due_at"]

    @action(detail=True, methods=["post"], serializer_class=CompleteTaskSerializer)
    def complete(self, request, pk=None):
        touch = self.get_object()
        if not request.user.has_perm("outreach.complete_task", touch):
            raise PermissionDenied
        data = CompleteTaskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if touch.status != Touch.Status.TASK_OPEN:
            return Response({"detail": "This task is not open."}, status=status.HTTP_409_CONFLICT)
        services.complete_task(touch=touch, by=request.user, **data.validated_data)
        touch.refresh_from_db()
        return Response(TouchSerializer(touch).data)
