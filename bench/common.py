"""Helpers shared by the benchmarks: a fresh database, timing, and the report format."""

import os
import statistics
import time
from collections.abc import Callable

import django


def setup_fresh_database() -> None:
    """Point Django at DATABASE_URL, recreate that database empty and migrate it."""
    from pathlib import Path

    import environ

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if config["ENGINE"].endswith("sqlite3"):
        path = Path(config["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        import psycopg2

        admin = psycopg2.connect(
            host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], dbname="postgres"
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
        admin.close()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timings_ms(fn: Callable[[], object], repeat: int = 15, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    result = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        result.append((time.perf_counter() - start) * 1000)
    return result


def paired_timings_ms(
    fn: Callable[[], object], floor: Callable[[], object], repeat: int = 15, warmup: int = 2
) -> tuple[list[float], list[float]]:
    """Times of `fn` and of its floor, taken in turns, so that a busy machine's ups and downs fall on both."""
    for _ in range(warmup):
        fn()
        floor()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, result in ((fn, times[0]), (floor, times[1])):
            start = time.perf_counter()
            run()
            result.append((time.perf_counter() - start) * 1000)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
