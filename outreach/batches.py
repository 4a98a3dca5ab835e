"""Enrolling a pool or a long selection: small batches run now, larger ones on a Celery worker."""

from django.contrib.auth.models import User
from django.db import transaction

from candidates.models import TalentPool

from . import tasks
from .enrollment import batch_candidates, run_enrollment_batch
from .models import EnrollmentBatch, Sequence

BATCH_INLINE_LIMIT = 200


def start_enrollment_batch(
    *, sequence: Sequence, candidate_ids: list[int], pool: TalentPool | None, by: User | None
) -> EnrollmentBatch:
    """Record a request to enroll many people; run it now when small, else on a Celery worker."""
    batch = EnrollmentBatch.objects.create(
        sequence=sequence, pool=pool, candidate_ids=candidate_ids, requested_by=by
    )
    if batch_candidates(batch).count() <= BATCH_INLINE_LIMIT:
        run_enrollment_batch(batch.pk)
        batch.refresh_from_db()
    else:
        transaction.on_commit(lambda: tasks.run_enrollment_batch.delay(batch.pk))
    return batch
