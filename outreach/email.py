"""Builds the email for a touch: text and HTML parts, tracked links, the preference-centre link and the
one-click unsubscribe headers (RFC 8058); and the SMTP backend that tells a lost answer to a whole message
apart from a refusal."""

import smtplib

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends import smtp
from django.urls import reverse
from django.utils.html import escape

from candidates.mail_headers import header_text, mailbox
from candidates.models import Candidate, PrivacyPolicy

from . import placeholders, tokens
from .models import Touch

PRIVACY_NOTICE = (
    "Why you are hearing from us: we have your details from {origin}, and think you could be a great fit for "
    "roles we hire for. We keep your name, contact details and professional background to contact you about "
    "such roles, on the basis of our legitimate interest in recruiting, for up to {retention} after our last "
    "contact. You can object at any time: unsubscribe with the link below and we will not contact you again."
)
ORIGINS = {
    "sourced": "your public professional profile",
    "referral": "a recommendation by someone who knows you",
    "event": "an event you attended",
    "database": "an earlier conversation with you",
    "silver_medalist": "your earlier application",
}


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(touch: Touch) -> str:
    token = tokens.make(tokens.UNSUBSCRIBE, c=touch.candidate_id, t=touch.pk)
    return absolute(reverse("outreach:unsubscribe", args=[token]))


def preferences_url(touch: Touch) -> str:
    token = tokens.make(tokens.PREFERENCES, c=touch.candidate_id, t=touch.pk)
    return absolute(reverse("outreach:preferences", args=[token]))


def click_url(touch: Touch, link: placeholders.Link) -> str:
    token = tokens.make(tokens.CLICK, t=touch.pk, u=link.url, topics=list(link.topics))
    return absolute(reverse("outreach:click", args=[token]))


def open_pixel_url(touch: Touch) -> str:
    return absolute(reverse("outreach:open", args=[tokens.make(tokens.OPEN, t=touch.pk)]))


def message_values(touch: Touch) -> dict[str, str]:
    return placeholder_values(touch.candidate, touch.enrollment.sequence.sender)


def placeholder_values(candidate: Candidate, sender: User | None) -> dict[str, str]:
    """What the placeholders of a message to this person from this sender stand for (sequences, rejections)."""
    return {
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "full_name": candidate.full_name,
        "company": candidate.company,
        "title": candidate.title,
        "city": candidate.city,
        "sender_name": (sender.get_full_name() or sender.get_username()) if sender else "",
        "sender_first_name": sender.first_name if sender else "",
    }


def sender_address(touch: Touch) -> str:
    sender = touch.enrollment.sequence.sender
    if sender and sender.email:
        return mailbox(sender.get_full_name() or sender.get_username(), sender.email)
    return settings.DEFAULT_FROM_EMAIL


def build_message(touch: Touch, *, privacy_notice: bool = False) -> EmailMultiAlternatives:
    values = message_values(touch)

    def track(link: placeholders.Link) -> str:
        return click_url(touch, link)

    subject = header_text(placeholders.render_text(touch.subject, values)) or "Hello"
    text = placeholders.render_text(touch.body, values, link_url=track)
    html = placeholders.render_html(touch.body, values, link_url=track)
    unsubscribe = unsubscribe_url(touch)
    notice = ""
    if privacy_notice:
        origin = ORIGINS.get(touch.candidate.source, "a public source")
        days = PrivacyPolicy.current().retention_days
        retention = f"{days // 30} months" if days >= 60 else f"{days} days"
        notice = PRIVACY_NOTICE.format(origin=origin, retention=retention)
        text += f"\n\n{notice}"
        html += f'\n<p style="color:#5f6877;font-size:12px">{escape(notice)}</p>'
    preferences = preferences_url(touch)
    text += f"\n\nEmail preferences (topics, fewer emails, check back later): {preferences}\n"
    text += f"Not interested? Unsubscribe: {unsubscribe}\n"
    html += (
        f'\n<p style="color:#5f6877;font-size:12px"><a href="{escape(preferences)}">Email preferences</a>'
        f' · <a href="{escape(unsubscribe)}">Unsubscribe</a></p>'
    )
    if touch.enrollment.sequence.track_opens:
        html += f'\n<img src="{escape(open_pixel_url(touch))}" width="1" height="1" alt="">'
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender_address(touch),
        to=[touch.candidate.email],
        headers={
            "Message-ID": touch.message_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    # A provider (django-anymail) sends this back with its tracking events, so a bounce or complaint it reports
    # finds its touch even when the provider gave the email an id of its own; the SMTP backend ignores it.
    message.metadata = {"longlist_touch": str(touch.idempotency_key)}  # type: ignore[attr-defined]
    return message


class PossiblyDelivered(Exception):
    """The server had the whole message (DATA's final dot) but its answer never came: the connection dropped
    or the answer took longer than EMAIL_TIMEOUT. The message may well have been delivered."""


class _AnswerTracking:
    """An SMTP client that knows when it is waiting for the answer to a whole message."""

    awaiting_message_answer = False

    def send(self, s):
        super().send(s)  # type: ignore[misc]
        # smtplib.SMTP.data() sends the message and its final "CRLF . CRLF" in one call; no command ends so.
        self.awaiting_message_answer = isinstance(s, bytes) and s.endswith(b"\r\n.\r\n")

    def getreply(self):
        reply = super().getreply()  # type: ignore[misc]
        self.awaiting_message_answer = False
        return reply


class _SMTP(_AnswerTracking, smtplib.SMTP):
    pass


class _SMTPOverSSL(_AnswerTracking, smtplib.SMTP_SSL):
    pass


class SMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend, raising PossiblyDelivered when the connection fails after the whole message
    was sent and before the server answered; a refusal or a failure before that is raised as it is."""

    @property
    def connection_class(self):
        return _SMTPOverSSL if self.use_ssl else _SMTP

    def _send(self, email_message):
        try:
            return super()._send(email_message)
        except OSError as error:  # smtplib's errors, time-outs and resets are all OSErrors
            if getattr(self.connection, "awaiting_message_answer", False):
                raise PossiblyDelivered(f"{type(error).__name__}: {error}") from error
            raise
