"""Enrollment: start people on a sequence (one, or many with the skip rules), run a queued batch, and pause,
resume or stop an enrollment."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from candidates.models import Activity, Candidate
from candidates.search import search_candidates
from candidates.services import record_activity

from .models import Enrollment, EnrollmentBatch, Sequence, Touch
from .scheduling import schedule_touch
from .stop_rules import enroll_facts, skip_reason

FACTS_CHUNK = 500  # people whose skip facts are read together


@dataclass
class EnrollmentReport:
    enrolled: list[Enrollment] = field(default_factory=list)
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)


@transaction.atomic
def enroll(
    *, candidate: Candidate, sequence: Sequence, by: User | None, now: datetime | None = None
) -> Enrollment:
    """Start a candidate on a sequence and schedule its first step. Checks no skip rule (see enroll_many)."""
    now = now or timezone.now()
    enrollment = Enrollment.objects.create(sequence=sequence, candidate=candidate, enrolled_by=by)
    first = sequence.steps.order_by("position").first()
    if first is not None:
        schedule_touch(enrollment=enrollment, step=first, after=now)
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.TOUCH,
        actor=by,
        summary=f"Enrolled in sequence {sequence.name}",
        data={"enrollment_id": enrollment.pk},
    )
    return enrollment


def enroll_many(
    *,
    candidates: Iterable[Candidate],
    sequence: Sequence,
    by: User | None,
    now: datetime | None = None,
) -> EnrollmentReport:
    """Enroll everyone who may be enrolled; the report says who was skipped and why (see stop_rules)."""
    report = EnrollmentReport()
    today = timezone.localdate(now)
    people = iter(candidates)
    while chunk := list(islice(people, FACTS_CHUNK)):
        facts = enroll_facts(chunk, sequence, today)
        for candidate in chunk:
            reason = skip_reason(candidate, sequence, facts)
            if reason:
                report.skipped.append((candidate, reason))
            else:
                report.enrolled.append(enroll(candidate=candidate, sequence=sequence, by=by, now=now))
                facts.already_enrolled.add(candidate.pk)  # listed twice, enrolled once
    return report


def batch_candidates(batch: EnrollmentBatch):
    if batch.pool is not None:
        return search_candidates({"pool": batch.pool.pk}, pools={batch.pool.pk: batch.pool})
    return Candidate.objects.filter(pk__in=batch.candidate_ids)


def run_enrollment_batch(batch_id: int) -> None:
    """Enroll everyone in the batch who may be enrolled. Claimed atomically, so a second run does nothing."""
    if not EnrollmentBatch.objects.filter(pk=batch_id, status=EnrollmentBatch.Status.QUEUED).update(
        status=EnrollmentBatch.Status.RUNNING
    ):
        return
    batch = EnrollmentBatch.objects.select_related("sequence", "requested_by", "pool").get(pk=batch_id)
    people = list(batch_candidates(batch).order_by("pk"))
    report = enroll_many(candidates=people, sequence=batch.sequence, by=batch.requested_by)
    EnrollmentBatch.objects.filter(pk=batch_id).update(
        status=EnrollmentBatch.Status.DONE,
        total=len(people),
        enrolled_count=len(report.enrolled),
        skipped=[{"id": c.pk, "name": c.full_name, "reason": reason} for c, reason in report.skipped],
        finished_at=timezone.now(),
    )


@transaction.atomic
def pause_enrollment(*, enrollment: Enrollment, by: User | None = None, reason: str = "") -> Enrollment:
    """Hold an active enrollment; `reason`, when given, is on the timeline entry."""
    if enrollment.status == Enrollment.Status.ACTIVE:
        enrollment.status = Enrollment.Status.PAUSED
        enrollment.save(update_fields=["status"])
        why = f": {reason}" if reason else ""
        _note(enrollment, by, f"Paused in sequence {enrollment.sequence.name}{why}")
    return enrollment


@transaction.atomic
def resume_enrollment(*, enrollment: Enrollment, by: User | None = None) -> Enrollment:
    """Let an enrollment go on. Touches that fell due meanwhile keep their due times: the sender's pace spreads
    them from now on (pacing.py), so a long pause never ends in a burst."""
    if enrollment.status == Enrollment.Status.PAUSED:
        enrollment.status = Enrollment.Status.ACTIVE
        enrollment.save(update_fields=["status"])
        _note(enrollment, by, f"Resumed in sequence {enrollment.sequence.name}")
    return enrollment


@transaction.atomic
def stop_enrollment(*, enrollment: Enrollment, reason: str, by: User | None = None) -> Enrollment:
    """End an enrollment for good and cancel what it still had planned."""
    if enrollment.status not in Enrollment.LIVE_STATUSES:
        return enrollment
    enrollment.status = Enrollment.Status.STOPPED
    enrollment.stop_reason = reason[:120]
    enrollment.ended_at = timezone.now()
    enrollment.save(update_fields=["status", "stop_reason", "ended_at"])
    enrollment.touches.filter(status__in=[Touch.Status.SCHEDULED, Touch.Status.TASK_OPEN]).update(
        status=Touch.Status.CANCELLED
    )
    _note(enrollment, by, f"Stopped in sequence {enrollment.sequence.name}: {reason}")
    return enrollment


def _note(enrollment: Enrollment, by: User | None, summary: str) -> None:
    record_activity(
        candidate=enrollment.candidate,
        kind=Activity.Kind.TOUCH,
        actor=by,
        summary=summary,
        data={"enrollment_id": enrollment.pk},
    )
