"""Candidate.skill_keys: the skills' lowercased names in one column ("|python|sql|"), filled from the skills,
and on PostgreSQL a GIN index on it as an array, which the skills filter reads instead of one EXISTS a skill."""

import itertools

from django.db import migrations, models

CREATE = [
    "CREATE INDEX IF NOT EXISTS candidate_skill_keys_gin ON candidates_candidate "
    "USING gin (string_to_array(skill_keys, '|'))"
]
DROP = ["DROP INDEX IF EXISTS candidate_skill_keys_gin"]
CHUNK = 5_000


def keys_of(names):
    keys = sorted({name.replace("|", " ").strip().lower() for name in names} - {""})
    return f"|{'|'.join(keys)}|" if keys else ""


def fill(apps, schema_editor):
    """Each candidate's keys from their skills, a chunk of candidates at a time (as search_documents does)."""
    Candidate = apps.get_model("candidates", "Candidate")
    pairs = (
        Candidate.skills.through.objects.order_by("candidate_id")
        .values_list("candidate_id", "skill__name")
        .iterator(chunk_size=CHUNK)
    )
    by_candidate = (
        (candidate_id, keys_of(name for _, name in group))
        for candidate_id, group in itertools.groupby(pairs, key=lambda pair: pair[0])
    )
    connection = schema_editor.connection
    while chunk := list(itertools.islice(by_candidate, CHUNK)):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE candidates_candidate c SET skill_keys = v.keys FROM (VALUES "
                    + ", ".join(["(%s, %s)"] * len(chunk))
                    + ") v(id, keys) WHERE c.id = v.id",
                    [value for row in chunk for value in row],
                )
        else:
            Candidate.objects.bulk_update(
                [Candidate(pk=pk, skill_keys=keys) for pk, keys in chunk], ["skill_keys"], batch_size=500
            )


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("candidates", "0010_referral_as_given")]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="skill_keys",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
