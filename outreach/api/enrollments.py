"""Enrollments (enroll a selection or a pool, pause, resume, stop), their batches, and touches (complete a manual task)."""

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from candidates.models import TalentPool
from candidates.roles import RulesObjectPermissions

from .. import selectors
from ..batches import start_enrollment_batch
from ..enrollment import pause_enrollment, resume_enrollment, stop_enrollment
from ..manual_tasks import TASK_OUTCOMES, complete_task
from ..models import Enrollment, EnrollmentBatch, Sequence, Touch


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
        read_only_fields = fields


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
        batch = start_enrollment_batch(
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
        return self._act(request, pause_enrollment)

    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._act(request, resume_enrollment)

    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None):
        return self._act(request, stop_enrollment, reason="stopped by a recruiter")


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
        read_only_fields = fields


class CompleteTaskSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=list(TASK_OUTCOMES))
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
        complete_task(touch=touch, by=request.user, **data.validated_data)
        touch.refresh_from_db()
        return Response(TouchSerializer(touch).data)
