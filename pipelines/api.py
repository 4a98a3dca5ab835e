"""The pipelines API: requisitions (with status changes), stages, cards (with moves), reviews, the published roles
of the careers page (public) and the applications sent there."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from candidates.api.candidates import SkillNamesField
from candidates.models import Candidate, TalentPool
from candidates.roles import RulesObjectPermissions

from . import selectors, services, stages
from .models import Application, Card, Requisition, ShortlistReview, Stage, TalentReview


def _as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(
        error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
    )


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
            "created_at",
        ]
        read_only_fields = ["status", "opened_at", "closed_at", "created_at"]

    def validate_is_published(self, value):
        current = self.instance.is_published if self.instance else False
        if value != current and not self.context["request"].user.has_perm("pipelines.publish_requisition"):
            raise PermissionDenied("Only admins publish roles on the careers page.")
        return value

    def create(self, validated_data):
        try:
            return services.create_requisition(by=self.context["request"].user, **validated_data)
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error

    def update(self, instance, validated_data):
        try:
            return services.update_requisition(
                requisition=instance, by=self.context["request"].user, **validated_data
            )
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Requisition.Status.choices)


class RequisitionPermissions(RulesObjectPermissions):
    """Reading: whoever may list requisitions (the queryset holds only what they may see); writing: the
    recruiting team (deleting: admins)."""

    perms_map = {
        **RulesObjectPermissions.perms_map,
        "GET": ["pipelines.list_requisitions"],
        "HEAD": ["pipelines.list_requisitions"],
        "OPTIONS": ["pipelines.list_requisitions"],
    }


class RequisitionViewSet(viewsets.ModelViewSet):
    """Requisitions. Hiring managers list and read only their own; the recruiting team creates and edits them.
    The status changes only through `{id}/status/`."""

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
        try:
            return stages.add_stage(**validated_data)
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error

    def update(self, instance, validated_data):
        try:
            return stages.update_stage(
                stage=instance,
                name=validated_data.get("name", instance.name),
                is_late=validated_data.get("is_late", instance.is_late),
                is_shortlist=validated_data.get("is_shortlist", instance.is_shortlist),
                is_hired=validated_data.get("is_hired", instance.is_hired),
                position=validated_data.get("position"),
            )
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error


class StageViewSet(viewsets.ModelViewSet):
    """A board's stages (filter with ?pipeline=ID). The recruiting team reads them; admins change them.
    A new stage goes at the end; deleting a stage that holds cards answers 409."""

    serializer_class = StageSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = Stage.objects.order_by("pipeline", "position")
    filterset_fields = ["pipeline"]

    def perform_destroy(self, instance):
        stages.delete_stage(stage=instance)

    def destroy(self, request, *args, **kwargs):
        try:
            return super().destroy(request, *args, **kwargs)
        except stages.StageNotEmpty as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)


# --- Cards -------------------------------------------------------------------------------------------------


class CardSerializer(serializers.ModelSerializer):
    candidate = serializers.PrimaryKeyRelatedField(queryset=Candidate.objects.filter(erased_at__isnull=True))
    stage = serializers.PrimaryKeyRelatedField(
        queryset=Stage.objects.all(), required=False, help_text="The board's first stage when left out"
    )

    class Meta:
        model = Card
        fields = [
            "id",
            "pipeline",
            "candidate",
            "stage",
            "position",
            "status",
            "pitch",
            "version",
            "entered_stage_at",
            "created_at",
        ]
        read_only_fields = ["position", "status", "version", "entered_stage_at", "created_at"]
        validators = []  # one card per board: checked in validate() with a clearer message

    def validate(self, attrs):
        pipeline, stage = attrs["pipeline"], attrs.get("stage")
        if stage is not None and stage.pipeline_id != pipeline.pk:
            raise serializers.ValidationError({"stage": ["This stage is on another board."]})
        if Card.objects.filter(pipeline=pipeline, candidate=attrs["candidate"]).exists():
            raise serializers.ValidationError({"candidate": ["This candidate is already on this board."]})
        return attrs

    def create(self, validated_data):
        return services.add_card(by=self.context["request"].user, **validated_data)


class MoveSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all())
    position = serializers.IntegerField(min_value=0, help_text="0-based position in the stage")
    version = serializers.IntegerField(min_value=1, help_text="The card's version you last saw")

    def validate_stage(self, stage):
        if stage.pipeline_id != self.context["card"].pipeline_id:
            raise serializers.ValidationError("A card can only move within its own board.")
        return stage


class CardViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Cards on boards (filter with ?pipeline=ID, ?stage=ID, ?status=). POST adds a candidate to a board;
    `{id}/move/` moves a card with the board's ordering rule."""

    serializer_class = CardSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = Card.objects.select_related("stage").order_by("pipeline", "stage__position", "position", "pk")
    filterset_fields = ["pipeline", "stage", "status"]

    @extend_schema(
        request=MoveSerializer,
        responses={200: CardSerializer, 409: dict},
        description="Move to `position` in `stage`. When the card changed since `version` (someone else moved "
        "it), nothing moves and the answer is 409 with the card's current stage, position and version.",
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        card = self.get_object()
        if not request.user.has_perm("pipelines.move_card", card):
            raise PermissionDenied
        serializer = MoveSerializer(data=request.data, context={"card": card})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.move_card(
                card=card,
                to_stage=data["stage"],
                position=data["position"],
                expected_version=data["version"],
                by=request.user,
            )
        except services.StaleCard:
            card.refresh_from_db()
            return Response(
                {
                    "detail": "The card changed since you saw it; nothing was moved.",
                    "stage": card.stage_id,
                    "position": card.position,
                    "version": card.version,
                    "status": card.status,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(CardSerializer(card, context=self.get_serializer_context()).data)


# --- Reviews -----------------------------------------------------------------------------------------------


class ReviewPermissions(permissions.BasePermission):
    """The recruiting team and hiring managers (each sees only their own roles' reviews, by queryset);
    whether a user may review a given requisition is checked when the review is created."""

    def has_permission(self, request, view):
        return request.user.has_perm("pipelines.list_requisitions")


class ShortlistReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShortlistReview
        fields = ["id", "card", "reviewer", "decision", "comment", "created_at", "acknowledged_at"]
        read_only_fields = ["reviewer", "created_at", "acknowledged_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            visible = Requisition.objects.visible_to(request.user)
            self.fields["card"].queryset = Card.objects.filter(
                pipeline__requisition__in=visible
            ).select_related("stage", "pipeline__requisition")

    def validate_card(self, card):
        if not card.stage.is_shortlist or card.status != Card.Status.ACTIVE:
            raise serializers.ValidationError("This card is not on the shortlist.")
        return card

    def create(self, validated_data):
        card = validated_data["card"]
        reviewer = self.context["request"].user
        if not reviewer.has_perm("pipelines.review_shortlist", card.pipeline.requisition):
            raise PermissionDenied("Only the role's hiring manager decides on its shortlist.")
        return services.review_shortlisted_card(
            card=card,
            reviewer=reviewer,
            decision=validated_data["decision"],
            comment=validated_data.get("comment", ""),
        )


class ShortlistReviewViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Hiring managers' decisions on shortlisted cards. A manager creates them for their own roles; the
    recruiting team reads them all."""

    serializer_class = ShortlistReviewSerializer
    permission_classes = [ReviewPermissions]
    filterset_fields = ["card", "decision"]

    def get_queryset(self):
        visible = Requisition.objects.visible_to(self.request.user)
        return ShortlistReview.objects.filter(card__pipeline__requisition__in=visible).select_related(
            "reviewer"
        )


class TalentReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = TalentReview
        fields = [
            "id",
            "requisition",
            "candidate",
            "reviewer",
            "answer",
            "reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["reviewer", "created_at", "updated_at"]
        validators = []  # answering again replaces the answer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["requisition"].queryset = Requisition.objects.visible_to(
                request.user
            ).prefetch_related("pools")

    def validate(self, attrs):
        requisition = attrs["requisition"]
        if requisition.status != Requisition.Status.PLANNED:
            raise serializers.ValidationError({"requisition": ["Talent review is for planned roles only."]})
        reviewer = self.context["request"].user
        if not reviewer.has_perm("pipelines.review_talent", requisition):
            raise PermissionDenied("Only the role's hiring manager reviews its talent.")
        people = selectors.talent_review_candidates(requisition, reviewer)
        if not people.filter(pk=attrs["candidate"].pk).exists():
            raise serializers.ValidationError(
                {"candidate": ["This person is not in the role's talent pools."]}
            )
        return attrs

    def create(self, validated_data):
        return services.answer_talent_review(reviewer=self.context["request"].user, **validated_data)


class TalentReviewViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Hiring managers' "would you talk to this person?" (yes / later / no) on their planned roles. POST
    again for the same person to change the answer; the recruiting team reads them all."""

    serializer_class = TalentReviewSerializer
    permission_classes = [ReviewPermissions]
    filterset_fields = ["requisition", "answer"]

    def get_queryset(self):
        visible = Requisition.objects.visible_to(self.request.user)
        return TalentReview.objects.filter(requisition__in=visible).select_related("reviewer")


# --- Careers page --------------------------------------------------------------------------------------------


class PublishedRoleSerializer(serializers.ModelSerializer):
    """A role as the public sees it on the careers page: nothing internal (no people, pools or counts)."""

    careers_url = serializers.SerializerMethodField()

    class Meta:
        model = Requisition
        fields = ["id", "title", "department", "location", "description", "opened_at", "careers_url"]
        read_only_fields = fields

    def get_careers_url(self, requisition) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("pipelines:careers_role", args=[requisition.pk])
        )


@extend_schema(auth=[])
class PublishedRoleViewSet(viewsets.ReadOnlyModelViewSet):
    """The open roles on the public careers page. No login needed; read only."""

    serializer_class = PublishedRoleSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    filter_backends = []

    def get_queryset(self):
        return selectors.published_roles()


class ApplicationSerializer(serializers.ModelSerializer):
    candidate_name = serializers.CharField(source="candidate.full_name", read_only=True)
    stage = serializers.CharField(source="card.stage.name", read_only=True, default=None)

    class Meta:
        model = Application
        fields = [
            "id",
            "requisition",
            "candidate",
            "candidate_name",
            "card",
            "stage",
            "resume",
            "message",
            "consent_at",
            "created_at",
        ]
        read_only_fields = fields


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Applications sent from the careers page (filter with ?requisition=ID). The recruiting team reads them;
    they are made only by visitors applying."""

    serializer_class = ApplicationSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = Application.objects.select_related("candidate", "card__stage")
    filterset_fields = ["requisition", "candidate"]
    ordering_fields = ["created_at"]
