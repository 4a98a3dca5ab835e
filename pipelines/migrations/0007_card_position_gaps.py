from django.db import migrations, models


class Migration(migrations.Migration):
    """Card positions become keys with gaps: the 0..n-1 numbering of each column is spread 1024 apart."""

    dependencies = [("pipelines", "0006_stage_is_hired")]

    operations = [
        migrations.AlterField(model_name="card", name="position", field=models.BigIntegerField(default=0)),
        migrations.RunSQL(
            "UPDATE pipelines_card SET position = position * 1024",
            # Back to each card's rank in its column, 0..n-1.
            "UPDATE pipelines_card SET position = (SELECT COUNT(*) FROM pipelines_card o "
            "WHERE o.stage_id = pipelines_card.stage_id AND (o.position < pipelines_card.position "
            "OR (o.position = pipelines_card.position AND o.id < pipelines_card.id)))",
        ),
    ]
