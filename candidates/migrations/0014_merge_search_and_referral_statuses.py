"""Joins two lines of migrations written side by side: the search indexes (0011-0013 ..._skill_keys,
_search_orders_and_filters, _search_email_prefix) and referral statuses from the boards (0011-0012)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0013_search_email_prefix"),
        ("candidates", "0012_referral_received_label"),
    ]

    operations = []
