"""CSV import benchmark: rows per second and peak memory of importing generated CSV files on SQLite.

    .venv/bin/python -m bench imports

Generates LinkedIn-export-like files (with Skills and Country columns, ~1% bad rows, ~2% repeated people)
of 10,000 and 100,000 rows and imports them inline (no Celery) into a fresh database: the preview (read,
validate, look up duplicates) and the import (write in batches). Floors measured in the same run on the
same file: reading and validating only, and reading + a raw sqlite3 executemany of the rows into a plain
table. Each step reports the peak resident memory of the process while it ran: the import streams the file
in batches, so importing 100,000 rows should peak no higher than importing 10,000.
"""

import contextlib
import csv
import os
import random
import resource
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
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


def measured(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """fn's result, its wall time in seconds and the peak resident memory of the process while it ran, in MB.

    The peak is Linux's VmHWM, reset before fn through /proc/self/clear_refs; elsewhere it is the peak of the
    whole process so far (ru_maxrss).
    """
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    try:
        status = Path("/proc/self/status").read_text()
        peak_kb = int(status.split("VmHWM:")[1].split()[0])
    except (OSError, IndexError):
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result, seconds, peak_kb / 1024


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="longlist-bench-imports-"))
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ["DEBUG"] = "0"  # with DEBUG, Django keeps every query in memory
    setup_fresh_database()

    from django.core.files import File

    from candidates import csv_import
    from candidates.models import Candidate

    def read_only(path: Path) -> int:
        with path.open("rb") as stream:
            return sum(1 for _ in csv_import.read_rows(stream)[1])

    def read_and_raw_insert(path: Path) -> int:
        """The floor for writing: the same rows into a plain table, 1,000 a transaction, no dedup."""
        db = sqlite3.connect(work / "raw.sqlite3")
        db.executescript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; DROP TABLE IF EXISTS person;"
            "CREATE TABLE person (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT,"
            " linkedin_url TEXT, title TEXT, company TEXT, country TEXT, skills TEXT);"
        )
        count = 0
        with path.open("rb") as stream:
            for batch in csv_import._batches(csv_import.read_rows(stream)[1]):
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
            return csv_import.create_import(upload=File(stream, name=path.name))

    def run(job):
        return csv_import.start_import(job, inline=True)

    files = {}
    for label, rows, seed in (("10k", 10_000, 1), ("100k", 100_000, 2)):
        files[label] = work / f"connections-{label}.csv"
        generate(files[label], rows, people=label, seed=seed)

    table: list[tuple[str, int, float, float, str]] = []
    rows, seconds, peak = measured(partial(read_only, files["100k"]))
    table.append(("floor: read + validate 100k (no database)", rows, seconds, peak, ""))
    rows, seconds, peak = measured(partial(read_and_raw_insert, files["100k"]))
    table.append(("floor: read + raw sqlite3 executemany 100k", rows, seconds, peak, "valid rows, one table"))
    for label in ("10k", "100k"):
        (job, _), preview_seconds, preview_peak = measured(partial(preview, files[label]))
        table.append(
            (f"preview {label} (read, validate, look up)", job.total_rows, preview_seconds, preview_peak, "")
        )
        job, seconds, peak = measured(partial(run, job))
        assert job.status == "done", job.failure
        counts = f"{job.created_count:,} new, {job.matched_count:,} matched, {job.error_count:,} refused"
        table.append(
            (f"import {label} (batches of {csv_import.BATCH_SIZE:,})", job.total_rows, seconds, peak, counts)
        )
        table.append((f"preview + import {label}", job.total_rows, preview_seconds + seconds, 0, ""))
    shutil.rmtree(work)

    print(
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, {Candidate.objects.count():,} candidates at the end"
    )
    print(f"{'step':<44} {'rows':>8} {'seconds':>8} {'rows/s':>7} {'peak RSS':>9}  notes")
    for step, rows, seconds, peak, notes in table:
        memory = f"{peak:6.0f} MB" if peak else ""
        print(f"{step:<44} {rows:>8,} {seconds:>8.2f} {rows / seconds:>7,.0f} {memory:>9}  {notes}")
    import_100k = next(
        rows / seconds for step, rows, seconds, _, _ in table if step.startswith("import 100k")
    )
    verdict = "met" if import_100k >= 2000 else "NOT met"
    print(f"target: import >= 2,000 rows/s on SQLite: {verdict} ({import_100k:,.0f} rows/s)")


if __name__ == "__main__":
    main()
