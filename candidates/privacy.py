"""Privacy operations: the admins' policy, the privacy notice, retention reviews and erasure on request."""

import logging
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Activity, Candidate, PrivacyPolicy, Suppression
from .services import record_activity
from .signals import candidate_erasing

logger = logging.getLogger(__name__)


@transaction.atomic
def update_privacy_policy(*, retention_days: int, notice_due_days: int, by: User) -> PrivacyPolicy:
    policy = PrivacyPolicy.current()
    policy.retention_days = retention_days
    policy.notice_due_days = notice_due_days
    policy.full_clean()
    policy.save()
    logger.info(
        "Privacy policy set by %s: retention %s days, notice due in %s days",
        by.get_username(),
        retention_days,
        notice_due_days,
    )
    return policy


@transaction.atomic
def mark_privacy_notice_sent(
    *, candidate: Candidate, by: User | None, now: datetime | None = None
) -> Candidate:
    """Record that the privacy notice (GDPR Art. 14) went out, e.g. sent by hand. Does nothing if already sent."""
    if candidate.privacy_notice_sent_at is None:
        candidate.privacy_notice_sent_at = now or timezone.now()
        candidate.save(update_fields=["privacy_notice_sent_at", "updated_at"])
        record_activity(
            candidate=candidate, kind=Activity.Kind.PRIVACY, actor=by, summary="Privacy notice sent"
        )
    return candidate


@transaction.atomic
def keep_after_retention_review(*, candidate: Candidate, by: User, now: datetime | None = None) -> Candidate:
    """A recruiter reviewed someone past the retention period and keeps them: the retention clock restarts."""
    candidate.retention_reviewed_at = now or timezone.now()
    candidate.save(update_fields=["retention_reviewed_at", "updated_at"])
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.REVIEW,
        actor=by,
        summary="Reviewed past the retention period and kept",
    )
    return candidate


# Personal fields an erasure blanks; what stays (source, status, industry, country, years, dates, owner, score)
# keeps reports and counts right without identifying anyone.
ERASED_VALUES: dict[str, Any] = {
    "first_name": "Erased",
    "last_name": "",
    "email": "",
    "phone": "",
    "linkedin_url": "",
    "title": "",
    "company": "",
    "city": "",
    "timezone": "",
    "notes": "",
    "search_document": "",
    "search_vector": None,
    "skill_keys": "",  # their skills are cleared too
}


def _delete_files(candidate: Candidate) -> None:
    """Delete a person's résumés and their data requests (the copies of their data they asked for); the files go
    once the transaction commits (a rollback keeps both)."""
    files = [resume.file for resume in candidate.resumes.all()]
    files += [request.file for request in candidate.data_requests.exclude(file="")]
    candidate.resumes.all().delete()
    candidate.data_requests.all().delete()

    def delete_files() -> None:
        for file in files:
            file.storage.delete(file.name)

    transaction.on_commit(delete_files)


@transaction.atomic
def erase_candidate(*, candidate: Candidate, by: User) -> Candidate:
    """Anonymise a person on request (admins only), keeping the row so counts in reports stay right.

    Leaves a Suppression for the old email and LinkedIn (and for their aliases, which it deletes) so a re-import
    does not bring them back into outreach, deletes their timeline, pool memberships, résumés and data requests
    (with their files), blanks what referrers and
    silver medals say about them, unlinks them from any record flagged as their possible duplicate, lets the apps
    above scrub their own rows (``candidate_erasing``), and audits it: one timeline entry on the anonymised row
    and a log line.
    """
    if not by.has_perm("candidates.erase_candidate", candidate):
        raise PermissionDenied("Only admins erase candidates.")
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.erased_at:
        raise ValidationError("This candidate has already been erased.")
    addresses = [(candidate.email, candidate.linkedin_url)]
    addresses += candidate.aliases.values_list("email", "linkedin_url")
    Suppression.objects.bulk_create(
        Suppression(email=email, linkedin_url=linkedin_url, reason=Suppression.Reason.ERASED)
        for email, linkedin_url in addresses
        if email or linkedin_url
    )
    candidate.aliases.all().delete()
    candidate_erasing.send(sender=Candidate, candidate=candidate, by=by)
    candidate.activities.all().delete()
    _delete_files(candidate)
    candidate.pool_memberships.all().delete()
    candidate.referrals.update(reason="", relationship="")
    candidate.silver_medals.update(reason_detail="")
    candidate.skills.clear()
    Candidate.objects.filter(possible_duplicate_of=candidate).update(possible_duplicate_of=None)
    candidate.possible_duplicate_of = None
    for name, value in ERASED_VALUES.items():
        setattr(candidate, name, value)
    candidate.do_not_contact = True
    candidate.erased_at = timezone.now()
    candidate.save()
    admin = by.get_full_name() or by.get_username()
    record_activity(
        candidate=candidate, kind=Activity.Kind.PRIVACY, actor=by, summary=f"Erased on request by {admin}"
    )
    logger.info("Candidate %s erased on request by %s", candidate.pk, by.get_username())
    return candidate
