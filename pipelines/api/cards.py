"""Cards on boards (add, move) and the hiring managers' reviews (shortlist decisions, talent review)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from candidates.api.errors import as_drf_errors
from candidates.models import Candidate, SilverMedal
from candidates.roles import RulesObjectPermissions

from .. import selectors, services
from ..models import Card, Requisition, ShortlistReview, Stage, TalentReview

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


class RejectSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=SilverMedal.Reason.choices)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    email_template = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="A rejection email template's id: sent after REJECTION_EMAIL_DELAY_MINUTES unless undone",
    )


class CardViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Cards on boards (filter with ?pipeline=ID, ?stage=ID, ?status=). POST adds a candidate to a board;
    `{id}/move/` moves a card with the board's ordering rule; `{id}/reject/` turns the candidate down and
    `{id}/reinstate/` undoes it."""

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
            return _changed_meanwhile(card)
        return Response(CardSerializer(card, context=self.get_serializer_context()).data)

    @extend_schema(
        request=RejectSerializer,
        responses={200: CardSerializer, 409: dict},
        description="Turn the candidate down: the card's status becomes rejected; the others keep their places. "
        "From a late stage of a requisition they are kept as a silver medalist for similar roles. When the card "
        "is no longer in process (someone else moved or rejected it), the answer is 409 with its current state.",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        card = self.get_object()
        if not request.user.has_perm("pipelines.move_card", card):
            raise PermissionDenied
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            with as_drf_errors():
                card = services.reject_card(
                    card=card,
                    by=request.user,
                    category=values["category"],
                    reason=values["reason"],
                    email_template_id=values["email_template"],
                )
        except services.StaleCard:
            return _changed_meanwhile(card)
        return Response(CardSerializer(card, context=self.get_serializer_context()).data)

    @extend_schema(
        request=None,
        responses={200: CardSerializer, 409: dict},
        description="Undo a turn-down (or reconsider it later): the card is in process again in the stage it "
        "was in; a silver medal the turn-down gave is taken back. 409 when the card is not turned down.",
    )
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        card = self.get_object()
        if not request.user.has_perm("pipelines.move_card", card):
            raise PermissionDenied
        try:
            card = services.reinstate_card(card=card, by=request.user)
        except services.StaleCard:
            return _changed_meanwhile(card)
        return Response(CardSerializer(card, context=self.get_serializer_context()).data)


def _changed_meanwhile(card: Card) -> Response:
    card.refresh_from_db()
    return Response(
        {
            "detail": "The card changed since you saw it; nothing was done.",
            "stage": card.stage_id,
            "position": card.position,
            "version": card.version,
            "status": card.status,
        },
        status=status.HTTP_409_CONFLICT,
    )


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
