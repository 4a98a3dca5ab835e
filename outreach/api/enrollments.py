"""Enrollments (enroll a selection or a pool, pause, resume, stop), their batches, and touches (complete a manual
task; write an email or a reply through the outbox, cancel one before it goes)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from candidates.models import Candidate, TalentPool
from candidates.roles import RulesObjectPermissions

from .. import outbox, selectors
from ..batches import start_enrollment_batch
from ..enrollment import pause_enrollment, resume_enrollment, stop_enrollment
from ..manual_tasks import TASK_OUTCOMES, complete_task
from ..models import Enrollment, EnrollmentBatch, Reply, Sequence, Touch


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
            "kind",
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


class WriteEmailSerializer(serializers.Serializer):
    """A one-off email to `candidate`, or with `reply` an answer in that reply's thread (subject "Re: …")."""

    candidate = serializers.PrimaryKeyRelatedField(
        queryset=Candidate.objects.filter(erased_at__isnull=True), required=False
    )
    reply = serializers.PrimaryKeyRelatedField(
        queryset=Reply.objects.filter(candidate__isnull=False), required=False
    )
    subject = serializers.CharField(max_length=200, required=False, default="")
    body = serializers.CharField(max_length=20000)
    send_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    personal = serializers.BooleanField(
        required=False, default=False, help_text="Confirms a personal message to someone who unsubscribed"
    )

    def validate(self, data):
        if bool(data.get("candidate")) == bool(data.get("reply")):
            raise serializers.ValidationError(
                "Give either a candidate (a one-off email) or a reply to answer."
            )
        if data.get("candidate") and not data["subject"].strip():
            raise serializers.ValidationError({"subject": "A one-off email needs a subject."})
        return data


class TouchViewSet(viewsets.ReadOnlyModelViewSet):
    """Touches (read); POST /complete/ on an open manual task; POST /email/ writes a one-off email or a reply
    (the outbox sends it); POST /cancel/ cancels an email before it goes."""

    serializer_class = TouchSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = Touch.objects.select_related("candidate")
    filterset_fields = ["status", "channel", "kind", "assignee", "candidate", "enrollment"]
    ordering_fields = ["due_at"]

    @action(detail=False, methods=["post"], serializer_class=WriteEmailSerializer)
    def email(self, request):
        if not request.user.has_perm("outreach.send_email"):
            raise PermissionDenied
        data = WriteEmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        written = data.validated_data
        try:
            if written.get("reply"):
                touch = outbox.write_reply(
                    reply=written["reply"],
                    sender=request.user,
                    body=written["body"],
                    send_at=written["send_at"],
                    personal=written["personal"],
                )
            else:
                touch = outbox.write_one_off(
                    candidate=written["candidate"],
                    sender=request.user,
                    subject=written["subject"],
                    body=written["body"],
                    send_at=written["send_at"],
                    personal=written["personal"],
                )
        except DjangoValidationError as error:
            return Response({"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(TouchSerializer(touch).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        touch = self.get_object()
        if touch.kind == Touch.Kind.SEQUENCE or not request.user.has_perm("outreach.cancel_email", touch):
            raise PermissionDenied
        if not outbox.cancel_email(touch, by=request.user):
            return Response(
                {"detail": "Too late: it is being sent or has gone."}, status=status.HTTP_409_CONFLICT
            )
        touch.refresh_from_db()
        return Response(TouchSerializer(touch).data)

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
