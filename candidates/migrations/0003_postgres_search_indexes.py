"""PostgreSQL-only search indexes: a GIN index on the tsvector and trigram indexes for misspelt names.

SQLite has neither; there the search falls back to substring matching on search_document.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS candidate_search_vector_gin ON candidates_candidate USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS candidate_name_trgm ON candidates_candidate "
    "USING gin ((lower(first_name || ' ' || last_name)) gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS candidate_search_vector_gin",
    "DROP INDEX IF EXISTS candidate_name_trgm",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("candidates", "0002_search_import_privacy")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
