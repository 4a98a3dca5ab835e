"""Adding a pool or a long selection to a role: small batches run now, larger ones on a Celery worker."""

from django.contrib.auth.models import User
from django.db import transaction

from candidates.models import TalentPool

from . import tasks
from .models import AddToRoleBatch, Requisition, Stage
from .placing import batch_people, run_add_batch

BATCH_INLINE_LIMIT = 200


def start_add_batch(
    *,
    requisition: Requisition,
    stage: Stage | None,
    candidate_ids: list[int],
    pool: TalentPool | None,
    by: User | None,
) -> AddToRoleBatch:
    """Record a request to add many people to a role; run it now when small, else on a Celery worker."""
    batch = AddToRoleBatch.objects.create(
        requisition=requisition, stage=stage, pool=pool, candidate_ids=candidate_ids, requested_by=by
    )
    if batch_people(batch).count() <= BATCH_INLINE_LIMIT:
        run_add_batch(batch.pk)
        batch.refresh_from_db()
    else:
        transaction.on_commit(lambda: tasks.run_add_batch.delay(batch.pk))
    return batch
