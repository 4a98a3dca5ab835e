"""The conversation side of nurture: replies and their triage, the candidate's preferences and unsubscribe,
and planned-role campaigns (one transactional function per use case).

- **Replies** come from the inbound-email webhook (matched by In-Reply-To/References to the touch's
  Message-ID, else by the sender's address, else kept unmatched for a person to match) or are logged by a
  recruiter. A matched reply stops the person's live enrollments, counts as a "replied" engagement event,
  goes on the timeline and waits in "replies to handle" until a recruiter tags it.
- **Preferences** (the candidate's own choices in the preference centre) and the "not now" tag snooze a
  person: nothing is sent or due before the check-back date; their open touches move to that day.
  Someone who asked for fewer messages gets at most one email every `FEWER_MESSAGES_DAYS` days.
  Unsubscribing is global and permanent.
- **Planned-role campaigns** enroll a planned role's pools in a sequence once the role is `months_before`
  months from its expected open date.
"""

import re
import uuid
from datetime import date, datetime, time, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from candidates.models import Activity, Candidate, Suppression
from candidates.search import search_candidates
from candidates.search_documents import refresh_search_documents
from candidates.selectors import find_existing_candidate
from candidates.services import record_activity
from pipelines import selectors as pipeline_selectors
from pipelines import services as pipeline_services
from pipelines.models import Card, Requisition

from . import engagement, signals
from .enrollment import enroll_many, stop_enrollment
from .models import Channel, EngagementEvent, Enrollment, PlannedRoleCampaign, Reply, Sequence, Topic, Touch
from .scheduling import candidate_timezone, send_window
from .timing import next_touch_time

FEWER_MESSAGES_DAYS = 30
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_OUR_ID = re.compile(r"^([0-9a-f-]{36})@longlist$", re.IGNORECASE)


class ReplyError(ValueError):
    """A triage step that cannot be done; the message says why."""


# --- Matching -----------------------------------------------------------------------------------------


def message_ids(*headers: str) -> list[str]:
    """The Message-IDs in In-Reply-To and References headers, in the order given (without brackets)."""
    return [found for header in headers for found in _MESSAGE_ID.findall(header or "")]


def touch_replied_to(in_reply_to: str, references: str) -> Touch | None:
    """The touch a reply answers: the first of its In-Reply-To, then References, that we sent."""
    keys = []
    for found in message_ids(in_reply_to, references):
        match = _OUR_ID.match(found)
        if match:
            try:
                keys.append(uuid.UUID(match[1]))
            except ValueError:
                continue
    if not keys:
        return None
    touches = {t.idempotency_key: t for t in Touch.objects.filter(idempotency_key__in=keys)}
    return next((touches[key] for key in keys if key in touches), None)


def candidate_with_address(address: str) -> Candidate | None:
    """Who has this email, as their own or as an alias (an erased person has neither)."""
    return find_existing_candidate(email=address) if address else None


# --- Replies ------------------------------------------------------------------------------------------


def receive_inbound_email(
    *,
    from_address: str,
    subject: str,
    body: str,
    message_id: str,
    in_reply_to: str = "",
    references: str = "",
    received_at: datetime | None = None,
    source: str = Reply.Source.WEBHOOK,
) -> tuple[Reply, bool]:
    """Store an inbound email as a reply and act on it; returns (reply, created). Called by the inbound
    classifier (`outreach.inbound`) for whatever it judged a reply, from any path.

    Idempotent by Message-ID: a redelivered webhook returns the reply stored the first time.
    """
    existing = Reply.objects.filter(message_id=message_id).first() if message_id else None
    if existing:
        return existing, False
    address = parseaddr(from_address)[1].strip()
    touch = touch_replied_to(in_reply_to, references)
    candidate = touch.candidate if touch else candidate_with_address(address)
    try:
        with transaction.atomic():
            reply = Reply.objects.create(
                candidate=candidate,
                touch=touch,
                enrollment=touch.enrollment if touch else None,
                from_address=address[:254],
                subject=subject[:255],
                body=body,
                message_id=message_id[:255],
                in_reply_to=in_reply_to[:255],
                references=references,
                received_at=received_at or timezone.now(),
                source=source,
            )
            if candidate is not None:
                _take_reply(reply, by=None)
    except IntegrityError:
        return Reply.objects.get(message_id=message_id), False
    return reply, True


@transaction.atomic
def log_reply(
    *, candidate: Candidate, body: str, received_at: datetime, by: User | None, subject: str = ""
) -> Reply:
    """A reply a recruiter saw elsewhere (their inbox, LinkedIn, a call), logged by hand."""
    touch = (
        Touch.objects.filter(candidate=candidate, status=Touch.Status.SENT, sent_at__lte=received_at)
        .order_by("-sent_at")
        .first()
    )
    reply = Reply.objects.create(
        candidate=candidate,
        touch=touch,
        enrollment=touch.enrollment if touch else None,
        from_address=candidate.email,
        subject=subject[:255],
        body=body,
        received_at=received_at,
        source=Reply.Source.MANUAL,
        logged_by=by,
    )
    _take_reply(reply, by=by)
    return reply


@transaction.atomic
def match_reply(*, reply: Reply, candidate: Candidate, by: User | None) -> Reply:
    """Give an unmatched reply its candidate; from then on it is handled like any other reply."""
    if Reply.objects.filter(pk=reply.pk, candidate__isnull=True).update(candidate=candidate) != 1:
        raise ReplyError("This reply has already been matched.")
    reply.candidate = candidate
    _take_reply(reply, by=by)
    return reply


def _take_reply(reply: Reply, by: User | None) -> None:
    """A matched reply: the conversation takes over from the sequences."""
    candidate = reply.candidate
    assert candidate is not None, "only a matched reply is taken over"
    for enrollment in candidate.enrollments.filter(status__in=Enrollment.LIVE_STATUSES):
        stop_enrollment(enrollment=enrollment, reason="replied", by=by)
    EngagementEvent.objects.create(
        candidate=candidate,
        touch=reply.touch,
        kind=EngagementEvent.Kind.REPLIED,
        occurred_at=reply.received_at,
        data={"reply_id": reply.pk, "source": reply.source},
    )
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.REPLY,
        actor=by,
        summary=f"Replied: {reply.subject}" if reply.subject else "Replied",
        body=reply.body,
        data={"reply_id": reply.pk, "source": reply.source},
    )
    engagement.refresh_candidates([candidate.pk])
    signals.reply_received.send(sender=Reply, reply=reply, by=by)


@transaction.atomic
def tag_reply(
    *,
    reply: Reply,
    tag: str,
    by: User | None,
    check_back_on: date | None = None,
    now: datetime | None = None,
) -> Reply:
    """Triage a reply in one click. "Not now" needs a future check-back date: the person is snoozed until
    then and a check-back task is due that day."""
    now = now or timezone.now()
    if tag not in Reply.Tag.values:
        raise ReplyError("Choose one of the tags.")
    candidate = reply.candidate
    if candidate is None:
        raise ReplyError("Match this reply to a candidate first.")
    if tag == Reply.Tag.NOT_NOW:
        if check_back_on is None:
            raise ReplyError("Choose when to check back.")
        if check_back_on <= timezone.localdate(now):
            raise ReplyError("The check-back date must be in the future.")
    reply.tag = tag
    reply.triaged_at = now
    reply.triaged_by = by
    reply.check_back_on = check_back_on if tag == Reply.Tag.NOT_NOW else None
    reply.save(update_fields=["tag", "triaged_at", "triaged_by", "check_back_on"])
    summary = f"Reply tagged: {reply.get_tag_display().lower()}"
    if tag == Reply.Tag.NOT_NOW and check_back_on is not None:
        snooze(candidate=candidate, until=check_back_on, now=now)
        _check_back_task(reply, candidate=candidate, on=check_back_on, by=by)
        summary += f", check back on {check_back_on:%-d %b %Y}"
    record_activity(
        candidate=candidate, kind=Activity.Kind.REPLY, actor=by, summary=summary, data={"reply_id": reply.pk}
    )
    return reply


def _check_back_task(reply: Reply, *, candidate: Candidate, on: date, by: User | None) -> Touch | None:
    """A task in the owner's (else the recruiter's) queue on the check-back day.

    A task belongs to an enrollment: the one the reply answered, else the person's latest. Someone who was
    never in a sequence gets no task (the snooze and the timeline still show the date)."""
    enrollment = reply.enrollment or candidate.enrollments.select_related("sequence").first()
    if enrollment is None:
        return None
    return Touch.objects.create(
        enrollment=enrollment,
        candidate=candidate,
        channel=Channel.TASK,
        status=Touch.Status.TASK_OPEN,
        due_at=start_of_day(on, candidate, enrollment.sequence),
        assignee=candidate.owner or by,
        subject="Check back",
        body=f'Check back with {{{{ first_name }}}}: they said "not now" on {reply.received_at:%-d %b %Y}.',
    )


@transaction.atomic
def move_to_ready_to_talk(*, candidate: Candidate, by: User | None) -> Card:
    """Put an interested person in "Ready to talk" on the talent board (moving their card if they have one)."""
    board = pipeline_services.get_or_create_talent_board()
    stage_id = pipeline_selectors.ready_to_talk_stage_id(board)
    assert stage_id is not None, "the talent board has stages"
    stage = board.stages.get(pk=stage_id)
    card = Card.objects.filter(pipeline=board, candidate=candidate).first()
    if card is None:
        return pipeline_services.add_card(pipeline=board, candidate=candidate, stage=stage, by=by)
    if card.stage_id != stage.pk:
        if card.status != Card.Status.ACTIVE:
            raise ReplyError(f"Their talent board card is closed ({card.get_status_display().lower()}).")
        pipeline_services.move_card(
            card=card, to_stage=stage, position=stage.cards.count(), expected_version=card.version, by=by
        )
        card.refresh_from_db()
    return card


@transaction.atomic
def add_to_role(*, candidate: Candidate, requisition: Requisition, by: User | None) -> Card:
    card = pipeline_services.place_on_requisition(candidate=candidate, requisition=requisition, by=by)
    if card is None:
        raise ReplyError(f"{candidate.full_name} is already on {requisition.title}.")
    return card


# --- Snoozing and the candidate's preferences ---------------------------------------------------------


def start_of_day(day: date, candidate: Candidate, sequence: Sequence) -> datetime:
    """The opening of the sequence's send window on that day (or the next open day) in the person's time."""
    tz = candidate_timezone(candidate, sequence)
    return next_touch_time(
        previous=datetime.combine(day, time(0), tzinfo=tz),
        delay=timedelta(0),
        tz=tz,
        window=send_window(sequence),
    )


def snooze(*, candidate: Candidate, until: date, now: datetime | None = None) -> int:
    """Nothing before `until`: set the check-back date and move the person's open touches (emails and
    tasks) due before it to that day. Returns how many touches moved."""
    Candidate.objects.filter(pk=candidate.pk).update(snoozed_until=until)
    candidate.snoozed_until = until
    moved = 0
    open_touches = Touch.objects.filter(
        candidate=candidate,
        status__in=[Touch.Status.SCHEDULED, Touch.Status.TASK_OPEN],
        enrollment__isnull=False,  # an email a recruiter wrote goes when they chose
    ).select_related("enrollment__sequence")
    for touch in open_touches:
        assert touch.enrollment is not None
        due = start_of_day(until, candidate, touch.enrollment.sequence)
        if touch.due_at < due:
            moved += Touch.objects.filter(pk=touch.pk, status=touch.status).update(due_at=due)
    return moved


@transaction.atomic
def snooze_until_back(
    *, candidate: Candidate, until: date, by: User | None, now: datetime | None = None
) -> int:
    """The recruiter takes up an auto-reply's return date: nothing is sent before it. Returns touches moved."""
    moved = snooze(candidate=candidate, until=until, now=now)
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.PREFERENCE,
        actor=by,
        summary=f"Snoozed until {until:%-d %b %Y}, when their auto-reply says they are back",
        data={"snoozed_until": until.isoformat()},
    )
    return moved


def postpone_held_touches(*, now: datetime) -> int:
    """The dispatcher's first step: move due emails of snoozed people to their check-back day, and those of
    people who asked for fewer messages to `FEWER_MESSAGES_DAYS` after their last email. Nothing is lost:
    the touch is rescheduled, not skipped. Returns how many touches moved. Only sequence steps are held: an
    email a recruiter wrote (one-off, reply, bulk, invitation) goes when they chose.

    Driven from the few people concerned rather than from every due touch, so that its cost does not follow
    the backlog."""
    today = timezone.localdate(now)
    due = Touch.objects.filter(
        status=Touch.Status.SCHEDULED, due_at__lte=now, enrollment__isnull=False
    ).select_related("candidate", "enrollment__sequence")
    moved = 0
    snoozed = Candidate.objects.filter(snoozed_until__gt=today).values("pk")
    for touch in due.filter(candidate_id__in=snoozed).iterator(chunk_size=500):
        until = touch.candidate.snoozed_until
        assert until is not None and touch.enrollment is not None  # the query picked these
        later = start_of_day(until, touch.candidate, touch.enrollment.sequence)
        moved += _move(touch, later)
    spacing = timedelta(days=FEWER_MESSAGES_DAYS)
    recent = dict(
        Touch.objects.filter(candidate__fewer_messages=True, channel=Channel.EMAIL, status=Touch.Status.SENT)
        .values_list("candidate_id")
        .annotate(last=Max("sent_at"))
        .filter(last__gt=now - spacing)
    )
    too_soon = due.filter(channel=Channel.EMAIL, candidate_id__in=list(recent))
    for touch in too_soon.iterator(chunk_size=500):
        assert touch.enrollment is not None  # the query picked sequence steps
        sequence = touch.enrollment.sequence
        later = next_touch_time(
            previous=recent[touch.candidate_id] + spacing,
            delay=timedelta(0),
            tz=candidate_timezone(touch.candidate, sequence),
            window=send_window(sequence),
        )
        moved += _move(touch, later)
    return moved


def _move(touch: Touch, due_at: datetime) -> int:
    return Touch.objects.filter(pk=touch.pk, status=Touch.Status.SCHEDULED).update(due_at=due_at)


@transaction.atomic
def update_preferences(
    *,
    candidate: Candidate,
    topics: list[str],
    fewer_messages: bool,
    check_back_after: date | None,
    title: str,
    company: str,
    now: datetime | None = None,
) -> list[str]:
    """The candidate's own choices from the preference centre; each change goes on the timeline.

    Returns what changed, in words ("Topics: Data, Platform" by the topics' names, "Fewer messages"…)."""
    now = now or timezone.now()

    def described() -> list[str]:
        changes = []
        if sorted(topics) != sorted(candidate.topics or []):
            names = Topic.names(topics)
            changes.append(
                gettext("Topics: %(names)s") % {"names": ", ".join(names[t] for t in topics)}
                if topics
                else gettext("No topics")
            )
        if fewer_messages != candidate.fewer_messages:
            changes.append(
                gettext("Fewer messages") if fewer_messages else gettext("Usual number of messages")
            )
        if check_back_after != candidate.snoozed_until:
            changes.append(
                gettext("Check back after %(date)s") % {"date": date_format(check_back_after, "j M Y")}
                if check_back_after
                else gettext("No check-back date")
            )
        if (title, company) != (candidate.title, candidate.company):
            role = title or gettext("no title")
            changes.append(
                gettext("Current role: %(title)s at %(company)s") % {"title": role, "company": company}
                if company
                else gettext("Current role: %(title)s") % {"title": role}
            )
        return changes

    # The page answers in the reader's language; the timeline, which recruiters read, in the default one.
    changes = described()
    if not changes:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        recorded = described()
    candidate.topics = topics
    candidate.fewer_messages = fewer_messages
    candidate.title, candidate.company = title, company
    candidate.save(update_fields=["topics", "fewer_messages", "title", "company", "updated_at"])
    refresh_search_documents([candidate.pk])
    if check_back_after != candidate.snoozed_until:
        if check_back_after:
            snooze(candidate=candidate, until=check_back_after, now=now)
        else:
            Candidate.objects.filter(pk=candidate.pk).update(snoozed_until=None)
            candidate.snoozed_until = None
    engagement.refresh_candidates([candidate.pk], now=now)
    record_activity(
        candidate=candidate,
        kind=Activity.Kind.PREFERENCE,
        summary=f"Preferences: {'; '.join(recorded)}",
        data={
            "topics": topics,
            "fewer_messages": fewer_messages,
            "check_back_after": check_back_after.isoformat() if check_back_after else None,
        },
    )
    return changes


@transaction.atomic
def unsubscribe(*, candidate: Candidate, touch: Touch | None = None, now: datetime | None = None) -> None:
    """Global and permanent: no sequence ever mails this person again."""
    now = now or timezone.now()
    if candidate.unsubscribed_at is None:
        Candidate.objects.filter(pk=candidate.pk).update(unsubscribed_at=now)
        candidate.unsubscribed_at = now
        Suppression.objects.create(
            email=candidate.email, linkedin_url=candidate.linkedin_url, reason=Suppression.Reason.UNSUBSCRIBED
        )
        EngagementEvent.objects.create(candidate=candidate, touch=touch, kind="unsubscribed", occurred_at=now)
        engagement.refresh_candidates([candidate.pk], now=now)
        record_activity(
            candidate=candidate, kind=Activity.Kind.PRIVACY, summary="Unsubscribed from all email"
        )
        signals.candidate_unsubscribed.send(sender=Candidate, candidate=candidate)
    for enrollment in candidate.enrollments.filter(status__in=Enrollment.LIVE_STATUSES):
        stop_enrollment(enrollment=enrollment, reason="unsubscribed")


# --- Planned-role campaigns ---------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    *, sequence: Sequence, requisition: Requisition, months_before: int, by: User | None
) -> PlannedRoleCampaign:
    campaign = PlannedRoleCampaign(
        sequence=sequence, requisition=requisition, months_before=months_before, created_by=by
    )
    campaign.full_clean()
    campaign.save()
    return campaign


def role_pool_members(requisition: Requisition) -> list[Candidate]:
    """Everyone in the role's pools (smart pools computed), each once, in id order."""
    people: dict[int, Candidate] = {}
    for pool in requisition.pools.all():
        for candidate in search_candidates({"pool": pool.pk}, pools={pool.pk: pool}):
            people.setdefault(candidate.pk, candidate)
    return [people[pk] for pk in sorted(people)]


def start_due_campaigns(*, now: datetime | None = None) -> list[PlannedRoleCampaign]:
    """Start every campaign whose role is now within its `months_before` of opening. Each campaign is
    claimed with a conditional UPDATE inside the transaction that enrolls, so of two workers only one
    starts it, and a worker that dies leaves it to start again on the next pass."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pending = PlannedRoleCampaign.objects.filter(
        started_at__isnull=True,
        sequence__status=Sequence.Status.ACTIVE,
        requisition__status__in=[Requisition.Status.PLANNED, Requisition.Status.OPEN],
        requisition__expected_open_date__isnull=False,
    ).select_related("sequence", "requisition", "created_by")
    return [
        c for c in pending if c.starts_on is not None and c.starts_on <= today and _start_campaign(c, now)
    ]


@transaction.atomic
def _start_campaign(campaign: PlannedRoleCampaign, now: datetime) -> bool:
    if (
        PlannedRoleCampaign.objects.filter(pk=campaign.pk, started_at__isnull=True).update(started_at=now)
        != 1
    ):
        return False
    report = enroll_many(
        candidates=role_pool_members(campaign.requisition),
        sequence=campaign.sequence,
        by=campaign.created_by,
        now=now,
    )
    campaign.started_at = now
    campaign.enrolled_count = len(report.enrolled)
    campaign.skipped = [{"id": c.pk, "name": c.full_name, "reason": reason} for c, reason in report.skipped]
    campaign.save(update_fields=["started_at", "enrolled_count", "skipped"])
    return True
