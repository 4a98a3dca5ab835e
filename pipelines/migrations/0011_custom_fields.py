"""Requisition.custom_fields, with a GIN index on PostgreSQL (candidates migration 0018 explains)."""

from django.db import migrations, models

CREATE = [
    "CREATE INDEX IF NOT EXISTS requisition_custom_fields_gin ON pipelines_requisition USING gin (custom_fields)"
]
DROP = ["DROP INDEX IF EXISTS requisition_custom_fields_gin"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("pipelines", "0010_card_next_meeting"),
    ]

    operations = [
        migrations.AddField(
            model_name="requisition",
            name="custom_fields",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
