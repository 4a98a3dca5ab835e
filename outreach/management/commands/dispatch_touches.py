from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from outreach import conversation
from outreach.dispatch import dispatch_due_touches


def aware_datetime(value: str) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        raise CommandError(f"--now must be an ISO date-time such as 2027-03-01T09:30:00Z, not {value!r}.")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = (
        "Run one pass of the nurture dispatcher: start the planned-role campaigns due, send the emails due."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", type=aware_datetime, help="Pretend it is this time (ISO 8601)")
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, now=None, batch_size=200, **options):
        started = conversation.start_due_campaigns(now=now)
        result = dispatch_due_touches(now=now, batch_size=batch_size)
        self.stdout.write(
            f"Campaigns started {len(started)}. Sent {result.sent}, skipped {result.skipped}, "
            f"retrying {result.retried}, failed {result.failed}, possibly delivered {result.possibly_delivered}."
        )
