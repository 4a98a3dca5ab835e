"""Turn-down emails: admins' templates, and the email a recruiter chose when turning someone down. It is an
outbox row (a touch of kind rejection) due once its delay is over (the time to undo): the dispatcher sends it
with the stop rules of every email, plus "no longer turned down", unless the turn-down was undone."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from candidates.models import Activity
from candidates.services import record_activity
from pipelines.models import Card

from . import placeholders
from .models import RejectionEmail, RejectionTemplate, Touch
from .outbox import queue_email


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
    """The chosen template's email to the person just turned down: an outbox row of kind rejection, due after
    REJECTION_EMAIL_DELAY_MINUTES (the time to undo). A personal message, not marketing: no unsubscribe footer."""
    template = RejectionTemplate.objects.filter(pk=template_id, is_active=True).first()
    if template is None:
        raise ValidationError("Choose one of the rejection emails offered.")
    now = now or timezone.now()
    send_after = now + timedelta(minutes=settings.REJECTION_EMAIL_DELAY_MINUTES)
    touch = queue_email(
        card.candidate,
        sender=by,
        subject=template.subject,
        body=template.body,
        kind=Touch.Kind.REJECTION,
        send_at=send_after,
        personal=True,
        created_by=by,
    )
    email = RejectionEmail.objects.create(
        card=card, candidate=card.candidate, template=template, sender=by, send_after=send_after, touch=touch
    )
    record_activity(
        candidate=card.candidate,
        kind=Activity.Kind.TOUCH,
        actor=by,
        summary=f"Rejection email “{template.name}” to be sent at {timezone.localtime(email.send_after):%H:%M}",
        data={"rejection_email_id": email.pk, "touch_id": touch.pk},
    )
    return email


@transaction.atomic
def cancel_rejection_emails(*, card: Card, by) -> int:
    """Cancel the card's rejection emails not sent yet (the turn-down was undone): their outbox rows too."""
    scheduled = RejectionEmail.objects.filter(card=card, status=RejectionEmail.Status.SCHEDULED)
    Touch.objects.filter(
        pk__in=scheduled.exclude(touch=None).values("touch_id"), status=Touch.Status.SCHEDULED
    ).update(status=Touch.Status.CANCELLED, last_error="turn-down undone")
    return scheduled.update(status=RejectionEmail.Status.CANCELLED, outcome="turn-down undone")
