"""Browser tests: Playwright (sync API) driving the system Chromium against pytest-django's live_server.

- No browser is downloaded: Chromium comes from the Debian package (`apt-get install chromium`).
  Without it these tests skip, unless LONGLIST_REQUIRE_BROWSER is set (CI), where they fail.
- The live server runs in a thread of the test process and sees the test database; `live_server`
  makes the test transactional, so data created in the test is committed and visible to it.
- Screenshots go to test-artifacts/screenshots/<name>.png (gitignored).
"""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db.models.signals import post_migrate

from candidates.roles import ALL_ROLES

# Playwright's sync API keeps an asyncio event loop in the main thread; Django would otherwise refuse
# ORM calls from the test code (SynchronousOnlyOperation) once the browser has started.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DEFAULT_PASSWORD = "longlist"  # what tests.factories gives every user


def _browser_required() -> bool:
    return os.environ.get("LONGLIST_REQUIRE_BROWSER", "").strip().lower() not in ("", "0", "false", "no")


def _restore_role_groups(sender, **kwargs):
    """Re-create the role groups after a flush.

    The groups come from a data migration (recruiting/0001_role_groups). A transactional test (every test
    using live_server) ends with a flush that empties every table; flush then sends post_migrate, which
    recreates content types and permissions but not data-migration rows. Without this, a later test on
    the same worker would find no role groups and the user factories would fail.
    """
    if sender.name == "recruiting":
        for name in ALL_ROLES:
            Group.objects.using(kwargs.get("using", "default")).get_or_create(name=name)


post_migrate.connect(_restore_role_groups, dispatch_uid="tests.e2e.restore_role_groups")


@pytest.fixture(autouse=True)
def _e2e_database(transactional_db, settings):
    """Every browser test runs against committed data, with the role groups present and fast hashing."""
    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)
    # The default PBKDF2 costs ~0.5 s per hash; users are created and log in in every test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = (
            f"Chromium not found at {CHROMIUM}; install the Debian package chromium to run browser tests"
        )
        if _browser_required():
            pytest.fail(f"{message} (LONGLIST_REQUIRE_BROWSER is set)", pytrace=False)
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# Every page reports what the Content-Security-Policy blocked (inline scripts or styles, eval, other origins).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
    + ` on ${location.pathname} (${event.sample})`
  );
});
"""


@pytest.fixture
def page(browser):
    """A fresh browser page; the test fails on any Content-Security-Policy violation on any page it opened."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(15_000)
    violations: list[str] = []

    def report(violation: str) -> None:
        violations.append(violation)

    context.expose_function("reportCspViolation", report)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(violations)))


def wait_for_htmx(page):
    """Until htmx has swapped and settled: it wires up the triggers of new content only when it settles, so
    typing into a just-swapped form before then goes unheard."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def login(page, live_server, username: str, password: str = DEFAULT_PASSWORD):
    """Sign in through the real login form; returns once the browser has left the login page."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot to test-artifacts/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
