"""What a row's cells mean: the columns a file may have (by their many names), and the cleaning of one
row's cells into candidate fields and skills, with the reason a row cannot be imported."""

import re
import zoneinfo
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Field, Model
from django_countries import countries

from ..custom_fields import clean_custom_values
from ..models import Candidate, CustomField, SeekingStatus, Skill, Source
from ..normalize import normalize_email, normalize_linkedin_url


class InvalidRow(Exception):
    """One row cannot be imported; the message is the reason shown with its line number."""


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    aliases: tuple[str, ...]


# Headers are compared lowercased, with every run of other characters than letters and digits as one space.
COLUMNS = (
    Column("first_name", "First name", ("first name", "firstname", "first", "given name", "forename")),
    Column("last_name", "Last name", ("last name", "lastname", "last", "surname", "family name")),
    Column("full_name", "Full name", ("name", "full name", "fullname", "candidate name")),
    Column(
        "email",
        "Email",
        ("email", "e mail", "email address", "e mail address", "work email", "personal email"),
    ),
    Column(
        "phone",
        "Phone",
        ("phone", "phone number", "mobile", "mobile phone", "mobile number", "telephone", "tel", "cell"),
    ),
    Column(
        "linkedin_url",
        "LinkedIn URL",
        ("linkedin", "linkedin url", "linkedin profile", "linkedin profile url", "profile url", "url"),
    ),
    Column("title", "Title", ("title", "job title", "position", "role", "current title")),
    Column(
        "company",
        "Company",
        ("company", "company name", "current company", "employer", "organisation", "organization"),
    ),
    Column("industry", "Industry", ("industry", "sector")),
    Column("city", "City", ("city", "location", "town")),
    Column("country", "Country", ("country", "country code")),
    Column("timezone", "Timezone", ("timezone", "time zone", "tz")),
    Column("language", "Language", ("language", "preferred language", "lang", "locale")),
    Column("skills", "Skills", ("skills", "skill", "key skills")),
    Column(
        "years_experience",
        "Years of experience",
        ("years of experience", "years experience", "experience years", "experience", "years", "yoe"),
    ),
    Column("notes", "Notes", ("notes", "note", "comments", "comment")),
    Column("seeking_status", "Seeking status", ("seeking status", "seeking", "status", "job seeking status")),
    Column("source", "Source", ("source", "lead source")),
)
COLUMN_BY_ALIAS = {alias: column for column in COLUMNS for alias in column.aliases}
LABELS = {column.field: column.label for column in COLUMNS}
NAME_FIELDS = {"first_name", "full_name"}


def _max_length(model: type[Model], name: str) -> int:
    length = cast(Field, model._meta.get_field(name)).max_length
    if length is None:
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return length


_MAX_LENGTHS = {
    name: _max_length(Candidate, name)
    for name in (
        "first_name",
        "last_name",
        "email",
        "phone",
        "linkedin_url",
        "title",
        "company",
        "industry",
        "city",
    )
}
_PLAIN_TEXT = ("phone", "title", "company", "industry", "city", "notes")
_SKILL_MAX_LENGTH = _max_length(Skill, "name")

_COUNTRY_ALIASES = {
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "united states": "US",
}
_SOURCES = {
    **{value: value for value in Source.values},
    **{label.lower(): value for value, label in Source.choices},
}
_YEARS = re.compile(r"(\d{1,2})([.,]\d+)?\+?")


def _shown(value: str) -> str:
    return f"'{value}'" if len(value) <= 60 else f"'{value[:57]}…'"


def clean_cells(cells: dict[str, str], source: str) -> tuple[dict[str, Any], list[str]]:
    """The candidate fields and skills of one row's cells. Raises InvalidRow with the reason."""
    values: dict[str, Any] = {}
    first, last = cells.get("first_name", ""), cells.get("last_name", "")
    if not first and "full_name" in cells:
        first, _, last = cells["full_name"].partition(" ")
    if not first:
        raise InvalidRow("No first name.")
    values["first_name"] = first
    for name, value in (("last_name", last.strip()), *((n, cells.get(n)) for n in _PLAIN_TEXT)):
        if value:
            values[name] = value
    if "email" in cells:
        values["email"] = normalize_email(cells["email"])
        try:
            validate_email(values["email"])
        except ValidationError:
            raise InvalidRow(f"Email {_shown(cells['email'])} is not a valid address.") from None
    if "linkedin_url" in cells:
        try:
            values["linkedin_url"] = normalize_linkedin_url(cells["linkedin_url"])
        except ValueError as error:
            raise InvalidRow(f"LinkedIn URL {_shown(cells['linkedin_url'])}: {error}") from None
    for name, limit in _MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            raise InvalidRow(f"{LABELS[name]} is longer than {limit} characters.")
    if not (values.get("email") or values.get("linkedin_url") or values.get("company")):
        raise InvalidRow("Needs an email, a LinkedIn URL or a company to tell who this is.")
    if "country" in cells:
        values["country"] = _country_code(cells["country"])
        if not values["country"]:
            raise InvalidRow(f"Unknown country {_shown(cells['country'])}.")
    if "timezone" in cells:
        values["timezone"] = _timezones().get(cells["timezone"].lower(), "")
        if not values["timezone"]:
            raise InvalidRow(
                f"Unknown timezone {_shown(cells['timezone'])} (use a name such as Europe/London)."
            )
    if "language" in cells:
        values["language"] = _language(cells["language"])
    if "years_experience" in cells:
        if not _YEARS.fullmatch(cells["years_experience"]):
            raise InvalidRow(f"Years of experience {_shown(cells['years_experience'])} is not a number.")
        values["years_experience"] = round(float(cells["years_experience"].rstrip("+").replace(",", ".")))
    if "seeking_status" in cells:
        values["seeking_status"] = cells["seeking_status"].lower()
        if values["seeking_status"] not in SeekingStatus.values:
            raise InvalidRow(f"Seeking status {_shown(cells['seeking_status'])} should be active or passive.")
    values["source"] = _SOURCES.get(cells.get("source", "").lower(), source)
    return values, _skills(cells.get("skills", ""))


def clean_custom_cells(
    cells: dict[str, str], custom: dict[str, CustomField]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The custom field values of one row's cells (columns "cf_<key>", mapped to the fields in ``custom``),
    through the one validation of custom values, and the labels of required ones left empty. Raises
    InvalidRow naming the field and the problem, as the other columns do."""
    values = {key: cells[f"cf_{key}"] for key in custom if f"cf_{key}" in cells}
    try:
        cleaned = clean_custom_values(
            applies_to=CustomField.AppliesTo.CANDIDATE,
            values=values,
            partial=True,
            definitions=custom.values(),
        )
    except ValidationError as error:
        key, messages = next(iter(error.message_dict.items()))
        raise InvalidRow(f"{custom[key].label}: {messages[0]}") from None
    missing = tuple(d.label for key, d in custom.items() if d.required and key not in cleaned)
    return cleaned, missing


def _language(text: str) -> str:
    """A shipped language's code from its code, English name or own name ("de", "German", "Deutsch", "de-AT");
    anything else raises InvalidRow."""
    known = {code: code for code, _ in settings.LANGUAGES}
    known.update({name.lower(): code for code, name in settings.LANGUAGES})
    known.update({"english": "en", "german": "de", "french": "fr", "francais": "fr"})
    key = text.strip().lower()
    code = known.get(key) or known.get(key.replace("_", "-").split("-")[0])
    if code is None:
        names = ", ".join(code for code, _ in settings.LANGUAGES)
        raise InvalidRow(f"Unknown language {_shown(text)} (use one of {names}, or leave it empty).")
    return code


def _skills(text: str) -> list[str]:
    skills: dict[str, str] = {}
    for name in re.split(r"[,;|]", text):
        if name := name.strip():
            if len(name) > _SKILL_MAX_LENGTH:
                raise InvalidRow(f"Skill {_shown(name)} is longer than {_SKILL_MAX_LENGTH} characters.")
            skills.setdefault(name.lower(), name)
    return list(skills.values())


@lru_cache(maxsize=2048)
def _country_code(value: str) -> str:
    """ISO 3166 alpha-2 for a country code (alpha-2, alpha-3 or numeric) or an English name, else ''."""
    return countries.alpha2(value) or _COUNTRY_ALIASES.get(value.lower()) or countries.by_name(value) or ""


@cache
def _timezones() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}
