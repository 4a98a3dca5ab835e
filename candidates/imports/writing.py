"""Writing a planned batch: new people inserted in bulk (with their skills, pool membership and timeline
entry), the empty fields filled on people already in Longlist, and their search documents refreshed."""

from typing import Any, cast

from django.db import connection
from django.db.models import Field, Model, Q
from django.db.models.functions import Lower
from django.utils import timezone

from ..models import Activity, Candidate, ImportJob, PoolMembership, Skill
from ..search_documents import (
    refresh_search_documents,
    search_document_for,
    search_vector,
    skill_keys_for,
)
from ..signals import candidates_created
from .cleaning import LABELS
from .planning import FILLABLE, Batch, Person

# The candidate fields an import writes when it adds someone; the others get their defaults.
_INSERTED_FIELDS = (
    "first_name",
    *FILLABLE,
    "seeking_status",
    "source",
    "owner",
    "do_not_contact",
    "search_document",
    "skill_keys",
    "custom_fields",
)


def write_batch(batch: Batch, job: ImportJob) -> None:
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    new = [person for person in batch.people if person.is_new]
    for person in new:
        # Written with the row, rather than recomputed from the database afterwards.
        person.candidate.search_document = search_document_for(person.candidate, skill_names=person.skills)
        person.candidate.skill_keys = skill_keys_for(person.skills)
    # The values as the candidates hold them (plain strings, numbers, booleans; the country as its code), and
    # the custom values as the database takes JSON.
    attnames = [cast(Field, Candidate._meta.get_field(name)).attname for name in _INSERTED_FIELDS[:-1]]
    custom = Candidate._meta.get_field("custom_fields")
    ids = _insert_rows(
        Candidate,
        (*_INSERTED_FIELDS, "created_at", "updated_at"),
        [
            (
                *(vars(person.candidate)[name] for name in attnames),
                custom.get_db_prep_save(person.candidate.custom_fields, connection),
                stamp,
                stamp,
            )
            for person in new
        ],
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
                timeline_summary(person, job),
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
    if new:
        candidates_created.send(
            sender=Candidate, candidates=[person.candidate for person in new], by=job.created_by
        )


def _add_skills(people: list[Person]) -> None:
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
    given = [cast(Field, model._meta.get_field(name)) for name in names]
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


def timeline_summary(person: Person, job: ImportJob) -> str:
    if person.is_new:
        into = f" into pool {job.pool.name}" if job.pool else ""
        return f"Imported from {job.original_name}{into}"[:255]
    parts = [f"Matched in the import of {job.original_name}"]
    filled = [LABELS[name] for name in person.filled if name in LABELS] + (
        ["Skills"] if person.skills else []
    )
    if "custom_fields" in person.filled:
        filled.append("custom fields")
    if filled:
        parts.append("filled in: " + ", ".join(sorted(filled)))
    if "do_not_contact" in person.filled:
        parts.append("marked do not contact (suppressed)")
    if job.pool and not person.in_pool:
        parts.append(f"added to pool {job.pool.name}")
    return "; ".join(parts)[:255]
