"""Reading a résumé's text with hard bounds: pypdf or python-docx run in a child process of their own with a
CPU-time and a memory limit, and are killed at a wall-clock budget.

A file of a couple of kilobytes can make a parser work for many minutes (a PDF form drawn a thousand times is
re-parsed each time it is drawn) or allocate gigabytes, and no time limit inside Python stops a parser stuck in
C code. A child process can always be killed: the parent (`extract`) sends it the file on stdin, reads one JSON
answer on stdout, and records a file that hits a bound as "too complex". The child (`python -m
candidates.resume_parsing <kind>`) sets its own limits before it imports a parser, gets no environment (no
secrets, no database), and never needs Django's settings.

Also here: the DOCX checks on the zip's directory, shared by the upload (resumes.check_resume) and the child.
"""

import io
import json
import re
import resource
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

DOCX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
DOCX_MAX_MEMBERS = 1_000
# A member that unpacks to more than this many times its packed size (and past 1 MB) is a zip bomb, not a
# document: Word's XML compresses about 5-20 times.
DOCX_MAX_RATIO = 100
DOCX_RATIO_FLOOR_BYTES = 1024 * 1024
PDF_MAX_PAGES = 50
# What is kept of a résumé's text (the search document takes the start of the latest one: search_documents.py).
MAX_TEXT_CHARS = 200_000
# The child's address space: the interpreter, a parser and a 10 MB file fit many times over.
MEMORY_LIMIT_BYTES = 512 * 1024 * 1024
PROJECT_DIR = Path(__file__).resolve().parent.parent
NOT_A_RESUME = gettext_lazy(
    "This file is not a PDF or a Word (.docx) document. Save your résumé as PDF or DOCX and try again."
)

# The outcomes, named as Resume.TextStatus names them.
EXTRACTED, EMPTY, ENCRYPTED, BROKEN, COMPLEX = "extracted", "empty", "encrypted", "broken", "complex"


@dataclass(frozen=True)
class Parsed:
    text: str
    status: str
    error: str = ""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_docx(stream: IO[bytes]) -> None:
    """Refuse a zip that is not a Word document, or would unpack to too much, from its directory alone."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise ValidationError(gettext("This Word document is damaged and cannot be opened.")) from error
    if len(members) > DOCX_MAX_MEMBERS:
        raise ValidationError(
            gettext(
                "This file holds %(count)d files inside; a Word document has far fewer. It was not accepted."
            )
            % {"count": len(members)}
        )
    names = {member.filename for member in members}
    if not {"[Content_Types].xml", "word/document.xml"} <= names:
        raise ValidationError(NOT_A_RESUME)
    unpacked = sum(member.file_size for member in members)
    if unpacked > DOCX_MAX_UNPACKED_BYTES:
        raise ValidationError(
            gettext(
                "This file unpacks to %(size)s, more than a Word document would (%(limit)s at most). "
                "It was not accepted."
            )
            % {"size": _megabytes(unpacked), "limit": _megabytes(DOCX_MAX_UNPACKED_BYTES)}
        )
    for member in members:
        if member.file_size > DOCX_RATIO_FLOOR_BYTES and member.file_size > DOCX_MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise ValidationError(
                gettext(
                    "This file is compressed far more than a Word document can be (it looks like a zip bomb). "
                    "It was not accepted."
                )
            )


# --- The parent: run the child within the budget -----------------------------------------------------------


def wall_clock_budget(cpu_seconds: int) -> int:
    """Seconds a child may live: its CPU time twice over (a busy machine shares the CPU) and its start-up."""
    return 2 * cpu_seconds + 5


def extract(kind: str, data: bytes, *, cpu_seconds: int) -> Parsed:
    """The text of a résumé file ("pdf" or "docx"), read by a bounded child process. Never raises for a bad
    file: a file that hits a bound is COMPLEX, one the parser fails on BROKEN."""
    try:
        done = subprocess.run(
            [sys.executable, "-E", "-s", "-m", "candidates.resume_parsing", kind, str(cpu_seconds)],
            input=data,
            capture_output=True,
            cwd=PROJECT_DIR,
            env={},
            timeout=wall_clock_budget(cpu_seconds),
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        return Parsed("", COMPLEX, f"Not read within {wall_clock_budget(cpu_seconds)} s")
    if done.returncode < 0:  # killed by a signal: SIGXCPU or SIGKILL at the CPU limit
        return Parsed("", COMPLEX, f"Stopped at the {cpu_seconds} s CPU limit")
    try:
        answer = json.loads(done.stdout)
        return Parsed(answer["text"], answer["status"], answer["error"])
    except (ValueError, KeyError, TypeError):
        error = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no answer"]
        return Parsed("", BROKEN, f"The reader failed ({done.returncode}): {error[0]}"[:255])


# --- The child: limits first, then the parser ---------------------------------------------------------------


class EncryptedFile(Exception):
    """The PDF needs a password to be read."""


def _limit(cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))  # SIGXCPU, then SIGKILL
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # writes no file
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # imported after the limits are set
    from pypdf.errors import DependencyError

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # only restricted (owner password), readable by anyone
        except (DependencyError, NotImplementedError) as error:
            raise EncryptedFile(str(error)) from error
        if not opened:
            raise EncryptedFile("The PDF needs a password.")
    parts: list[str] = []
    for page in reader.pages[:PDF_MAX_PAGES]:
        parts.append(page.extract_text() or "")
        if sum(map(len, parts)) > MAX_TEXT_CHARS:
            break
    return "\n".join(parts)


def _docx_text(data: bytes) -> str:
    from docx import Document  # imported after the limits are set

    stream = io.BytesIO(data)
    check_docx(stream)
    document = Document(stream)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _parse(kind: str, data: bytes) -> Parsed:
    try:
        text = _pdf_text(data) if kind == "pdf" else _docx_text(data)
    except EncryptedFile as error:
        return Parsed("", ENCRYPTED, str(error)[:255])
    except MemoryError:
        return Parsed("", COMPLEX, f"Needs more than {_megabytes(MEMORY_LIMIT_BYTES)} of memory")
    except Exception as error:  # any parser error: the file is damaged, the application still stands
        return Parsed("", BROKEN, f"{type(error).__name__}: {error}"[:255])
    text = re.sub(r"[ \t\f\v]+", " ", text.replace("\x00", ""))
    text = re.sub(r"\n\s*\n+", "\n", text).strip()[:MAX_TEXT_CHARS]
    return Parsed(text, EXTRACTED if text else EMPTY)


def main(argv: list[str]) -> None:
    kind, cpu_seconds = argv[0], int(argv[1])
    _limit(cpu_seconds)
    parsed = _parse(kind, sys.stdin.buffer.read())
    answer = {"text": parsed.text, "status": parsed.status, "error": parsed.error}
    sys.stdout.buffer.write(json.dumps(answer).encode())


if __name__ == "__main__":
    main(sys.argv[1:])
