"""Joins two lines of migrations written side by side (the skills index for search, referral statuses from the
boards)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0011_candidate_skill_keys"),
        ("candidates", "0012_referral_received_label"),
    ]

    operations = []
