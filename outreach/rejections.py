"""Turn-down emails: admins' templates, and the email a recruiter chose when turning someone down, sent once
its delay is over (the time to undo) by the dispatcher's beat, unless the turn-down was undone."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from candidates.models import Activity
from candidates.services import record_activity
from pipelines.models import Card

from . import email as outreach_email
from . import placeholders
from .models import RejectionEmail, RejectionTemplate

REJECTION_BATCH = 100  # emails claimed per pass


@transaction.atomic
def save_rejection_template(
    *, template: RejectionTemplate | None = None, name: str, subject: str, body: str, is_active: bool = True
) -> RejectionTemplate:
    """Create or change a template; a malformed or unknown placeholder is refused, as in sequence steps."""
    try:
        placeholders.validate(subject)
        placeholders.validate(body)
    except placeholders.TemplateError as error:
        raise ValidationError(str(error)) from error
    template = template or RejectionTemplate()
    template.name, template.subject, template.body, template.is_active = name, subject, body, is_active
    template.full_clean()
    template.save()
    return template


def schedule_rejection_email(
    *, card: Card, template_id: int, by, now: datetime | None = None
) -> RejectionEmail:
    """The chosen template's email to the person just turned down, after REJECTION_EMAIL_DELAY_MINUTES."""
    template = RejectionTemplate.objects.filter(pk=template_id, is_active=True).first()
    if template is None:
        raise ValidationError("Choose one of the rejection emails offered.")
    now = now or timezone.now()
    email = RejectionEmail.objects.create(
        card=card,
        candidate=card.candidate,
        template=template,
        sender=by,
        send_after=now + timedelta(minutes=settings.REJECTION_EMAIL_DELAY_MINUTES),
    )
    record_activity(
        candidate=card.candidate,
        kind=Activity.Kind.TOUCH,
        actor=by,
        summary=f"Rejection email “{template.name}” to be sent at {timezone.localtime(email.send_after):%H:%M}",
        data={"rejection_email_id": email.pk},
    )
    return email


def cancel_rejection_emails(*, card: Card, by) -> int:
    """Cancel the card's rejection emails not sent yet (the turn-down was undone)."""
    return RejectionEmail.objects.filter(card=card, status=RejectionEmail.Status.SCHEDULED).update(
        status=RejectionEmail.Status.CANCELLED, outcome="turn-down undone"
    )


def _why_not(email: RejectionEmail) -> str:
    candidate = email.candidate
    if email.card.status != Card.Status.REJECTED:
        return "no longer turned down"
    if candidate.erased_at:
        return "erased"
    if candidate.do_not_contact:
        return "do not contact"
    return "" if candidate.email else "no email address"


def send_due_rejection_emails(now: datetime | None = None) -> int:
    """Send the rejection emails whose delay is over, each in its own transaction with its row locked (a
    second worker skips it); one the person may not get is skipped with the reason. How many were sent."""
    now = now or timezone.now()
    sent = 0
    for _ in range(REJECTION_BATCH):
        with transaction.atomic():
            email = (
                RejectionEmail.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("candidate", "card", "template", "sender")
                .filter(status=RejectionEmail.Status.SCHEDULED, send_after__lte=now)
                .order_by("send_after", "pk")
                .first()
            )
            if email is None:
                break
            reason = _why_not(email)
            if reason:
                email.status, email.outcome = RejectionEmail.Status.SKIPPED, reason
                email.save(update_fields=["status", "outcome"])
                continue
            values = outreach_email.placeholder_values(email.candidate, email.sender)
            send_mail(
                placeholders.render_text(email.template.subject, values),
                placeholders.render_text(email.template.body, values),
                None,
                [email.candidate.email],
            )
            email.status, email.sent_at = RejectionEmail.Status.SENT, now
            email.save(update_fields=["status", "sent_at"])
            record_activity(
                candidate=email.candidate,
                kind=Activity.Kind.TOUCH,
                actor=email.sender,
                summary=f"Rejection email “{email.template.name}” sent",
                data={"rejection_email_id": email.pk},
            )
            sent += 1
    return sent
