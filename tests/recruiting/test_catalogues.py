"""The translation catalogues (locale/<lang>/LC_MESSAGES/django.po and .mo; docs/translations.md) are complete
and compiled:

- `makemessages -l de -l fr`, run into a temporary copy of the project, leaves no untranslated or fuzzy msgid
  whose source is a candidate-facing template or module (CANDIDATE_FACING): a string marked there without its
  German and French translations fails here;
- the committed .mo files say what their .po files say (compiled after the last edit).

Both need gettext's tools (xgettext, msgmerge, msgfmt): without them these tests skip, unless CI=true, where
they fail (`.ci/run` installs Debian's gettext package when msgfmt is missing).
"""

import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [code for code, _ in settings.LANGUAGES if code != "en"]
# Everything a candidate reads: the careers pages, the preference centre and unsubscribe pages, the copy of their
# data (its pages, emails and file), the booking pages, the error pages and the page frame they share, every email's template, and the modules that write
# emails or candidate-facing messages. Every msgid whose source is one of these must be translated.
CANDIDATE_FACING = [
    "templates/base.html",
    "templates/400.html",
    "templates/403.html",
    "templates/404.html",
    "templates/pipelines/careers*.html",
    "templates/pipelines/_language_switcher.html",
    "templates/pipelines/email/*",
    "templates/outreach/preferences.html",
    "templates/outreach/unsubscribe.html",
    "templates/outreach/book.html",
    "templates/outreach/meeting_manage.html",
    "templates/outreach/_slots.html",
    "templates/outreach/_company.html",
    "templates/outreach/data_request.html",
    "templates/outreach/_data_request_ask.html",
    "outreach/email.py",
    "outreach/data_requests.py",
    "outreach/data_request_views.py",
    "outreach/data_export.py",
    "outreach/invitations.py",
    "outreach/meeting_views.py",
    "outreach/conversation.py",
    "outreach/forms.py",
    "outreach/models.py",
    "pipelines/applications.py",
    "pipelines/forms.py",
    "pipelines/models.py",
    "pipelines/notifications.py",
    "candidates/normalize.py",
    "candidates/resumes.py",
    "candidates/resume_parsing.py",
    "candidates/templatetags/longlist.py",
]
# What makemessages must not read: the same list as `make messages`.
NOT_SOURCES = [".venv", "staticfiles", "tests", "bench", "var"]
PROBE = "A sentence nobody has translated yet."


def _require_gettext() -> None:
    missing = [tool for tool in ("xgettext", "msgmerge", "msgfmt") if shutil.which(tool) is None]
    if missing:
        message = f"gettext's {', '.join(missing)} not found: install the Debian package gettext"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI=true)", pytrace=False)
        pytest.skip(message)


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    sources: list[str] = field(default_factory=list)


_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$')


def _unquote(text: str) -> str:
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header, msgid "", left out)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, current = Entry(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#:"):
                entry.sources += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
            elif line.startswith("#"):
                continue
            elif found := _FIELD.match(line):
                current = found[1]
                value = _unquote(found[2])
                if current.startswith("msgstr"):
                    entry.msgstrs.append(value)
                else:
                    setattr(entry, current, value)
            elif line.startswith('"') and current:
                value = _unquote(line[1:-1])
                if current.startswith("msgstr"):
                    entry.msgstrs[-1] += value
                else:
                    setattr(entry, current, getattr(entry, current) + value)
        if entry.msgid or entry.msgid_plural:
            entries.append(entry)
    return entries


def candidate_facing(entry: Entry) -> bool:
    return any(fnmatch(source, pattern) for source in entry.sources for pattern in CANDIDATE_FACING)


def unfinished(entry: Entry) -> bool:
    return "fuzzy" in entry.flags or not entry.msgstrs or not all(entry.msgstrs)


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory) -> Path:
    """The project copied to a temporary folder with one probe string added to a careers template, and
    `makemessages -l de -l fr` run there: the committed catalogues merged with every string marked today."""
    _require_gettext()
    copy = tmp_path_factory.mktemp("makemessages") / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "var",
            "staticfiles",
            "tests",
            "test-artifacts",
            "__pycache__",
            "*.sqlite3*",
            ".*cache",
        ),
    )
    probe = copy / "templates" / "pipelines" / "careers_probe.html"
    probe.write_text(f'{{% load i18n %}}<p>{{% translate "{PROBE}" %}}</p>\n', encoding="utf-8")
    languages = [argument for code in SHIPPED for argument in ("-l", code)]
    ignores = [argument for name in NOT_SOURCES for argument in ("--ignore", name)]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *languages, "--no-obsolete", *ignores],
        cwd=copy,
        env={**os.environ, "DEBUG": "1"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    return copy / "locale"


@pytest.mark.parametrize("language", SHIPPED)
def test_makemessages_leaves_no_candidate_facing_string_untranslated(fresh_catalogues, language):
    entries = read_po(fresh_catalogues / language / "LC_MESSAGES" / "django.po")
    checked = [entry for entry in entries if candidate_facing(entry)]
    assert len(checked) > 150  # the careers pages, the preference centre, booking, every email…
    missing = sorted(
        f"{entry.msgid!r} ({', '.join(sorted(set(entry.sources)))})" for entry in checked if unfinished(entry)
    )
    # The probe proves the check sees a new string; anything else is a string marked without its translation:
    # run `make messages`, translate it in locale/<lang>/LC_MESSAGES/django.po, then `make compilemessages`.
    assert missing == [f"{PROBE!r} (templates/pipelines/careers_probe.html)"], "\n".join(missing)


@pytest.mark.parametrize("language", SHIPPED)
def test_the_committed_mo_files_are_compiled_from_the_po_files(tmp_path, language):
    _require_gettext()
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(compiled), str(folder / "django.po")], check=True, timeout=60
    )
    with compiled.open("rb") as fresh, (folder / "django.mo").open("rb") as committed:
        fresh_catalogue = gettext.GNUTranslations(fresh)._catalog  # type: ignore[attr-defined]
        committed_catalogue = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
    stale = sorted(
        str(key)
        for key in fresh_catalogue.keys() | committed_catalogue.keys()
        if fresh_catalogue.get(key) != committed_catalogue.get(key)
    )
    assert not stale, (
        f"locale/{language}/LC_MESSAGES/django.mo is stale: run `make compilemessages` ({stale[:5]})"
    )


@pytest.mark.parametrize("language", SHIPPED)
def test_the_committed_po_files_have_no_fuzzy_or_empty_candidate_facing_entry(language):
    entries = read_po(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")
    assert not [entry.msgid for entry in entries if candidate_facing(entry) and unfinished(entry)]
