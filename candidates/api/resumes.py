"""Résumés: list, attach (the careers page's checks) and download."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from .. import resume_uploads, resumes
from ..models import Candidate, Resume


class ResumeSerializer(serializers.ModelSerializer):
    candidate = serializers.PrimaryKeyRelatedField(queryset=Candidate.objects.filter(erased_at__isnull=True))
    file = serializers.FileField(
        write_only=True, help_text="PDF or DOCX, up to 10 MB, checked by its content"
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Resume
        fields = [
            "id",
            "candidate",
            "file",
            "original_name",
            "kind",
            "size",
            "sha256",
            "text_status",
            "text_error",
            "uploaded_by",
            "created_at",
            "download_url",
        ]
        read_only_fields = [
            "original_name",
            "kind",
            "size",
            "sha256",
            "text_status",
            "text_error",
            "uploaded_by",
            "created_at",
        ]

    def get_download_url(self, resume) -> str:
        return self.context["request"].build_absolute_uri(reverse("resume-download", args=[resume.pk]))

    def validate_file(self, upload):
        try:
            resumes.check_resume(upload)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return upload

    def create(self, validated_data):
        return resume_uploads.attach_resume(
            candidate=validated_data["candidate"],
            upload=validated_data["file"],
            by=self.context["request"].user,
        )


class ResumePermissions(permissions.BasePermission):
    """Reading and downloading: whoever may see candidates; attaching: whoever may change them."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return request.user.has_perm("candidates.view_candidate")
        return request.user.has_perm("candidates.change_candidate")


class ResumeViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Résumés (filter with ?candidate=ID). POST multipart `candidate` and `file` attaches one (the same checks
    as the careers page: size, type by content, zip bombs); `{id}/download/` returns the file as an attachment.
    The text is extracted in the background: watch `text_status`."""

    serializer_class = ResumeSerializer
    permission_classes = [ResumePermissions]
    queryset = Resume.objects.filter(candidate__erased_at__isnull=True)
    filterset_fields = ["candidate", "text_status"]
    ordering_fields = ["created_at"]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        try:
            return resumes.download_response(self.get_object())
        except resumes.ResumeFileMissing as missing:
            raise NotFound(str(missing)) from missing
