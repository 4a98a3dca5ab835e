from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms.utils import pretty_name
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from . import csv_import, resumes, selectors, services
from .models import Activity, Candidate, ImportJob, Referral, Resume, Source, TalentPool
from .normalize import normalize_linkedin_url
from .roles import RulesObjectPermissions
from .search import CandidateSearchForm, search_candidates


class SkillNamesField(serializers.ListField):
    child = serializers.CharField(max_length=80)

    def to_representation(self, data):
        return [skill.name for skill in data.all()]


class CandidateSerializer(serializers.ModelSerializer):
    skills = SkillNamesField(required=False)
    linkedin_url = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = Candidate
        fields = [
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "linkedin_url",
            "title",
            "company",
            "industry",
            "years_experience",
            "skills",
            "country",
            "city",
            "timezone",
            "seeking_status",
            "source",
            "owner",
            "notes",
            "engagement_score",
            "last_contacted_at",
            "lawful_basis",
            "do_not_contact",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["engagement_score", "last_contacted_at", "created_at", "updated_at"]

    def validate_linkedin_url(self, value):
        try:
            return normalize_linkedin_url(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error

    def validate(self, attrs):
        existing = selectors.find_existing_candidate(
            email=attrs.get("email", ""), linkedin_url=attrs.get("linkedin_url", "")
        )
        if existing and (self.instance is None or existing.pk != self.instance.pk):
            raise serializers.ValidationError(
                {"duplicate_of": [existing.pk], "detail": "A candidate with this email or LinkedIn exists."}
            )
        return attrs

    def create(self, validated_data):
        skills = validated_data.pop("skills", [])
        return services.create_candidate(by=self.context["request"].user, skills=skills, **validated_data)

    def update(self, instance, validated_data):
        skills = validated_data.pop("skills", None)
        return services.update_candidate(
            candidate=instance, by=self.context["request"].user, skills=skills, **validated_data
        )


def _openapi_type(field: forms.Field) -> OpenApiTypes:
    for form_field, openapi_type in (
        (forms.IntegerField, OpenApiTypes.INT),
        (forms.FloatField, OpenApiTypes.NUMBER),
        (forms.DateField, OpenApiTypes.DATE),
    ):
        if isinstance(field, form_field):
            return openapi_type
    return OpenApiTypes.STR


SEARCH_PARAMETERS = [
    OpenApiParameter(
        name,
        _openapi_type(field),
        description=" — ".join(
            str(text) for text in (field.label or pretty_name(name), field.help_text) if text
        ),
        enum=[value for value, _ in field.choices if value]
        if name in ("seeking_status", "source", "sort")
        else None,
    )
    for name, field in CandidateSearchForm.base_fields.items()
]


class ActivitySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "kind", "summary", "body", "data", "actor", "created_at"]
        read_only_fields = fields

    def get_actor(self, activity) -> str | None:
        return (activity.actor.get_full_name() or activity.actor.get_username()) if activity.actor else None


class NoteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000)


class MergeSerializer(serializers.Serializer):
    duplicate_id = serializers.PrimaryKeyRelatedField(
        queryset=Candidate.objects.all(), help_text="The other record of the same person; it is deleted"
    )


@extend_schema_view(list=extend_schema(parameters=SEARCH_PARAMETERS))
class CandidateViewSet(viewsets.ModelViewSet):
    """Candidates. The list takes the search page's filters (CandidateSearchForm); bad values answer 400."""

    serializer_class = CandidateSerializer
    permission_classes = [RulesObjectPermissions]
    filter_backends = []  # the list is filtered and sorted by CandidateSearchForm, as the search page is

    def get_queryset(self):
        if self.action == "list":
            form = CandidateSearchForm(self.request.query_params)
            if not form.is_valid():
                raise serializers.ValidationError(form.errors)
            return search_candidates(self.request.query_params).prefetch_related("skills")
        return (
            Candidate.objects.filter(erased_at__isnull=True)
            .select_related("owner")
            .prefetch_related("skills")
        )

    @extend_schema(methods=["GET"], responses=ActivitySerializer(many=True))
    @extend_schema(methods=["POST"], request=NoteSerializer, responses={201: ActivitySerializer})
    @action(detail=True, methods=["get", "post"])
    def activities(self, request, pk=None):
        """The candidate's timeline, newest first and paginated; POST {"body": "..."} adds a note."""
        candidate = self.get_object()
        if request.method == "POST":
            note = NoteSerializer(data=request.data)
            note.is_valid(raise_exception=True)
            body = note.validated_data["body"]
            activity = services.add_note(candidate=candidate, body=body, by=request.user)
            return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(candidate.activities.select_related("actor"))
        return self.get_paginated_response(ActivitySerializer(page, many=True).data)

    @extend_schema(request=MergeSerializer, responses=CandidateSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Fold another record of the same person into this one: {"duplicate_id": N}. Recruiters and admins."""
        primary = self.get_object()
        if not request.user.has_perm("candidates.merge_candidates"):
            raise PermissionDenied
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _as_drf_errors():
            merged = services.merge_candidates(
                primary=primary, duplicate=serializer.validated_data["duplicate_id"], by=request.user
            )
        return Response(CandidateSerializer(merged, context=self.get_serializer_context()).data)


class TalentPoolSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=TalentPool.Kind.choices, default=TalentPool.Kind.STATIC)
    query = serializers.JSONField(
        required=False, help_text="A smart pool's search: the filters of /api/candidates/ as an object"
    )

    class Meta:
        model = TalentPool
        fields = ["id", "name", "description", "kind", "query", "owner", "created_at"]
        read_only_fields = ["owner", "created_at"]

    def validate(self, attrs):
        kind = self.instance.kind if self.instance else attrs.get("kind", TalentPool.Kind.STATIC)
        if self.instance and attrs.get("kind", kind) != kind:
            raise serializers.ValidationError({"kind": ["A pool's kind cannot change."]})
        if "query" in attrs and not isinstance(attrs["query"], dict):
            raise serializers.ValidationError({"query": ["An object of search filters."]})
        if attrs.get("query") and kind != TalentPool.Kind.SMART:
            raise serializers.ValidationError({"query": ["Only a smart pool has a search."]})
        return attrs

    def create(self, validated_data):
        by = self.context["request"].user
        fields = {
            "name": validated_data["name"],
            "description": validated_data.get("description", ""),
            "by": by,
        }
        with _as_drf_errors():
            if validated_data["kind"] == TalentPool.Kind.SMART:
                return services.create_smart_pool(query=validated_data.get("query", {}), **fields)
            return services.create_static_pool(**fields)

    def update(self, instance, validated_data):
        with _as_drf_errors():
            return services.update_pool(
                pool=instance,
                name=validated_data.get("name"),
                description=validated_data.get("description"),
                query=validated_data.get("query"),
            )


@contextmanager
def _as_drf_errors():
    """A service's ValidationError becomes a 400 with the same messages."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError(
            error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        ) from error


class PoolMembersSerializer(serializers.Serializer):
    candidate_ids = serializers.PrimaryKeyRelatedField(
        many=True, allow_empty=False, queryset=Candidate.objects.filter(erased_at__isnull=True)
    )


class PoolMembersPermissions(RulesObjectPermissions):
    """Adding or removing members changes the pool: both need change_talentpool."""

    perms_map = {
        **RulesObjectPermissions.perms_map,
        "POST": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.change_%(model_name)s"],
    }


class TalentPoolViewSet(viewsets.ModelViewSet):
    """Talent pools. Static pools hold members; a smart pool's members are whoever its `query` finds now."""

    serializer_class = TalentPoolSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = TalentPool.objects.all()

    @extend_schema(responses=CandidateSerializer(many=True))
    @action(detail=True, methods=["get"], permission_classes=[PoolMembersPermissions])
    def members(self, request, pk=None):
        """The pool's members, paginated (computed from the search for a smart pool)."""
        pool = self.get_object()
        page = self.paginate_queryset(selectors.pool_members(pool).prefetch_related("skills"))
        return self.get_paginated_response(CandidateSerializer(page, many=True).data)

    @extend_schema(request=PoolMembersSerializer, responses={200: dict})
    @members.mapping.post
    def add_members(self, request, pk=None):
        """Add people to a static pool: {"candidate_ids": [...]}; answers how many were new."""
        pool, people = self._pool_and_people(request)
        with _as_drf_errors():
            return Response({"added": services.add_to_pool(pool=pool, candidates=people, by=request.user)})

    @extend_schema(request=PoolMembersSerializer, responses={200: dict})
    @members.mapping.delete
    def remove_members(self, request, pk=None):
        """Remove people from a static pool: {"candidate_ids": [...]}; answers how many were members."""
        pool, people = self._pool_and_people(request)
        with _as_drf_errors():
            return Response(
                {"removed": services.remove_from_pool(pool=pool, candidates=people, by=request.user)}
            )

    def _pool_and_people(self, request):
        pool = self.get_object()
        serializer = PoolMembersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return pool, serializer.validated_data["candidate_ids"]


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
        validators=[csv_import.validate_pool_name],
        help_text="Name of a static pool to add everyone to; created when there is none of that name",
    )
    source = serializers.ChoiceField(choices=Source.choices, default=Source.SOURCED)

    def validate_file(self, upload):
        if error := csv_import.file_size_error(upload.size):
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
        job, preview = csv_import.create_import(
            upload=upload.validated_data["file"],
            source=upload.validated_data["source"],
            pool_name=upload.validated_data.get("pool", ""),
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
        job = csv_import.start_import(job)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ReferralSerializer(serializers.ModelSerializer):
    """A referral as its referrer sees it (the person's name and the status, nothing else about them), and
    what anyone sends to refer someone."""

    candidate_name = serializers.CharField(source="candidate.full_name", read_only=True)
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
            with _as_drf_errors():
                return services.submit_referral(referrer=self.context["request"].user, **validated_data)
        except services.AlreadyReferred as already:
            status_name = already.referral.get_status_display()
            raise serializers.ValidationError(
                {
                    "detail": [
                        f"You already referred {already.referral.candidate}: their status is {status_name}."
                    ]
                }
            ) from already


class ReferralInboxSerializer(serializers.ModelSerializer):
    """A referral as recruiters see it in the inbox; only its status changes."""

    candidate_name = serializers.CharField(source="candidate.full_name", read_only=True)
    referrer = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "candidate",
            "candidate_name",
            "referrer",
            "relationship",
            "reason",
            "role_title",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [name for name in fields if name != "status"]

    def update(self, instance, validated_data):
        return services.set_referral_status(
            referral=instance,
            status=validated_data.get("status", instance.status),
            by=self.context["request"].user,
        )


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
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Referrals. Everyone refers people and lists their own with each one's status; recruiters list all and
    PATCH {"status": ...}."""

    permission_classes = [ReferralPermissions]
    http_method_names = ["get", "post", "patch", "head", "options"]
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


# --- Résumés ---------------------------------------------------------------------------------------------------


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
        return resumes.attach_resume(
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
        resume = self.get_object()
        return FileResponse(
            resume.file.open("rb"),
            as_attachment=True,
            filename=resumes.download_name(resume),
            content_type=resumes.CONTENT_TYPES[resume.kind],
        )
