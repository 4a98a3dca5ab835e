"""Who must not be contacted: one list of rules, checked when people are enrolled (`skip_reason`), again
just before each email is sent (`stop_rule`), and when a recruiter writes an email (`email_reason`).

Most rules hold for every caller. The ones that belong to some are marked in `RULES`: only when enrolling,
someone already live in the sequence, in an active hiring process or snoozed is skipped; only when sending
a sequence step, a still active enrollment is needed; every email needs an address. The outbox's other kinds
(one-off, bulk, reply, rejection, invitation, data request) are checked as EMAIL: erased and suppressed always
stop them, do-not-contact every one but the emails a person asked for (their data request); an unsubscribe stops them unless the email is a personal message (the recruiter confirmed
it); hired and topics concern sequences only. A copy to another address (`Touch.to_address`, e.g. a meeting's
host) is checked against that address's suppression and the erasure only. A snooze does not stop anything at send time: the
dispatcher's first step moves a snoozed person's touches to their check-back day
(`conversation.postpone_held_touches`), so nothing they agreed to is lost.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from candidates.models import Candidate, Suppression
from candidates.selectors import Suppressions, suppressions_for, suppressions_of
from pipelines.models import Card, Pipeline

from .models import Enrollment, RejectionEmail, Sequence, Touch

ENROLL = "enroll"
SEND = "send"  # a sequence step, at send time
EMAIL = "email"  # any other email of the outbox, when written and at send time
BOTH = frozenset({ENROLL, SEND})
ALL = frozenset({ENROLL, SEND, EMAIL})

NOT_THEIR_TOPIC = "not a topic they chose"
ENROLLMENT_NOT_ACTIVE = "enrollment no longer active"


@dataclass(frozen=True)
class Facts:
    """What the rules need about a group of people, read in a few queries before checking each of them."""

    today: date
    suppressions: Suppressions
    hired: set[int]
    already_enrolled: set[int] = field(default_factory=set)  # enroll: people live in the sequence
    in_hiring: set[int] = field(default_factory=set)  # enroll: people in an active hiring process
    live_enrollments: set[int] = field(default_factory=set)  # send: enrollments still active
    no_longer_turned_down: set[int] = field(
        default_factory=set
    )  # email: rejection touches whose card moved on


@dataclass(frozen=True)
class Check:
    """One person checked against the rules, for a sequence (and, when sending, for an enrollment), or for
    one email of the outbox (`sequence` None)."""

    candidate: Candidate
    sequence: Sequence | None
    facts: Facts
    enrollment_id: int | None = None
    touch_id: int | None = None
    personal: bool = False
    other_address: str = ""  # a copy to someone other than the candidate
    requested: bool = False  # the person asked for this email (their data request): do-not-contact allows it


def not_their_topic(candidate: Candidate, sequence: Sequence) -> bool:
    """The sequence is about a topic, and the person chose topics in the preference centre but not this one."""
    return bool(sequence.topic and candidate.topics and sequence.topic not in candidate.topics)


def _erased(check: Check) -> str:
    return "erased" if check.candidate.erased_at else ""


def _unsubscribed(check: Check) -> str:
    """Unsubscribed, or their email or their LinkedIn profile (either one) is on the suppression list. A
    personal message still reaches someone who unsubscribed (from marketing), never a suppressed address."""
    candidate = check.candidate
    if check.other_address:
        found = check.facts.suppressions.reason(email=check.other_address, linkedin_url="")
    else:
        found = check.facts.suppressions.reason(email=candidate.email, linkedin_url=candidate.linkedin_url)
        if candidate.unsubscribed_at and not check.personal:
            return "unsubscribed"
    if found == Suppression.Reason.UNSUBSCRIBED:
        return "" if check.personal else "unsubscribed"
    return f"suppressed ({Suppression.Reason(found).label.lower()})" if found else ""


def _do_not_contact(check: Check) -> str:
    if check.requested:
        return ""
    return "do not contact" if check.candidate.do_not_contact and not check.other_address else ""


def _hired(check: Check) -> str:
    return "hired" if check.candidate.pk in check.facts.hired else ""


def _not_their_topic(check: Check) -> str:
    sequence = check.sequence
    return NOT_THEIR_TOPIC if sequence and not_their_topic(check.candidate, sequence) else ""


def _already_enrolled(check: Check) -> str:
    return "already enrolled" if check.candidate.pk in check.facts.already_enrolled else ""


def _in_hiring_process(check: Check) -> str:
    return "in an active hiring process" if check.candidate.pk in check.facts.in_hiring else ""


def _snoozed(check: Check) -> str:
    until = check.candidate.snoozed_until
    return f"asked us to check back after {until:%-d %b %Y}" if until and until > check.facts.today else ""


def _no_email_address(check: Check) -> str:
    return "" if check.other_address or check.candidate.email else "no email address"


def _enrollment_not_active(check: Check) -> str:
    return "" if check.enrollment_id in check.facts.live_enrollments else ENROLLMENT_NOT_ACTIVE


def _no_longer_turned_down(check: Check) -> str:
    return "no longer turned down" if check.touch_id in check.facts.no_longer_turned_down else ""


# Each rule gives its reason, or "" when it does not apply; the first reason found is the one reported.
RULES: list[tuple[Callable[[Check], str], frozenset[str]]] = [
    (_erased, ALL),
    (_unsubscribed, ALL),
    (_do_not_contact, ALL),
    (_hired, BOTH),
    (_not_their_topic, BOTH),
    # Only when enrolling.
    (_already_enrolled, frozenset({ENROLL})),
    (_in_hiring_process, frozenset({ENROLL})),
    (_snoozed, frozenset({ENROLL})),  # when sending, a snooze postpones instead (module docstring)
    # Only when sending: a sequence may start with a LinkedIn task, and a touch can outlive its enrollment.
    (_no_email_address, frozenset({SEND, EMAIL})),
    (_enrollment_not_active, frozenset({SEND})),
    # Only for the outbox's other emails: a rejection whose turn-down was reversed.
    (_no_longer_turned_down, frozenset({EMAIL})),
]


def first_reason(check: Check, caller: str) -> str:
    return next((reason for rule, callers in RULES if caller in callers and (reason := rule(check))), "")


def skip_reason(candidate: Candidate, sequence: Sequence, facts: Facts) -> str:
    """Why this person must not be enrolled in the sequence, or '' when they may be."""
    return first_reason(Check(candidate=candidate, sequence=sequence, facts=facts), ENROLL)


def stop_rule(touch: Touch, facts: Facts) -> str:
    """Why a claimed email touch must not be sent now, or '' when it may."""
    if touch.enrollment is not None:
        check = Check(
            candidate=touch.candidate,
            sequence=touch.enrollment.sequence,
            facts=facts,
            enrollment_id=touch.enrollment_id,
        )
        return first_reason(check, SEND)
    return email_reason(
        touch.candidate,
        facts,
        personal=touch.personal,
        other_address="" if touch.to_candidate else touch.to_address,
        touch_id=touch.pk,
        requested=touch.kind == Touch.Kind.PRIVACY,
    )


def email_reason(
    candidate: Candidate,
    facts: Facts,
    *,
    personal: bool,
    other_address: str = "",
    touch_id: int | None = None,
    requested: bool = False,
) -> str:
    """Why an email of the outbox other than a sequence step must not go to this person, or ''. `requested`:
    the person asked for it (a data request's emails), which do-not-contact does not hold back."""
    check = Check(
        candidate=candidate,
        sequence=None,
        facts=facts,
        touch_id=touch_id,
        personal=personal,
        other_address=other_address,
        requested=requested,
    )
    return first_reason(check, EMAIL)


def _hired_among(candidate_ids: list[int]) -> set[int]:
    return set(
        Card.objects.hired().filter(candidate_id__in=candidate_ids).values_list("candidate_id", flat=True)
    )


def enroll_facts(candidates: list[Candidate], sequence: Sequence, today: date) -> Facts:
    """The facts for enrolling these people in the sequence (five queries, however many people)."""
    ids = [c.pk for c in candidates]
    return Facts(
        today=today,
        suppressions=suppressions_of(candidates),
        hired=_hired_among(ids),
        already_enrolled=set(
            Enrollment.objects.filter(
                sequence=sequence, candidate_id__in=ids, status__in=Enrollment.LIVE_STATUSES
            ).values_list("candidate_id", flat=True)
        ),
        in_hiring=set(
            Card.objects.filter(
                candidate_id__in=ids, status=Card.Status.ACTIVE, pipeline__kind=Pipeline.Kind.REQUISITION
            ).values_list("candidate_id", flat=True)
        ),
    )


def email_facts(candidates: list[Candidate], today: date) -> Facts:
    """The facts for writing an email to these people (one query, however many people)."""
    return Facts(today=today, suppressions=suppressions_of(candidates), hired=set())


def send_facts(touches: list[Touch], today: date) -> Facts:
    """The facts for sending these claimed touches (at most five queries, however many touches)."""
    candidates = [t.candidate for t in touches]
    others = [t.to_address for t in touches if not t.to_candidate]
    rejections = [t.pk for t in touches if t.kind == Touch.Kind.REJECTION]
    enrollment_ids = {t.enrollment_id for t in touches if t.enrollment_id is not None}
    return Facts(
        today=today,
        suppressions=suppressions_for(
            emails=[c.email for c in candidates] + others, linkedin_urls=[c.linkedin_url for c in candidates]
        ),
        hired=_hired_among([c.pk for c in candidates]),
        live_enrollments=set(
            Enrollment.objects.filter(pk__in=enrollment_ids, status=Enrollment.Status.ACTIVE).values_list(
                "pk", flat=True
            )
        )
        if enrollment_ids
        else set(),
        no_longer_turned_down=set(
            RejectionEmail.objects.filter(touch_id__in=rejections)
            .exclude(card__status=Card.Status.REJECTED)
            .values_list("touch_id", flat=True)
        )
        if rejections
        else set(),
    )
