"""`make bench`: run every benchmark module in its own process and print their reports.

Each module in bench/ with a ``main()`` is one benchmark. It sets up its own database (named by the
DATABASE_URL this runner gives it), measures medians against a floor measured in the same run, and prints
a short report. Benchmarks needing PostgreSQL are skipped with a message when it does not answer.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BENCHES = [
    # (module, database URL or None for a fresh SQLite file)
    ("bench.imports", None),
    ("bench.search", "postgres://postgres@127.0.0.1:5432/longlist_bench"),
    ("bench.board", "postgres://postgres@127.0.0.1:5432/longlist_bench"),
    ("bench.pacing", None),
    ("bench.dispatch", None),
    ("bench.dispatch", "postgres://postgres@127.0.0.1:5432/longlist_bench"),
    # gunicorn under locust at 10 and 50 users: about 7 minutes
    ("bench.load", "postgres://postgres@127.0.0.1:5432/longlist_bench"),
]


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    # `python -m bench search --candidates 1000000`: names of benchmarks, then options passed on to them
    args = sys.argv[1:]
    first_option = next((i for i, arg in enumerate(args) if arg.startswith("-")), len(args))
    only, options = set(args[:first_option]), args[first_option:]
    failed = 0
    secret_key = secrets.token_urlsafe(50)
    for module, database_url in BENCHES:
        if only and module.split(".")[-1] not in only:
            continue
        if not (root / (module.replace(".", "/") + ".py")).exists():
            continue
        # The benchmarks run with DEBUG off (Django would keep every query), so they need a real key; they load
        # the demo data (and its public-password accounts) on purpose, so DEMO=1.
        env = {
            "SECRET_KEY": secret_key,
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "recruiting.settings",
            "DEMO": "1",
        }
        env["DATABASE_URL"] = database_url or f"sqlite:///{root / 'var' / 'bench.sqlite3'}"
        print(f"\n=== {module} ===", flush=True)
        failed += subprocess.run([sys.executable, "-m", module, *options], cwd=root, env=env).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
