"""Joins two migrations written side by side (the skills index for search, referral statuses from the boards)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0011_candidate_skill_keys"),
        ("candidates", "0011_referral_from_board"),
    ]

    operations = []
