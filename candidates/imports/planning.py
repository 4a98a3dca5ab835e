"""Planning a batch of rows: who is new, who is already in Longlist (and what the row fills in on them), which
rows repeat an earlier one, and which cannot be imported, all with a constant number of queries."""

from collections.abc import Set
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Q
from django.db.models.functions import Lower

from ..filling import UNIQUE_FIELDS, fill_empty_fields
from ..models import Candidate, CandidateAlias, PoolMembership, Suppression, TalentPool
from ..selectors import suppressions_for
from .reading import Row

ERASED = "Asked to be erased — not re-imported."

# Fields an import may fill in on someone already in Longlist when theirs is empty.
FILLABLE = (
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
    "language",
    "years_experience",
    "notes",
)


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass(eq=False)
class Person:
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
class Batch:
    people: list[Person] = field(default_factory=list)  # everyone created or matched, once each
    outcomes: list[tuple[Row, str, str]] = field(default_factory=list)  # (row, status, detail)
    errors: list[RowError] = field(default_factory=list)

    @property
    def created_count(self) -> int:
        return sum(1 for person in self.people if person.is_new)

    @property
    def matched_count(self) -> int:
        return sum(1 for _, status, _ in self.outcomes if status == "matched")


def plan_batch(
    rows: list[Row],
    *,
    pool: TalentPool | None,
    owner: User | None,
    earlier_keys: Set[int] = frozenset(),
) -> Batch:
    """Decide what each row does, with a constant number of queries whatever the batch size.

    ``earlier_keys`` (hashes of emails and LinkedIn URLs of earlier batches) lets a preview, which writes
    nothing, recognise repeats of rows from earlier batches; an import finds those in the database.
    """
    emails = {row.fields["email"] for row in rows if row.fields.get("email")}
    linkedin_urls = {row.fields["linkedin_url"] for row in rows if row.fields.get("linkedin_url")}
    suppressed = suppressions_for(emails=emails, linkedin_urls=linkedin_urls)
    by_key: dict[str, Person] = {}
    # "<> ''" repeats the condition of the partial unique index on linkedin_url, so that the database uses it.
    same_person = Q(email_key__in=emails) | (Q(linkedin_url__in=linkedin_urls) & ~Q(linkedin_url=""))
    loaded: dict[int, Person] = {}  # people already in Longlist, by id
    for candidate in Candidate.objects.annotate(email_key=Lower("email")).filter(same_person).order_by("pk"):
        loaded[candidate.pk] = Person(candidate, first_line=None)
        for key in (candidate.email.lower(), candidate.linkedin_url):
            if key:
                by_key.setdefault(key, loaded[candidate.pk])
    # Then by the addresses of records merged into theirs.
    aliases = CandidateAlias.objects.annotate(email_key=Lower("email")).filter(same_person)
    for alias in aliases.select_related("candidate").order_by("pk"):
        holder = loaded.setdefault(alias.candidate_id, Person(alias.candidate, first_line=None))
        for key in (alias.email.lower(), alias.linkedin_url):
            if key:
                by_key.setdefault(key, holder)
    with_skills = _with_skills(set(loaded))
    in_pool = _in_pool(pool, set(loaded))
    for known in loaded.values():
        known.has_skills = known.candidate.pk in with_skills
        known.in_pool = known.candidate.pk in in_pool

    batch = Batch()
    for row in rows:
        if row.error:
            batch.errors.append(RowError(row.line, row.error))
            batch.outcomes.append((row, "error", row.error))
            continue
        reason = suppressed.reason(
            email=row.fields.get("email", ""), linkedin_url=row.fields.get("linkedin_url", "")
        )
        person = next((by_key[key] for key in row.keys if key in by_key), None)
        if reason == Suppression.Reason.ERASED or (person and person.candidate.erased_at):
            batch.errors.append(RowError(row.line, ERASED))
            batch.outcomes.append((row, "error", ERASED))
        elif person is None and any(hash(key) in earlier_keys for key in row.keys):
            batch.outcomes.append((row, "matched", "Same person as an earlier row"))
        elif person is None and row.missing:
            missing = f"{', '.join(row.missing)}: This field is required."
            batch.errors.append(RowError(row.line, missing))
            batch.outcomes.append((row, "error", missing))
        elif person is None:
            person = Person(
                Candidate(**row.fields, custom_fields=row.custom, owner=owner, do_not_contact=bool(reason)),
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
            _fill(person, row, by_key, suppressed=bool(reason))
            person.matched_lines.append(row.line)
            detail = (
                f"Same person as line {person.first_line}"
                if person.is_new
                else f"Already in Longlist: {person.candidate.full_name}"
            )
            batch.outcomes.append((row, "matched", detail))
    return batch


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


def _fill(person: Person, row: Row, by_key: dict[str, Person], *, suppressed: bool) -> None:
    """Fill the person's empty fields from a row that matched them (the batch knows who holds each address)."""
    candidate = person.candidate
    values = {name: row.fields[name] for name in FILLABLE if name in row.fields}
    filled = fill_empty_fields(
        candidate, values, taken=lambda _, value: by_key.get(value, person) is not person
    )
    for name in filled:
        if name in UNIQUE_FIELDS:
            by_key[values[name]] = person
    person.filled.update(filled)
    # Custom values too fill only what the person has no value of.
    if new_values := {key: value for key, value in row.custom.items() if key not in candidate.custom_fields}:
        candidate.custom_fields = {**candidate.custom_fields, **new_values}
        person.filled.add("custom_fields")
    if row.skills and not person.skills and not person.has_skills:
        person.skills = row.skills
    if suppressed and not candidate.do_not_contact:
        candidate.do_not_contact = True
        person.filled.add("do_not_contact")
