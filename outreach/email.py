"""Builds the email for a touch: text and HTML parts, tracked links, the preference-centre link and the
one-click unsubscribe headers (RFC 8058); and the SMTP backend that tells a lost answer to a whole message
apart from a refusal."""

import re
import smtplib

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends import smtp
from django.core.mail.message import SafeMIMEText
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from candidates.mail_headers import header_text, mailbox
from candidates.models import Candidate, PrivacyPolicy
from candidates.templatetags.longlist import display_name

from . import placeholders, tokens
from .booking_links import booking_url
from .models import MeetingType, SenderIdentity, Touch

PRIVACY_NOTICE = _(
    "Why you are hearing from us: we have your details from {origin}, and think you could be a great fit for "
    "roles we hire for. We keep your name, contact details and professional background to contact you about "
    "such roles, on the basis of our legitimate interest in recruiting, for up to {retention} after our last "
    "contact. You can object at any time: unsubscribe with the link below and we will not contact you again."
)
# A personal message has no unsubscribe link: the person objects by answering.
PERSONAL_PRIVACY_NOTICE = _(
    "Why you are hearing from us: we have your details from {origin}. We keep your name, contact details and "
    "professional background to contact you about roles we hire for, on the basis of our legitimate interest "
    "in recruiting, for up to {retention} after our last contact. You can object at any time: reply to this "
    "email and we will not contact you again."
)
ORIGINS = {
    "sourced": _("your public professional profile"),
    "referral": _("a recommendation by someone who knows you"),
    "event": _("an event you attended"),
    "database": _("an earlier conversation with you"),
    "silver_medalist": _("your earlier application"),
}


def candidate_language(candidate: Candidate) -> str:
    """The language of the system text in an email to this person: theirs where known, else the default."""
    return candidate.language or settings.LANGUAGE_CODE


def retention_text(days: int) -> str:
    if days >= 60:
        months = days // 30
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


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


def message_sender(touch: Touch) -> User | None:
    """Whose email it is: the touch's sender, else (a sequence step planned before senders were kept on touches)
    its sequence's sender."""
    if touch.sender_id is not None:
        return touch.sender
    return touch.enrollment.sequence.sender if touch.enrollment is not None else None


def message_values(touch: Touch) -> dict[str, str]:
    """The placeholder values of a planned email; the default meeting type is looked up only when the email
    asks for a booking link (a query per send otherwise, on the dispatcher's path)."""
    asks_for_booking = "booking_link" in touch.body or "booking_link" in touch.subject
    return placeholder_values(
        touch.candidate, message_sender(touch), DEFAULT_MEETING_TYPE if asks_for_booking else None
    )


class DefaultMeetingType:
    """Placeholder values' booking link books the default meeting type, looked up (one query) unless given."""


DEFAULT_MEETING_TYPE = DefaultMeetingType()


def default_meeting_type() -> MeetingType | None:
    return MeetingType.objects.filter(is_default=True, is_active=True).first()


def placeholder_values(
    candidate: Candidate,
    sender: User | None,
    meeting_type: MeetingType | DefaultMeetingType | None = DEFAULT_MEETING_TYPE,
) -> dict[str, str]:
    """What the placeholders of a message to this person from this sender stand for (every kind of email);
    the booking link books `meeting_type` (None: no link), or the default type when none is given. Callers
    rendering many messages look the default up once (`default_meeting_type`) and pass it."""
    if isinstance(meeting_type, DefaultMeetingType):
        meeting_type = default_meeting_type()
    return {
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "full_name": candidate.full_name,
        "company": candidate.company,
        "title": candidate.title,
        "city": candidate.city,
        "sender_name": display_name(sender, ""),
        "sender_first_name": sender.first_name if sender else "",
        "booking_link": booking_url(candidate, meeting_type) if meeting_type else "",
    }


def sender_identity(user: User | None) -> SenderIdentity | None:
    """The user's mail identity, or None (a user without one sends as today: their name and address)."""
    if user is None:
        return None
    try:
        return user.sender_identity
    except SenderIdentity.DoesNotExist:
        return None


def with_signature(body: str, sender: User | None) -> str:
    """The body with the sender identity's signature under it (the usual "-- " separator)."""
    identity = sender_identity(sender)
    if identity is None or not identity.signature.strip():
        return body
    return f"{body.rstrip()}\n\n-- \n{identity.signature.strip()}"


def identity_mailbox(identity: SenderIdentity | None) -> str:
    return mailbox(identity.display_name, identity.address) if identity else settings.DEFAULT_FROM_EMAIL


def touch_identity(touch: Touch) -> SenderIdentity | None:
    """The identity an email goes out as: its sender's (for a sequence step, the sequence's sender)."""
    return sender_identity(message_sender(touch))


def sender_address(touch: Touch) -> str:
    sender = message_sender(touch)
    identity = sender_identity(sender)
    if identity is not None:
        return identity_mailbox(identity)
    if sender and sender.email:
        return mailbox(display_name(sender), sender.email)
    return settings.DEFAULT_FROM_EMAIL


def is_marketing(touch: Touch) -> bool:
    """A marketing email carries the one-click unsubscribe headers and the preferences footer; a personal
    message (and a copy to someone other than the candidate) does not."""
    return not touch.personal and touch.to_candidate


_METHOD = re.compile(r"^METHOD:(?P<method>[A-Za-z-]+)\s*$", re.MULTILINE)


def calendar_method(calendar: str) -> str:
    """The iCalendar METHOD (REQUEST, CANCEL, …) the text/calendar part must repeat; PUBLISH when absent."""
    found = _METHOD.search(calendar)
    return found["method"].upper() if found else "PUBLISH"


class OutboxMessage(EmailMultiAlternatives):
    """An email whose text/calendar parts carry the METHOD parameter calendar clients need (RFC 6047)."""

    def _create_mime_attachment(self, content, mimetype):
        if mimetype.split(";", 1)[0].strip() != "text/calendar":
            return super()._create_mime_attachment(content, mimetype)
        part = SafeMIMEText(content, "calendar", "utf-8")
        part.set_param("method", calendar_method(content))
        return part


def build_message(touch: Touch, *, privacy_notice: bool = False) -> EmailMultiAlternatives:
    """The email for a touch of any kind: rendered placeholders, tracked links, the Art. 14 notice when due;
    for marketing the preference and unsubscribe footer and headers; threading headers for a reply; the
    sender identity's From and Reply-To; an iCalendar part and invite.ics for an invitation. The system text
    (notice, footer) is in the candidate's language when the email is theirs; what a person wrote is as written."""
    language = candidate_language(touch.candidate) if touch.to_candidate else settings.LANGUAGE_CODE
    with translation.override(language):
        return _build_message(touch, privacy_notice=privacy_notice)


def _build_message(touch: Touch, *, privacy_notice: bool) -> EmailMultiAlternatives:
    values = message_values(touch)
    marketing = is_marketing(touch)

    def track(link: placeholders.Link) -> str:
        return click_url(touch, link)

    subject = header_text(placeholders.render_text(touch.subject, values)) or gettext("Hello")
    # Emails a user writes are signed when written; a sequence step, as it goes out in its sender's name.
    body = (
        with_signature(touch.body, message_sender(touch)) if touch.kind == Touch.Kind.SEQUENCE else touch.body
    )
    text = placeholders.render_text(body, values, link_url=track)
    html = placeholders.render_html(body, values, link_url=track)
    notice = ""
    if privacy_notice:
        origin = str(ORIGINS.get(touch.candidate.source, _("a public source")))
        retention = retention_text(PrivacyPolicy.current().retention_days)
        notice = str(PRIVACY_NOTICE if marketing else PERSONAL_PRIVACY_NOTICE).format(
            origin=origin, retention=retention
        )
        text += f"\n\n{notice}"
        html += f'\n<p style="color:#5f6877;font-size:12px">{escape(notice)}</p>'
    headers = {"Message-ID": touch.message_id}
    if marketing:
        unsubscribe, preferences = unsubscribe_url(touch), preferences_url(touch)
        text += "\n\n" + gettext("Email preferences (topics, fewer emails, check back later): %(url)s") % {
            "url": preferences
        }
        text += "\n" + gettext("Not interested? Unsubscribe: %(url)s") % {"url": unsubscribe} + "\n"
        html += (
            f'\n<p style="color:#5f6877;font-size:12px"><a href="{escape(preferences)}">'
            f"{escape(gettext('Email preferences'))}</a>"
            f' · <a href="{escape(unsubscribe)}">{escape(gettext("Unsubscribe"))}</a></p>'
        )
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if touch.in_reply_to:
        headers["In-Reply-To"] = touch.in_reply_to
        headers["References"] = touch.references or touch.in_reply_to
    if touch.enrollment is not None and touch.enrollment.sequence.track_opens:
        html += f'\n<img src="{escape(open_pixel_url(touch))}" width="1" height="1" alt="">'
    identity = touch_identity(touch)
    message = OutboxMessage(
        subject=subject,
        body=text,
        from_email=sender_address(touch),
        to=[touch.recipient],
        reply_to=[identity.reply_to] if identity is not None and identity.reply_to else None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    if touch.calendar:
        message.attach_alternative(touch.calendar, "text/calendar")
        message.attach("invite.ics", touch.calendar, "application/ics")
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
