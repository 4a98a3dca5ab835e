"""CSV imports: upload for a preview, confirm, poll."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..imports import jobs
from ..models import ImportJob, Source
from ..roles import RulesObjectPermissions


class ImportJobSerializer(serializers.ModelSerializer):
    pool = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "original_name",
            "status",
            "pool",
            "source",
            "total_rows",
            "processed_rows",
            "created_count",
            "matched_count",
            "error_count",
            "errors",
            "failure",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, UTF-8 or UTF-16, comma, semicolon or tab separated")
    pool = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text="Name of a static pool to add everyone to; created when there is none of that name",
    )
    source = serializers.ChoiceField(choices=Source.choices, default=Source.SOURCED)
    column_map = serializers.DictField(
        child=serializers.CharField(max_length=40, allow_blank=True),
        required=False,
        help_text='Columns to fill into custom fields: {"CSV header": "custom field key"}, or "-" to leave a '
        "column out (columns named like a custom field's label or key fill it without this)",
    )

    def validate_column_map(self, column_map):
        try:
            return jobs.clean_column_map(column_map)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def validate_pool(self, name: str) -> str:
        """After the field's own checks (length, no NUL character), so the name is safe to look up."""
        jobs.validate_pool_name(name)
        return name

    def validate_file(self, upload):
        if error := jobs.file_size_error(upload.size):
            raise serializers.ValidationError(error)
        return upload


class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """CSV imports: POST a file (multipart) to get its preview, POST `{id}/start/`, then poll `{id}/`."""

    queryset = ImportJob.objects.select_related("pool")
    permission_classes = [RulesObjectPermissions]

    def get_serializer_class(self):
        return ImportUploadSerializer if self.action == "create" else ImportJobSerializer

    def create(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        job, preview = jobs.create_import(
            upload=upload.validated_data["file"],
            source=upload.validated_data["source"],
            pool_name=upload.validated_data.get("pool", ""),
            column_map=upload.validated_data.get("column_map"),
            by=request.user,
        )
        if preview.error:
            raise serializers.ValidationError({"file": [preview.error]})
        return Response(
            {**ImportJobSerializer(job).data, "preview": preview.as_dict()}, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        job = self.get_object()
        if job.status != ImportJob.Status.PREVIEW:
            return Response(
                {"detail": f"This import cannot be started: it is {job.get_status_display().lower()}."},
                status=status.HTTP_409_CONFLICT,
            )
        job = jobs.start_import(job)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
