"""Pacing moves from each sequence to its sender's identity: every sequence sender gets an identity (their name
and address, the lowest daily cap of their sequences as its daily limit, the timezone of one of their
sequences, all day as its window: the sequences' windows keep the candidates' hours), the planned emails of sequences go out as their sender, and the sequences' own caps go."""

import datetime

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def identities_and_senders(apps, schema_editor):
    Sequence = apps.get_model("outreach", "Sequence")
    SenderIdentity = apps.get_model("outreach", "SenderIdentity")
    Touch = apps.get_model("outreach", "Touch")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    caps: dict[int, tuple[int, str]] = {}
    for sender_id, cap, zone in Sequence.objects.filter(sender__isnull=False).values_list(
        "sender_id", "daily_cap", "sender_timezone"
    ):
        caps[sender_id] = min(caps.get(sender_id, (cap, zone)), (cap, zone))
    existing = set(SenderIdentity.objects.values_list("user_id", flat=True))
    for user in User.objects.filter(pk__in=set(caps) - existing):
        cap, zone = caps[user.pk]
        SenderIdentity.objects.create(
            user=user,
            display_name=(f"{user.first_name} {user.last_name}".strip() or user.username)[:150],
            address=user.email or "recruiting@longlist.localhost",
            daily_limit=max(cap, 1),
            timezone=zone or "UTC",
        )
    Touch.objects.filter(sender__isnull=True, channel="email", kind="sequence").update(
        sender_id=Subquery(Sequence.objects.filter(enrollments=OuterRef("enrollment_id")).values("sender_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0014_merge_search_and_referral_statuses"),
        ("outreach", "0010_outbox_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="senderidentity",
            name="send_window_start",
            field=models.TimeField(default=datetime.time(0, 0)),
        ),
        migrations.AlterField(
            model_name="senderidentity",
            name="send_window_end",
            field=models.TimeField(default=datetime.time(23, 59)),
        ),
        migrations.RunPython(identities_and_senders, migrations.RunPython.noop),
        migrations.RemoveField(model_name="sequence", name="daily_cap"),
        migrations.AddIndex(
            model_name="touch",
            index=models.Index(fields=["sender", "status", "due_at"], name="touch_sender_due_idx"),
        ),
        migrations.AddIndex(
            model_name="touch",
            index=models.Index(fields=["sender", "sent_at"], name="touch_sender_sent_idx"),
        ),
    ]
