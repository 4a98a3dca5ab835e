"""The careers page's published roles (public) and the applications sent there (read-only)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets

from candidates.roles import RulesObjectPermissions

from .. import selectors
from ..models import Application, Requisition


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
