"""`python -m bench load`: gunicorn with the production settings on PostgreSQL, under recruiters driven by locust.

The database gets the demo data, grown to 100,000 candidates (bench.search's bulk loader) and a 5,000-card board
(bench.board's builder). gunicorn (3 sync workers, DEBUG off, a generated SECRET_KEY, ALLOWED_HOSTS 127.0.0.1)
listens on loopback only; locust runs headless and bounded in time at 10 and then 50 concurrent users, with the
mix of bench/locustfile.py. Per request kind: throughput, median and p99 (ms), errors; and the server's peak
memory (the resident size of gunicorn and its workers, summed, sampled every half second).
"""

import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import setup_fresh_database

CANDIDATES = 100_000
BOARD_CARDS = 5000
USERS = (10, 50)
RUN_TIME = os.environ.get("LOAD_RUN_TIME", "60s")
ROOT = Path(__file__).resolve().parent.parent


def seed() -> dict[str, str]:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.middleware.csrf import _get_new_csrf_string

    from bench.board import build
    from bench.search import load_candidates
    from candidates.models import Candidate
    from pipelines.models import Card
    from tests.factories import RecruiterFactory

    load_candidates(CANDIDATES)
    call_command("seed_demo", verbosity=0)  # the demo's people, roles and sequences next to the 100,000
    first = Candidate.objects.order_by("pk").values_list("pk", flat=True).first()
    requisition, stages = build(BOARD_CARDS, "load")
    recruiter = RecruiterFactory(username="load-recruiter")
    session = SessionStore()
    user = get_user_model().objects.get(pk=recruiter.pk)
    session.update(
        {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "recruiting.sso.LocalPasswordBackend",  # as a password sign-in stores it
            "_auth_user_hash": user.get_session_auth_hash(),
        }
    )
    session.create()
    cards = Card.objects.filter(pipeline=requisition.pipeline).values_list("pk", flat=True)[:2000]
    return {
        "LOAD_CANDIDATES": str(Candidate.objects.filter(pk__gte=first).count()),
        "LOAD_FIRST_CANDIDATE": str(first),
        "LOAD_REQUISITION": str(requisition.pk),
        "LOAD_CARDS": ",".join(map(str, cards)),
        "LOAD_STAGES": ",".join(str(s.pk) for s in stages),
        "LOAD_SESSION": session.session_key,
        "LOAD_CSRF": _get_new_csrf_string(),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PeakMemory(threading.Thread):
    """The largest resident size of a process and its children seen so far, in MB."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self):
        import psutil

        root = psutil.Process(self.pid)
        while self.running:
            try:
                rss = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
            except psutil.Error:
                rss = 0
            self.peak = max(self.peak, rss / 2**20)
            time.sleep(0.5)


def run_locust(users: int, host: str, env: dict[str, str], out: Path) -> list[dict[str, str]]:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            RUN_TIME,
            "--host",
            host,
            "--csv",
            str(out),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        timeout=600,
    )
    with open(f"{out}_stats.csv") as stats:
        return list(csv.DictReader(stats))


def main() -> int:
    try:
        setup_fresh_database()
    except Exception as error:
        print(f"skipped: {error}".splitlines()[0])
        return 0
    from django.db import connection

    if connection.vendor != "postgresql":
        print("skipped: the load benchmark runs on PostgreSQL")
        return 0
    started = time.perf_counter()
    ids = seed()
    connection.close()
    print(
        f"seeded in {time.perf_counter() - started:.0f} s: {CANDIDATES:,} candidates, a {BOARD_CARDS:,}-card board"
    )
    port = free_port()
    static_root = tempfile.mkdtemp(prefix="longlist-load-static-")
    env = {
        **os.environ,  # SECRET_KEY: the one the session above was signed with (bench/__main__.py makes one)
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "FORCE_HTTPS": "0",
        "CONN_MAX_AGE": "60",  # as docker-compose.yml runs the web service: a connection per worker, kept
        "STATIC_ROOT": static_root,
        **ids,
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "recruiting.wsgi",
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        memory = PeakMemory(server.pid)
        memory.start()
        with tempfile.TemporaryDirectory() as folder:
            for users in USERS:
                rows = run_locust(users, f"http://127.0.0.1:{port}", env, Path(folder) / f"u{users}")
                print(f"\n{users} users, {RUN_TIME} (gunicorn 3 sync workers, shared 2-core machine)")
                print(
                    f"{'request':22} {'req/s':>7} {'median ms':>10} {'p99 ms':>8} {'requests':>9} {'errors':>7}"
                )
                for row in rows:
                    print(
                        f"{row['Name']:22} {float(row['Requests/s']):>7.1f} {row['50%']:>10} {row['99%']:>8} "
                        f"{row['Request Count']:>9} {row['Failure Count']:>7}"
                    )
        memory.running = False
        print(f"\nserver peak memory: {memory.peak:.0f} MB (gunicorn and its workers, resident)")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruiting.settings")
    sys.exit(main())
