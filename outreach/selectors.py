"""Read queries for sequences, touches, the task queue, replies and engagement."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from candidates.models import Candidate
from candidates.roles import is_admin
from pipelines.models import Card, Requisition

from . import engagement, placeholders, threads, tokens
from .email import default_meeting_type, message_sender, placeholder_values
from .models import (
    Availability,
    Channel,
    EngagementEvent,
    Enrollment,
    InboundMailbox,
    InboundMessage,
    Meeting,
    MeetingHost,
    MeetingType,
    PlannedRoleCampaign,
    RejectionTemplate,
    Reply,
    ReplyQuerySet,
    Sequence,
    Step,
    Touch,
)


def day_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Start and end of today in the site's timezone."""
    local = timezone.localtime(now or timezone.now())
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def touches_due_today(now: datetime | None = None) -> int:
    start, end = day_bounds(now)
    return Touch.objects.filter(
        status__in=[Touch.Status.SCHEDULED, Touch.Status.TASK_OPEN], due_at__gte=start, due_at__lt=end
    ).count()


def task_queue(user: User, now: datetime | None = None) -> dict[str, QuerySet[Touch]]:
    """A recruiter's open manual tasks split into overdue, due today and upcoming."""
    start, end = day_bounds(now)
    tasks = open_tasks().filter(assignee=user)
    return {
        "overdue": tasks.filter(due_at__lt=start),
        "today": tasks.filter(due_at__gte=start, due_at__lt=end),
        "upcoming": tasks.filter(due_at__gte=end)[:50],
    }


def sequences_with_counts() -> QuerySet[Sequence]:
    return Sequence.objects.select_related("sender").annotate(
        step_count=Count("steps", distinct=True),
        live_count=Count(
            "enrollments", filter=Q(enrollments__status__in=Enrollment.LIVE_STATUSES), distinct=True
        ),
    )


def preview_candidates() -> QuerySet[Candidate]:
    """People to preview a message with: the most recently updated, with the fields placeholders use."""
    return (
        Candidate.objects.filter(erased_at__isnull=True)
        .only("first_name", "last_name", "company")
        .order_by("-updated_at")[:50]
    )


def enrollments_of(sequence: Sequence | None) -> QuerySet[Enrollment]:
    enrollments = Enrollment.objects.select_related("candidate", "sequence", "enrolled_by")
    return enrollments.filter(sequence=sequence) if sequence is not None else enrollments


def open_tasks() -> QuerySet[Touch]:
    return Touch.objects.filter(status=Touch.Status.TASK_OPEN).select_related(
        "candidate", "enrollment__sequence__sender", "step"
    )


def people_named(ids: list[int], limit: int = 12) -> QuerySet[Candidate]:
    return Candidate.objects.filter(pk__in=ids, erased_at__isnull=True).only("first_name", "last_name")[
        :limit
    ]


def replies() -> ReplyQuerySet:
    """Replies with what their cards show: who, the email they answered, and our answers to them."""
    return Reply.objects.select_related(
        "candidate", "touch__enrollment__sequence", "logged_by", "triaged_by"
    ).prefetch_related(Prefetch("answers", queryset=Touch.objects.order_by("due_at", "pk")))


def replies_to_handle(user: User) -> QuerySet[Reply]:
    """Matched replies nobody has tagged yet, oldest first; the recruiting team sees them all."""
    if not user.has_perm("outreach.view_reply"):
        return Reply.objects.none()
    return replies().to_handle().order_by("received_at", "pk")


def unmatched_replies(user: User) -> QuerySet[Reply]:
    if not user.has_perm("outreach.view_reply"):
        return Reply.objects.none()
    return replies().unmatched().order_by("received_at", "pk")


def recently_handled_replies(user: User, limit: int = 20) -> QuerySet[Reply]:
    if not user.has_perm("outreach.view_reply"):
        return Reply.objects.none()
    return replies().exclude(tag="").order_by("-triaged_at", "-pk")[:limit]


def live_requisitions() -> QuerySet[Requisition]:
    """Roles an interested person can be put on: planned and open ones."""
    return Requisition.objects.live().only("id", "title", "status").order_by("title")


def candidate_enrollments(candidate: Candidate) -> list[Enrollment]:
    """The person's enrollments with their sequence, newest first, in one query (their profile)."""
    return list(
        Enrollment.objects.filter(candidate=candidate).select_related("sequence").order_by("-enrolled_at")
    )


def nurture_to_resume(candidate: Candidate) -> set[int]:
    """The person's paused enrollments a recruiter is offered to resume: all of them once the person is on no
    open role's board in process (turned down, or the role closed); none while they still are."""
    busy = Card.objects.filter(
        candidate=candidate, status=Card.Status.ACTIVE, pipeline__requisition__status=Requisition.Status.OPEN
    )
    if busy.exists():
        return set()
    paused = Enrollment.objects.filter(candidate=candidate, status=Enrollment.Status.PAUSED)
    return set(paused.values_list("pk", flat=True))


@dataclass(frozen=True)
class EngagementExplained:
    """The score now and what makes it: each event's current worth, latest first (`shown` of them), the rest
    summed up, and the history (latest events, scanner clicks left out) when nothing counts any more."""

    score: float
    shown: list[tuple[EngagementEvent, float]]
    earlier_count: int
    earlier_points: float
    capped: bool
    history: list[EngagementEvent]


def engagement_explained(candidate: Candidate, now: datetime, shown: int = 8) -> EngagementExplained:
    """One read of the person's events: the score as the daily refresh computes it, and its parts."""
    events = list(
        EngagementEvent.objects.filter(candidate=candidate)
        .select_related("touch")
        .order_by("-occurred_at", "-pk")
    )
    worth = engagement.contributions(events, now)
    counting = [(event, points) for event, points in worth if round(points, 1)]
    total = sum(points for _, points in worth)
    return EngagementExplained(
        score=engagement.score(events, now),
        shown=counting[:shown],
        earlier_count=len(counting[shown:]),
        earlier_points=sum(points for _, points in counting[shown:]),
        capped=total > 100,
        history=[event for event in events if not engagement.is_scanner(event)][:shown],
    )


def link_topics() -> list[str]:
    """The topics people can choose in the preference centre: those of the links in the steps of sequences in
    use, and those sequences' own topics (so a sequence about a topic can always be chosen)."""
    in_use = Sequence.objects.exclude(status=Sequence.Status.ARCHIVED)
    found: set[str] = set(in_use.exclude(topic="").values_list("topic", flat=True))
    steps = Step.objects.filter(sequence__in=in_use, body__contains="){")
    for body in steps.values_list("body", flat=True):
        for link in placeholders.links(body):
            found.update(link.topics)
    return sorted(found)


def campaigns_of(sequence: Sequence) -> QuerySet[PlannedRoleCampaign]:
    return sequence.campaigns.select_related("requisition", "created_by").order_by("created_at")


@dataclass(frozen=True)
class DispatcherStats:
    backlog: int  # emails the dispatcher would send now: due, and for sequence steps of live enrollments
    oldest_due_at: datetime | None
    oldest_due_seconds: float  # how long the oldest of them has waited; 0 when none waits
    failed: int  # gave up after every attempt, or refused by the mail server: waiting for a person to resend
    possibly_delivered: int  # the answer to a whole message was lost: waiting for a person to decide


def dispatcher_stats(now: datetime | None = None) -> DispatcherStats:
    """The dispatcher's health, for the admins' page and /metrics: three indexed queries (touch_due_idx)."""
    now = now or timezone.now()
    due = Touch.objects.filter(
        Q(status=Touch.Status.SCHEDULED, due_at__lte=now)
        | Q(status=Touch.Status.SENDING, lease_expires_at__lt=now),
        Q(enrollment__isnull=True)
        | Q(enrollment__status=Enrollment.Status.ACTIVE, enrollment__sequence__status=Sequence.Status.ACTIVE),
        channel=Channel.EMAIL,
    ).aggregate(count=Count("pk"), oldest=Min("due_at"))
    stuck = dict(
        Touch.objects.filter(status__in=[Touch.Status.FAILED, Touch.Status.POSSIBLY_DELIVERED])
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    oldest = due["oldest"]
    return DispatcherStats(
        backlog=due["count"],
        oldest_due_at=oldest,
        oldest_due_seconds=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
        failed=stuck.get(Touch.Status.FAILED, 0),
        possibly_delivered=stuck.get(Touch.Status.POSSIBLY_DELIVERED, 0),
    )


def rejection_templates() -> QuerySet[RejectionTemplate]:
    """The rejection emails offered when turning someone down."""
    return RejectionTemplate.objects.filter(is_active=True).only("id", "name")


def meeting_types(*, active_only: bool = False) -> QuerySet[MeetingType]:
    types = MeetingType.objects.prefetch_related("hosts").order_by("name")
    return types.filter(is_active=True) if active_only else types


def _with_hosts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.select_related("meeting_type", "candidate", "card").prefetch_related(
        Prefetch("host_rows", queryset=MeetingHost.objects.select_related("user__availability"))
    )


def meetings_of_host(user: User, *, now: datetime | None = None, past_days: int = 30) -> QuerySet[Meeting]:
    """The user's meetings from `past_days` ago on, cancelled ones included (a constant number of queries)."""
    now = now or timezone.now()
    return _with_hosts(
        Meeting.objects.filter(host_rows__user=user, starts_at__gte=now - timedelta(days=past_days))
    ).order_by("starts_at")


def feed_meetings(user: User, *, now: datetime | None = None) -> QuerySet[Meeting]:
    """What a user's calendar feed holds: their booked meetings from 30 days ago on."""
    return meetings_of_host(user, now=now).filter(status=Meeting.Status.BOOKED)


def meetings_of_candidate(candidate: Candidate) -> QuerySet[Meeting]:
    return _with_hosts(Meeting.objects.filter(candidate=candidate)).order_by("-starts_at")


def upcoming_booking(candidate: Candidate, meeting_type: MeetingType) -> Meeting | None:
    """The person's booked meeting of this type still ahead, if any (a booking link then manages it)."""
    return (
        Meeting.objects.booked()
        .filter(candidate=candidate, meeting_type=meeting_type, ends_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )


def get_meeting_for_user(user: User, pk: int) -> Meeting:
    """A meeting the user may see (the recruiting team, or one of its hosts); Http404 otherwise."""
    meeting = get_object_or_404(_with_hosts(Meeting.objects.all()), pk=pk)
    if not user.has_perm("outreach.view_meeting", meeting):
        raise Http404("No such meeting.")
    return meeting


def availability_by_feed_key(key: str) -> Availability | None:
    try:
        return Availability.objects.select_related("user").get(feed_key=key, user__is_active=True)
    except (Availability.DoesNotExist, ValidationError):
        return None


def outbox_of(user: User, recent: int = 30) -> tuple[list[Touch], list[Touch]]:
    """The emails a user wrote (not sequence steps): those still to go, soonest first, and the latest gone,
    cancelled or stopped. Two queries."""
    mine = (
        Touch.objects.filter(Q(created_by=user) | Q(sender=user), channel=Channel.EMAIL)
        .exclude(kind=Touch.Kind.SEQUENCE)
        .select_related("candidate")
    )
    waiting = [Touch.Status.SCHEDULED, Touch.Status.SENDING]
    return (
        list(mine.filter(status__in=waiting).order_by("due_at", "pk")),
        list(mine.exclude(status__in=waiting).order_by("-due_at", "-pk")[:recent]),
    )


def email_recipients(ids: list[int]) -> list[Candidate]:
    """The people of a selection to email, in the order chosen (erased people left out)."""
    people = Candidate.objects.filter(pk__in=ids, erased_at__isnull=True).in_bulk()
    return [people[pk] for pk in ids if pk in people]


def reply_to_answer(candidate: Candidate, raw_id: str) -> int | None:
    """The id of this person's reply a recruiter asked to answer (the profile's ?reply=), if it is theirs."""
    if not raw_id.isdigit():
        return None
    return Reply.objects.filter(pk=int(raw_id), candidate=candidate).values_list("pk", flat=True).first()


RATE_DAYS = 30
# What comes back from an email that tells on the sender's reputation, by the field of SendingRates it counts in.
RATE_EVENTS = {
    EngagementEvent.Kind.BOUNCED: "bounced",
    EngagementEvent.Kind.UNSUBSCRIBED: "unsubscribed",
    EngagementEvent.Kind.COMPLAINED: "complained",
}


@dataclass(frozen=True)
class SendingRates:
    """One sender's (or one sequence's) emails sent in a window, and the people they went to who bounced,
    unsubscribed or marked one as spam: each person counted once, however many of the emails did it (a
    person who bounces twice is one bad address). Rates are those people in percent of the emails sent:
    bounces and unsubscribes to a tenth, complaints to a hundredth (mailbox providers' limit is 0.3%)."""

    sent: int
    bounced: int = 0
    unsubscribed: int = 0
    complained: int = 0

    def _percent(self, people: int, digits: int) -> float | None:
        return round(100 * people / self.sent, digits) if self.sent else None

    @property
    def bounce_percent(self) -> float | None:
        return self._percent(self.bounced, 1)

    @property
    def unsubscribe_percent(self) -> float | None:
        return self._percent(self.unsubscribed, 1)

    @property
    def complaint_percent(self) -> float | None:
        return self._percent(self.complained, 2)


@dataclass(frozen=True)
class SendingRatesWindow:
    """The rates of the emails sent from `since` up to (not including) `until`, per sender (a user id; None
    for the site's address) and per sequence (emails outside any sequence are in their sender's row only)."""

    since: datetime
    until: datetime
    senders: dict[int | None, SendingRates]
    sequences: dict[int, SendingRates]
    sequence_names: dict[int, str]


def sending_rates(
    *, until: datetime | None = None, emails: QuerySet[Touch] | None = None
) -> SendingRatesWindow:
    """The one computation of bounce, unsubscribe and spam-complaint rates (the Deliverability page, the
    Reports page, the admin's home). The emails are those sent (status sent) in the RATE_DAYS days up to
    `until` (now by default), taken from `emails` (all touches by default; the Reports page narrows them to a
    sequence or a recruiter's people). Each counts for its sender: the touch's sender, else its sequence's
    (as `email.message_sender`). Bounced, unsubscribed and complained: distinct people with such an event on
    those emails, whenever it came. Three queries (one when nothing was sent), whatever the numbers."""
    until = until or timezone.now()
    since = until - timedelta(days=RATE_DAYS)
    sent = (emails if emails is not None else Touch.objects.all()).filter(
        channel=Channel.EMAIL, status=Touch.Status.SENT, sent_at__gte=since, sent_at__lt=until
    )
    sender_sent: dict[int | None, int] = {}
    sequence_sent: dict[int, int] = {}
    sequence_names: dict[int, str] = {}
    for sender_id, sequence_id, name, count in (
        sent.annotate(sent_by=Coalesce("sender_id", "enrollment__sequence__sender_id"))
        .values_list("sent_by", "enrollment__sequence_id", "enrollment__sequence__name")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        sender_sent[sender_id] = sender_sent.get(sender_id, 0) + count
        if sequence_id is not None:
            sequence_sent[sequence_id] = sequence_sent.get(sequence_id, 0) + count
            sequence_names[sequence_id] = name
    if not sender_sent:
        return SendingRatesWindow(since=since, until=until, senders={}, sequences={}, sequence_names={})
    events = EngagementEvent.objects.filter(touch__in=sent.values("pk"), kind__in=list(RATE_EVENTS)).annotate(
        sent_by=Coalesce("touch__sender_id", "touch__enrollment__sequence__sender_id")
    )
    people = {
        field: Count("candidate_id", distinct=True, filter=Q(kind=kind))
        for kind, field in RATE_EVENTS.items()
    }

    def people_by(group: str) -> dict[Any, dict[str, int]]:
        rows = events.values(group).annotate(**people).order_by()
        return {row.pop(group): row for row in rows}

    sender_people = people_by("sent_by")
    sequence_people = people_by("touch__enrollment__sequence_id")
    return SendingRatesWindow(
        since=since,
        until=until,
        senders={key: SendingRates(sent=n, **sender_people.get(key, {})) for key, n in sender_sent.items()},
        sequences={
            key: SendingRates(sent=n, **sequence_people.get(key, {})) for key, n in sequence_sent.items()
        },
        sequence_names=sequence_names,
    )


def mailboxes_for(user: User) -> QuerySet[InboundMailbox]:
    """The inbound mailboxes a user manages: every one for admins, their own for a recruiter."""
    mailboxes = InboundMailbox.objects.select_related("owner").order_by(
        "owner__username", "host", "username", "pk"
    )
    return mailboxes if is_admin(user) else mailboxes.filter(owner=user)


def conversation(candidate: Candidate) -> list[threads.Thread]:
    """The emails sent to the person and their replies, as threads (newest first). Three queries."""
    booking_type = default_meeting_type()
    touches = {
        touch.pk: touch
        for touch in Touch.objects.filter(
            candidate=candidate,
            channel=Channel.EMAIL,
            status__in=[Touch.Status.SENT, Touch.Status.POSSIBLY_DELIVERED],
        ).select_related("sender", "enrollment__sequence__sender")
    }
    messages = []
    for touch in touches.values():
        sender = message_sender(touch)
        values = placeholder_values(candidate, sender, booking_type)
        messages.append(
            threads.Message(
                key=touch.message_id,
                outgoing=True,
                at=touch.sent_at or touch.due_at,
                sender=values["sender_name"] or "Longlist",
                subject=placeholders.render_text(touch.subject, values),
                body=placeholders.render_text(touch.body, values).strip(),
                parents=threads.ids_in(touch.in_reply_to, touch.references),
            )
        )
    for reply in Reply.objects.filter(candidate=candidate).exclude(source=Reply.Source.MANUAL):
        answered = touches.get(reply.touch_id) if reply.touch_id else None
        body, quoted = threads.split_quoted(reply.body)
        messages.append(
            threads.Message(
                key=reply.message_id or f"<reply-{reply.pk}@longlist>",
                outgoing=False,
                at=reply.received_at,
                sender=candidate.full_name,
                subject=reply.subject,
                body=body,
                quoted=quoted,
                parents=[
                    *threads.ids_in(reply.in_reply_to, reply.references),
                    *([answered.message_id] if answered else []),
                ],
            )
        )
    return threads.threads(messages)


def snooze_offer(candidate: Candidate, today: date) -> InboundMessage | None:
    """The latest auto-reply that announced a return date still ahead (and beyond any snooze already set): the
    profile offers to snooze the person until then. One query."""
    offers = InboundMessage.objects.filter(
        candidate=candidate, kind=InboundMessage.Kind.AUTO_REPLY, return_date__gt=today
    )
    if candidate.snoozed_until:
        offers = offers.filter(return_date__gt=candidate.snoozed_until)
    return offers.order_by("-received_at", "-pk").first()


def touch_for_link(kind: str, token: str) -> tuple[Touch, dict]:
    """The email a signed link of it names (with its person), and the link's payload; 404 when the signature
    is bad or the email is gone."""
    try:
        payload = tokens.read(kind, token)
    except signing.BadSignature as error:
        raise Http404("This link is not valid.") from error
    return get_object_or_404(Touch.objects.select_related("candidate"), pk=payload["t"]), payload
