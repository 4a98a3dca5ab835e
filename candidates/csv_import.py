"""CSV import of candidates: read a file as a stream, map its columns, validate and dedup rows, write batches.

The file is never read whole. It is decoded as UTF-8 (with or without a byte order mark) or as UTF-16 with a
byte order mark (what Excel writes for "Unicode text"); its delimiter (comma, semicolon or tab) and header
row are detected (LinkedIn's Connections.csv starts with a few lines of notes), and its columns are mapped
to candidate fields by name. Each row is validated on its own: a bad row is reported with its physical
line in the file and a reason, and the good rows are imported.

People already in Longlist (same email in any case, or same LinkedIn profile) are matched, not created
again: only their empty fields are filled in, they join the chosen pool and the import is noted on their
timeline. A row repeating an earlier row of the same file is matched to that first occurrence.

- ``create_import`` stores an upload as a job and previews it;
- ``preview_import`` reads the whole file and writes nothing;
- ``start_import`` confirms a previewed job: small files are imported at once, larger ones by a Celery task;
- ``run_import`` imports in batches of BATCH_SIZE rows, each batch in one transaction (a candidate, their
  skills, pool membership and timeline entry are written together or not at all), and keeps the job's
  counters current for the progress page. Only the call that claims the job does anything.
"""

import codecs
import csv
import logging
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Set
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from itertools import chain, islice
from pathlib import PurePath
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django_countries import countries

from .filling import UNIQUE_FIELDS, fill_empty_fields
from .models import (
    Activity,
    Candidate,
    ImportJob,
    PoolMembership,
    SeekingStatus,
    Skill,
    Source,
    Suppression,
    TalentPool,
)
from .normalize import normalize_email, normalize_linkedin_url
from .services import create_static_pool, refresh_search_documents, search_document_for, search_vector
from .tasks import run_import_job

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
BATCH_SIZE = 1000
INLINE_ROW_LIMIT = 500  # confirmed imports with more rows than this run as a Celery task
PREVIEW_SAMPLE_ROWS = 20
MAX_REPORTED_ERRORS = 1000  # row errors kept on a job or in a preview; the counts cover them all
HEADER_SEARCH_LINES = 30
READ_CHUNK_BYTES = 256 * 1024
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
SAVE_AS_UTF8 = "Save it as 'CSV UTF-8' and upload again."


class ImportFileError(Exception):
    """The file as a whole cannot be imported (encoding, no header, empty…); nothing is imported."""


class _InvalidRow(Exception):
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
_COLUMN_BY_ALIAS = {alias: column for column in COLUMNS for alias in column.aliases}
_LABELS = {column.field: column.label for column in COLUMNS}
_NAME_FIELDS = {"first_name", "full_name"}
_MAX_LENGTHS = {
    name: Candidate._meta.get_field(name).max_length
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
_SKILL_MAX_LENGTH = Skill._meta.get_field("name").max_length
# Fields an import may fill in on someone already in Longlist when theirs is empty.
_FILLABLE = (
    "last_name",
    "email",
    "phone",
    "linkedin_url",
    "title",
    "company",
    "industry",
    "city",
    "country",
    "timezone",
    "years_experience",
    "notes",
)
# The candidate fields an import writes when it adds someone; the others get their defaults.
_INSERTED_FIELDS = (
    "first_name",
    *_FILLABLE,
    "seeking_status",
    "source",
    "owner",
    "do_not_contact",
    "search_document",
)
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


# --- What a preview and a row look like ------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMapping:
    column: str  # the header in the file
    field: str  # the candidate field it fills, "" when the column is ignored
    label: str  # that field's name as people read it


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass(frozen=True)
class SampleRow:
    """One of the first rows of a file, as it would be imported."""

    line: int
    name: str
    email: str
    linkedin_url: str
    title: str
    company: str
    status: str  # "new", "matched" or "error"
    detail: str  # who it matches, or why it will not be imported


@dataclass
class ImportPreview:
    columns: list[ColumnMapping] = field(default_factory=list)
    delimiter: str = ""  # "comma", "semicolon" or "tab"
    sample: list[SampleRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # the first MAX_REPORTED_ERRORS
    total_rows: int = 0
    new_count: int = 0
    matched_count: int = 0
    error_count: int = 0
    error: str = ""  # what makes the whole file unimportable; nothing can be imported when set

    @property
    def ignored_columns(self) -> list[str]:
        return [c.column for c in self.columns if not c.field and c.column]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ignored_columns": self.ignored_columns}


@dataclass
class Row:
    line: int  # the physical line of the file where the row starts
    cells: dict[str, str]  # the non-empty cells by field, as written in the file
    fields: dict[str, Any] = field(default_factory=dict)  # cleaned candidate fields (empty on error)
    skills: list[str] = field(default_factory=list)
    keys: tuple[str, ...] = ()  # who the person is: normalised email and LinkedIn URL (never alike)
    error: str = ""

    @property
    def display_name(self) -> str:
        if self.fields:
            return f"{self.fields['first_name']} {self.fields.get('last_name', '')}".strip()
        first_last = f"{self.cells.get('first_name', '')} {self.cells.get('last_name', '')}".strip()
        return first_last or self.cells.get("full_name", "")


@dataclass(frozen=True)
class Layout:
    delimiter: str
    header_line: int
    columns: tuple[ColumnMapping, ...]


# --- Reading the file ------------------------------------------------------------------------------


def read_rows(stream: IO[bytes], *, source: str = Source.SOURCED) -> tuple[Layout, Iterator[Row]]:
    """Find the file's layout, then yield its data rows one by one, mapped and validated.

    Rows without a source column get ``source``. Raises ImportFileError, also while iterating (a byte that
    is not UTF-8 may come late in the file).
    """
    lines = _decoded_lines(stream)
    sample = list(islice(lines, HEADER_SEARCH_LINES))
    layout = _find_layout(sample)
    reader = csv.reader(chain(sample, lines), delimiter=layout.delimiter)
    return layout, _data_rows(reader, layout, source)


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    head = stream.read(4)
    if head.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            "This is an Excel workbook, not a CSV file. In Excel use File, Save a copy, "
            "and choose 'CSV UTF-8', then upload that file."
        )
    rest = iter(lambda: stream.read(READ_CHUNK_BYTES), b"")
    if head.startswith(codecs.BOM_UTF8):
        return _utf8_lines(chain([head[3:]], rest))
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return _utf8_lines(_utf16_as_utf8(chain([head[2:]], rest), encoding))
    return _utf8_lines(chain([head], rest))


def _utf16_as_utf8(chunks: Iterable[bytes], encoding: str) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for chunk in chunks:
            yield decoder.decode(chunk).encode()
        yield decoder.decode(b"", final=True).encode()
    except UnicodeDecodeError:
        raise ImportFileError(
            f"This file starts like UTF-16 text but is not valid UTF-16. {SAVE_AS_UTF8}"
        ) from None


def _utf8_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    for number, raw in enumerate(_byte_lines(chunks), start=1):
        try:
            text = raw.decode()
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"This file is not UTF-8 text (byte 0x{raw[error.start]:02X} on line {number}). {SAVE_AS_UTF8}"
            ) from None
        if "\x00" in text:
            raise ImportFileError(
                f"This file is not UTF-8 text (it has NUL bytes on line {number}). {SAVE_AS_UTF8}"
            )
        yield text


def _byte_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Physical lines with their endings (\\n, \\r\\n or \\r), whatever the chunk boundaries."""
    rest = b""
    for chunk in chunks:
        lines = (rest + chunk).splitlines(keepends=True)
        # The last line may continue in the next chunk (a "\r" may be half of "\r\n").
        rest = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        yield from lines
    if rest:
        yield rest


def _header_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


def _map_columns(headers: list[str]) -> tuple[ColumnMapping, ...]:
    used: set[str] = set()
    mapping = []
    for header in headers:
        column = _COLUMN_BY_ALIAS.get(_header_key(header))
        if column and column.field not in used:
            used.add(column.field)
            mapping.append(ColumnMapping(header.strip(), column.field, column.label))
        else:
            mapping.append(ColumnMapping(header.strip(), "", ""))
    return tuple(mapping)


def _find_layout(sample: list[str]) -> Layout:
    """The delimiter and header row that recognise the most columns in the first lines of the file."""
    if not "".join(sample).strip():
        raise ImportFileError("The file is empty.")
    best: tuple[int, Layout] | None = None
    for delimiter in DELIMITERS:
        reader = csv.reader(sample, delimiter=delimiter)
        try:
            for cells in reader:
                columns = _map_columns(cells)
                recognised = sum(1 for c in columns if c.field)
                if recognised >= 2:
                    if best is None or recognised > best[0]:
                        best = (recognised, Layout(delimiter, reader.line_num, columns))
                    break
        except csv.Error:
            continue
    if best is None:
        raise ImportFileError(
            "No header row found. The first row should name the columns, "
            "for example First Name, Last Name, Email, Company."
        )
    layout = best[1]
    if not any(c.field in _NAME_FIELDS for c in layout.columns):
        found = ", ".join(c.column for c in layout.columns if c.column)
        raise ImportFileError(
            f"The file has no name column: add one called 'First Name' (or 'Name'). Columns found: {found}."
        )
    return layout


def _data_rows(reader: Any, layout: Layout, source: str) -> Iterator[Row]:
    fields = [c.field for c in layout.columns]
    try:
        while reader.line_num < layout.header_line:
            next(reader)
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            if "".join(values).strip():
                yield _parse_row(line, values, fields, source)
    except csv.Error as error:
        raise ImportFileError(
            f"Line {reader.line_num} cannot be read as CSV ({error}). Check the quotes on that line."
        ) from None


def _parse_row(line: int, values: list[str], fields: list[str], source: str) -> Row:
    cells = {}
    for name, value in zip(fields, values, strict=False):
        if name and (value := value.strip()):
            cells[name] = value
    row = Row(line, cells)
    try:
        if len(values) > len(fields) and "".join(values[len(fields) :]).strip():
            raise _InvalidRow(
                f"Has {len(values)} values but the header has {len(fields)} columns "
                "(a value with a comma needs quotes)."
            )
        row.fields, row.skills = _clean(cells, source)
        row.keys = tuple(row.fields[name] for name in ("email", "linkedin_url") if row.fields.get(name))
    except _InvalidRow as error:
        row.error = str(error)
    return row


def _shown(value: str) -> str:
    return f"'{value}'" if len(value) <= 60 else f"'{value[:57]}…'"


def _clean(cells: dict[str, str], source: str) -> tuple[dict[str, Any], list[str]]:
    """The candidate fields and skills of one row's cells. Raises _InvalidRow with the reason."""
    values: dict[str, Any] = {}
    first, last = cells.get("first_name", ""), cells.get("last_name", "")
    if not first and "full_name" in cells:
        first, _, last = cells["full_name"].partition(" ")
    if not first:
        raise _InvalidRow("No first name.")
    values["first_name"] = first
    for name, value in (("last_name", last.strip()), *((n, cells.get(n)) for n in _PLAIN_TEXT)):
        if value:
            values[name] = value
    if "email" in cells:
        values["email"] = normalize_email(cells["email"])
        try:
            validate_email(values["email"])
        except ValidationError:
            raise _InvalidRow(f"Email {_shown(cells['email'])} is not a valid address.") from None
    if "linkedin_url" in cells:
        try:
            values["linkedin_url"] = normalize_linkedin_url(cells["linkedin_url"])
        except ValueError as error:
            raise _InvalidRow(f"LinkedIn URL {_shown(cells['linkedin_url'])}: {error}") from None
    for name, limit in _MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            raise _InvalidRow(f"{_LABELS[name]} is longer than {limit} characters.")
    if not (values.get("email") or values.get("linkedin_url") or values.get("company")):
        raise _InvalidRow("Needs an email, a LinkedIn URL or a company to tell who this is.")
    if "country" in cells:
        values["country"] = _country_code(cells["country"])
        if not values["country"]:
            raise _InvalidRow(f"Unknown country {_shown(cells['country'])}.")
    if "timezone" in cells:
        values["timezone"] = _timezones().get(cells["timezone"].lower(), "")
        if not values["timezone"]:
            raise _InvalidRow(
                f"Unknown timezone {_shown(cells['timezone'])} (use a name such as Europe/London)."
            )
    if "years_experience" in cells:
        if not _YEARS.fullmatch(cells["years_experience"]):
            raise _InvalidRow(f"Years of experience {_shown(cells['years_experience'])} is not a number.")
        values["years_experience"] = round(float(cells["years_experience"].rstrip("+").replace(",", ".")))
    if "seeking_status" in cells:
        values["seeking_status"] = cells["seeking_status"].lower()
        if values["seeking_status"] not in SeekingStatus.values:
            raise _InvalidRow(
                f"Seeking status {_shown(cells['seeking_status'])} should be active or passive."
            )
    values["source"] = _SOURCES.get(cells.get("source", "").lower(), source)
    return values, _skills(cells.get("skills", ""))


def _skills(text: str) -> list[str]:
    skills: dict[str, str] = {}
    for name in re.split(r"[,;|]", text):
        if name := name.strip():
            if len(name) > _SKILL_MAX_LENGTH:
                raise _InvalidRow(f"Skill {_shown(name)} is longer than {_SKILL_MAX_LENGTH} characters.")
            skills.setdefault(name.lower(), name)
    return list(skills.values())


@lru_cache(maxsize=2048)
def _country_code(value: str) -> str:
    """ISO 3166 alpha-2 for a country code (alpha-2, alpha-3 or numeric) or an English name, else ''."""
    return countries.alpha2(value) or _COUNTRY_ALIASES.get(value.lower()) or countries.by_name(value) or ""


@cache
def _timezones() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


# --- Planning a batch: who is new, who is matched, which rows are skipped --------------------------


@dataclass(eq=False)
class _Person:
    """Someone a batch creates or matches, and what the batch does to them."""

    candidate: Candidate
    first_line: int | None  # the line that creates them; None for someone already in Longlist
    skills: list[str] = field(default_factory=list)  # skills to give them
    has_skills: bool = False
    in_pool: bool = False
    filled: set[str] = field(default_factory=set)  # fields filled in on someone already in Longlist
    matched_lines: list[int] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return self.first_line is not None


@dataclass
class _Batch:
    people: list[_Person] = field(default_factory=list)  # everyone created or matched, once each
    outcomes: list[tuple[Row, str, str]] = field(default_factory=list)  # (row, status, detail)
    errors: list[RowError] = field(default_factory=list)

    @property
    def created_count(self) -> int:
        return sum(1 for person in self.people if person.is_new)

    @property
    def matched_count(self) -> int:
        return sum(1 for _, status, _ in self.outcomes if status == "matched")


def _plan_batch(
    rows: list[Row],
    *,
    pool: TalentPool | None,
    owner: AbstractBaseUser | None,
    earlier_keys: Set[int] = frozenset(),
) -> _Batch:
    """Decide what each row does, with a constant number of queries whatever the batch size.

    ``earlier_keys`` (hashes of emails and LinkedIn URLs of earlier batches) lets a preview, which writes
    nothing, recognise repeats of rows from earlier batches; an import finds those in the database.
    """
    emails = {row.fields["email"] for row in rows if row.fields.get("email")}
    linkedin_urls = {row.fields["linkedin_url"] for row in rows if row.fields.get("linkedin_url")}
    suppressed = _suppressions(emails, linkedin_urls)
    by_key: dict[str, _Person] = {}
    # "<> ''" repeats the condition of the partial unique index on linkedin_url, so that the database uses it.
    same_person = Q(email_key__in=emails) | (Q(linkedin_url__in=linkedin_urls) & ~Q(linkedin_url=""))
    for candidate in Candidate.objects.annotate(email_key=Lower("email")).filter(same_person).order_by("pk"):
        person = _Person(candidate, first_line=None)
        for key in (candidate.email.lower(), candidate.linkedin_url):
            if key:
                by_key.setdefault(key, person)
    existing_ids = {person.candidate.pk for person in by_key.values()}
    with_skills = _with_skills(existing_ids)
    in_pool = _in_pool(pool, existing_ids)
    for person in by_key.values():
        person.has_skills = person.candidate.pk in with_skills
        person.in_pool = person.candidate.pk in in_pool

    batch = _Batch()
    for row in rows:
        if row.error:
            batch.errors.append(RowError(row.line, row.error))
            batch.outcomes.append((row, "error", row.error))
            continue
        reasons = {suppressed[key] for key in row.keys if key in suppressed}
        person = next((by_key[key] for key in row.keys if key in by_key), None)
        if Suppression.Reason.ERASED in reasons or (person and person.candidate.erased_at):
            reason = "Asked to be erased — not re-imported."
            batch.errors.append(RowError(row.line, reason))
            batch.outcomes.append((row, "error", reason))
        elif person is None and any(hash(key) in earlier_keys for key in row.keys):
            batch.outcomes.append((row, "matched", "Same person as an earlier row"))
        elif person is None:
            person = _Person(
                Candidate(**row.fields, owner=owner, do_not_contact=bool(reasons)),
                first_line=row.line,
                skills=row.skills,
            )
            batch.people.append(person)
            for key in row.keys:
                by_key[key] = person
            batch.outcomes.append((row, "new", ""))
        else:
            if not person.matched_lines and not person.is_new:
                batch.people.append(person)
            _fill(person, row, by_key, suppressed=bool(reasons))
            person.matched_lines.append(row.line)
            detail = (
                f"Same person as line {person.first_line}"
                if person.is_new
                else f"Already in Longlist: {person.candidate.full_name}"
            )
            batch.outcomes.append((row, "matched", detail))
    return batch


def _suppressions(emails: set[str], linkedin_urls: set[str]) -> dict[str, str]:
    """Suppression reason by email or LinkedIn URL; "erased" wins over any other reason."""
    found: dict[str, str] = {}
    rows = (
        Suppression.objects.annotate(email_key=Lower("email"))
        .filter(Q(email_key__in=emails) | Q(linkedin_url__in=linkedin_urls))
        .values_list("email_key", "linkedin_url", "reason")
    )
    for email, linkedin_url, reason in rows:
        for key in (email, linkedin_url):
            if key and found.get(key) != Suppression.Reason.ERASED:
                found[key] = reason
    return found


def _with_skills(candidate_ids: set[int]) -> set[int]:
    if not candidate_ids:
        return set()
    through = Candidate.skills.through.objects
    return set(through.filter(candidate_id__in=candidate_ids).values_list("candidate_id", flat=True))


def _in_pool(pool: TalentPool | None, candidate_ids: set[int]) -> set[int]:
    if pool is None or not candidate_ids:
        return set()
    memberships = PoolMembership.objects.filter(pool=pool, candidate_id__in=candidate_ids)
    return set(memberships.values_list("candidate_id", flat=True))


def _fill(person: _Person, row: Row, by_key: dict[str, _Person], *, suppressed: bool) -> None:
    """Fill the person's empty fields from a row that matched them (the batch knows who holds each address)."""
    candidate = person.candidate
    values = {name: row.fields[name] for name in _FILLABLE if name in row.fields}
    filled = fill_empty_fields(
        candidate, values, taken=lambda _, value: by_key.get(value, person) is not person
    )
    for name in filled:
        if name in UNIQUE_FIELDS:
            by_key[values[name]] = person
    person.filled.update(filled)
    if row.skills and not person.skills and not person.has_skills:
        person.skills = row.skills
    if suppressed and not candidate.do_not_contact:
        candidate.do_not_contact = True
        person.filled.add("do_not_contact")


# --- Writing a batch -------------------------------------------------------------------------------


def _write_batch(batch: _Batch, job: ImportJob) -> None:
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    new = [person for person in batch.people if person.is_new]
    for person in new:
        # Written with the row, rather than recomputed from the database afterwards.
        person.candidate.search_document = search_document_for(person.candidate, skill_names=person.skills)
    # The values as the candidates hold them (plain strings, numbers, booleans; the country as its code).
    attnames = [Candidate._meta.get_field(name).attname for name in _INSERTED_FIELDS]
    ids = _insert_rows(
        Candidate,
        (*_INSERTED_FIELDS, "created_at", "updated_at"),
        [(*(vars(person.candidate)[name] for name in attnames), stamp, stamp) for person in new],
    )
    for person, pk in zip(new, ids, strict=True):
        person.candidate.pk = pk
    changed = [person for person in batch.people if not person.is_new and (person.filled or person.skills)]
    filled = [person for person in changed if person.filled]
    if filled:
        for person in filled:
            person.candidate.updated_at = now
        fields = set().union(*(person.filled for person in filled)) | {"updated_at"}
        Candidate.objects.bulk_update([person.candidate for person in filled], sorted(fields))
    _add_skills([person for person in batch.people if person.skills])
    if job.pool:
        _insert_rows(
            PoolMembership,
            ("pool", "candidate", "added_by", "added_at"),
            [(job.pool.pk, p.candidate.pk, job.created_by_id, stamp) for p in batch.people if not p.in_pool],
        )
    data = Activity._meta.get_field("data")
    _insert_rows(
        Activity,
        ("candidate", "kind", "actor", "summary", "data", "created_at"),
        [
            (
                person.candidate.pk,
                Activity.Kind.IMPORT.value,
                job.created_by_id,
                _timeline_summary(person, job),
                data.get_db_prep_save(
                    {
                        "import_job_id": job.pk,
                        "lines": [person.first_line] if person.is_new else person.matched_lines,
                    },
                    connection,
                ),
                stamp,
            )
            for person in batch.people
        ],
    )
    if changed:
        refresh_search_documents(person.candidate.pk for person in changed)
    if new and connection.vendor == "postgresql":
        Candidate.objects.filter(pk__in=[person.candidate.pk for person in new]).update(
            search_vector=search_vector()
        )


def _add_skills(people: list[_Person]) -> None:
    names = {name.lower(): name for person in people for name in person.skills}
    if not names:
        return

    def skill_ids() -> dict[str, int]:
        # By name as well as by LOWER(name): SQLite lowercases ASCII letters only.
        skills = Skill.objects.annotate(key=Lower("name")).filter(
            Q(key__in=names.keys()) | Q(name__in=names.values())
        )
        return {name.lower(): pk for pk, name in skills.values_list("pk", "name")}

    ids = skill_ids()
    missing = [Skill(name=name) for key, name in names.items() if key not in ids]
    if missing:
        Skill.objects.bulk_create(missing, ignore_conflicts=True)
        ids = skill_ids()
    _insert_rows(
        Candidate.skills.through,
        ("candidate", "skill"),
        [
            (person.candidate.pk, ids[name.lower()])
            for person in people
            for name in person.skills
            if name.lower() in ids
        ],
    )


def _insert_rows(model: type[Model], names: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[int]:
    """INSERT rows, hundreds per statement, and return their ids in the order of the rows (RETURNING, which
    Django's bulk_create relies on too). The values of the named fields must be database-ready; the model's
    other fields get their defaults.

    bulk_create prepares every value of every object through the ORM's insert compiler, about 0.3 ms a
    candidate: that was most of the time of an import.
    """
    given = [model._meta.get_field(name) for name in names]
    others = [f for f in model._meta.concrete_fields if not f.primary_key and f not in given]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in others)
    quote = connection.ops.quote_name
    table, pk_column = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = ", ".join(quote(field.column) for field in (*given, *others))
    row_sql = f"({', '.join(['%s'] * (len(given) + len(others)))})"
    per_statement = min(500, (connection.features.max_query_params or 10_000) // (len(given) + len(others)))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([row_sql] * len(chunk))
            params = [value for row in chunk for value in (*row, *defaults)]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {pk_column}", params)
            ids += [pk for (pk,) in cursor.fetchall()]
    return ids


def _timeline_summary(person: _Person, job: ImportJob) -> str:
    if person.is_new:
        into = f" into pool {job.pool.name}" if job.pool else ""
        return f"Imported from {job.original_name}{into}"[:255]
    parts = [f"Matched in the import of {job.original_name}"]
    filled = [_LABELS[name] for name in person.filled if name in _LABELS] + (
        ["Skills"] if person.skills else []
    )
    if filled:
        parts.append("filled in: " + ", ".join(sorted(filled)))
    if "do_not_contact" in person.filled:
        parts.append("marked do not contact (suppressed)")
    if job.pool and not person.in_pool:
        parts.append(f"added to pool {job.pool.name}")
    return "; ".join(parts)[:255]


# --- The operations ---------------------------------------------------------------------------------


def validate_pool_name(name: str) -> None:
    """People can be imported into a static pool, new or existing, but not into a smart one."""
    if TalentPool.objects.filter(name__iexact=name.strip(), kind=TalentPool.Kind.SMART).exists():
        raise ValidationError(
            "%(name)s is a smart pool: its members come from a saved search. Choose a static pool.",
            params={"name": name.strip()},
            code="smart_pool",
        )


def file_size_error(size: int) -> str:
    if size > MAX_FILE_BYTES:
        return (
            f"This file is {size / 1024 / 1024:.0f} MB; files up to {MAX_FILE_BYTES // 1024 // 1024} MB "
            "can be imported. Split it into smaller files."
        )
    return ""


def create_import(
    *,
    upload: File,
    source: str = Source.SOURCED,
    pool: TalentPool | None = None,
    pool_name: str = "",
    by: AbstractBaseUser | None = None,
) -> tuple[ImportJob, ImportPreview]:
    """Store an uploaded CSV as an import job waiting for confirmation, and preview it.

    ``pool_name`` names a static pool to use or create. A file that cannot be imported at all leaves a
    failed job (and no new pool) behind, with the reason in the preview's ``error``.
    """
    original_name = PurePath(upload.name or "import.csv").name
    job = ImportJob(created_by=by, original_name=original_name[:255], pool=pool, source=source)
    job.file.save(original_name, upload, save=False)
    preview = preview_import(job)
    with transaction.atomic():
        job.total_rows = preview.total_rows
        if preview.error:
            job.status, job.failure, job.finished_at = ImportJob.Status.FAILED, preview.error, timezone.now()
        elif pool_name.strip():
            job.pool = _static_pool(pool_name.strip(), by)
        job.save()
    return job, preview


def _static_pool(name: str, by: AbstractBaseUser | None) -> TalentPool:
    pool = TalentPool.objects.filter(name__iexact=name, kind=TalentPool.Kind.STATIC).first()
    return pool or create_static_pool(name=name, by=by)


def preview_import(job: ImportJob) -> ImportPreview:
    """Read the whole file without writing: its columns, its first rows as they would be imported, every
    row that would not be imported and why, and how many people are new or already in Longlist."""
    preview = ImportPreview()
    earlier_keys: set[int] = set()
    try:
        with job.file.open("rb") as stream:
            layout, rows = read_rows(stream, source=job.source)
            preview.columns = list(layout.columns)
            preview.delimiter = DELIMITERS[layout.delimiter]
            for chunk in _batches(rows):
                batch = _plan_batch(chunk, pool=job.pool, owner=None, earlier_keys=earlier_keys)
                earlier_keys.update(hash(key) for row in chunk for key in row.keys)
                preview.sample += [
                    _sample_row(*outcome)
                    for outcome in batch.outcomes[: PREVIEW_SAMPLE_ROWS - len(preview.sample)]
                ]
                preview.errors += batch.errors[: MAX_REPORTED_ERRORS - len(preview.errors)]
                preview.total_rows += len(chunk)
                preview.new_count += batch.created_count
                preview.matched_count += batch.matched_count
                preview.error_count += len(batch.errors)
        if not preview.total_rows:
            raise ImportFileError("The file has a header row but no candidates below it.")
    except ImportFileError as error:
        preview.error = str(error)
    return preview


def _sample_row(row: Row, status: str, detail: str) -> SampleRow:
    values = row.fields or row.cells
    return SampleRow(
        line=row.line,
        name=row.display_name,
        email=values.get("email", ""),
        linkedin_url=values.get("linkedin_url", ""),
        title=values.get("title", ""),
        company=values.get("company", ""),
        status=status,
        detail=detail,
    )


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while batch := list(islice(rows, BATCH_SIZE)):
        yield batch


def start_import(
    job: ImportJob, *, inline: bool | None = None, progress: Callable[[ImportJob], None] | None = None
) -> ImportJob:
    """Confirm a previewed import. Up to INLINE_ROW_LIMIT rows (or ``inline=True``) it runs now; larger
    files are queued for a Celery worker once the current transaction commits. Confirming twice does nothing.
    """
    queued = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.QUEUED
    )
    if queued:
        if inline if inline is not None else job.total_rows <= INLINE_ROW_LIMIT:
            run_import(job.pk, progress=progress)
        else:
            run_import_job.delay_on_commit(job.pk)
    job.refresh_from_db()
    return job


def run_import(job_id: int, *, progress: Callable[[ImportJob], None] | None = None) -> None:
    """Import a queued job's file in batches, each in its own transaction, updating the job after each.

    The job is claimed with a conditional UPDATE (queued → running): a second call, or a second worker,
    does nothing. Anything unexpected stops the import with status FAILED and a readable message; the
    batches before it stay imported, the failing batch leaves nothing behind.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("pool", "created_by").get(pk=job_id)
    line = 0
    try:
        with job.file.open("rb") as stream:
            _, rows = read_rows(stream, source=job.source)
            for chunk in _batches(rows):
                line = chunk[0].line
                _import_batch(job, chunk)
                if progress:
                    progress(job)
    except ImportFileError as error:
        kept = f" The {job.processed_rows} rows before it were imported." if job.processed_rows else ""
        _finish(job, ImportJob.Status.FAILED, f"{error}{kept}")
    except Exception as error:
        logger.exception("Import %s stopped in the batch starting on line %s", job_id, line)
        where = (
            f" in the rows starting on line {line}: none of those rows were written, and the "
            f"{job.processed_rows} rows before them were imported"
            if line
            else ""
        )
        _finish(
            job,
            ImportJob.Status.FAILED,
            f"The import stopped on an unexpected error ({type(error).__name__}){where}. "
            "The error has been logged.",
        )
    else:
        _finish(job, ImportJob.Status.DONE)


def _import_batch(job: ImportJob, rows: list[Row]) -> None:
    """Plan and write one batch and count it on the job, all in one transaction.

    Tried twice: between the lookup and the insert, someone else may add the same person (a unique
    email or LinkedIn URL then refuses the insert, and the second plan matches them instead).
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                batch = _plan_batch(rows, pool=job.pool, owner=job.created_by)
                _write_batch(batch, job)
                errors = [*job.errors, *map(asdict, batch.errors)][:MAX_REPORTED_ERRORS]
                ImportJob.objects.filter(pk=job.pk).update(
                    processed_rows=job.processed_rows + len(rows),
                    created_count=job.created_count + batch.created_count,
                    matched_count=job.matched_count + batch.matched_count,
                    error_count=job.error_count + len(batch.errors),
                    errors=errors,
                )
        except IntegrityError:
            if attempt == 2:
                raise
        else:
            break
    job.refresh_from_db()


def _finish(job: ImportJob, status: str, failure: str = "") -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=status, failure=failure, finished_at=timezone.now())
    job.refresh_from_db()
