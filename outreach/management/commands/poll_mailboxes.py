from django.core.management.base import BaseCommand

from outreach.mailboxes import poll_all


class Command(BaseCommand):
    help = "Read every active inbound mailbox once (IMAP): replies, auto-replies, bounces and complaints."

    def handle(self, *args, **options):
        results = poll_all()
        for result in results:
            if not result.polled:
                self.stdout.write(f"Mailbox {result.mailbox_id}: being polled by another worker, skipped.")
            elif result.error:
                self.stderr.write(f"Mailbox {result.mailbox_id}: {result.error}")
            else:
                self.stdout.write(
                    f"Mailbox {result.mailbox_id}: {result.handled} new, {result.skipped} seen before."
                )
        self.stdout.write(f"{len(results)} mailbox(es) polled.")
