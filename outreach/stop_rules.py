"""Who must not be contacted: the rules checked when enrolling people and again just before each send."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from candidates.models import Candidate, Suppression
from pipelines.models import Card, Pipeline

from .models import Enrollment, Sequence, Step, Touch


def skip_reason(candidate: Candidate, sequence: Sequence, today: date | None = None) -> str:
    """Why this person must not be enrolled, or '' when they may be."""
    if candidate.erased_at:
        return "erased"
    if candidate.do_not_contact:
        return "do not contact"
    if candidate.unsubscribed_at or is_suppressed(candidate):
        return "unsubscribed"
    if Enrollment.objects.filter(
        sequence=sequence, candidate=candidate, status__in=Enrollment.LIVE_STATUSES
    ).exists():
        return "already enrolled"
    if in_active_hiring_process(candidate):
        return "in an active hiring process"
    if candidate.snoozed_until and candidate.snoozed_until > (today or timezone.localdate()):
        return f"asked us to check back after {candidate.snoozed_until:%-d %b %Y}"
    if not_their_topic(candidate, sequence):
        return NOT_THEIR_TOPIC
    return ""


NOT_THEIR_TOPIC = "not a topic they chose"


def not_their_topic(candidate: Candidate, sequence: Sequence) -> bool:
    """The sequence is about a topic, and the person chose topics in the preference centre but not this one."""
    return bool(sequence.topic and candidate.topics and sequence.topic not in candidate.topics)


def is_suppressed(candidate: Candidate) -> bool:
    match = Q(pk__in=[])
    if candidate.email:
        match |= Q(email__iexact=candidate.email)
    if candidate.linkedin_url:
        match |= Q(linkedin_url=candidate.linkedin_url)
    return Suppression.objects.filter(match).exists()


def in_active_hiring_process(candidate: Candidate) -> bool:
    return Card.objects.filter(
        candidate=candidate, status=Card.Status.ACTIVE, pipeline__kind=Pipeline.Kind.REQUISITION
    ).exists()


@dataclass
class StopFacts:
    """What the stop rules need for a batch of touches, read in a few queries just before sending."""

    suppressed_emails: set[str]
    suppressed_linkedin: set[str]
    hired: set[int]
    live_enrollments: set[int]
    steps: dict[int, list[Step]]


def stop_facts(touches: list[Touch]) -> StopFacts:
    candidates = [t.candidate for t in touches]
    emails = {c.email.lower() for c in candidates if c.email}
    profiles = {c.linkedin_url for c in candidates if c.linkedin_url}
    suppressed = Suppression.objects.annotate(email_ci=Lower("email")).filter(
        Q(email_ci__in=emails) | Q(linkedin_url__in=profiles)
    )
    sequences = {t.enrollment.sequence_id for t in touches}
    steps: dict[int, list[Step]] = {pk: [] for pk in sequences}
    for step in Step.objects.filter(sequence_id__in=sequences).order_by("position"):
        steps[step.sequence_id].append(step)
    rows = list(suppressed.values_list("email", "linkedin_url"))
    return StopFacts(
        suppressed_emails={email.lower() for email, _ in rows if email},
        suppressed_linkedin={url for _, url in rows if url},
        hired=set(
            Card.objects.hired().filter(candidate__in=candidates).values_list("candidate_id", flat=True)
        ),
        live_enrollments=set(
            Enrollment.objects.filter(
                pk__in={t.enrollment_id for t in touches}, status=Enrollment.Status.ACTIVE
            ).values_list("pk", flat=True)
        ),
        steps=steps,
    )


def stop_rule(touch: Touch, facts: StopFacts) -> str:
    """Why a claimed touch must not be sent now ('' when it may)."""
    candidate = touch.candidate
    if candidate.erased_at:
        return "erased"
    if (
        candidate.unsubscribed_at
        or candidate.email.lower() in facts.suppressed_emails
        or (candidate.linkedin_url and candidate.linkedin_url in facts.suppressed_linkedin)
    ):
        return "unsubscribed"
    if candidate.do_not_contact:
        return "do not contact"
    if not candidate.email:
        return "no email address"
    if not_their_topic(candidate, touch.enrollment.sequence):
        return NOT_THEIR_TOPIC
    if candidate.pk in facts.hired:
        return "hired"
    if touch.enrollment_id not in facts.live_enrollments:
        return "enrollment no longer active"
    return ""
