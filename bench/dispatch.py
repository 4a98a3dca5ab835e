"""Dispatch throughput: due email touches sent per second to the locmem email backend.

For 10,000 and 100,000 due touches on the database in DATABASE_URL, next to a floor measured in the same run:
raw SQL that claims and marks the same rows in the same batches, without rendering or sending.
The dispatcher runs in a process of its own, sending to a backend that builds each message and drops it, so
that process's peak RSS is the dispatcher's alone: the same at both sizes means its memory does not grow with
the backlog.
"""

import os
import resource
import subprocess
import sys
import time

import django
from django.core.mail.backends.base import BaseEmailBackend

from bench.common import setup_fresh_database

SIZES = [int(n) for n in os.environ.get("BENCH_DISPATCH_SIZES", "10000,100000").split(",")]
BATCH = 200


def make_due_touches(count: int):
    from candidates.models import Candidate
    from outreach.models import Enrollment, Touch
    from tests.factories import make_due_emails

    Touch.objects.all().delete()
    Enrollment.objects.all().delete()
    Candidate.objects.all().delete()
    make_due_emails(count)


def raw_claim_and_mark() -> float:
    """The floor: the same claim/mark cycle as plain SQL, batch by batch, in seconds."""
    from django.db import connection, transaction

    postgres = connection.vendor == "postgresql"
    pick = "SELECT id FROM outreach_touch WHERE status = 'scheduled' ORDER BY due_at, id LIMIT %s"
    if postgres:
        pick += " FOR UPDATE SKIP LOCKED"
    started = time.perf_counter()
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(pick, [BATCH])
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                break
            marks = ",".join(["%s"] * len(ids))
            cursor.execute(f"UPDATE outreach_touch SET status = 'sending' WHERE id IN ({marks})", ids)
        with transaction.atomic(), connection.cursor() as cursor:
            for touch_id in ids:
                cursor.execute(
                    "UPDATE outreach_touch SET status = 'sent' WHERE id = %s AND status = 'sending'",
                    [touch_id],
                )
    return time.perf_counter() - started


class DiscardingBackend(BaseEmailBackend):
    """Builds each message's MIME bytes, as an SMTP backend would, then drops them: no outbox to grow."""

    def send_messages(self, messages):
        for message in messages:
            message.message().as_bytes()
        return len(messages)


def dispatch_in_own_process() -> tuple[float, int, float]:
    """Run the dispatcher over the backlog in a fresh process: (seconds, sent, that process's peak RSS MiB)."""
    output = subprocess.run(
        [sys.executable, "-m", "bench.dispatch", "--dispatch-only"],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "recruiting.settings"},
    ).stdout.split()
    return float(output[0]), int(output[1]), float(output[2])


def dispatch_only() -> None:
    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from outreach.dispatch import dispatch_due_touches

    settings.EMAIL_BACKEND = f"{__name__}.DiscardingBackend"
    started = time.perf_counter()
    result = dispatch_due_touches(now=timezone.now(), batch_size=BATCH)
    elapsed = time.perf_counter() - started
    print(elapsed, result.sent, peak_rss_mib())


def peak_rss_mib() -> float:
    """This program's peak RSS. Not getrusage's ru_maxrss: Linux carries that over from the parent's memory
    at fork, so a dispatcher started by a parent holding the generated rows would report the parent's."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    try:
        setup_fresh_database()
    except Exception as error:  # PostgreSQL not answering
        print(f"skipped: {error}".splitlines()[0])
        return 0
    from django.db import connection

    print(f"database: {connection.vendor}")
    print(
        f"{'due touches':>12} {'dispatch s':>11} {'sent/s':>9} {'floor s':>8} {'floor/s':>9} {'ratio':>6} "
        f"{'dispatcher peak RSS MiB':>24}"
    )
    for size in SIZES:
        make_due_touches(size)
        floor = raw_claim_and_mark()
        make_due_touches(size)
        connection.close()
        elapsed, sent, peak = dispatch_in_own_process()
        assert sent == size, f"sent {sent} of {size}"
        print(
            f"{size:>12,} {elapsed:>11.1f} {sent / elapsed:>9,.0f} {floor:>8.1f} {size / floor:>9,.0f} "
            f"{elapsed / floor:>6.1f} {peak:>24.0f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruiting.settings")
    if "--dispatch-only" in sys.argv:
        dispatch_only()
        sys.exit(0)
    sys.exit(main())
