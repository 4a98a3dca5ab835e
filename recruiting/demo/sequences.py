"""Demo sequences: a six-month nurture and two follow-ups, enrollments with tasks due today, replies."""

from datetime import timedelta

from outreach import conversation
from outreach.enrollment import enroll
from outreach.manual_tasks import complete_task
from outreach.models import Channel, Enrollment, PlannedRoleCampaign, Sequence, Step, Touch
from outreach.selectors import day_bounds

from .state import Demo

SEQUENCES = [
    {
        "name": "Passive nurture — 6 months",
        "purpose": (
            "A slow, relationship-first cadence for passive candidates: connect and engage on LinkedIn before "
            "the first email, then share something useful every few weeks. Stops as soon as they reply."
        ),
        "min_gap_days": 5,
        "steps": [
            (
                0,
                "days",
                Channel.LINKEDIN_CONNECT,
                "",
                (
                    "Hi {{ first_name }}, I enjoyed reading about your work as {{ title }} at {{ company }}. "
                    "I'd love to connect and follow along. — {{ sender_name }}"
                ),
            ),
            (
                1,
                "weeks",
                Channel.ENGAGE,
                "",
                (
                    "Like or leave a thoughtful comment on a recent post by {{ first_name }}. "
                    "No pitch: just show up in their feed."
                ),
            ),
            (
                2,
                "weeks",
                Channel.EMAIL,
                "Thought of you, {{ first_name }}",
                (
                    "Hi {{ first_name }},\n\nWe recently wrote up how our team handles the problems a {{ title }} "
                    "deals with every day, and I thought of you. No agenda: I just think you'd find it useful.\n\n"
                    "Best,\n{{ sender_name }}"
                ),
            ),
            (
                1,
                "months",
                Channel.EMAIL,
                "What we're building next",
                (
                    "Hi {{ first_name }},\n\nA quick update from our side: we're planning a new team for next "
                    "year and I keep meeting people like you at {{ company }} who would shape it. Happy to share "
                    "more whenever it's useful to you.\n\nBest,\n{{ sender_name }}"
                ),
            ),
            (
                6,
                "weeks",
                Channel.LINKEDIN_MESSAGE,
                "",
                (
                    "Hi {{ first_name }}, hope things are going well at {{ company }}. Would a 15-minute chat "
                    "sometime this quarter be interesting? No pressure at all. — {{ sender_name }}"
                ),
            ),
            (
                3,
                "months",
                Channel.EMAIL,
                "Still open to a conversation, {{ first_name }}?",
                (
                    "Hi {{ first_name }},\n\nOur Berlin team is about to open and I'd love you to hear about it "
                    "before the roles go public. If the timing is wrong, just say so and I'll check back later.\n\n"
                    "Best,\n{{ sender_name }}"
                ),
            ),
        ],
    },
    {
        "name": "Active candidate follow-up",
        "purpose": "Fast follow-up for people who are looking: two short emails, then a call.",
        "min_gap_days": 1,
        "steps": [
            (
                0,
                "days",
                Channel.EMAIL,
                "Next steps for the {{ title }} role",
                (
                    "Hi {{ first_name }},\n\nThanks for your interest! I'd love to set up a 30-minute call this "
                    "week. Which times work for you?\n\nBest,\n{{ sender_name }}"
                ),
            ),
            (
                3,
                "days",
                Channel.EMAIL,
                "Quick nudge, {{ first_name }}",
                (
                    "Hi {{ first_name }},\n\nJust bringing this back to the top of your inbox. Happy to work "
                    "around your schedule.\n\n{{ sender_name }}"
                ),
            ),
            (2, "days", Channel.CALL, "", "Call {{ first_name }} to book the first interview."),
        ],
    },
    {
        "name": "Event follow-up",
        "purpose": "For people we met at meetups and conferences: thank them, connect, stay in touch.",
        "min_gap_days": 3,
        "steps": [
            (
                1,
                "days",
                Channel.EMAIL,
                "Great to meet you, {{ first_name }}",
                (
                    "Hi {{ first_name }},\n\nIt was great to meet you last week. As promised, I'll keep you in "
                    "the loop about what we're building. Say hi to the team at {{ company }}!\n\n{{ sender_name }}"
                ),
            ),
            (
                2,
                "days",
                Channel.LINKEDIN_CONNECT,
                "",
                (
                    "Hi {{ first_name }}, great chatting at the event. Let's stay in touch! — {{ sender_name }}"
                ),
            ),
            (
                3,
                "weeks",
                Channel.EMAIL,
                "Slides and recordings",
                (
                    "Hi {{ first_name }},\n\nThe talk recordings are up; thought you might like them. We run a "
                    "meetup every quarter, and you'd be very welcome.\n\n{{ sender_name }}"
                ),
            ),
            (1, "months", Channel.TASK, "", "Invite {{ first_name }} personally to our next meetup."),
        ],
    },
]
NURTURE, ACTIVE_FOLLOW_UP, EVENT_FOLLOW_UP = (s["name"] for s in SEQUENCES)


def seed_sequences(demo: Demo) -> None:
    for spec in SEQUENCES:
        sequence, created = Sequence.objects.get_or_create(
            name=spec["name"],
            defaults={
                "purpose": spec["purpose"],
                "sender": demo.users["recruiter"],
                "created_by": demo.users["admin"],
                "min_gap_days": spec["min_gap_days"],
            },
        )
        demo.sequences[spec["name"]] = sequence
        if not created:
            continue
        demo.count("sequences")
        for position, (amount, unit, channel, subject, body) in enumerate(spec["steps"], start=1):
            step = Step(
                sequence=sequence,
                position=position,
                delay_amount=amount,
                delay_unit=unit,
                channel=channel,
                subject=subject,
                body=body,
            )
            step.full_clean()
            step.save()
            demo.count("steps")


def seed_enrollments(demo: Demo) -> None:
    recruiter = demo.users["recruiter"]
    enrolled = set(
        Enrollment.objects.filter(sequence__in=demo.sequences.values()).values_list(
            "sequence_id", "candidate_id"
        )
    )
    start_of_today, _ = day_bounds(demo.now)
    for sequence_name, index, days_ago, day_fraction, progress in demo.plan.enrollments:
        sequence = demo.sequences[sequence_name]
        candidate = demo.candidates[index]
        if (sequence.pk, candidate.pk) in enrolled or candidate.do_not_contact:
            continue
        if days_ago == 0:
            # Some time earlier today, so the first task is due today rather than overdue.
            when = start_of_today + (demo.now - start_of_today) * day_fraction
        else:
            when = demo.now - timedelta(days=days_ago, hours=day_fraction * 8)
        enrollment = enroll(candidate=candidate, sequence=sequence, by=recruiter, now=when)
        Enrollment.objects.filter(pk=enrollment.pk).update(enrolled_at=when)
        enrolled.add((sequence.pk, candidate.pk))
        demo.count("enrollments")
        if sequence_name == NURTURE:
            _progress_nurture(demo, enrollment, progress)


def seed_conversation(demo: Demo) -> None:
    """Two replies waiting in Replies (to the last email two people were sent), one nobody could match, and
    the nurture planned for the Berlin role (it starts by itself four months before the role opens). Runs
    after the history, whose emails are answered. Idempotent: replies by Message-ID."""
    emailed = (
        Touch.objects.filter(
            status=Touch.Status.SENT,
            enrollment__status=Enrollment.Status.ACTIVE,
            candidate__do_not_contact=False,
            sent_at__lt=demo.now - timedelta(days=1),
        )
        .exclude(candidate__email="")
        .select_related("candidate")
        .order_by("candidate_id", "-sent_at")
    )
    answered: dict[int, Touch] = {}
    for touch in emailed:
        answered.setdefault(touch.candidate_id, touch)
        if len(answered) == 2:
            break
    replies = [
        (t.candidate.email, f"Re: {t.subject}", "Thanks for reaching out. Happy to chat next month.")
        for t in answered.values()
    ]
    replies.append(("someone@personal.example", "Who is this?", "How did you get my address?"))
    for n, (sender, subject, body) in enumerate(replies):
        _, created = conversation.receive_inbound_email(
            from_address=sender,
            subject=subject,
            body=body,
            message_id=f"<demo-reply-{n}@longlist.demo>",
            received_at=demo.now - timedelta(hours=3 * (n + 1)),
        )
        demo.count("replies", int(created))
    berlin = demo.requisitions.get("Engineering Manager, Berlin")
    if berlin is not None:
        _, created = PlannedRoleCampaign.objects.get_or_create(
            sequence=demo.sequences[NURTURE],
            requisition=berlin,
            defaults={"months_before": 4, "created_by": demo.users["recruiter"]},
        )
        demo.count("planned-role campaigns", int(created))


def _progress_nurture(demo: Demo, enrollment: Enrollment, draws: tuple[float, float]) -> None:
    """Pretend the recruiter already did the LinkedIn tasks that fell due a while ago."""
    outcomes = {Channel.LINKEDIN_CONNECT: "connected", Channel.ENGAGE: "sent"}
    touch = enrollment.touches.order_by("-due_at").first()
    for draw in draws:
        done_at = touch.due_at + timedelta(days=1)
        if touch.channel not in outcomes or done_at > demo.now - timedelta(hours=12):
            return
        if draw > 0.8:
            return  # still open: the recruiter is behind on this one
        touch = complete_task(touch=touch, outcome=outcomes[touch.channel], by=touch.assignee, now=done_at)
        if touch is None:
            return
