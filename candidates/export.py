"""CSV export of a search: every matching row, streamed, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from .custom_fields import as_text
from .models import Candidate, CustomField

COLUMNS = [
    ("id", "ID"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("linkedin_url", "LinkedIn"),
    ("title", "Title"),
    ("company", "Company"),
    ("industry", "Industry"),
    ("years_experience", "Years of experience"),
    ("skills", "Skills"),
    ("country", "Country"),
    ("city", "City"),
    ("seeking_status", "Seeking"),
    ("source", "Source"),
    ("owner", "Owner"),
    ("engagement_score", "Engagement"),
    ("last_contacted_at", "Last contacted"),
    ("do_not_contact", "Do not contact"),
    ("created_at", "Added"),
]
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; other values pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _row(candidate: Candidate, custom_fields: list[CustomField]) -> list[Any]:
    owner = candidate.owner
    values = {
        "skills": "; ".join(skill.name for skill in candidate.skills.all()),
        "country": candidate.country.name if candidate.country else "",
        "seeking_status": candidate.get_seeking_status_display(),
        "source": candidate.get_source_display(),
        "owner": (owner.get_full_name() or owner.get_username()) if owner else "",
        "last_contacted_at": candidate.last_contacted_at.isoformat() if candidate.last_contacted_at else "",
        "created_at": candidate.created_at.isoformat(),
        "do_not_contact": "yes" if candidate.do_not_contact else "",
    }
    row = [safe_cell(values[name] if name in values else getattr(candidate, name)) for name, _ in COLUMNS]
    return row + [safe_cell(as_text(f, candidate.custom_fields.get(f.key))) for f in custom_fields]


class _Line:
    """A file-like object whose write() hands back the line csv.writer formatted."""

    def write(self, line: str) -> str:
        return line


def csv_lines(candidates: QuerySet[Candidate], *, custom_fields: Iterable[CustomField] = ()) -> Iterator[str]:
    """The CSV file line by line (with a byte-order mark so Excel reads UTF-8), read from the database in chunks.

    The active custom fields follow the standard columns, each headed by its label; a multiple choice is one
    cell of options joined by "; " (as the import reads it back)."""
    fields = list(custom_fields)
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([label for _, label in COLUMNS] + [f.label for f in fields])
    for candidate in candidates.prefetch_related("skills").iterator(chunk_size=CHUNK):
        yield writer.writerow(_row(candidate, fields))
