"""Fill only empty fields, never take another person's email or LinkedIn: the one rule for every path that
learns more about someone already in Longlist (CSV import, careers applications, résumé extraction, merge).

    fill_empty_fields(candidate, values, *, taken=None) -> list[str]
        Sets each field of ``values`` (by field name or attname, values already cleaned and normalised) that is
        empty on the candidate (None or ""; 0 years of experience is a value), except an email or LinkedIn URL
        that ``taken(name, value)`` says someone else holds. Returns the keys it set; the caller saves.
    empty_field_fills(candidate, values, *, taken=None) -> dict[str, Any]
        The same decision without touching the candidate (a merge preview).
    held_by_others(*people) -> Taken
        The default ``taken``: asks the database whether anyone but these people holds the address (as their
        own or as an alias, see CandidateAlias). A bulk caller (the CSV import) passes its own lookup of the
        addresses it has already loaded instead.
"""

from collections.abc import Callable, Mapping
from typing import Any, cast

from django.db.models import Field, Q

from .models import Candidate, CandidateAlias

# Whether (field name, value) is held by another person: only asked for the fields in UNIQUE_FIELDS.
Taken = Callable[[str, Any], bool]

# Fields that identify one person: two people never share them.
UNIQUE_FIELDS = ("email", "linkedin_url")


def is_empty(value: Any) -> bool:
    return value is None or value == ""


def held_by_others(*people: Candidate) -> Taken:
    """A ``taken`` check that asks the database whether anyone but ``people`` holds an email (any case) or a
    LinkedIn URL, as their own or as an alias (an address of a record merged into theirs)."""
    ids = [person.pk for person in people if person.pk is not None]

    def taken(name: str, value: Any) -> bool:
        match = Q(email__iexact=value) if name == "email" else Q(linkedin_url=value)
        return (
            Candidate.objects.filter(match).exclude(pk__in=ids).exists()
            or CandidateAlias.objects.filter(match).exclude(candidate_id__in=ids).exists()
        )

    return taken


def empty_field_fills(
    candidate: Candidate, values: Mapping[str, Any], *, taken: Taken | None = None
) -> dict[str, Any]:
    """{key: value} for each value that fill_empty_fields would set on the candidate."""
    taken = taken or held_by_others(candidate)
    fills = {}
    for key, value in values.items():
        field = cast(Field, Candidate._meta.get_field(key))
        if is_empty(value) or not is_empty(getattr(candidate, field.attname)):
            continue
        if field.name in UNIQUE_FIELDS and taken(field.name, value):
            continue
        fills[key] = value
    return fills


def fill_empty_fields(
    candidate: Candidate, values: Mapping[str, Any], *, taken: Taken | None = None
) -> list[str]:
    """Set the candidate's empty fields from ``values``, never an email or LinkedIn URL someone else holds.

    Returns the keys of ``values`` it set (field names or attnames, as given); the caller saves them.
    """
    fills = empty_field_fills(candidate, values, taken=taken)
    for key, value in fills.items():
        setattr(candidate, key, value)
    return list(fills)
