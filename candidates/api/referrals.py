"""Employee referrals: everyone refers people and follows their own; the recruiting team changes the status."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import services
from ..models import Referral
from ..normalize import normalize_linkedin_url
from .errors import as_drf_errors


class ReferralSerializer(serializers.ModelSerializer):
    """A referral as its referrer sees it (the person's name as they gave it and the status, nothing the database
    holds about them), and what anyone sends to refer someone."""

    candidate_name = serializers.CharField(source="referred_name", read_only=True)
    first_name = serializers.CharField(max_length=100, write_only=True)
    last_name = serializers.CharField(max_length=100, write_only=True, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, write_only=True, required=False, allow_blank=True)
    linkedin_url = serializers.CharField(max_length=200, write_only=True, required=False, allow_blank=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "candidate_name",
            "first_name",
            "last_name",
            "email",
            "linkedin_url",
            "relationship",
            "reason",
            "role_title",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at"]

    def validate_linkedin_url(self, value):
        try:
            return normalize_linkedin_url(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error

    def validate(self, attrs):
        if not attrs.get("email") and not attrs.get("linkedin_url"):
            raise serializers.ValidationError(
                "Give an email address or a LinkedIn profile so we can reach them."
            )
        return attrs

    def create(self, validated_data):
        try:
            with as_drf_errors():
                return services.submit_referral(referrer=self.context["request"].user, **validated_data)
        except services.AlreadyReferred as already:
            status_name = already.referral.get_status_display()
            raise serializers.ValidationError(
                {
                    "detail": [
                        f"You already referred {already.referral.referred_name}: their status is {status_name}."
                    ]
                }
            ) from already


class ReferralInboxSerializer(serializers.ModelSerializer):
    """A referral as recruiters see it in the inbox: the candidate it is linked to (`matched_existing` when they
    were already in the database) and the person as the referrer gave them; its status changes through
    `{id}/status/`."""

    candidate_name = serializers.CharField(source="candidate.full_name", read_only=True)
    referrer = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "candidate",
            "candidate_name",
            "matched_existing",
            "first_name",
            "last_name",
            "email",
            "linkedin_url",
            "referrer",
            "relationship",
            "reason",
            "role_title",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReferralStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Referral.Status.choices)


class ReferralPermissions(permissions.BasePermission):
    """Anyone who may refer creates referrals and reads their own (the queryset holds only theirs);
    changing a referral's status takes candidates.change_referral (recruiters and admins)."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or request.method == "POST":
            return request.user.has_perm("candidates.add_referral")
        return request.user.has_perm("candidates.change_referral")

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return request.user.has_perm("candidates.view_referral", obj)
        return request.user.has_perm("candidates.change_referral", obj)


class ReferralViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Referrals. Everyone refers people and lists their own with each one's status; recruiters list all and
    POST {"status": ...} to `{id}/status/` (the referrer is told on their page)."""

    permission_classes = [ReferralPermissions]
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "status"]

    def get_queryset(self):
        referrals = Referral.objects.select_related("candidate", "referrer")
        if self.request.user.has_perm("candidates.manage_referrals"):
            return referrals
        return referrals.filter(referrer_id=self.request.user.pk)

    def get_serializer_class(self):
        if self.action != "create" and self.request.user.has_perm("candidates.manage_referrals"):
            return ReferralInboxSerializer
        return ReferralSerializer

    @extend_schema(request=ReferralStatusSerializer, responses=ReferralInboxSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Set the status (recruiters and admins); it goes on the candidate's timeline."""
        referral = self.get_object()
        data = ReferralStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_referral_status(referral=referral, status=data.validated_data["status"], by=request.user)
        return Response(ReferralInboxSerializer(referral, context=self.get_serializer_context()).data)
