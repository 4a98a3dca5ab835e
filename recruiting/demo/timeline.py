"""One story per person: the timeline entries, dates and score the services left are made to agree.

The services write the timeline at the real time of the run, while the demo plays weeks of history with
times set back. This pass, run last on the people this load created, dates each entry by what it records
(a touch by when it was sent or done, an enrollment by when it started or stopped, a reply by when it came
in or was tagged), adds each person to Longlist before anything happened to them, derives "last contacted"
from their touches only, and computes the engagement score from their events as the daily refresh would.
"""

from datetime import datetime, timedelta

from candidates.models import Activity, Candidate, LawfulBasis, Referral, SilverMedal, Source
from outreach import engagement
from outreach.models import EngagementEvent, Enrollment, Reply, Touch
from pipelines.models import Card

from .state import Demo, person_rng

CONTACTED = [Touch.Status.SENT, Touch.Status.DONE]


def settle(demo: Demo, candidate_ids: list[int]) -> None:
    for candidate in Candidate.objects.filter(pk__in=candidate_ids).order_by("pk"):
        _settle_person(demo, candidate)
    engagement.refresh_candidates(candidate_ids, now=demo.now)


def _settle_person(demo: Demo, candidate: Candidate) -> None:
    touches = {t.pk: t for t in Touch.objects.filter(candidate=candidate)}
    enrollments = {e.pk: e for e in Enrollment.objects.filter(candidate=candidate)}
    replies = {r.pk: r for r in Reply.objects.filter(candidate=candidate)}
    for enrollment in enrollments.values():
        ended = _ended_at(enrollment, candidate, replies.values())
        if ended is not None and ended != enrollment.ended_at:
            Enrollment.objects.filter(pk=enrollment.pk).update(ended_at=ended)
            enrollment.ended_at = ended
    medals = {m.pk: m.created_at for m in SilverMedal.objects.filter(candidate=candidate)}

    entries = list(candidate.activities.all())
    for entry in entries:
        at = _recorded_at(entry, candidate, touches, enrollments, replies, medals)
        if at is not None and at != entry.created_at:
            Activity.objects.filter(pk=entry.pk).update(created_at=at)
            entry.created_at = at

    happened = [e.created_at for e in entries if e.kind not in (Activity.Kind.CREATED, Activity.Kind.NOTE)]
    happened += Card.objects.filter(candidate=candidate).values_list("created_at", flat=True)
    happened += [e.enrolled_at for e in enrollments.values()]
    happened += [t.due_at for t in touches.values() if t.status in CONTACTED]
    happened += EngagementEvent.objects.filter(candidate=candidate).values_list("occurred_at", flat=True)
    happened += [r.received_at for r in replies.values()]
    happened += medals.values()
    added = _added_at(demo, candidate, min(happened, default=demo.now))

    if candidate.source == Source.REFERRAL:
        # Added by the referral itself: referred the moment they were added.
        Referral.objects.filter(candidate=candidate).update(created_at=added)
        Activity.objects.filter(
            candidate=candidate, kind=Activity.Kind.REFERRAL, summary__startswith="Referred by"
        ).update(created_at=added)
    for n, entry in enumerate(e for e in entries if e.kind in (Activity.Kind.CREATED, Activity.Kind.NOTE)):
        at = added if entry.kind == Activity.Kind.CREATED else added + timedelta(hours=2 + n)
        Activity.objects.filter(pk=entry.pk).update(created_at=at)

    contacts = sorted(
        t.sent_at or t.completed_at
        for t in touches.values()
        if t.status in CONTACTED and t.outcome != "skipped" and (t.sent_at or t.completed_at)
    )
    Candidate.objects.filter(pk=candidate.pk).update(
        created_at=added,
        last_contacted_at=contacts[-1] if contacts else None,
        privacy_notice_sent_at=(
            contacts[0] if contacts and candidate.lawful_basis == LawfulBasis.LEGITIMATE_INTEREST else None
        ),
    )


def _ended_at(enrollment: Enrollment, candidate: Candidate, replies) -> datetime | None:
    """When a stopped enrollment really stopped: at the reply or the unsubscribe that stopped it."""
    if enrollment.status != Enrollment.Status.STOPPED:
        return enrollment.ended_at
    if enrollment.stop_reason == "replied":
        after = sorted(r.received_at for r in replies if r.received_at >= enrollment.enrolled_at)
        return after[0] if after else enrollment.ended_at
    if enrollment.stop_reason == "unsubscribed" and candidate.unsubscribed_at:
        return candidate.unsubscribed_at
    return enrollment.ended_at


def _recorded_at(
    entry: Activity, candidate: Candidate, touches, enrollments, replies, medals
) -> datetime | None:
    """When what the entry records happened, if the entry says what it records."""
    data = entry.data or {}
    if "touch_id" in data and data["touch_id"] in touches:
        touch = touches[data["touch_id"]]
        return touch.sent_at or touch.completed_at
    if "enrollment_id" in data and data["enrollment_id"] in enrollments:
        enrollment = enrollments[data["enrollment_id"]]
        return enrollment.enrolled_at if entry.summary.startswith("Enrolled") else enrollment.ended_at
    if "reply_id" in data and data["reply_id"] in replies:
        reply = replies[data["reply_id"]]
        return reply.triaged_at if entry.summary.startswith("Reply tagged") else reply.received_at
    if "silver_medal_id" in data:
        return medals.get(data["silver_medal_id"])
    if entry.kind == Activity.Kind.PRIVACY and entry.summary.startswith("Unsubscribed"):
        return candidate.unsubscribed_at
    return None


def _added_at(demo: Demo, candidate: Candidate, first_event: datetime) -> datetime:
    """When they were added: applicants and referrals shortly before they were first seen, others months
    earlier."""
    rng = person_rng(candidate, "added")
    if candidate.source == Source.APPLIED:
        before = timedelta(hours=rng.uniform(2, 72))
        added = demo.now - timedelta(days=rng.uniform(3, 60))
    elif candidate.source == Source.REFERRAL and Referral.objects.filter(candidate=candidate).exists():
        # Referred this quarter (the referral reports show it).
        before = timedelta(days=rng.uniform(1, 5))
        added = demo.now - timedelta(days=rng.uniform(5, 80))
    else:
        before = timedelta(days=rng.uniform(1, 30))
        added = demo.now - timedelta(days=rng.uniform(30, 700))
    return min(added, first_event - before)
