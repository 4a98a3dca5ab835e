"""Pacing: the pure function that plans when each email of an identity goes out, over 100,000 queued emails of
50 identities (2,000 each, due over the last month: a dispatcher that was down, or a large enrollment).

Reports the time to plan them all, next to a floor measured in the same run (ordering each identity's backlog
by due date and finding each due date's local day: the least any pacing must do), and the largest number of
emails any identity sends in one of its local days, which must be its daily limit: never more, and the
backlog is spread at exactly that pace.
"""

import os
import random
import statistics
import sys
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

QUEUED = int(os.environ.get("BENCH_PACING_EMAILS", "100000"))
IDENTITIES = 50
DAILY_LIMIT = 40
ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # DST changes in New York, London and Sydney in the weeks after


def identities(seed: int = 16):
    from outreach.pacing import Pace, Queued
    from outreach.timing import SendWindow

    rng = random.Random(seed)
    per_identity = QUEUED // IDENTITIES
    result = []
    for n in range(IDENTITIES):
        pace = Pace(
            daily_limit=DAILY_LIMIT,
            window=SendWindow(time(8 + n % 3), time(17, 30), business_days_only=n % 2 == 0),
            spacing=timedelta(minutes=2),
            tz=ZoneInfo(ZONES[n % len(ZONES)]),
        )
        backlog = [
            Queued(
                key=n * per_identity + i,
                due_at=NOW - timedelta(minutes=rng.randrange(60 * 24 * 30)),
                recipient=rng.randrange(per_identity) if i % 4 == 0 else None,
                gap=timedelta(days=3) if i % 4 == 0 else timedelta(0),
            )
            for i in range(per_identity)
        ]
        result.append((pace, backlog))
    return result


def plan_all(queues) -> list[list[tuple[int, datetime]]]:
    from outreach.pacing import plan

    return [plan(pace=pace, backlog=backlog, now=NOW) for pace, backlog in queues]


def floor(queues) -> None:
    for pace, backlog in queues:
        [item.due_at.astimezone(pace.tz).date() for item in sorted(backlog, key=lambda item: item.due_at)]


def max_per_identity_day(queues, plans) -> int:
    most = 0
    for (pace, _), planned in zip(queues, plans, strict=True):
        per_day = Counter(at.astimezone(pace.tz).date() for _, at in planned)
        most = max(most, *per_day.values())
    return most


def main() -> int:
    import django

    django.setup()
    from bench.common import paired_timings_ms

    queues = identities()
    plans = plan_all(queues)
    planned = sum(len(p) for p in plans)
    assert planned == QUEUED, f"planned {planned} of {QUEUED}"
    most = max_per_identity_day(queues, plans)
    pacing_ms, floor_ms = paired_timings_ms(
        lambda: plan_all(queues), lambda: floor(queues), repeat=3, warmup=0
    )
    pacing, base = statistics.median(pacing_ms), statistics.median(floor_ms)
    last = max(at for p in plans for _, at in p)
    print(
        f"{'queued':>8} {'identities':>10} {'plan s':>7} {'emails/s':>9} {'floor s':>8} {'ratio':>6} "
        f"{'max per identity-day':>21} {'daily limit':>12} {'last send':>11}"
    )
    print(
        f"{QUEUED:>8,} {IDENTITIES:>10} {pacing / 1000:>7.2f} {QUEUED / (pacing / 1000):>9,.0f} "
        f"{base / 1000:>8.2f} {pacing / base:>6.1f} {most:>21} {DAILY_LIMIT:>12} {last:%Y-%m-%d}",
        flush=True,
    )
    if most != DAILY_LIMIT:
        print(f"FAILED: the busiest identity-day has {most} emails, the daily limit is {DAILY_LIMIT}")
        return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruiting.settings")
    sys.exit(main())
