"""CSV import benchmark: rows per second and peak memory of importing generated CSV files on SQLite.

    .venv/bin/python -m bench imports

Generates LinkedIn-export-like files (with Skills and Country columns, ~1% bad rows, ~2% repeated people)
of 10,000 and 100,000 rows and imports them inline (no Celery) into a fresh database: the preview (read,
validate, look up duplicates) and the import (write in batches). Floors measured in the same run on the
same file: reading and validating only, and reading + a raw sqlite3 executemany of the rows into a plain
table. Wall-clock rates depend on what else the machine runs, so CPU time of this process is shown too.

Memory is measured in a second pass over other people with tracemalloc (which slows Python down, so the
timed pass runs without it): the import streams the file in batches of 1,000 rows, so its peak does not
grow with the file. The preview remembers a hash of each email and LinkedIn URL to recognise repeats
across batches without writing, about 100 bytes a row.
"""

import csv
import os
import random
import resource
import shutil
import sqlite3
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from bench.common import setup_fresh_database

FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Linus",
    "Margaret",
    "Ken",
    "Barbara",
    "Edsger",
    "Donald",
    "Frances",
    "Radia",
    "Guido",
    "Anita",
    "Tim",
    "Sophie",
    "Niklaus",
    "Hedy",
    "John",
    "Karen",
    "Bjarne",
]
LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Torvalds",
    "Hamilton",
    "Thompson",
    "Liskov",
    "Dijkstra",
    "Knuth",
    "Allen",
    "Perlman",
    "Rossum",
    "Borg",
    "Lee",
    "Wilson",
    "Wirth",
    "Lamarr",
    "Backus",
    "Jones",
    "Stroustrup",
]
COMPANIES = [
    f"{a} {b}"
    for a in ("North", "Blue", "Bright", "Iron", "Silver", "Open")
    for b in ("Labs", "Systems", "Bank", "Health", "Works")
]
TITLES = [
    f"{a} {b}"
    for a in ("Senior", "Staff", "Lead", "Principal", "")
    for b in ("Engineer", "Data Scientist", "Designer", "Product Manager", "Analyst")
]
SKILLS = [
    "Python",
    "Django",
    "SQL",
    "Go",
    "Rust",
    "Kubernetes",
    "React",
    "TypeScript",
    "Figma",
    "Spark",
    "Kafka",
    "AWS",
    "Terraform",
    "Swift",
    "Kotlin",
]
COUNTRIES = ["GB", "DE", "France", "Netherlands", "US", "ES", "Poland", "SE", "Ireland", "IT"]
HEADER = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
    "Skills",
    "Country",
]


def generate(path: Path, rows: int, *, people: str, seed: int) -> None:
    """A LinkedIn-export-like CSV; ``people`` keeps emails and profiles apart between files."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as file:
        file.write('Notes:\n"When exporting your connection data, some email addresses may be missing."\n\n')
        writer = csv.writer(file)
        writer.writerow(HEADER)
        written: list[list[str]] = []
        for i in range(rows):
            luck = rng.random()
            if luck < 0.02 and written:  # the same person again, with a newer title
                row = list(rng.choice(written[-5000:]))
                row[5] = rng.choice(TITLES).strip()
            else:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                slug = f"{first}-{last}-{people}{i}".lower()
                row = [
                    first,
                    last,
                    f"https://www.linkedin.com/in/{slug}",
                    f"{slug}@example.org" if rng.random() < 0.6 else "",
                    rng.choice(COMPANIES),
                    rng.choice(TITLES).strip(),
                    f"{rng.randint(1, 28)} Mar {rng.randint(2010, 2025)}",
                    ", ".join(rng.sample(SKILLS, rng.randint(0, 4))),
                    rng.choice(COUNTRIES),
                ]
                if luck > 0.99:  # a bad row: a broken email, a profile elsewhere, or no first name
                    kind = rng.randrange(3)
                    if kind == 0:
                        row[3] = f"{slug}@"
                    elif kind == 1:
                        row[2] = f"https://example.com/in/{slug}"
                    else:
                        row[0] = ""
                written.append(row)
            writer.writerow(row)


@dataclass
class Step:
    name: str
    rows: int
    seconds: float  # wall clock
    cpu_seconds: float  # this process only: other work on the machine does not count


def timed(name: str, fn: Callable[[], Any]) -> tuple[Any, Step]:
    start, cpu_start = time.perf_counter(), time.process_time()
    result = fn()
    return result, Step(name, 0, time.perf_counter() - start, time.process_time() - cpu_start)


def traced_mb(fn: Callable[[], Any]) -> tuple[Any, float]:
    """fn's result and the peak of memory it allocated, in MB (tracemalloc must be tracing)."""
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    result = fn()
    return result, (tracemalloc.get_traced_memory()[1] - baseline) / 1024 / 1024


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="longlist-bench-imports-"))
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ["DEBUG"] = "0"  # with DEBUG, Django keeps every query in memory
    setup_fresh_database()

    from django.core.files import File

    from candidates.imports import jobs, reading
    from candidates.models import Candidate

    def read_only(path: Path) -> int:
        with path.open("rb") as stream:
            return sum(1 for _ in reading.read_rows(stream)[1])

    def read_and_raw_insert(path: Path) -> int:
        """The floor for writing: the same rows into a plain table, 1,000 a transaction, no dedup."""
        db = sqlite3.connect(work / "raw.sqlite3")
        db.executescript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            "CREATE TABLE person (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT,"
            " linkedin_url TEXT, title TEXT, company TEXT, country TEXT, skills TEXT);"
        )
        count = 0
        with path.open("rb") as stream:
            for batch in reading.batches(reading.read_rows(stream)[1]):
                values = [
                    (
                        row.fields["first_name"],
                        row.fields.get("last_name", ""),
                        row.fields.get("email", ""),
                        row.fields.get("linkedin_url", ""),
                        row.fields.get("title", ""),
                        row.fields.get("company", ""),
                        row.fields.get("country", ""),
                        ",".join(row.skills),
                    )
                    for row in batch
                    if not row.error
                ]
                with db:
                    db.executemany("INSERT INTO person VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?)", values)
                count += len(values)
        db.close()
        return count

    def preview(path: Path):
        with path.open("rb") as stream:
            return jobs.create_import(upload=File(stream, name=path.name))[0]

    def run(job):
        job = jobs.start_import(job, inline=True)
        assert job.status == "done", job.failure
        return job

    files = {}
    for label, rows in (("10k", 10_000), ("100k", 100_000), ("traced-10k", 10_000), ("traced-30k", 30_000)):
        files[label] = work / f"connections-{label}.csv"
        generate(files[label], rows, people=label, seed=rows)

    load_before = os.getloadavg()[0]
    steps: list[Step] = []
    rows, step = timed("floor: read + validate, no database", partial(read_only, files["100k"]))
    steps.append(replace(step, rows=rows))
    rows, step = timed("floor: read + raw sqlite3 executemany", partial(read_and_raw_insert, files["100k"]))
    steps.append(replace(step, rows=rows))
    counts = {}
    for label in ("10k", "100k"):
        job, preview_step = timed(
            f"preview {label} (read, validate, look up)", partial(preview, files[label])
        )
        job, import_step = timed(f"import {label} (batches of {reading.BATCH_SIZE:,})", partial(run, job))
        steps += [replace(preview_step, rows=job.total_rows), replace(import_step, rows=job.total_rows)]
        steps.append(
            Step(
                f"preview + import {label}",
                job.total_rows,
                preview_step.seconds + import_step.seconds,
                preview_step.cpu_seconds + import_step.cpu_seconds,
            )
        )
        counts[label] = (
            f"{job.created_count:,} new, {job.matched_count:,} matched, {job.error_count:,} refused"
        )
    load_after = os.getloadavg()[0]

    tracemalloc.start()
    peaks = {}
    for label in ("traced-10k", "traced-30k"):
        job, peaks[f"preview {label}"] = traced_mb(partial(preview, files[label]))
        _, peaks[f"import {label}"] = traced_mb(partial(run, job))
    tracemalloc.stop()
    shutil.rmtree(work)

    print(
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, load average {load_before:.1f} before the timed "
        f"steps and {load_after:.1f} after; {Candidate.objects.count():,} candidates at the end"
    )
    print(
        f"{'step (100k unless named)':<42} {'rows':>8} {'wall s':>7} {'rows/s':>7} {'CPU s':>6} {'rows/CPU s':>10}"
    )
    for s in steps:
        print(
            f"{s.name:<42} {s.rows:>8,} {s.seconds:>7.1f} {s.rows / s.seconds:>7,.0f} {s.cpu_seconds:>6.1f} "
            f"{s.rows / s.cpu_seconds:>10,.0f}"
        )
    print(f"outcome 10k: {counts['10k']}; 100k: {counts['100k']}")
    print(
        "peak memory allocated (tracemalloc): "
        + ", ".join(f"{name.replace('traced-', '')} {mb:.1f} MB" for name, mb in peaks.items())
    )
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    import_100k = next(s for s in steps if s.name.startswith("import 100k"))
    print(
        f"target >= 2,000 rows/s: the 100k import ran at {import_100k.rows / import_100k.seconds:,.0f} rows/s "
        f"wall clock, {import_100k.rows / import_100k.cpu_seconds:,.0f} rows per CPU second"
    )


if __name__ == "__main__":
    main()
