"""Requisitions (the status changes through `{id}/status/`) and their boards' stages."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from candidates.api.errors import as_drf_errors
from candidates.api.fields import CustomValuesField, SkillNamesField
from candidates.models import Candidate, CustomField, TalentPool
from candidates.roles import RulesObjectPermissions
from candidates.search import MAX_ID

from .. import selectors, services, stages
from ..models import Requisition, Stage

ADD_CARDS_LIMIT = 500  # people per request: each is a card, a stage change and a timeline entry

# --- Requisitions ----------------------------------------------------------------------------------------


class RequisitionSerializer(serializers.ModelSerializer):
    skills = SkillNamesField(required=False)
    pools = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=TalentPool.objects.all())
    hiring_manager = serializers.PrimaryKeyRelatedField(
        required=False, allow_null=True, queryset=selectors.hiring_managers()
    )
    recruiter = serializers.PrimaryKeyRelatedField(
        required=False, allow_null=True, queryset=selectors.recruiting_users()
    )
    pipeline = serializers.PrimaryKeyRelatedField(read_only=True)
    custom_fields = CustomValuesField(applies_to=CustomField.AppliesTo.REQUISITION)

    class Meta:
        model = Requisition
        fields = [
            "id",
            "title",
            "department",
            "location",
            "description",
            "status",
            "headcount",
            "expected_open_date",
            "opened_at",
            "closed_at",
            "hiring_manager",
            "recruiter",
            "pools",
            "industry",
            "skills",
            "is_published",
            "pipeline",
            "custom_fields",
            "created_at",
        ]
        read_only_fields = ["status", "opened_at", "closed_at", "created_at"]

    def validate_is_published(self, value):
        current = self.instance.is_published if self.instance else False
        if value != current and not self.context["request"].user.has_perm("pipelines.publish_requisition"):
            raise PermissionDenied("Only admins publish roles on the careers page.")
        return value

    def validate(self, attrs):
        if "custom_fields" in attrs or self.instance is None:  # a new role needs its required fields
            attrs["custom_fields"] = attrs.get("custom_fields", {})
            self.fields["custom_fields"].check(
                attrs["custom_fields"], instance=self.instance, partial=self.partial
            )
        return attrs

    def create(self, validated_data):
        with as_drf_errors():
            return services.create_requisition(by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        with as_drf_errors():
            return services.update_requisition(
                requisition=instance,
                by=self.context["request"].user,
                custom_fields_partial=self.partial,
                **validated_data,
            )


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Requisition.Status.choices)


class AddCardsSerializer(serializers.Serializer):
    candidates = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=ADD_CARDS_LIMIT,
        help_text=f"Candidate ids, at most {ADD_CARDS_LIMIT}",
    )
    stage = serializers.PrimaryKeyRelatedField(
        queryset=Stage.objects.all(),
        required=False,
        allow_null=True,
        help_text="The first stage when left out",
    )

    def validate_stage(self, stage):
        if stage is not None and stage.pipeline.requisition_id != self.context["requisition"].pk:
            raise serializers.ValidationError("This stage is on another board.")
        return stage

    def validate_candidates(self, ids):
        ids = list(dict.fromkeys(ids))
        people = {c.pk: c for c in Candidate.objects.filter(pk__in=ids)}
        unknown = [pk for pk in ids if pk not in people]
        if unknown:
            raise serializers.ValidationError(f"No such candidate: {', '.join(map(str, unknown))}.")
        return [people[pk] for pk in ids]


class AddedCardSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(source="candidate_id")
    card = serializers.IntegerField(source="pk")
    stage = serializers.IntegerField(source="stage_id")


class SkippedSerializer(serializers.Serializer):
    candidate = serializers.IntegerField()
    reason = serializers.CharField()


class AddCardsResultSerializer(serializers.Serializer):
    added = AddedCardSerializer(many=True)
    skipped = SkippedSerializer(many=True)


class RequisitionPermissions(RulesObjectPermissions):
    """Reading: whoever may list requisitions (the queryset holds only what they may see); writing: the
    recruiting team."""

    perms_map = {
        **RulesObjectPermissions.perms_map,
        "GET": ["pipelines.list_requisitions"],
        "HEAD": ["pipelines.list_requisitions"],
        "OPTIONS": ["pipelines.list_requisitions"],
    }


class RequisitionViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Requisitions. Hiring managers list and read only their own; the recruiting team creates and edits them.
    The status changes only through `{id}/status/`; a role is closed, never deleted (its board and history
    stay for the reports)."""

    serializer_class = RequisitionSerializer
    permission_classes = [RequisitionPermissions]
    filterset_fields = ["status", "hiring_manager", "recruiter"]
    ordering_fields = ["expected_open_date", "created_at", "title"]

    def get_queryset(self):
        return (
            Requisition.objects.visible_to(self.request.user)
            .select_related("hiring_manager", "recruiter", "pipeline")
            .prefetch_related("pools", "skills")
        )

    @extend_schema(request=StatusSerializer, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Change the status: planned → open / closed; open → on hold / filled / closed; on hold → open /
        closed; closed → open. Anything else answers 400 with what is allowed."""
        requisition = self.get_object()
        if not request.user.has_perm("pipelines.change_requisition", requisition):
            raise PermissionDenied
        serializer = StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.change_requisition_status(
                requisition, serializer.validated_data["status"], by=request.user
            )
        except services.InvalidTransition as error:
            raise serializers.ValidationError({"status": [str(error)]}) from error
        return Response(RequisitionSerializer(requisition, context=self.get_serializer_context()).data)

    @extend_schema(
        request=AddCardsSerializer,
        responses={201: AddCardsResultSerializer, 200: AddCardsResultSerializer},
        description="Put people on the role's board (planned and open roles only), in `stage` or the first "
        "one. The answer lists who was added (201 when anyone was, else 200) and who was skipped and why: "
        "erased, do not contact, or already on this board.",
    )
    @action(detail=True, methods=["post"])
    def cards(self, request, pk=None):
        requisition = self.get_object()
        if not request.user.has_perm("pipelines.add_to_requisition", requisition):
            raise PermissionDenied
        serializer = AddCardsSerializer(data=request.data, context={"requisition": requisition})
        serializer.is_valid(raise_exception=True)
        try:
            result = services.add_to_requisition(
                requisition=requisition,
                candidates=serializer.validated_data["candidates"],
                stage=serializer.validated_data.get("stage"),
                by=request.user,
            )
        except services.RoleNotLive as error:
            raise serializers.ValidationError({"requisition": [str(error)]}) from error
        answer = {
            "added": result.added,
            "skipped": [{"candidate": person.pk, "reason": reason} for person, reason in result.skipped],
        }
        return Response(
            AddCardsResultSerializer(answer).data,
            status=status.HTTP_201_CREATED if result.added else status.HTTP_200_OK,
        )


# --- Stages --------------------------------------------------------------------------------------------------


class StageSerializer(serializers.ModelSerializer):
    position = serializers.IntegerField(
        min_value=0, required=False, help_text="0-based; changing it moves the stage along the board"
    )

    class Meta:
        model = Stage
        fields = ["id", "pipeline", "name", "position", "is_late", "is_shortlist", "is_hired"]
        validators = []  # positions are kept unique by the services, which renumber the board

    def validate_pipeline(self, pipeline):
        if self.instance is not None and pipeline != self.instance.pipeline:
            raise serializers.ValidationError("A stage cannot move to another board.")
        return pipeline

    def create(self, validated_data):
        validated_data.pop("position", None)
        with as_drf_errors():
            return stages.add_stage(**validated_data)

    def update(self, instance, validated_data):
        with as_drf_errors():
            return stages.update_stage(
                stage=instance,
                name=validated_data.get("name", instance.name),
                is_late=validated_data.get("is_late", instance.is_late),
                is_shortlist=validated_data.get("is_shortlist", instance.is_shortlist),
                is_hired=validated_data.get("is_hired", instance.is_hired),
                position=validated_data.get("position"),
            )


class StageViewSet(viewsets.ModelViewSet):
    """A board's stages (filter with ?pipeline=ID). The recruiting team reads them; admins change them.
    A new stage goes just before the hired stage (at the end without one); a name the board already has answers
    400; deleting a stage that holds cards answers 409."""

    serializer_class = StageSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = Stage.objects.order_by("pipeline", "position")
    filterset_fields = ["pipeline"]

    def destroy(self, request, pk=None):
        stage = self.get_object()
        try:
            stages.delete_stage(stage=stage)
        except stages.StageNotEmpty as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)
