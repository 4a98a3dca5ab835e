"""Import candidates from a CSV file, as the upload page does, but synchronously (no Celery).

    python manage.py import_candidates connections.csv --pool "LinkedIn network" --source sourced
    python manage.py import_candidates people.csv --column "Spoken languages=languages"

Prints the preview (how the columns were read and how many people are new, matched or refused), the
progress, and every row not imported with its line and reason. Exits non-zero when the file cannot be
imported at all.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from candidates.imports import jobs
from candidates.imports.running import ImportPreview
from candidates.models import ImportJob, Source


class Command(BaseCommand):
    help = "Import candidates from a CSV file (LinkedIn connections export or any CSV with named columns)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--pool", default="", help="Static pool to add everyone to; created if missing")
        parser.add_argument(
            "--source",
            default=Source.SOURCED,
            choices=Source.values,
            help="Source of rows without a Source column (default: sourced)",
        )
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="HEADER=KEY",
            help="Fill a column into the custom field with this key ('-' leaves it out); repeatable",
        )

    def handle(self, *args, file: Path, pool: str, source: str, column: list[str], **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        if error := jobs.file_size_error(file.stat().st_size):
            raise CommandError(error)
        if malformed := [text for text in column if "=" not in text]:
            raise CommandError(f"--column takes HEADER=KEY, not {malformed[0]!r}")
        column_map = dict(text.rsplit("=", 1) for text in column)
        try:
            jobs.validate_pool_name(pool)
            jobs.clean_column_map(column_map)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        with file.open("rb") as stream:
            job, preview = jobs.create_import(
                upload=File(stream, name=file.name), source=source, pool_name=pool, column_map=column_map
            )
        if preview.error:
            raise CommandError(preview.error)
        self._print_preview(job, preview)
        job = jobs.start_import(job, inline=True, progress=self._print_progress)
        if job.status != ImportJob.Status.DONE:
            raise CommandError(job.failure)
        self._print_summary(job)

    def _print_preview(self, job: ImportJob, preview: ImportPreview) -> None:
        mapped = ", ".join(f"{c.column} → {c.label}" for c in preview.columns if c.field)
        self.stdout.write(f"{job.original_name}: {preview.total_rows:,} rows, {preview.delimiter}-separated")
        self.stdout.write(f"Columns: {mapped}")
        if preview.ignored_columns:
            self.stdout.write(f"Ignored columns: {', '.join(preview.ignored_columns)}")
        self.stdout.write(
            f"Preview: {preview.new_count:,} new, {preview.matched_count:,} already in Longlist, "
            f"{preview.error_count:,} not imported"
        )

    def _print_progress(self, job: ImportJob) -> None:
        self.stdout.write(f"Imported {job.processed_rows:,} of {job.total_rows:,} rows")

    def _print_summary(self, job: ImportJob) -> None:
        pool = f" into the pool {job.pool.name}" if job.pool else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Done{pool}: {job.created_count:,} added, {job.matched_count:,} matched existing, "
                f"{job.error_count:,} not imported."
            )
        )
        if job.errors:
            self.stdout.write("Rows not imported:")
            for error in job.errors:
                self.stdout.write(f"  line {error['line']}: {error['reason']}")
            if job.error_count > len(job.errors):
                self.stdout.write(f"  … and {job.error_count - len(job.errors):,} more")
