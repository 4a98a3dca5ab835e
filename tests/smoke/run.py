"""The production smoke test: what docker-compose.yml runs, without containers.

The compose services' own commands (below; tests/recruiting/test_compose.py keeps the compose file on them) run
natively with the production settings (DEBUG=0, a fresh random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, no HTTPS
redirect) on a fresh PostgreSQL database and Redis, and a real SMTP server on loopback (aiosmtpd, in this
process) stands in for Mailpit. One journey is driven over HTTP: sign in, enroll two people in a sequence, beat
dispatches, the emails arrive with the one-click unsubscribe headers, a cookieless POST to one's unsubscribe URL
unsubscribes, a reply to the other through the inbound webhook stops their enrollment. Then the database is
dumped with pg_dump, restored into a new database, `migrate --check` passes on it and gunicorn serves the same
candidate from it. Each step is logged with its timing; any failure exits non-zero with the processes' logs.

    python -m tests.smoke          (make smoke; CI runs it after the PostgreSQL tests)

Settings: SMOKE_POSTGRES (default postgres://postgres@127.0.0.1:5432), SMOKE_REDIS_URL (redis://127.0.0.1:6379/0),
SMOKE_DATABASE (longlist_smoke; the restore goes to <name>_restore).
"""

import email
import email.policy
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent

# The commands of docker-compose.yml's services, with {placeholders} for what differs on one machine: the
# address gunicorn binds and where beat keeps its schedule. tests/recruiting/test_compose.py asserts the compose
# file runs exactly these.
MIGRATE = ["python", "manage.py", "migrate", "--noinput"]
GUNICORN = ["gunicorn", "recruiting.wsgi", "--bind", "{bind}", "--workers", "3", "--access-logfile", "-"]
WORKER = ["celery", "-A", "recruiting", "worker", "--loglevel=INFO", "-Q", "celery"]
BEAT = ["celery", "-A", "recruiting", "beat", "--loglevel=INFO", "--schedule={schedule}"]
WORKER_HEALTHCHECK = [
    "celery",
    "-A",
    "recruiting",
    "inspect",
    "ping",
    "--timeout",
    "10",
    "-d",
    "celery@{hostname}",
]
# The resume-worker service runs WORKER's command on the `resumes` queue; this journey uploads no résumé.

# Beat runs the dispatcher this often here (60 s by default): the journey waits for one run.
DISPATCH_INTERVAL_SECONDS = 10
EMAIL_DEADLINE_SECONDS = 120  # the bound: beat dispatches within two minutes of the enrollment
FROM_ENVIRONMENT = {
    "DEBUG",
    "DEMO",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "PYTEST_VERSION",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "EMAIL_BACKEND",
}


def compose_variables(*, database_url: str, redis_url: str, site_url: str, email_url: str) -> dict[str, str]:
    """The variables docker-compose.yml gives every service (x-app), with this machine's values; the compose
    file must name exactly these (tests/recruiting/test_compose.py)."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "DEMO": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": site_url,
        "EMAIL_URL": email_url,
        "DEFAULT_FROM_EMAIL": "Longlist <recruiting@longlist.localhost>",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
        "SENTRY_DSN": "",
        "METRICS_TOKEN": secrets.token_urlsafe(24),
        "INBOUND_EMAIL_SECRET": secrets.token_urlsafe(24),
        "OIDC_ISSUER": "",
        "OIDC_CLIENT_ID": "",
        "OIDC_CLIENT_SECRET": "",
        "OIDC_PROVIDER_NAME": "single sign-on",
        "LOCAL_LOGIN": "1",
        "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "0",
    }


def fill(command: list[str], **values: str) -> list[str]:
    return [part.format(**values) for part in command]


def executable(command: list[str]) -> list[str]:
    """python, gunicorn and celery from this virtualenv."""
    program = sys.executable if command[0] == "python" else str(BIN / command[0])
    return [program, *command[1:]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmokeFailure(Exception):
    pass


def expect(condition: object, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


# --- The step log ---------------------------------------------------------------------------------


@dataclass
class Log:
    started: float = field(default_factory=time.monotonic)
    steps: list[tuple[str, float, str]] = field(default_factory=list)

    def line(self, text: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f}s] {text}", flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[Callable[[str], None]]:
        """Run one step: its start, its notes and its outcome with how long it took."""
        self.line(f"-> {name}")
        began = time.monotonic()
        notes: list[str] = []

        def note(text: str) -> None:
            notes.append(text)
            self.line(f"     {text}")

        try:
            yield note
        except Exception as error:
            took = time.monotonic() - began
            self.steps.append((name, took, "FAILED"))
            self.line(f"<- {name}: FAILED after {took:.1f}s: {error}")
            raise
        took = time.monotonic() - began
        self.steps.append((name, took, "ok"))
        self.line(f"<- {name}: ok ({took:.1f}s)")

    def summary(self, passed: bool) -> None:
        print("\n==== smoke test: steps ====", flush=True)
        for number, (name, took, outcome) in enumerate(self.steps, 1):
            print(f"  {number:2d}. {took:6.1f}s  {outcome:6}  {name}")
        total = time.monotonic() - self.started
        print(f"  total {total:.1f}s: {'PASSED' if passed else 'FAILED'}", flush=True)


# --- Processes --------------------------------------------------------------------------------------


class Processes:
    """The long-running services, each logging to its own file, always stopped."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: dict[str, tuple[subprocess.Popen, Path]] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log_path = self.folder / f"{name}.log"
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                executable(command),
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running[name] = (process, log_path)
        return process

    def check_alive(self) -> None:
        for name, (process, _) in self.running.items():
            expect(process.poll() is None, f"{name} exited with status {process.returncode}")

    def stop(self, name: str) -> int:
        process, _ = self.running.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        return process.returncode

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)

    def print_logs(self, lines: int = 40) -> None:
        for log_path in sorted(self.folder.glob("*.log")):
            tail = log_path.read_text(errors="replace").splitlines()[-lines:]
            print(f"\n---- last {len(tail)} lines of {log_path.name} ----", flush=True)
            print("\n".join(tail), flush=True)


def run(command: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        executable(command), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def run_ok(command: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    result = run(command, env, timeout)
    expect(
        result.returncode == 0,
        f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout[-2000:]}{result.stderr[-3000:]}",
    )
    return result


def wait_until(
    what: str,
    predicate: Callable[[], object],
    timeout: float,
    processes: Processes | None = None,
    state: Callable[[], str] | None = None,
):
    """Poll until `predicate` returns something true; on timeout, fail saying `state()` (the last state seen)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if processes is not None:
            processes.check_alive()
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise SmokeFailure(f"{what}: not within {timeout:.0f}s" + (f"; last: {state()}" if state else ""))


# --- The SMTP server --------------------------------------------------------------------------------


class Mailbox:
    """aiosmtpd handler: keeps every message received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> EmailMessage | None:
        with self.lock:
            return next((m for m in self.messages if address in str(m["To"])), None)


# --- Databases --------------------------------------------------------------------------------------


def psql(server: str, *sql: str) -> None:
    command = ["psql", f"{server}/postgres", "-v", "ON_ERROR_STOP=1", "-q"]
    for statement in sql:
        command += ["-c", statement]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    expect(result.returncode == 0, f"psql failed: {result.stderr}")


def recreate(server: str, name: str) -> None:
    psql(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")


# --- The journey ------------------------------------------------------------------------------------


class Site:
    """A browser-like client of one gunicorn: a session with its CSRF cookie."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.url(path), timeout=30, **kwargs)

    def api(self, method: str, path: str, payload: dict | None = None, status: int = 200) -> dict:
        headers = {"X-CSRFToken": self.http.cookies.get("csrftoken", ""), "Referer": self.base + "/"}
        response = self.http.request(method, self.url(path), json=payload, headers=headers, timeout=30)
        expect(
            response.status_code == status,
            f"{method} {path} answered {response.status_code}, not {status}: {response.text[:500]}",
        )
        return response.json()

    def sign_in(self, username: str, password: str) -> None:
        page = self.get("/accounts/login/")
        expect(page.status_code == 200, f"the login page answered {page.status_code}")
        response = self.http.post(
            self.url("/accounts/login/"),
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.http.cookies["csrftoken"],
            },
            headers={"Referer": self.url("/accounts/login/")},
            allow_redirects=False,
            timeout=30,
        )
        expect(
            response.status_code == 302 and response.headers["Location"] == "/",
            f"signing in answered {response.status_code} {response.headers.get('Location')}",
        )


def health_state(site: Site) -> str:
    try:
        response = site.get("/healthz/")
    except requests.ConnectionError as error:
        return f"no answer ({error.__class__.__name__})"
    return f"{response.status_code} {response.text[:300]}"


def healthy(site: Site) -> dict | None:
    try:
        response = site.get("/healthz/")
    except requests.ConnectionError:
        return None
    return response.json() if response.status_code == 200 else None


def header_url(value: str) -> str:
    """The https/http URL of a List-Unsubscribe header (`<url>` or `<mailto:…>, <url>`)."""
    for part in value.split(","):
        part = part.strip().strip("<>")
        if part.startswith("http"):
            return part
    raise SmokeFailure(f"no URL in List-Unsubscribe: {value!r}")


def main() -> int:
    log = Log()
    folder = Path(tempfile.mkdtemp(prefix="longlist-smoke-"))
    processes = Processes(folder)
    server = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    database = os.environ.get("SMOKE_DATABASE", "longlist_smoke")
    restored = f"{database}_restore"
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in FROM_ENVIRONMENT}
    env.update(
        compose_variables(
            database_url=f"{server}/{database}",
            redis_url=os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/0"),
            site_url=f"http://127.0.0.1:{port}",
            email_url=f"smtp://127.0.0.1:{smtp.port}",
        )
    )
    env.update(
        {
            # What the image has (Dockerfile) or this machine needs instead.
            "FORCE_HTTPS": "0",
            "DJANGO_SETTINGS_MODULE": "recruiting.settings",
            "LONGLIST_VAR_DIR": str(folder / "var"),
            "STATIC_ROOT": str(folder / "static"),
            # Hashed names and the manifest, as the image's (a page naming a missing file fails), without
            # compressing every file twice: a minute or two of CPU here that proves nothing more.
            "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
            "MEDIA_ROOT": str(folder / "media"),
            "DISPATCH_INTERVAL_SECONDS": str(DISPATCH_INTERVAL_SECONDS),
        }
    )
    admin = {"username": "ops", "password": secrets.token_urlsafe(16), "email": "ops@example.org"}
    site = Site(f"http://127.0.0.1:{port}")
    web = fill(GUNICORN, bind=f"127.0.0.1:{port}")
    passed = False
    log.line(f"smoke test: logs in {folder}; PostgreSQL {server}/{database}, Redis {env['REDIS_URL']}")
    try:
        with log.step("SMTP server on loopback (aiosmtpd, standing in for Mailpit)") as note:
            smtp.start()
            note(f"listening on 127.0.0.1:{smtp.port}")

        with log.step(f"fresh database {database}") as note:
            recreate(server, database)
            psql(server, f"DROP DATABASE IF EXISTS {restored} WITH (FORCE)")
            note(f"{server}/{database}")

        with log.step("migrate (the web service's first command)"):
            run_ok(MIGRATE, env, timeout=600)

        with log.step("collectstatic (the image's build step; hashed, not compressed)"):
            run_ok(["python", "manage.py", "collectstatic", "--noinput", "-v0"], env)

        with log.step("gunicorn refuses to start with a demo account present and DEMO unset") as note:
            make_demo = "from django.contrib.auth.models import User; User.objects.create_user('recruiter', password='longlist')"
            run_ok(["python", "manage.py", "shell", "-c", make_demo], env)
            refused = run(web, env, timeout=120)
            output = refused.stdout + refused.stderr
            expect(refused.returncode != 0, f"gunicorn started with a demo account present: {output[-1000:]}")
            expect("longlist.E003" in output, f"gunicorn's refusal does not say why: {output[-1000:]}")
            note(
                f"exit status {refused.returncode}: "
                + next(line for line in output.splitlines() if "E003" in line)[:110]
            )
            drop_demo = "from django.contrib.auth.models import User; User.objects.filter(username='recruiter').delete()"
            run_ok(["python", "manage.py", "shell", "-c", drop_demo], env)

        with log.step("first admin from DJANGO_SUPERUSER_* (createsuperuser --noinput)"):
            superuser = {f"DJANGO_SUPERUSER_{key.upper()}": value for key, value in admin.items()}
            run_ok(["python", "manage.py", "createsuperuser", "--noinput"], {**env, **superuser})

        with log.step("start gunicorn, a Celery worker and Celery beat; /healthz/ answers 200") as note:
            processes.start("web", web, env)
            processes.start("worker", WORKER, env)
            processes.start("beat", fill(BEAT, schedule=str(folder / "celerybeat-schedule")), env)
            health = wait_until(
                "/healthz/ answering 200",
                lambda: healthy(site),
                90,
                processes,
                state=lambda: health_state(site),
            )
            expect(
                {name: check["status"] for name, check in health["checks"].items()}
                == {"database": "ok", "cache": "ok", "broker": "ok"},
                f"/healthz/: {health}",
            )
            note(json.dumps(health))

        with log.step("the worker answers the compose healthcheck (celery inspect ping)") as note:
            ping = fill(WORKER_HEALTHCHECK, hostname=socket.gethostname())
            answer = wait_until(
                "celery inspect ping", lambda: run(ping, env, timeout=60).returncode == 0 or None, 60
            )
            note(f"{' '.join(ping)}: {answer and 'pong'}")

        with log.step("sign in on the login page") as note:
            site.sign_in(admin["username"], admin["password"])
            home = site.get("/")
            expect(
                home.status_code == 200 and 'href="/settings/"' in home.text,
                f"home answered {home.status_code}",
            )
            note(f"signed in as {admin['username']} (a superuser: the Admin role)")

        with log.step(
            "create a sequence of two emails, activate it, and two candidates (REST API, session)"
        ) as note:
            sequence = site.api(
                "POST",
                "/api/sequences/",
                {
                    "name": "Smoke test nurture",
                    "send_window_start": "00:00:00",
                    "send_window_end": "23:59:59",
                    "business_days_only": False,
                    "daily_cap": 10000,
                    "min_gap_days": 0,
                    "sender_timezone": "UTC",
                },
                status=201,
            )
            for delay, subject in (
                (0, "Hello {{ first_name }}"),
                (7, "Still thinking of you, {{ first_name }}"),
            ):
                site.api(
                    "POST",
                    "/api/steps/",
                    {
                        "sequence": sequence["id"],
                        "delay_amount": delay,
                        "delay_unit": "days",
                        "channel": "email",
                        "subject": subject,
                        "body": "Hi {{ first_name }}, we are hiring engineers. Interested?",
                    },
                    status=201,
                )
            activated = site.api("POST", f"/api/sequences/{sequence['id']}/status/", {"status": "active"})
            expect(activated["status"] == "active", f"the sequence is {activated['status']}, not active")
            people = {
                who: site.api(
                    "POST",
                    "/api/candidates/",
                    {
                        "first_name": who.capitalize(),
                        "last_name": "Smoke",
                        "email": f"{who}@smoke.example.org",
                        "timezone": "UTC",
                        "source": "sourced",
                    },
                    status=201,
                )
                for who in ("ada", "grace")
            }
            note(f"sequence {sequence['id']}, candidates {', '.join(str(p['id']) for p in people.values())}")

        with log.step("enroll both in the sequence") as note:
            batch = site.api(
                "POST",
                "/api/enrollments/enroll/",
                {"sequence": sequence["id"], "candidate_ids": [p["id"] for p in people.values()]},
                status=201,
            )
            enrolled_at = time.monotonic()
            expect(batch["enrolled_count"] == 2, f"the batch enrolled {batch}")
            enrollments = {
                who: site.api("GET", f"/api/enrollments/?candidate={person['id']}")["results"][0]
                for who, person in people.items()
            }
            expect(all(e["status"] == "active" for e in enrollments.values()), f"enrollments: {enrollments}")
            note(f"batch {batch['id']}: {batch['enrolled_count']} enrolled")

        with log.step(
            f"beat dispatches: both emails reach the SMTP server within {EMAIL_DEADLINE_SECONDS}s"
        ) as note:
            received = wait_until(
                "both emails at the SMTP server",
                lambda: all(mailbox.to(p["email"]) for p in people.values()) or None,
                EMAIL_DEADLINE_SECONDS,
                processes,
            )
            messages = {who: mailbox.to(person["email"]) for who, person in people.items()}
            note(
                f"received {received and len(mailbox.messages)} emails {time.monotonic() - enrolled_at:.1f}s after enrolling"
            )
            for who, message in messages.items():
                assert message is not None
                expect(message["Subject"] == f"Hello {who.capitalize()}", f"subject {message['Subject']!r}")
                expect(
                    message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click",
                    f"List-Unsubscribe-Post: {message['List-Unsubscribe-Post']!r}",
                )
                expect(message["List-Unsubscribe"], "no List-Unsubscribe header")
            note(f"List-Unsubscribe: {messages['ada']['List-Unsubscribe']}")
            note(f"List-Unsubscribe-Post: {messages['ada']['List-Unsubscribe-Post']}")

        with log.step("a cookieless one-click POST to List-Unsubscribe unsubscribes Ada") as note:
            url = header_url(str(messages["ada"]["List-Unsubscribe"]))
            expect(url.startswith(site.base), f"the unsubscribe URL {url} is not on SITE_URL")
            response = requests.post(url, data={"List-Unsubscribe": "One-Click"}, timeout=30)
            expect(response.status_code == 200, f"the one-click POST answered {response.status_code}")
            preferences = site.api("GET", f"/api/preferences/{people['ada']['id']}/")
            expect(preferences["unsubscribed_at"], f"Ada is not unsubscribed: {preferences}")
            stopped = site.api("GET", f"/api/enrollments/{enrollments['ada']['id']}/")
            expect(stopped["status"] == "stopped", f"Ada's enrollment: {stopped}")
            note(
                f"unsubscribed at {preferences['unsubscribed_at']}; enrollment {stopped['status']} ({stopped['stop_reason']})"
            )

        with log.step("Grace's reply through the inbound-email webhook stops her enrollment") as note:
            original = messages["grace"]
            answer = requests.post(
                site.url("/api/inbound-email/"),
                json={
                    "from_address": f"Grace Smoke <{people['grace']['email']}>",
                    "subject": f"Re: {original['Subject']}",
                    "text": "Yes, let's talk next week.",
                    "message_id": f"<smoke-reply-{secrets.token_hex(8)}@smoke.example.org>",
                    "in_reply_to": str(original["Message-ID"]),
                },
                headers={"X-Inbound-Secret": env["INBOUND_EMAIL_SECRET"]},
                timeout=30,
            )
            expect(
                answer.status_code == 201, f"the webhook answered {answer.status_code}: {answer.text[:300]}"
            )
            expect(answer.json()["candidate"] == people["grace"]["id"], f"matched to {answer.json()}")
            reply = site.api("GET", f"/api/replies/{answer.json()['id']}/")
            expect(reply["touch"] is not None, f"the reply was not matched to the email it answers: {reply}")
            stopped = site.api("GET", f"/api/enrollments/{enrollments['grace']['id']}/")
            expect(
                stopped["status"] == "stopped" and stopped["stop_reason"] == "replied",
                f"Grace's enrollment: {stopped}",
            )
            note(
                f"reply {answer.json()['id']} matched by In-Reply-To; enrollment {stopped['status']} ({stopped['stop_reason']})"
            )

        with log.step("/metrics (token) and the admins' dispatcher page") as note:
            refused = requests.get(site.url("/metrics"), timeout=30)
            expect(refused.status_code == 403, f"/metrics without a token answered {refused.status_code}")
            metrics = requests.get(
                site.url("/metrics"), headers={"Authorization": f"Bearer {env['METRICS_TOKEN']}"}, timeout=30
            )
            expect(metrics.status_code == 200, f"/metrics answered {metrics.status_code}")
            samples = dict(line.split(" ") for line in metrics.text.splitlines() if not line.startswith("#"))
            expect(samples.get("longlist_dispatch_backlog") == "0", f"backlog after the dispatch: {samples}")
            expect(samples.get("longlist_dispatch_failed") == "0", f"failed: {samples}")
            page = site.get("/dispatcher/")
            expect(page.status_code == 200, f"the dispatcher page answered {page.status_code}")
            note(" ".join(f"{name}={value}" for name, value in samples.items()))

        with log.step("read Ada back, then stop the services") as note:
            ada = site.api("GET", f"/api/candidates/{people['ada']['id']}/")
            for name in ("beat", "worker", "web"):
                status = processes.stop(name)
                note(f"{name} stopped (exit status {status})")

        dump = folder / f"{database}.dump"
        with log.step(f"pg_dump {database}") as note:
            result = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"{server}/{database}"],
                capture_output=True,
                text=True,
                timeout=300,
            )
            expect(result.returncode == 0, f"pg_dump failed: {result.stderr}")
            note(f"{dump.stat().st_size:,} bytes")

        restore_env = {**env, "DATABASE_URL": f"{server}/{restored}"}
        with log.step(f"restore into a new database {restored}"):
            recreate(server, restored)
            result = subprocess.run(
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={server}/{restored}", str(dump)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            expect(result.returncode == 0, f"pg_restore failed: {result.stderr}")

        with log.step("migrate --check on the restored database"):
            run_ok(["python", "manage.py", "migrate", "--check"], restore_env)

        with log.step("gunicorn on the restored database serves the same candidate") as note:
            processes.start("web-restored", web, restore_env)
            wait_until(
                "/healthz/ on the restore", lambda: healthy(site), 60, processes, lambda: health_state(site)
            )
            same = site.api("GET", f"/api/candidates/{people['ada']['id']}/")  # the session was restored too
            expect(same == ada, f"the restore serves {same}, not {ada}")
            note(
                f"candidate {same['id']} ({same['first_name']} {same['last_name']}, {same['email']}) identical"
            )
            processes.stop("web-restored")

        with log.step("drop the smoke databases"):
            psql(server, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            psql(server, f"DROP DATABASE IF EXISTS {restored} WITH (FORCE)")
        passed = True
    except Exception as error:
        log.line(f"smoke test failed: {type(error).__name__}: {error}")
        processes.stop_all()
        processes.print_logs()
    finally:
        processes.stop_all()
        smtp.stop(no_assert=True)
        log.summary(passed)
    if passed:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if passed else 1
