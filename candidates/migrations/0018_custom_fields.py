"""Candidate.custom_fields (the values of the admins' custom fields), CustomField (their definitions) and
ImportJob.column_map (CSV columns mapped to custom fields on the preview).

On PostgreSQL a GIN index on the JSON column (jsonb_ops: containment @> and key existence ?), which the
search's custom-field filters use; SQLite has none and migrates without it (as migration 0003)."""

from django.db import migrations, models

CREATE = [
    "CREATE INDEX IF NOT EXISTS candidate_custom_fields_gin ON candidates_candidate USING gin (custom_fields)"
]
DROP = ["DROP INDEX IF EXISTS candidate_custom_fields_gin"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0017_data_request"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="custom_fields",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.CreateModel(
            name="CustomField",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "applies_to",
                    models.CharField(
                        choices=[("candidate", "Candidates"), ("requisition", "Requisitions")],
                        max_length=12,
                        verbose_name="applies to",
                    ),
                ),
                ("label", models.CharField(max_length=80, verbose_name="label")),
                (
                    "key",
                    models.SlugField(
                        help_text="Stable name of the field in the API, exports and imports; set once",
                        max_length=40,
                        verbose_name="key",
                    ),
                ),
                (
                    "type",
                    models.CharField(
                        choices=[
                            ("text", "Text"),
                            ("number", "Number"),
                            ("date", "Date"),
                            ("choice", "Single choice"),
                            ("multiple_choice", "Multiple choice"),
                        ],
                        default="text",
                        max_length=16,
                        verbose_name="type",
                    ),
                ),
                (
                    "choices",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="The options of a choice field",
                        verbose_name="choices",
                    ),
                ),
                ("required", models.BooleanField(default=False, verbose_name="required")),
                ("help_text", models.CharField(blank=True, max_length=200, verbose_name="help text")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                ("archived_at", models.DateTimeField(blank=True, null=True, verbose_name="archived")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "custom field",
                "verbose_name_plural": "custom fields",
                "ordering": ["applies_to", "position", "label", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("applies_to", "key"), name="custom_field_key_unique")
                ],
            },
        ),
        migrations.AddField(
            model_name="importjob",
            name="column_map",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Columns mapped on the preview: header -> custom field key, or '-'",
            ),
        ),
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
