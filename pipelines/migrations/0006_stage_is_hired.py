"""Hired becomes a property of the stage: the "Hired" stage of every role's board is marked, and the card
status "hired" (which nothing set) goes: a hired person's card stays in process in the hired stage."""

from django.db import migrations, models


def mark_hired_stages(apps, schema_editor):
    Stage = apps.get_model("pipelines", "Stage")
    Card = apps.get_model("pipelines", "Card")
    Stage.objects.filter(pipeline__kind="requisition", name__iexact="Hired").update(is_hired=True)
    Card.objects.filter(status="hired").update(status="active")


class Migration(migrations.Migration):
    dependencies = [("pipelines", "0005_careers_applications")]

    operations = [
        migrations.AddField(
            model_name="stage",
            name="is_hired",
            field=models.BooleanField(
                default=False,
                help_text="Reaching this stage means hired: outreach stops and reports count a hire",
            ),
        ),
        migrations.AlterField(
            model_name="card",
            name="status",
            field=models.CharField(
                choices=[("active", "In process"), ("rejected", "Rejected"), ("withdrawn", "Withdrew")],
                default="active",
                max_length=10,
            ),
        ),
        migrations.RunPython(mark_hired_stages, migrations.RunPython.noop),
    ]
