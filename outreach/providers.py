"""django-anymail's normalised webhooks (Mailgun, Postmark, SendGrid, Amazon SES, Brevo, …), fed into the same
services as IMAP polling: an inbound email goes through the classifier (`inbound.receive_message`), and a
tracking event (bounced, rejected, complained, unsubscribed) through the same outcome as a DSN or an ARF report
would. Anymail authenticates each call itself (ANYMAIL["WEBHOOK_SECRET"] basic auth, and each provider's
signature where it signs: Mailgun's webhook signing key, Postmark's basic auth, SendGrid's…). Connected in
`OutreachConfig.ready`."""

from anymail.signals import AnymailInboundEvent, AnymailTrackingEvent, EventType, inbound, tracking
from django.utils import timezone

from . import inbound as inbound_mail
from .models import InboundMessage

TRACKING_KINDS = {
    EventType.BOUNCED: InboundMessage.Kind.HARD_BOUNCE,
    # refused by the provider before sending: in practice an address on its own bounce or complaint list
    EventType.REJECTED: InboundMessage.Kind.HARD_BOUNCE,
    EventType.COMPLAINED: InboundMessage.Kind.COMPLAINT,
    EventType.UNSUBSCRIBED: InboundMessage.Kind.UNSUBSCRIBE,
}


# Bounces some providers report as "bounced" although the server only refused for now (Postmark's Type).
SOFT_BOUNCE_TYPES = {"SoftBounce", "Transient", "DnsError"}


def receive_inbound(sender, event: AnymailInboundEvent, esp_name: str, **kwargs) -> None:
    inbound_mail.receive_message(
        event.message.as_bytes(),
        source=InboundMessage.Source.PROVIDER,
        received_at=event.timestamp or timezone.now(),
    )


def receive_tracking(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    kind = TRACKING_KINDS.get(event.event_type)
    if kind is None or not event.recipient:
        return  # delivered, opened, clicked…: the engine has its own tracking for what matters
    if isinstance(event.esp_event, dict) and event.esp_event.get("Type") in SOFT_BOUNCE_TYPES:
        kind = InboundMessage.Kind.SOFT_BOUNCE
    occurred_at = event.timestamp or timezone.now()
    touch = inbound_mail.touch_for(
        [event.message_id] if event.message_id else [],
        touch_key=(event.metadata or {}).get("longlist_touch", ""),
    )
    event_id = (
        event.event_id or f"{event.event_type}:{event.message_id}:{event.recipient}:{occurred_at.isoformat()}"
    )
    inbound_mail.record_provider_event(
        key=f"{esp_name.lower()}:{event_id}",
        kind=kind,
        address=event.recipient,
        touch=touch,
        detail=" ".join(part for part in (event.reject_reason or "", event.description or "") if part),
        occurred_at=occurred_at,
    )


def connect() -> None:
    inbound.connect(receive_inbound, dispatch_uid="longlist-anymail-inbound")
    tracking.connect(receive_tracking, dispatch_uid="longlist-anymail-tracking")
