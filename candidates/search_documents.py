"""Each candidate's search text: one lowercased document of everything a free-text search looks at, and on
PostgreSQL a weighted tsvector built from it (see search.py for the queries that use them)."""

from collections.abc import Iterable
from functools import lru_cache

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Substr
from django.utils.translation import get_language
from django_countries import countries

from .models import Activity, Candidate, Resume

# How much of a candidate's latest résumé text goes into their search document.
RESUME_SEARCH_CHARS = 100_000


@lru_cache(maxsize=512)
def _country_name(code: str, language: str | None) -> str:
    """A country's name in the active language; cached, as django-countries takes ~50 µs a lookup (imports)."""
    return countries.name(code) if code else ""


def search_document_for(
    candidate: Candidate,
    note_bodies: Iterable[str] = (),
    skill_names: Iterable[str] | None = None,
    resume_text: str = "",
) -> str:
    """All the text a free-text search looks at, lowercased, one line per source (the résumé's text last).

    Skills are read from the candidate unless their names are given (a candidate not saved yet, in bulk).
    """
    if skill_names is None:
        skill_names = [skill.name for skill in candidate.skills.all()]
    parts = [
        candidate.full_name,
        candidate.email,
        candidate.title,
        candidate.company,
        candidate.industry,
        candidate.city,
        _country_name(candidate.country.code, get_language()),
        " ".join(skill_names),
        candidate.notes,
        *note_bodies,
        resume_text[:RESUME_SEARCH_CHARS],
    ]
    return "\n".join(p for p in parts if p).lower()


def skill_key(name: str) -> str:
    """A skill's name as the skills filter compares it: lowercased, with no "|" (the separator)."""
    return name.replace("|", " ").strip().lower()


def skill_keys_for(names: Iterable[str]) -> str:
    """A candidate's skills as one column, "|python|sql|" (sorted, "" for none): PostgreSQL indexes it as an
    array (GIN on string_to_array(skill_keys, '|'), migration 0011), SQLite matches "|python|" in it."""
    keys = sorted({skill_key(name) for name in names} - {""})
    return f"|{'|'.join(keys)}|" if keys else ""


def refresh_search_documents(candidate_ids: Iterable[int]) -> None:
    """Recompute the search text of these candidates (and, on PostgreSQL, their weighted tsvector) and their
    skill keys: every service that changes a candidate's skills ends by calling this."""
    ids = list(candidate_ids)
    notes: dict[int, list[str]] = {}
    for candidate_id, body in Activity.objects.filter(
        candidate_id__in=ids, kind=Activity.Kind.NOTE
    ).values_list("candidate_id", "body"):
        notes.setdefault(candidate_id, []).append(body)
    resumes: dict[int, str] = {}
    for candidate_id, text in (
        Resume.objects.filter(candidate_id__in=ids)
        .exclude(text="")
        .order_by("candidate_id", "-created_at", "-pk")
        .values_list("candidate_id", Substr("text", 1, RESUME_SEARCH_CHARS))
    ):
        resumes.setdefault(candidate_id, text)  # the latest résumé with text
    candidates = list(Candidate.objects.filter(pk__in=ids).prefetch_related("skills"))
    for candidate in candidates:
        candidate.search_document = search_document_for(
            candidate, notes.get(candidate.pk, ()), resume_text=resumes.get(candidate.pk, "")
        )
        candidate.skill_keys = skill_keys_for(skill.name for skill in candidate.skills.all())
    Candidate.objects.bulk_update(candidates, ["search_document", "skill_keys"], batch_size=500)
    if connection.vendor == "postgresql":
        Candidate.objects.filter(pk__in=ids).update(search_vector=search_vector())


def search_vector() -> CombinedExpression:
    """A candidate's weighted tsvector (PostgreSQL): A the name, B title and company, C the search document."""
    return (
        SearchVector("first_name", "last_name", weight="A", config="simple")
        + SearchVector("title", "company", weight="B", config="simple")
        + SearchVector("search_document", weight="C", config="simple")
    )
