"""Import jobs as people use them: an upload stored as a job and previewed (``create_import``), then
confirmed (``start_import``): small files are imported at once, larger ones by a Celery task."""

from collections.abc import Callable, Mapping
from pathlib import PurePath

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..custom_fields import active_fields
from ..models import CustomField, ImportJob, Source, TalentPool
from ..services import create_static_pool
from .reading import IGNORE, NAME_FIELDS
from .running import ImportPreview, preview_import, run_import
from .tasks import run_import_job

MAX_FILE_BYTES = 50 * 1024 * 1024
INLINE_ROW_LIMIT = 500  # confirmed imports with more rows than this run as a Celery task


def validate_pool_name(name: str) -> None:
    """People can be imported into a static pool, new or existing, but not into a smart one."""
    if TalentPool.objects.filter(name__iexact=name.strip(), kind=TalentPool.Kind.SMART).exists():
        raise ValidationError(
            "%(name)s is a smart pool: its members come from a saved search. Choose a static pool.",
            params={"name": name.strip()},
            code="smart_pool",
        )


def file_size_error(size: int) -> str:
    if size > MAX_FILE_BYTES:
        return (
            f"This file is {size / 1024 / 1024:.0f} MB; files up to {MAX_FILE_BYTES // 1024 // 1024} MB "
            "can be imported. Split it into smaller files."
        )
    return ""


def clean_column_map(column_map: Mapping[str, str]) -> dict[str, str]:
    """Columns mapped by a person: CSV header -> an active candidate custom field's key, or IGNORE ("-");
    an empty target leaves the column to be recognised by its name."""
    keys = {field.key for field in active_fields(CustomField.AppliesTo.CANDIDATE)}
    cleaned = {}
    for header, target in column_map.items():
        header, target = str(header).strip(), str(target).strip()
        if not header or not target:
            continue
        if target != IGNORE and target not in keys:
            raise ValidationError(
                _("Column %(column)s: there is no custom field with the key %(key)s."),
                params={"column": header[:60], "key": target[:40]},
                code="unknown_custom_field",
            )
        cleaned[header] = target
    return cleaned


def column_choices(job: ImportJob, preview: ImportPreview) -> list[dict[str, object]]:
    """For the preview: each column, and but for the name columns what it may fill instead: what its name
    says (`by_name`: the field it was recognised as, or "ignored"), nothing, or a custom field."""
    definitions = active_fields(CustomField.AppliesTo.CANDIDATE)
    rows: list[dict[str, object]] = []
    for column in preview.columns:
        if not column.column:
            continue
        chosen = job.column_map.get(column.column, "")
        by_name = _("By its name") if column.chosen else column.label or _("ignored")
        rows.append(
            {
                "column": column,
                "fixed": column.field in NAME_FIELDS,
                "by_name": by_name,
                "left_out": chosen == IGNORE,
                "custom": [(field.key, field.label, field.key == chosen) for field in definitions],
            }
        )
    return rows


def map_import_columns(*, job: ImportJob, column_map: Mapping[str, str], by: User | None = None) -> ImportJob:
    """Choose on the preview which columns fill which custom fields (or are left out); the preview is
    read again with them. Once the import has started its columns stay as they were."""
    cleaned = clean_column_map(column_map)
    if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(column_map=cleaned):
        raise ValidationError(_("This import has started: its columns can no longer change."), code="started")
    job.column_map = cleaned
    return job


def create_import(
    *,
    upload: File,
    source: str = Source.SOURCED,
    pool: TalentPool | None = None,
    pool_name: str = "",
    column_map: Mapping[str, str] | None = None,
    by: User | None = None,
) -> tuple[ImportJob, ImportPreview]:
    """Store an uploaded CSV as an import job waiting for confirmation, and preview it.

    ``pool_name`` names a static pool to use or create; ``column_map`` maps columns to custom fields (see
    map_import_columns). A file that cannot be imported at all leaves a failed job (and no new pool) behind,
    with the reason in the preview's ``error``.
    """
    original_name = PurePath(upload.name or "import.csv").name
    job = ImportJob(
        created_by=by,
        original_name=original_name[:255],
        pool=pool,
        source=source,
        column_map=clean_column_map(column_map or {}),
    )
    job.file.save(original_name, upload, save=False)
    preview = preview_import(job)
    with transaction.atomic():
        job.total_rows = preview.total_rows
        if preview.error:
            job.status, job.failure, job.finished_at = ImportJob.Status.FAILED, preview.error, timezone.now()
        elif pool_name.strip():
            job.pool = _static_pool(pool_name.strip(), by)
        job.save()
    return job, preview


def _static_pool(name: str, by: User | None) -> TalentPool:
    pool = TalentPool.objects.filter(name__iexact=name, kind=TalentPool.Kind.STATIC).first()
    return pool or create_static_pool(name=name, by=by)


def start_import(
    job: ImportJob, *, inline: bool | None = None, progress: Callable[[ImportJob], None] | None = None
) -> ImportJob:
    """Confirm a previewed import. Up to INLINE_ROW_LIMIT rows (or ``inline=True``) it runs now; larger
    files are queued for a Celery worker once the current transaction commits. Confirming twice does nothing.
    """
    queued = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.QUEUED
    )
    if queued:
        if inline if inline is not None else job.total_rows <= INLINE_ROW_LIMIT:
            run_import(job.pk, progress=progress)
        else:
            run_import_job.delay_on_commit(job.pk)
    job.refresh_from_db()
    return job
