"""Rejection emails waiting to go become outbox rows, which the dispatcher sends (the beat task that sent them
is gone)."""

import uuid

from django.db import migrations


def scheduled_emails_to_outbox(apps, schema_editor):
    RejectionEmail = apps.get_model("outreach", "RejectionEmail")
    Touch = apps.get_model("outreach", "Touch")
    waiting = RejectionEmail.objects.filter(status="scheduled", touch__isnull=True).select_related("template")
    for email in waiting.iterator():
        email.touch = Touch.objects.create(
            kind="rejection",
            candidate_id=email.candidate_id,
            channel="email",
            status="scheduled",
            due_at=email.send_after,
            sender_id=email.sender_id,
            created_by_id=email.sender_id,
            subject=email.template.subject,
            body=email.template.body,
            personal=True,
            idempotency_key=uuid.uuid4(),
        )
        email.save(update_fields=["touch"])


class Migration(migrations.Migration):
    dependencies = [("outreach", "0011_outbox")]

    operations = [migrations.RunPython(scheduled_emails_to_outbox, migrations.RunPython.noop)]
