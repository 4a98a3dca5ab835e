"""Talent pools: static pools and their members, and smart pools (a saved search)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import selectors, services
from ..bounds import over_bounds
from ..models import Candidate, TalentPool
from ..roles import RulesObjectPermissions
from ..search import CandidateSearchForm
from .candidates import CandidateSerializer
from .errors import as_drf_errors


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
        search = CandidateSearchForm(attrs.get("query") or {})
        if not search.is_valid() and over_bounds(search):
            raise serializers.ValidationError({"query": search.errors.get_json_data()})
        return attrs

    def create(self, validated_data):
        by = self.context["request"].user
        fields = {
            "name": validated_data["name"],
            "description": validated_data.get("description", ""),
            "by": by,
        }
        with as_drf_errors():
            if validated_data["kind"] == TalentPool.Kind.SMART:
                return services.create_smart_pool(query=validated_data.get("query", {}), **fields)
            return services.create_static_pool(**fields)

    def update(self, instance, validated_data):
        with as_drf_errors():
            return services.update_pool(
                pool=instance,
                name=validated_data.get("name"),
                description=validated_data.get("description"),
                query=validated_data.get("query"),
            )


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
    """Talent pools. Static pools hold members; a smart pool's members are whoever its `query` finds now.
    Deleting one (admins) keeps its people, each with a timeline entry."""

    serializer_class = TalentPoolSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = TalentPool.objects.all()

    def perform_destroy(self, instance):
        services.delete_pool(pool=instance, by=self.request.user)

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
        with as_drf_errors():
            return Response({"added": services.add_to_pool(pool=pool, candidates=people, by=request.user)})

    @extend_schema(request=PoolMembersSerializer, responses={200: dict})
    @members.mapping.delete
    def remove_members(self, request, pk=None):
        """Remove people from a static pool: {"candidate_ids": [...]}; answers how many were members."""
        pool, people = self._pool_and_people(request)
        with as_drf_errors():
            return Response(
                {"removed": services.remove_from_pool(pool=pool, candidates=people, by=request.user)}
            )

    def _pool_and_people(self, request):
        pool = self.get_object()
        serializer = PoolMembersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return pool, serializer.validated_data["candidate_ids"]
