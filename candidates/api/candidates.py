"""Candidates: CRUD through the candidate services, the search filters on the list, the timeline, merge and the
audited erase."""

from django import forms
from django.forms.utils import pretty_name
from django.utils.functional import cached_property
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from .. import merge, privacy, selectors, services
from ..models import Activity, Candidate, CustomField
from ..normalize import normalize_linkedin_url
from ..roles import RulesObjectPermissions
from ..search import BoundedPaginator, CandidateSearchForm, search_candidates
from .errors import as_drf_errors
from .fields import CustomValuesField, SkillNamesField, TimezoneNameField


class CandidateSerializer(CountryFieldMixin, serializers.ModelSerializer):
    """A candidate; `country` is an ISO code ("" when unknown), as django-countries' DRF field writes it."""

    skills = SkillNamesField(required=False)
    linkedin_url = serializers.CharField(max_length=200, required=False, allow_blank=True)
    timezone = TimezoneNameField(required=False, allow_blank=True)
    custom_fields = CustomValuesField(applies_to=CustomField.AppliesTo.CANDIDATE)

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
            "language",
            "seeking_status",
            "source",
            "owner",
            "notes",
            "engagement_score",
            "last_contacted_at",
            "lawful_basis",
            "do_not_contact",
            "custom_fields",
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
        if "custom_fields" in attrs or self.instance is None:  # a new person needs their required fields
            attrs["custom_fields"] = attrs.get("custom_fields", {})
            self.fields["custom_fields"].check(
                attrs["custom_fields"], instance=self.instance, partial=self.partial
            )
        return attrs

    def create(self, validated_data):
        skills = validated_data.pop("skills", [])
        with as_drf_errors():
            return services.create_candidate(by=self.context["request"].user, skills=skills, **validated_data)

    def update(self, instance, validated_data):
        skills = validated_data.pop("skills", None)
        with as_drf_errors():
            return services.update_candidate(
                candidate=instance,
                by=self.context["request"].user,
                skills=skills,
                custom_fields_partial=self.partial,
                **validated_data,
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


class BoundedPagination(PageNumberPagination):
    """Pages whose `count` is exact up to SEARCH_COUNT_BOUND (10,000); past it `count` is the bound and
    `count_exact` is false ("10,000+"), and `next` goes on only as far as the bound reaches."""

    django_paginator_class = BoundedPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, paginator.bound),
                "count_exact": paginator.exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            "Matches, exact when count_exact; else more than this (the bound, SEARCH_COUNT_BOUND)"
        )
        response["properties"]["count_exact"] = {"type": "boolean", "example": True}
        response["required"] = [*response["required"], "count_exact"]
        return response


CUSTOM_FILTERS = (
    "Candidates matching the search page's filters. Each active custom field filters as `cf_<key>`: a choice "
    "field by one of its options (a multiple choice contains it), a number or a date (YYYY-MM-DD) by its value, "
    "a text field by part of the text, e.g. `?cf_languages=German&cf_notice_period=30`. A bad value answers 400 "
    "naming the parameter."
)


@extend_schema_view(list=extend_schema(parameters=SEARCH_PARAMETERS, description=CUSTOM_FILTERS))
class CandidateViewSet(viewsets.ModelViewSet):
    """Candidates. The list takes the search page's filters (CandidateSearchForm); bad values answer 400.
    DELETE is the audited erase, for admins only."""

    serializer_class = CandidateSerializer
    permission_classes = [RulesObjectPermissions]
    pagination_class = BoundedPagination
    filter_backends = []  # the list is filtered and sorted by CandidateSearchForm, as the search page is

    @cached_property
    def _search_results(self):
        """The list's search, once a request: best match reads its ranked set's ids when it runs, and the
        permission check asks for the queryset too."""
        form = CandidateSearchForm(self.request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        results = search_candidates(self.request.query_params, custom_fields=form.custom_definitions)
        found = results.prefetch_related("skills")
        found.known_count = getattr(results, "known_count", None)  # type: ignore[attr-defined]
        return found

    def get_queryset(self):
        if self.action == "list":
            return self._search_results
        return (
            Candidate.objects.filter(erased_at__isnull=True)
            .select_related("owner")
            .prefetch_related("skills")
        )

    @extend_schema(
        description="Erase the person on request (admins only; others get 403): their details are blanked, "
        "their résumé files and timeline deleted, and their email and LinkedIn suppressed so that a later "
        "import does not bring them back into outreach. The anonymised row stays for the reports."
    )
    def destroy(self, request, pk=None):
        candidate = self.get_object()
        with as_drf_errors():
            privacy.erase_candidate(candidate=candidate, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

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
        with as_drf_errors():
            merged = merge.merge_candidates(
                primary=primary, duplicate=serializer.validated_data["duplicate_id"], by=request.user
            )
        return Response(CandidateSerializer(merged, context=self.get_serializer_context()).data)
