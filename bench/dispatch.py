"""Dispatch throughput: due email touches sent per second to the locmem email backend.

For 10,000 and 100,000 due touches on the database in DATABASE_URL, next to a floor measured in the same run:
raw SQL that claims and marks the same rows in the same batches, without rendering or sending.
The process's peak RSS after each size shows the dispatcher's memory does not grow with the backlog (timing
runs without tracemalloc, which would slow Python several times over).
"""

import os
import resource
import sys
import time
from datetime import timedelta

from bench.common import setup_fresh_database

SIZES = [int(n) for n in os.environ.get("BENCH_DISPATCH_SIZES", "10000,100000").split(",")]
BATCH = 200


def make_due_touches(count: int):
    from django.utils import timezone

    from candidates.models import Candidate
    from outreach.models import Enrollment, Sequence, Step, Touch

    Touch.objects.all().delete()
    Enrollment.objects.all().delete()
    Candidate.objects.all().delete()
    sequence, _ = Sequence.objects.get_or_create(
        name="Bench", defaults={"min_gap_days": 0, "daily_cap": 10**6}
    )
    step, _ = Step.objects.get_or_create(
        sequence=sequence,
        position=0,
        defaults={"channel": "email", "subject": "Hi {{ first_name }}", "body": "Hi"},
    )
    due = timezone.now() - timedelta(minutes=1)
    for start in range(0, count, 5000):
        people = Candidate.objects.bulk_create(
            Candidate(first_name=f"P{i}", email=f"p{i}@example.org", source="applied")
            for i in range(start, min(count, start + 5000))
        )
        enrollments = Enrollment.objects.bulk_create(
            Enrollment(sequence=sequence, candidate=p) for p in people
        )
        Touch.objects.bulk_create(
            Touch(
                enrollment=e,
                candidate_id=e.candidate_id,
                step=step,
                channel="email",
                due_at=due,
                subject=step.subject,
                body=step.body,
            )
            for e in enrollments
        )


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


def dispatch() -> tuple[float, int, float]:
    from django.core import mail
    from django.utils import timezone

    from outreach import services

    mail.outbox = []
    started = time.perf_counter()
    result = services.dispatch_due_touches(now=timezone.now(), batch_size=BATCH)
    elapsed = time.perf_counter() - started
    assert len(mail.outbox) == result.sent
    mail.outbox = []  # the locmem outbox would otherwise hold every message
    return elapsed, result.sent, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    try:
        setup_fresh_database()
    except Exception as error:  # PostgreSQL not answering
        print(f"skipped: {error}".splitlines()[0])
        return 0
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # locmem email backend, as in the tests
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    print(f"database: {connection.vendor}")
    print(
        f"{'due touches':>12} {'dispatch s':>11} {'sent/s':>9} {'floor s':>8} {'floor/s':>9} {'ratio':>6} {'peak RSS MiB':>13}"
    )
    for size in SIZES:
        make_due_touches(size)
        floor = raw_claim_and_mark()
        make_due_touches(size)
        elapsed, sent, peak = dispatch()
        print(
            f"{size:>12,} {elapsed:>11.1f} {sent / elapsed:>9,.0f} {floor:>8.1f} {size / floor:>9,.0f} "
            f"{elapsed / floor:>6.1f} {peak:>13.0f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruiting.settings")
    sys.exit(main())
