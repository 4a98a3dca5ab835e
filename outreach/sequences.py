"""Sequence editing: create a sequence, preview and validate step messages, save, reorder and delete steps,
and pause, resume or archive the sequence."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from candidates.models import Candidate

from . import email as outreach_email
from . import placeholders
from .enrollment import stop_enrollment
from .identities import check_sender
from .models import Channel, Enrollment, Sequence, Step, Touch

NO_STEPS = "Add a step first: a sequence with no steps has nothing to send."


@transaction.atomic
def create_sequence(*, by: User | None, **fields) -> Sequence:
    """A new sequence starts paused (it has no steps yet); it is activated once it has some. Its sender is
    `by` or, when `by` is an admin, anyone (identities.may_send_as)."""
    check_sender(by, fields.get("sender"))
    fields.setdefault("status", Sequence.Status.PAUSED)
    if fields["status"] == Sequence.Status.ACTIVE:
        raise ValidationError(NO_STEPS)
    sequence = Sequence(created_by=by, **fields)
    sequence.full_clean()
    sequence.save()
    return sequence


@transaction.atomic
def update_sequence(*, sequence: Sequence, by: User | None, **fields) -> Sequence:
    """Change a sequence's settings (name, topic, sender, send window, gap…); never its status, which only
    set_sequence_status changes (archiving must stop its enrollments). A new sender must be `by` or, when
    `by` is an admin, anyone; the emails already planned go out as the new sender."""
    if "status" in fields:
        raise ValueError("A sequence's status changes through set_sequence_status.")
    previous_sender = sequence.sender_id
    if "sender" in fields and getattr(fields["sender"], "pk", None) != previous_sender:
        check_sender(by, fields["sender"])
    for name, value in fields.items():
        setattr(sequence, name, value)
    sequence.full_clean()
    sequence.save()
    if sequence.sender_id != previous_sender:
        Touch.objects.filter(
            enrollment__sequence=sequence, channel=Channel.EMAIL, status=Touch.Status.SCHEDULED
        ).update(sender_id=sequence.sender_id)
    return sequence


def preview_message(
    *, sequence: Sequence, candidate: Candidate | None, subject: str, body: str
) -> dict[str, str]:
    """Render a step's message for a real candidate (or sample values), or say what is wrong with it."""
    touch = Touch(
        enrollment=Enrollment(sequence=sequence, candidate=candidate or SAMPLE_CANDIDATE),
        candidate=candidate or SAMPLE_CANDIDATE,
        subject=subject,
        body=body,
    )
    try:
        placeholders.validate(subject)
        placeholders.validate(body)
    except placeholders.TemplateError as error:
        return {"error": str(error)}
    values = outreach_email.message_values(touch)
    return {
        "subject": placeholders.render_text(subject, values),
        "html": placeholders.render_html(body, values),
    }


SAMPLE_CANDIDATE = Candidate(
    first_name="Alex", last_name="Sample", company="Acme", title="Senior Engineer", city="Berlin"
)


def validate_step(step: Step) -> None:
    """Raise placeholders.TemplateError when the subject or body uses an unknown or malformed placeholder."""
    placeholders.validate(step.subject)
    placeholders.validate(step.body)


@transaction.atomic
def save_step(step: Step) -> Step:
    """Save a step after validating its message. Touches already scheduled keep their own copy."""
    validate_step(step)
    if step.position is None:
        last = step.sequence.steps.order_by("-position").values_list("position", flat=True).first()
        step.position = 0 if last is None else last + 1
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def reorder_steps(*, sequence: Sequence, step_ids: list[int]) -> None:
    """Renumber the steps in the given order (one statement per phase, positions stay unique)."""
    steps = {s.pk: s for s in sequence.steps.all()}
    if sorted(step_ids) != sorted(steps):
        raise ValueError("The new order must list every step of the sequence once.")
    offset = len(steps) + 1000
    for i, pk in enumerate(step_ids):
        steps[pk].position = offset + i
    Step.objects.bulk_update(steps.values(), ["position"])
    for i, pk in enumerate(step_ids):
        steps[pk].position = i
    Step.objects.bulk_update(steps.values(), ["position"])


def delete_step(step: Step) -> None:
    """Delete a step. Touches already scheduled for it are still sent as planned; positions keep their gap,
    so those touches still know which steps come after them."""
    step.delete()


ARCHIVED_REASON = "sequence archived"


@transaction.atomic
def set_sequence_status(*, sequence: Sequence, status: str, by: User | None = None) -> Sequence:
    """Pause, resume or archive a sequence: the one door for its status (pages, API and admin).

    Pausing holds everything as it is: the dispatcher claims nothing of a paused sequence; on resuming, the
    emails that fell due meanwhile go out at their senders' pace from then on (pacing.py), never all at once. Archiving ends it:
    every live enrollment is stopped ("sequence archived", on each person's timeline) and its planned emails
    and open tasks are cancelled, in the same transaction as the status.
    """
    if status not in Sequence.Status.values:
        raise ValueError(f"Unknown sequence status {status!r}.")
    if status == Sequence.Status.ACTIVE and not sequence.steps.exists():
        raise ValidationError(NO_STEPS)
    sequence.status = status
    sequence.save(update_fields=["status"])
    if status == Sequence.Status.ARCHIVED:
        live = sequence.enrollments.filter(status__in=Enrollment.LIVE_STATUSES)
        for enrollment in live.select_related("candidate", "sequence"):
            stop_enrollment(enrollment=enrollment, reason=ARCHIVED_REASON, by=by)
    return sequence
