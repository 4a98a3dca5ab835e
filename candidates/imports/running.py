"""Going through a job's file batch by batch: ``preview_import`` plans every batch and writes nothing;
``run_import`` (what the Celery task runs) plans and writes each batch in its own transaction, keeping the
job's counters current for the progress page. Only the call that claims the job does anything."""

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import ImportJob
from .planning import RowError, plan_batch
from .reading import DELIMITERS, ColumnMapping, ImportFileError, Row, batches, read_rows
from .writing import write_batch

logger = logging.getLogger(__name__)

PREVIEW_SAMPLE_ROWS = 20
MAX_REPORTED_ERRORS = 1000  # row errors kept on a job or in a preview; the counts cover them all


@dataclass(frozen=True)
class SampleRow:
    """One of the first rows of a file, as it would be imported."""

    line: int
    name: str
    email: str
    linkedin_url: str
    title: str
    company: str
    status: str  # "new", "matched" or "error"
    detail: str  # who it matches, or why it will not be imported


@dataclass
class ImportPreview:
    columns: list[ColumnMapping] = field(default_factory=list)
    delimiter: str = ""  # "comma", "semicolon" or "tab"
    sample: list[SampleRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # the first MAX_REPORTED_ERRORS
    total_rows: int = 0
    new_count: int = 0
    matched_count: int = 0
    error_count: int = 0
    error: str = ""  # what makes the whole file unimportable; nothing can be imported when set

    @property
    def ignored_columns(self) -> list[str]:
        return [c.column for c in self.columns if not c.field and c.column]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ignored_columns": self.ignored_columns}


def preview_import(job: ImportJob) -> ImportPreview:
    """Read the whole file without writing: its columns, its first rows as they would be imported, every
    row that would not be imported and why, and how many people are new or already in Longlist."""
    preview = ImportPreview()
    earlier_keys: set[int] = set()
    try:
        with job.file.open("rb") as stream:
            layout, rows = read_rows(stream, source=job.source, column_map=job.column_map)
            preview.columns = list(layout.columns)
            preview.delimiter = DELIMITERS[layout.delimiter]
            for chunk in batches(rows):
                batch = plan_batch(chunk, pool=job.pool, owner=None, earlier_keys=earlier_keys)
                earlier_keys.update(hash(key) for row in chunk for key in row.keys)
                preview.sample += [
                    _sample_row(*outcome)
                    for outcome in batch.outcomes[: PREVIEW_SAMPLE_ROWS - len(preview.sample)]
                ]
                preview.errors += batch.errors[: MAX_REPORTED_ERRORS - len(preview.errors)]
                preview.total_rows += len(chunk)
                preview.new_count += batch.created_count
                preview.matched_count += batch.matched_count
                preview.error_count += len(batch.errors)
        if not preview.total_rows:
            raise ImportFileError("The file has a header row but no candidates below it.")
    except ImportFileError as error:
        preview.error = str(error)
    return preview


def _sample_row(row: Row, status: str, detail: str) -> SampleRow:
    values = row.fields or row.cells
    return SampleRow(
        line=row.line,
        name=row.display_name,
        email=values.get("email", ""),
        linkedin_url=values.get("linkedin_url", ""),
        title=values.get("title", ""),
        company=values.get("company", ""),
        status=status,
        detail=detail,
    )


def run_import(job_id: int, *, progress: Callable[[ImportJob], None] | None = None) -> None:
    """Import a queued job's file in batches, each in its own transaction, updating the job after each.

    The job is claimed with a conditional UPDATE (queued → running): a second call, or a second worker,
    does nothing. Anything unexpected stops the import with status FAILED and a readable message; the
    batches before it stay imported, the failing batch leaves nothing behind.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("pool", "created_by").get(pk=job_id)
    line = 0
    try:
        with job.file.open("rb") as stream:
            _, rows = read_rows(stream, source=job.source, column_map=job.column_map)
            for chunk in batches(rows):
                line = chunk[0].line
                _import_batch(job, chunk)
                if progress:
                    progress(job)
    except ImportFileError as error:
        kept = f" The {job.processed_rows} rows before it were imported." if job.processed_rows else ""
        _finish(job, ImportJob.Status.FAILED, f"{error}{kept}")
    except Exception as error:
        logger.exception("Import %s stopped in the batch starting on line %s", job_id, line)
        where = (
            f" in the rows starting on line {line}: none of those rows were written, and the "
            f"{job.processed_rows} rows before them were imported"
            if line
            else ""
        )
        _finish(
            job,
            ImportJob.Status.FAILED,
            f"The import stopped on an unexpected error ({type(error).__name__}){where}. "
            "The error has been logged.",
        )
    else:
        _finish(job, ImportJob.Status.DONE)


def _import_batch(job: ImportJob, rows: list[Row]) -> None:
    """Plan and write one batch and count it on the job, all in one transaction.

    Tried twice: between the lookup and the insert, someone else may add the same person (a unique
    email or LinkedIn URL then refuses the insert, and the second plan matches them instead).
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                batch = plan_batch(rows, pool=job.pool, owner=job.created_by)
                write_batch(batch, job)
                errors = [*job.errors, *map(asdict, batch.errors)][:MAX_REPORTED_ERRORS]
                ImportJob.objects.filter(pk=job.pk).update(
                    processed_rows=job.processed_rows + len(rows),
                    created_count=job.created_count + batch.created_count,
                    matched_count=job.matched_count + batch.matched_count,
                    error_count=job.error_count + len(batch.errors),
                    errors=errors,
                )
        except IntegrityError:
            if attempt == 2:
                raise
        else:
            break
    job.refresh_from_db()


def _finish(job: ImportJob, status: str, failure: str = "") -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=status, failure=failure, finished_at=timezone.now())
    job.refresh_from_db()
