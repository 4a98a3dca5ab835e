"""Candidate search: the filter form shared by the search page, pool pages, CSV export and the API, and the query.

On PostgreSQL free text uses the weighted ``Candidate.search_vector`` (GIN index) with prefix matching for
as-you-type, OR'ed with trigram similarity (SEARCH_NAME_SIMILARITY) or word similarity on the full name for
misspelt names (GIN trigram index); best match ranks a bounded set of the matches. On SQLite
every word must appear in ``Candidate.search_document``. Both columns are kept by
``search_documents.refresh_search_documents``.
"""

import operator
import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import reduce
from typing import Any, Protocol

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.fields.array import ArrayContains, ArrayOverlap
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django_countries import countries

from .bounds import BoundedText, DateFilter
from .custom_field_forms import PREFIX, filter_fields, form_name
from .custom_fields import active_fields, value_filter
from .models import Candidate, CustomField, PoolMembership, SeekingStatus, Source, TalentPool
from .search_documents import skill_key

# sort key -> ORDER BY; every ordering ends with the primary key so pages never overlap.
SORTS: dict[str, tuple[Any, ...]] = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "years_experience": (F("years_experience").asc(nulls_last=True), "id"),
    "-years_experience": (F("years_experience").desc(nulls_last=True), "id"),
    "engagement_score": ("engagement_score", "id"),
    "-engagement_score": ("-engagement_score", "id"),
    "last_contacted_at": (F("last_contacted_at").asc(nulls_last=True), "id"),
    "-last_contacted_at": (F("last_contacted_at").desc(nulls_last=True), "id"),
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
}
SORT_CHOICES = [
    ("relevance", "Best match"),
    ("name", "Name A to Z"),
    ("-name", "Name Z to A"),
    ("title", "Title A to Z"),
    ("-title", "Title Z to A"),
    ("-years_experience", "Most experience"),
    ("years_experience", "Least experience"),
    ("-engagement_score", "Most engaged"),
    ("engagement_score", "Least engaged"),
    ("-last_contacted_at", "Recently contacted"),
    ("last_contacted_at", "Longest since contact"),
    ("-created_at", "Newest"),
    ("created_at", "Oldest"),
]
ANY = [("", gettext_lazy("Any"))]
# websearch syntax (a quoted phrase, "or", a -excluded word) is passed to websearch_to_tsquery as typed;
# plain words become prefix terms so results appear while a word is still being typed.
WEBSEARCH_SYNTAX = re.compile(r'"|(?:^|\s)-\w|\sor\s', re.IGNORECASE)
WORD = re.compile(r"[^\W_]+")
MAX_ID = 2**63 - 1  # the largest primary key the databases hold (bigint)


class SkillsField(forms.CharField):
    """Comma-separated skill names (or a list of them, as saved in a smart pool); cleans to a list of at most
    `max_skills` names."""

    def __init__(self, *, max_skills: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_skills = max_skills

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        names: dict[str, str] = {}
        for name in super().to_python(value).split(","):
            if name.strip():
                names.setdefault(name.strip().lower(), name.strip())
        return list(names.values())

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if self.max_skills is not None and len(value) > self.max_skills:
            raise forms.ValidationError(f"Name at most {self.max_skills} skills.", code="max_words")


class CandidateSearchForm(forms.Form):
    """The search filters, as GET parameters. Owner and pool are ids, so cleaning never queries; the custom
    fields' filters (cf_<key>) come from their definitions, given or read once."""

    q = BoundedText(label="Keywords")
    seeking_status = forms.ChoiceField(label="Seeking", choices=ANY + SeekingStatus.choices, required=False)
    source = forms.ChoiceField(choices=ANY + Source.choices, required=False)
    industry = BoundedText(max_length=100)
    title = BoundedText(max_length=150, help_text="Part of the job title")
    min_experience = forms.IntegerField(label="Experience from", required=False, min_value=0, max_value=80)
    max_experience = forms.IntegerField(label="Experience to", required=False, min_value=0, max_value=80)
    country = forms.ChoiceField(choices=lambda: ANY + list(countries), required=False)
    city = BoundedText(max_length=100, help_text="Start of the city name")
    skills = SkillsField(required=False, max_skills=20, help_text="Comma-separated")
    skills_mode = forms.ChoiceField(
        label="Match", choices=[("any", "Any of these"), ("all", "All of these")], required=False
    )
    pool = forms.IntegerField(label="Talent pool", required=False, min_value=1, max_value=MAX_ID)
    owner = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    min_engagement = forms.FloatField(label="Engagement from", required=False, min_value=0)
    max_engagement = forms.FloatField(label="Engagement to", required=False, min_value=0)
    contacted_after = DateFilter(label="Last contacted from", help_text="On or after")
    contacted_before = DateFilter(label="Last contacted to", help_text="On or before")
    sort = forms.ChoiceField(choices=[("", "Default"), *SORT_CHOICES], required=False)

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, custom_fields: list[CustomField] | None = None
    ) -> None:
        """``custom_fields``: the active candidate custom fields, each a filter ``cf_<key>``. Left out, they
        are read (one query) only when the data has such a filter."""
        super().__init__(data)
        if custom_fields is None:
            asked = data is not None and any(str(name).startswith(PREFIX) for name in data)
            custom_fields = active_fields(CustomField.AppliesTo.CANDIDATE) if asked else []
        self.custom_definitions = custom_fields
        self.fields.update(filter_fields(custom_fields))

    def custom_filter_fields(self) -> list[forms.BoundField]:
        return [self[form_name(definition)] for definition in self.custom_definitions]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for low, high, label in (
            ("min_experience", "max_experience", "experience"),
            ("min_engagement", "max_engagement", "engagement"),
            ("contacted_after", "contacted_before", "last contacted"),
        ):
            if (
                cleaned.get(low) is not None
                and cleaned.get(high) is not None
                and cleaned[low] > cleaned[high]
            ):
                self.add_error(high, f"The {label} range ends before it starts.")
        return cleaned

    def to_query(self) -> dict[str, Any]:
        """The valid, non-empty filters as JSON (what a smart pool stores); the sort order is not kept."""
        query: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == "sort" or value in (None, "", []):
                continue
            if name == "skills_mode" and not self.cleaned_data.get("skills"):
                continue
            query[name] = value.isoformat() if isinstance(value, date) else value
        return query


class FullName(Func):
    """lower(first_name || ' ' || last_name): exactly the expression of the trigram index (migration 0003)."""

    template = "lower(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()

    def __init__(self, **extra: Any) -> None:
        super().__init__(F("first_name"), F("last_name"), **extra)


def sort_order(data: Mapping[str, Any]) -> str:
    """The sort key in effect: the one asked for, else best match when searching text, else by name."""
    return data.get("sort") or ("relevance" if str(data.get("q") or "").strip() else "name")


# Columns of the results table that sort, and the direction of their first click.
SORTABLE_COLUMNS = {
    "name": "name",
    "years_experience": "-years_experience",
    "engagement_score": "-engagement_score",
    "last_contacted_at": "-last_contacted_at",
}


def sort_columns(current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the sort key its header link asks for, and its current direction if any."""
    columns = {}
    for column, first in SORTABLE_COLUMNS.items():
        if current == column:
            columns[column] = {"sort": f"-{column}", "direction": "ascending"}
        elif current == f"-{column}":
            columns[column] = {"sort": column, "direction": "descending"}
        else:
            columns[column] = {"sort": first, "direction": ""}
    return columns


def filter_options() -> dict[str, Any]:
    """What the filter panel offers: every pool, the owners of candidates, and the industries and countries
    that occur (four queries)."""
    people = Candidate.objects.filter(erased_at__isnull=True).order_by()
    return {
        "pools": list(TalentPool.objects.only("id", "name", "kind")),
        "owners": list(
            get_user_model()
            .objects.filter(Exists(Candidate.objects.filter(owner=OuterRef("pk"))))
            .order_by("first_name", "last_name", "username")
        ),
        "industries": list(
            people.exclude(industry="").order_by("industry").values_list("industry", flat=True).distinct()
        ),
        "countries": sorted(
            (
                (code, countries.name(code))
                for code in people.exclude(country="").values_list("country", flat=True).distinct()
            ),
            key=lambda item: item[1],
        ),
    }


def describe_filters(query: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A saved search in words: (label, value) for each filter, with a pool or owner by name."""
    form = CandidateSearchForm(query)
    form.is_valid()
    described = []
    for name, value in form.to_query().items():
        field = form[name]
        if name == "skills_mode":
            continue
        if name == "skills":
            value = (" and " if form.cleaned_data.get("skills_mode") == "all" else " or ").join(value)
        elif name == "pool":
            value = TalentPool.objects.filter(pk=value).values_list("name", flat=True).first() or "(deleted)"
        elif name == "owner":
            user = get_user_model().objects.filter(pk=value).first()
            value = (user.get_full_name() or user.get_username()) if user else "(deleted)"
        elif isinstance(field.field, forms.ChoiceField):
            value = dict(field.field.choices).get(value, value)
        described.append((str(field.label), str(value)))
    return described


def search_candidates(
    filters: Mapping[str, Any],
    *,
    pools: Mapping[int, TalentPool] | None = None,
    ranked: bool = True,
    custom_fields: list[CustomField] | None = None,
) -> QuerySet[Candidate]:
    """Non-erased candidates matching the filters, in the order asked for (owner joined in).

    ``filters`` is form data for CandidateSearchForm: GET or API query parameters, or a smart pool's saved
    query. Values that do not validate are left out (the page and the API validate first and show errors).
    ``pools`` are talent pools already loaded, so that a ``pool`` filter needs no query to look its pool up.
    Best match ranks a bounded set of the matches (see _best_matches); ``ranked=False`` asks for every match
    instead, by name, as an export or a smart pool's membership needs. ``custom_fields`` are the active
    candidate custom fields when the caller has read them already (else read when a filter names one).
    """
    return _search(filters, pools or {}, seen=frozenset(), ranked=ranked, custom_fields=custom_fields)


class BoundedPaginator(Paginator):
    """Pages of search results that count at most SEARCH_COUNT_BOUND + 1 matches: `count` is exact while
    `exact` is true, else there are more than `bound` (shown as "10,000+"), and the pages reach that far.

    The count is of a LIMITed subquery without the ordering, so a broad term never counts or ranks every match.
    """

    @cached_property
    def bound(self) -> int:
        return settings.SEARCH_COUNT_BOUND

    @cached_property
    def count(self) -> int:
        known = getattr(self.object_list, "known_count", None)  # best match has read its ids already
        if known is not None:
            return min(known, self.bound + 1)
        return self.object_list.order_by().values("pk")[: self.bound + 1].count()

    @property
    def exact(self) -> bool:
        return self.count <= self.bound


def _search(
    filters: Mapping[str, Any],
    pools: Mapping[int, TalentPool],
    seen: frozenset[int],
    *,
    ranked: bool,
    custom_fields: list[CustomField] | None = None,
) -> QuerySet[Candidate]:
    form = CandidateSearchForm(filters, custom_fields=custom_fields)
    form.is_valid()
    data = form.cleaned_data
    qs = Candidate.objects.filter(erased_at__isnull=True).select_related("owner")
    if data.get("seeking_status"):
        qs = qs.filter(seeking_status=data["seeking_status"])
    if data.get("source"):
        qs = qs.filter(source=data["source"])
    if data.get("industry"):
        qs = qs.filter(industry__iexact=data["industry"])
    if data.get("title"):
        qs = qs.filter(title__icontains=data["title"])
    if data.get("country"):
        qs = qs.filter(country=data["country"])
    if data.get("city"):
        qs = qs.filter(city__istartswith=data["city"])
    if data.get("owner"):
        qs = qs.filter(owner_id=data["owner"])
    for name, lookup in (
        ("min_experience", "years_experience__gte"),
        ("max_experience", "years_experience__lte"),
        ("min_engagement", "engagement_score__gte"),
        ("max_engagement", "engagement_score__lte"),
    ):
        if data.get(name) is not None:
            qs = qs.filter(**{lookup: data[name]})
    if data.get("contacted_after"):
        qs = qs.filter(last_contacted_at__gte=_start_of(data["contacted_after"]))
    if data.get("contacted_before"):
        qs = qs.filter(last_contacted_at__lt=_start_of(data["contacted_before"] + timedelta(days=1)))
    if data.get("skills"):
        qs = qs.filter(_has_skills(data["skills"], all_of=data.get("skills_mode") == "all"))
    for definition in form.custom_definitions:
        if (value := data.get(form_name(definition))) not in (None, "", []):
            qs = qs.filter(value_filter(Candidate, definition, value))
    if data.get("pool"):
        pool = pools.get(data["pool"]) or TalentPool.objects.filter(pk=data["pool"]).first()
        qs = qs.filter(_in_pool(pool, pools, seen, form.custom_definitions))
    text = data.get("q", "").strip()
    sort = sort_order(data)
    if text:
        return search_backend().match_text(qs, text, sort if ranked or sort != "relevance" else "name")
    return qs.order_by(*SORTS.get(sort, SORTS["name"]))


class SearchBackend(Protocol):
    """The free-text part of a search, the one the search engine answers: of the candidates the other filters
    leave, those matching what was typed, in the order asked for ("relevance" is the engine's own ranking, of
    at most SEARCH_COUNT_BOUND + 1 of them). PostgreSQL and SQLite implement it; an engine outside the
    database (OpenSearch, Meilisearch) would answer with ranked ids: docs/search-at-scale.md."""

    def match_text(self, candidates: QuerySet[Candidate], text: str, sort: str) -> QuerySet[Candidate]: ...


class PostgresSearch:
    """Full-text search on the weighted search_vector (GIN), OR'ed with misspelt names (trigram GIN)."""

    def match_text(self, candidates: QuerySet[Candidate], text: str, sort: str) -> QuerySet[Candidate]:
        query = _text_query(text)
        if query is None:  # nothing to search for in what was typed
            return candidates.order_by(*SORTS.get(sort, SORTS["name"]))
        name = text.lower()
        if sort == "relevance":
            return _best_matches(candidates, query, name)
        matches = candidates.alias(full_name=FullName()).filter(
            Q(search_vector=query) | _name_like(name, F("full_name"))
        )
        return matches.order_by(*SORTS.get(sort, SORTS["name"]))


class SubstringSearch:
    """SQLite: every word a substring of the search document; best match is by name."""

    def match_text(self, candidates: QuerySet[Candidate], text: str, sort: str) -> QuerySet[Candidate]:
        for word in text.lower().split():
            candidates = candidates.filter(search_document__contains=word)
        return candidates.order_by(*SORTS.get(sort, SORTS["name"]))


def search_backend() -> SearchBackend:
    """The search engine of this database."""
    return PostgresSearch() if connection.vendor == "postgresql" else SubstringSearch()


class AmongIds(Func):
    """pk = ANY(%s): an array of ids as one parameter, each looked up by primary key."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()

    def __init__(self, ids: list[int], **extra: Any) -> None:
        super().__init__(F("pk"), Value(ids), **extra)


def _name_like(name: str, full_name: F) -> Q:
    """A misspelt name: the full name alike as a whole (similarity, SEARCH_NAME_SIMILARITY) or in part (word
    similarity, pg_trgm's 0.6), both answered by the trigram index of migration 0003. Typed text with an "@"
    also matches the start of an email (stored lowercased; a pattern index, migration 0013): the text parser
    splits "ada@example" into two words, which the whole address in the tsvector does not match."""
    like = Q(**{f"{full_name.name}__trigram_similar": name}) | Q(
        **{f"{full_name.name}__trigram_word_similar": name}
    )
    return like | Q(email__startswith=name) if "@" in name else like


def _best_matches(filtered: QuerySet[Candidate], query: SearchQuery, name: str) -> QuerySet[Candidate]:
    """The matches best first, ranked among a bounded set so that a broad term never scores every match: the
    newest SEARCH_COUNT_BOUND + 1 matches of the words and as many of the name (a walk back along the primary
    key that stops there, or an index scan and a sort when they are few). Fewer matches are all ranked,
    exactly as before; more are counted as "10,000+" and their pages reach as far as the bound.

    The set's ids are read here, in one query, so that the count and the page do not each look for them: the
    queryset carries their number as ``known_count`` (lost when cloned), which BoundedPaginator takes."""
    bound = settings.SEARCH_COUNT_BOUND + 1
    words = filtered.filter(search_vector=query).order_by("-pk").values_list("pk", flat=True)[:bound]
    names = (
        filtered.alias(full_name=FullName())
        .filter(_name_like(name, F("full_name")))
        .order_by("-pk")
        .values_list("pk", flat=True)[:bound]
    )
    ids = sorted(set(words.union(names)))
    if not ids:
        return filtered.none()
    relevance = Coalesce(SearchRank(F("search_vector"), query), 0.0) + TrigramSimilarity("full_name", name)
    ranked = (
        Candidate.objects.filter(AmongIds(ids))
        .select_related("owner")
        .alias(full_name=FullName(), relevance=relevance)
        .order_by(F("relevance").desc(), *SORTS["name"])
    )
    ranked.known_count = len(ids)  # type: ignore[attr-defined]  # BoundedPaginator need not count them again
    return ranked


def _text_query(text: str) -> SearchQuery | None:
    if WEBSEARCH_SYNTAX.search(text):
        return SearchQuery(text, config="simple", search_type="websearch")
    words = WORD.findall(text)
    if not words:
        return None
    return SearchQuery(" & ".join(f"{word}:*" for word in words), config="simple", search_type="raw")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class SkillSet(Func):
    """string_to_array(skill_keys, '|'): exactly the expression of the GIN index of migration 0011."""

    function = "string_to_array"
    output_field = ArrayField(TextField())

    def __init__(self, **extra: Any) -> None:
        super().__init__(F("skill_keys"), Value("|"), **extra)


def _has_skills(names: list[str], *, all_of: bool) -> Q:
    """Every named skill (`all_of`) or any of them, from the candidate's own skill keys: on PostgreSQL one
    array test (@> or &&) through a GIN index, on SQLite a substring "|python|" a skill."""
    keys = sorted({skill_key(name) for name in names} - {""})
    if not keys:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        return Q((ArrayContains if all_of else ArrayOverlap)(SkillSet(), keys))
    tests = [Q(skill_keys__contains=f"|{key}|") for key in keys]
    return reduce(operator.and_ if all_of else operator.or_, tests)


def _in_pool(
    pool: TalentPool | None,
    pools: Mapping[int, TalentPool],
    seen: frozenset[int],
    custom_fields: list[CustomField],
) -> Q:
    if pool is None or pool.pk in seen:  # a smart pool that (indirectly) filters by itself matches nobody
        return Q(pk__in=[])
    if pool.kind == TalentPool.Kind.SMART:
        asked = {str(name).removeprefix(PREFIX) for name in pool.query if str(name).startswith(PREFIX)}
        if asked:
            known = custom_fields or active_fields(CustomField.AppliesTo.CANDIDATE)
            if asked - {definition.key for definition in known}:
                # It filtered on a custom field since archived or deleted: nobody, rather than everybody the
                # other filters leave (a sequence enrolling the pool would otherwise reach them all).
                return Q(pk__in=[])
        saved = _search(
            pool.query,
            pools,
            seen | {pool.pk},
            ranked=False,
            custom_fields=custom_fields or None,
        )
        return Q(pk__in=saved.values("pk"))
    return Q(Exists(PoolMembership.objects.filter(pool=pool, candidate_id=OuterRef("pk"))))
