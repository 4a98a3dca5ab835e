"""Load realistic demo data: users for every role, ~300 candidates, pools, sequences, boards and referrals.

    python manage.py seed_demo

Deterministic and idempotent (a second run creates and changes nothing); see recruiting/demo/. With DEBUG off it
runs only when DEMO=1: its accounts' password is public.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from candidates.models import Candidate, Referral, TalentPool
from outreach.models import Enrollment, Sequence
from pipelines.models import Card, Requisition
from recruiting.demo.accounts import PASSWORD, USERS
from recruiting.demo.load import load_demo


class Command(BaseCommand):
    help = (
        "Load deterministic demo data (users, candidates, pools, sequences, boards, referrals). Idempotent."
    )

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.DEMO):
            raise CommandError(
                f"seed_demo makes accounts whose password ({PASSWORD!r}) is public: with DEBUG off it runs only "
                "on a demo server, with DEMO=1. For production, make your admin with `manage.py createsuperuser`."
            )
        started = time.monotonic()
        demo = load_demo(now=timezone.now())
        elapsed = time.monotonic() - started

        if demo.created:
            summary = ", ".join(f"{n} {what}" for what, n in demo.created.items() if n)
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f}s: {summary}."))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data already loaded; nothing to do ({elapsed:.1f}s).")
            )
        self.stdout.write(
            f"Totals: {Candidate.objects.count()} candidates, {TalentPool.objects.count()} pools, "
            f"{Requisition.objects.count()} requisitions, {Card.objects.count()} cards, "
            f"{Sequence.objects.count()} sequences, {Enrollment.objects.count()} enrollments, "
            f"{Referral.objects.count()} referrals."
        )
        self.stdout.write(f"Demo logins (password {PASSWORD}):")
        for username, first, last, role, _ in USERS:
            if username in {"admin", "recruiter", "manager", "employee"}:
                note = " (existing account: password not changed)" if username in demo.existing_users else ""
                self.stdout.write(f"  {username:<10} {role} — {first} {last}{note}")
