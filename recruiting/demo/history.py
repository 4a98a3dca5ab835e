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

# What a nurture email links to: the engineering blog and the Berlin team's page.
LINKS = [
    ("https://longlist.example/blog/engineering", "engineering"),
    ("https://longlist.example/careers/berlin", "berlin"),
]


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
            Enrollment.objects.filter(pk=enrollment.pk).update(ended_at=times[-1])
    for sequence_name, index in demo.plan.past_enrollments:
        sequence, candidate = demo.sequences[sequence_name], demo.candidates[index]
        if (sequence.pk, candidate.pk) in enrolled or candidate.do_not_contact:
            continue
        started = demo.now - timedelta(days=person_rng(candidate, "enrolled").uniform(20, 80))
        _play(demo, _enroll(demo, sequence, candidate, started), until=demo.now - timedelta(days=1))
    for index in demo.plan.warm:
        candidate = demo.candidates[index]
        if (nurture.pk, candidate.pk) not in enrolled and not candidate.do_not_contact:
            _warm_up(demo, nurture, candidate)


def _warm_up(demo: Demo, nurture: Sequence, candidate: Candidate) -> None:
    """A month of nurture that worked: connected on LinkedIn, opened the first email and read two of its
    links, then replied a few days ago that they are interested (score about 70, above the warm threshold)."""
    rng = person_rng(candidate, "warm")
    enrollment = _enroll(demo, nurture, candidate, demo.now - timedelta(days=rng.uniform(27, 31)))
    touch = enrollment.touches.order_by("-due_at").first()
    outcomes = {Channel.LINKEDIN_CONNECT: "connected", Channel.ENGAGE: "sent"}
    while touch is not None and touch.channel in outcomes:
        done_at = touch.due_at + timedelta(hours=rng.uniform(1, 20))
        touch = complete_task(touch=touch, outcome=outcomes[touch.channel], by=touch.assignee, now=done_at)
    if touch is None or touch.channel != Channel.EMAIL or touch.due_at > demo.now - timedelta(days=2):
        return
    _sent(touch)
    read_at = touch.sent_at + timedelta(hours=rng.uniform(2, 10))
    engagement.record_open(touch=touch, now=read_at)
    for minutes, (url, topic) in enumerate(LINKS, start=1):
        engagement.record_click(
            touch=touch, url=url, topics=[topic], now=read_at + timedelta(minutes=minutes)
        )
    received = max(read_at + timedelta(hours=20), demo.now - timedelta(days=rng.uniform(1, 3)))
    reply = conversation.log_reply(
        candidate=candidate,
        body="I read both posts. The Berlin team sounds like what I'm looking for next; when could we talk?",
        subject=f"Re: {touch.subject}",
        received_at=received,
        by=demo.users["recruiter"],
    )
    conversation.tag_reply(
        reply=reply, tag=Reply.Tag.INTERESTED, by=demo.users["recruiter"], now=received + timedelta(hours=3)
    )


def _enroll(demo: Demo, sequence: Sequence, candidate: Candidate, when: datetime) -> Enrollment:
    enrollment = enroll(candidate=candidate, sequence=sequence, by=demo.users["recruiter"], now=when)
    Enrollment.objects.filter(pk=enrollment.pk).update(enrolled_at=when)
    demo.count("past enrollments")
    return enrollment


def _play(demo: Demo, enrollment: Enrollment, until: datetime) -> None:
    """What happened to an enrollment's touches that fell due before `until`: emails sent (and opened,
    clicked, replied to or unsubscribed from, drawn per person, keener people more often), LinkedIn and
    other tasks done (a connection request accepted by the keener half)."""
    rng = person_rng(enrollment.candidate, enrollment.sequence.name)
    keen = _keenness(demo, enrollment.candidate)
    outcomes = {Channel.CALL: "no_answer"}
    touch = enrollment.touches.order_by("-due_at").first()
    while touch is not None and touch.due_at < until:
        if touch.channel != Channel.EMAIL:
            outcome = outcomes.get(touch.channel, "sent")
            if touch.channel == Channel.LINKEDIN_CONNECT and rng.random() < 0.3 + 0.6 * keen:
                outcome = "connected"
            done_at = touch.due_at + timedelta(hours=rng.uniform(1, 30))
            touch = complete_task(touch=touch, outcome=outcome, by=touch.assignee, now=done_at)
            continue
        if not touch.candidate.email:
            return  # the dispatcher would skip it; the recruiter goes on by LinkedIn
        _sent(touch)
        if not _engage(demo, touch, rng, keen):
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


def _keenness(demo: Demo, candidate: Candidate) -> float:
    """0-1 from the plan's draw for this person (0.5 for someone the plan does not know)."""
    index = next((i for i, c in demo.candidates.items() if c.pk == candidate.pk), None)
    return 0.5 if index is None else demo.plan.candidates[index].keenness / 100


def _engage(demo: Demo, touch: Touch, rng: random.Random, keen: float) -> bool:
    """Draw the person's answer to one email; False when it ended the sequence (a reply, an unsubscribe).
    A keen person (near 1) opens nearly every email and clicks or replies to about half of them."""
    at = touch.sent_at + timedelta(hours=rng.uniform(1, 20))
    draw = rng.random() * (1.3 - keen)
    if draw < 0.6:
        engagement.record_open(touch=touch, now=at)
    if draw < 0.3:
        engagement.record_click(touch=touch, url=LINKS[0][0], topics=[LINKS[0][1]], now=at)
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
    if draw > 0.93 * (1.3 - keen):
        conversation.unsubscribe(candidate=touch.candidate, touch=touch, now=at)
        return False
    return True
