"""Receivers of the project as a whole."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from rest_framework.exceptions import Throttled
from rest_framework.request import Request

from candidates.signals import candidates_created
from outreach.signals import candidate_unsubscribed, meeting_booked, reply_received
from pipelines.signals import application_received, candidate_hired, card_moved

from . import services
from .models import WebhookEvent
from .webhooks import events


@receiver(user_logged_in, dispatch_uid="recruiting.remember_user_language")
def remember_user_language(sender, request, user, **kwargs) -> None:
    """A user who chose a language sees Longlist in it from their first page on (local login or single sign-on)."""
    if request is not None and hasattr(request, "session"):
        services.remember_user_language(request.session, services.user_language(user))


@receiver(user_locked_out, dispatch_uid="recruiting.refuse_locked_out_api_request")
def refuse_locked_out_api_request(sender, request, **kwargs) -> None:
    """A locked-out username and address asking for an API token gets 429. The login page's lockout answer comes
    from axes' middleware, which never sees the mark axes leaves on an API request (DRF's own Request object)."""
    if isinstance(request, Request):
        raise Throttled(detail="Too many failed sign-ins: try again later.")


# --- Outgoing webhooks: what happened in the apps below becomes deliveries (recruiting/webhooks/) ----------


@receiver(candidates_created, dispatch_uid="recruiting.webhooks.candidates_created")
def candidates_created_event(sender, *, candidates, by=None, **kwargs) -> None:
    events.record_events(
        WebhookEvent.CANDIDATE_CREATED,
        (
            {"candidate": events.candidate_data(candidate), "by": events.by_data(by)}
            for candidate in candidates
        ),
    )


@receiver(card_moved, dispatch_uid="recruiting.webhooks.card_moved")
def card_moved_event(sender, *, card, from_stage, to_stage, by=None, **kwargs) -> None:
    events.record_event(
        WebhookEvent.CARD_MOVED,
        events.card_data(
            card, by=by, from_stage=events.stage_data(from_stage), to_stage=events.stage_data(to_stage)
        ),
    )


@receiver(candidate_hired, dispatch_uid="recruiting.webhooks.candidate_hired")
def candidate_hired_event(sender, *, card, by=None, **kwargs) -> None:
    events.record_event(
        WebhookEvent.CANDIDATE_HIRED, events.card_data(card, by=by, stage=events.stage_data(card.stage))
    )


@receiver(application_received, dispatch_uid="recruiting.webhooks.application_received")
def application_received_event(sender, *, application, **kwargs) -> None:
    requisition = application.requisition
    events.record_event(
        WebhookEvent.APPLICATION_RECEIVED,
        {
            "application": {
                "id": application.pk,
                "requisition": {"id": requisition.pk, "title": requisition.title},
                "card_id": application.card_id,
                "submitted_at": application.created_at.isoformat(),
            },
            "candidate": events.candidate_data(application.candidate),
        },
    )


@receiver(reply_received, dispatch_uid="recruiting.webhooks.reply_received")
def reply_received_event(sender, *, reply, by=None, **kwargs) -> None:
    events.record_event(
        WebhookEvent.REPLY_RECEIVED,
        {
            "reply": {
                "id": reply.pk,
                "subject": reply.subject,
                "received_at": reply.received_at.isoformat(),
                "source": reply.source,
            },
            "candidate": events.candidate_data(reply.candidate),
            "by": events.by_data(by),
        },
    )


@receiver(candidate_unsubscribed, dispatch_uid="recruiting.webhooks.candidate_unsubscribed")
def candidate_unsubscribed_event(sender, *, candidate, **kwargs) -> None:
    events.record_event(
        WebhookEvent.CANDIDATE_UNSUBSCRIBED,
        {
            "candidate": events.candidate_data(candidate),
            "unsubscribed_at": candidate.unsubscribed_at.isoformat() if candidate.unsubscribed_at else None,
        },
    )


@receiver(meeting_booked, dispatch_uid="recruiting.webhooks.meeting_booked")
def meeting_booked_event(sender, *, meeting, by=None, **kwargs) -> None:
    events.record_event(
        WebhookEvent.MEETING_BOOKED,
        {
            "meeting": {
                "id": meeting.pk,
                "type": meeting.meeting_type.name,
                "starts_at": meeting.starts_at.isoformat(),
                "ends_at": meeting.ends_at.isoformat(),
                "card_id": meeting.card_id,
                "hosts": [
                    {"id": host.pk, "name": host.get_full_name() or host.get_username()}
                    for host in meeting.host_list()
                ],
            },
            "candidate": events.candidate_data(meeting.candidate),
            "by": events.by_data(by),
        },
    )
