"""Demo history for the reports: weeks of sends, opens, clicks, replies and people ready to talk."""

import random
from datetime import datetime, timedelta

from django.db.models import Q

from candidates import services as candidate_services
from candidates.models import Activity, Candidate
from outreach import conversation, engagement, placeholders
from outreach import email as outreach_email
from outreach.enrollment import enroll, stop_enrollment
from outreach.manual_tasks import complete_task
from outreach.models import Channel, EngagementEvent, Enrollment, Reply, Sequence, Touch
from outreach.scheduling import schedule_next_step
from pipelines import services as pipeline_services
from pipelines.models import TALENT_STAGES, Card

from .requisitions import path_times
from .sequences import NURTURE
from .state import Demo, person_rng


def seed_history(demo: Demo) -> None:
    """Weeks of outreach: people who became ready to talk after a LinkedIn connection, and follow-up
    sequences whose emails went out and were opened, clicked, replied to or unsubscribed from. Only for
    enrollments this run makes, so a second run changes nothing."""
    enrolled = set(Enrollment.objects.values_list("sequence_id", "candidate_id"))
    talent = pipeline_services.get_or_create_talent_board()
    stops = len(TALENT_STAGES)
    nurture = demo.sequences[NURTURE]
    for index in demo.plan.ready:
        candidate = demo.candidates[index]
        if (nurture.pk, candidate.pk) in enrolled or candidate.do_not_contact:
            continue
        times = path_times(demo, candidate, talent, stops)  # their talent card's, see requisitions.add_cards
        enrollment = _enroll(demo, nurture, candidate, times[0] - timedelta(days=2))
        _play(demo, enrollment, until=times[-1] - timedelta(days=1))
        if Card.objects.filter(pipeline=talent, candidate=candidate, stage__position=stops - 1).exists():
            stop_enrollment(enrollment=enrollment, reason="ready to talk", by=demo.users["recruiter"])
    for sequence_name, index in demo.plan.past_enrollments:
        sequence, candidate = demo.sequences[sequence_name], demo.candidates[index]
        if (sequence.pk, candidate.pk) in enrolled or candidate.do_not_contact:
            continue
        started = demo.now - timedelta(days=person_rng(candidate, "enrolled").uniform(20, 80))
        _play(demo, _enroll(demo, sequence, candidate, started), until=demo.now - timedelta(days=1))


def _enroll(demo: Demo, sequence: Sequence, candidate: Candidate, when: datetime) -> Enrollment:
    enrollment = enroll(candidate=candidate, sequence=sequence, by=demo.users["recruiter"], now=when)
    Enrollment.objects.filter(pk=enrollment.pk).update(enrolled_at=when)
    demo.count("past enrollments")
    return enrollment


def _play(demo: Demo, enrollment: Enrollment, until: datetime) -> None:
    """What happened to an enrollment's touches that fell due before `until`: emails sent (and opened,
    clicked, replied to or unsubscribed from, drawn per person), LinkedIn and other tasks done."""
    rng = person_rng(enrollment.candidate, enrollment.sequence.name)
    outcomes = {Channel.LINKEDIN_CONNECT: "connected", Channel.CALL: "no_answer"}
    touch = enrollment.touches.order_by("-due_at").first()
    while touch is not None and touch.due_at < until:
        if touch.channel != Channel.EMAIL:
            outcome = outcomes.get(touch.channel, "sent")
            done_at = touch.due_at + timedelta(hours=rng.uniform(1, 30))
            touch = complete_task(touch=touch, outcome=outcome, by=touch.assignee, now=done_at)
            continue
        if not touch.candidate.email:
            return  # the dispatcher would skip it; the recruiter goes on by LinkedIn
        _sent(touch)
        if not _engage(demo, touch, rng):
            return
        touch = schedule_next_step(enrollment, touch, touch.sent_at)


def _sent(touch: Touch) -> None:
    """The dispatcher's bookkeeping for an email sent when it fell due."""
    subject = placeholders.render_text(touch.subject, outreach_email.message_values(touch))
    Touch.objects.filter(pk=touch.pk).update(status=Touch.Status.SENT, sent_at=touch.due_at, subject=subject)
    touch.refresh_from_db()
    Candidate.objects.filter(
        Q(last_contacted_at__isnull=True) | Q(last_contacted_at__lt=touch.sent_at), pk=touch.candidate_id
    ).update(last_contacted_at=touch.sent_at)
    EngagementEvent.objects.create(
        candidate_id=touch.candidate_id, touch=touch, kind="sent", occurred_at=touch.sent_at
    )
    entry = candidate_services.record_activity(
        candidate=touch.candidate,
        kind=Activity.Kind.TOUCH,
        summary=f"Email sent: {subject}",
        data={"touch_id": touch.pk, "sequence": touch.enrollment.sequence.name},
    )
    Activity.objects.filter(pk=entry.pk).update(created_at=touch.sent_at)


def _engage(demo: Demo, touch: Touch, rng: random.Random) -> bool:
    """Draw the person's answer to one email; False when it ended the sequence (a reply, an unsubscribe)."""
    at = touch.sent_at + timedelta(hours=rng.uniform(1, 20))
    draw = rng.random()
    if draw < 0.6:
        engagement.record_open(touch=touch, now=at)
    if draw < 0.3:
        engagement.record_click(
            touch=touch, url="https://longlist.example/blog/engineering", topics=["engineering"], now=at
        )
    if draw < 0.12:
        reply = conversation.log_reply(
            candidate=touch.candidate,
            body="Thanks, this is interesting. Could we talk next week?",
            subject=f"Re: {touch.subject}",
            received_at=at + timedelta(hours=2),
            by=demo.users["recruiter"],
        )
        conversation.tag_reply(
            reply=reply, tag=Reply.Tag.INTERESTED, by=demo.users["recruiter"], now=at + timedelta(hours=5)
        )
        return False
    if draw > 0.97:
        conversation.unsubscribe(candidate=touch.candidate, touch=touch, now=at)
        return False
    return True
