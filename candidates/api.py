import django_filters
from rest_framework import serializers, viewsets

from . import selectors, services
from .models import Candidate
from .normalize import normalize_linkedin_url
from .roles import RulesObjectPermissions


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


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Free text")
    skill = django_filters.CharFilter(field_name="skills__name", lookup_expr="iexact")
    min_experience = django_filters.NumberFilter(field_name="years_experience", lookup_expr="gte")
    max_experience = django_filters.NumberFilter(field_name="years_experience", lookup_expr="lte")

    class Meta:
        model = Candidate
        fields = ["seeking_status", "source", "industry", "country", "city", "owner", "do_not_contact"]

    def filter_text(self, queryset, name, value):
        return queryset.matching(value)


class CandidateViewSet(viewsets.ModelViewSet):
    serializer_class = CandidateSerializer
    permission_classes = [RulesObjectPermissions]
    filterset_class = CandidateFilter
    ordering_fields = ["last_name", "created_at", "engagement_score", "last_contacted_at"]

    def get_queryset(self):
        return (
            Candidate.objects.filter(erased_at__isnull=True)
            .select_related("owner")
            .prefetch_related("skills")
            .distinct()
        )
