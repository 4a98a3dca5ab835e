"""Sender identities: who each user's emails are from, at what pace, and through which mail server.

Every recruiter and admin has one (created with their name and address the first time it is needed). An
identity with its own SMTP settings sends through that server (their real mailbox); otherwise the site's
EMAIL_URL or provider carries the mail. Emails with no sender (a sequence without one) go out as the site's
DEFAULT_FROM_EMAIL, paced by SITE_EMAIL_DAILY_LIMIT over the whole day.
"""

import smtplib
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils.translation import gettext

from candidates.roles import is_admin
from candidates.templatetags.longlist import display_name
from pipelines.selectors import recruiting_users

from .email import SMTPBackend, identity_mailbox
from .models import SenderIdentity
from .pacing import Pace
from .timing import SendWindow

SITE_WINDOW = SendWindow(time(0, 0), time(23, 59, 59), business_days_only=False)
NOT_YOURS = "Only your own sending identity may be used, unless you are an admin."


def identity_defaults(user: User) -> dict:
    return {
        "display_name": display_name(user)[:150],
        "address": user.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
    }


def identity_for(user: User) -> SenderIdentity:
    """The user's identity, created with their name and address the first time."""
    identity, _ = SenderIdentity.objects.get_or_create(user=user, defaults=identity_defaults(user))
    return identity


def ensure_identities(user_ids: Iterable[int]) -> None:
    """Create the missing identities of these users at once (safe when another worker does the same)."""
    wanted = set(user_ids) - set(
        SenderIdentity.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
    )
    if wanted:
        SenderIdentity.objects.bulk_create(
            [
                SenderIdentity(user=user, **identity_defaults(user))
                for user in User.objects.filter(pk__in=wanted)
            ],
            ignore_conflicts=True,
        )


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def pace_of(identity: SenderIdentity | None) -> Pace:
    """The pace of an identity, or of the site's address for mail with no sender."""
    if identity is None:
        return Pace(
            daily_limit=settings.SITE_EMAIL_DAILY_LIMIT,
            window=SITE_WINDOW,
            spacing=timedelta(0),
            tz=zone("UTC"),
        )
    return Pace(
        daily_limit=max(identity.daily_limit, 1),
        window=SendWindow(identity.send_window_start, identity.send_window_end, business_days_only=False),
        spacing=timedelta(minutes=identity.min_spacing_minutes),
        tz=zone(identity.timezone),
    )


def backend_for(identity: SenderIdentity | None) -> BaseEmailBackend:
    """The identity's own SMTP server when it has one, else the site's mail backend."""
    if identity is None or not identity.smtp_host:
        return mail.get_connection()
    return SMTPBackend(
        host=identity.smtp_host,
        port=identity.smtp_port,
        username=identity.smtp_username or None,
        password=identity.smtp_password or None,
        use_tls=identity.smtp_security == SenderIdentity.Security.STARTTLS,
        use_ssl=identity.smtp_security == SenderIdentity.Security.TLS,
        timeout=settings.EMAIL_TIMEOUT,
        fail_silently=False,
    )


# --- Who may use which identity -----------------------------------------------------------------------


def may_send_as(user: User | None, sender: User | None) -> bool:
    """A user may send (or have a sequence send) as themselves; an admin as anyone. `user` None is the
    system (a command, a migration)."""
    if user is None or sender is None or sender.pk == user.pk:
        return True
    return is_admin(user)


def check_sender(user: User | None, sender: User | None) -> None:
    if not may_send_as(user, sender):
        raise PermissionDenied(NOT_YOURS)


def editable_identities(user: User):
    """Whose identities a user may edit: an admin every recruiter's and admin's, anyone else their own."""
    if is_admin(user):
        return recruiting_users().order_by("first_name", "last_name", "username")
    return User.objects.filter(pk=user.pk)


# --- Editing ------------------------------------------------------------------------------------------


@transaction.atomic
def update_identity(
    *, identity: SenderIdentity, by: User, password: str = "", forget_password: bool = False, **fields
) -> SenderIdentity:
    """Change an identity. The SMTP password is write-only: an empty `password` keeps the stored one, unless
    `forget_password`; without a host there is nothing to log in to, so no user name or password is kept."""
    check_sender(by, identity.user)
    for name, value in fields.items():
        setattr(identity, name, value)
    if password:
        identity.smtp_password = password
    elif forget_password:
        identity.smtp_password = ""
    if not identity.smtp_host:
        identity.smtp_username, identity.smtp_password = "", ""
    identity.full_clean()
    identity.save()
    return identity


# --- The test email -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestResult:
    ok: bool
    message: str


def send_test_email(*, identity: SenderIdentity, by: User) -> TestResult:
    """Send a short email from the identity to its own address through its server, and say in plain words
    what the server answered."""
    check_sender(by, identity.user)
    where = (
        f"{identity.smtp_host}:{identity.smtp_port}"
        if identity.smtp_host
        else gettext("the site's mail settings")
    )
    # In the language of the page that asked for it (the user's).
    message = EmailMessage(
        subject=gettext("Longlist test email"),
        body=(
            gettext("This is a test from Longlist: your sending identity works.")
            + "\n\n"
            + gettext("From: %(sender)s\nServer: %(server)s")
            % {"sender": f"{identity.display_name} <{identity.address}>", "server": where}
            + "\n"
        ),
        from_email=identity_mailbox(identity),
        to=[identity.address],
        reply_to=[identity.reply_to] if identity.reply_to else None,
        connection=backend_for(identity),
    )
    try:
        message.send()
    except Exception as error:
        return TestResult(False, explain_smtp_error(error, identity))
    return TestResult(True, f"Sent: {where} accepted a test email to {identity.address}.")


def explain_smtp_error(error: Exception, identity: SenderIdentity) -> str:
    """What went wrong, in words a recruiter can act on."""
    host = f"{identity.smtp_host}:{identity.smtp_port}" if identity.smtp_host else "the site's mail server"
    answer = _server_answer(error)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return (
            f"Wrong user name or password: {host} refused the login{answer}. Check the user name, and use an "
            "app password if your mailbox has two-step sign-in."
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        text = str(error)
        if "STARTTLS" in text:
            return (
                f"TLS refused: {host} does not offer STARTTLS. Choose “TLS from the start” (port 465) or ask "
                "your provider for the secure port."
            )
        if "AUTH" in text:
            return (
                f"{host} does not accept a login on this connection: it usually wants TLS first. Choose "
                "STARTTLS (port 587) or TLS from the start (port 465)."
            )
        return f"{host} does not support what was asked: {text}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS refused: the certificate of {host} could not be verified ({error.verify_message})."
    if isinstance(error, ssl.SSLError):
        return (
            f"TLS failed with {host} ({error.reason or error}). If the port expects STARTTLS, choose STARTTLS; "
            "if it expects TLS from the start, choose that."
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"{host} refused to send from {identity.address}{answer}: use the address of that mailbox."
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return f"{host} refused the recipient {identity.address}."
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{host} refused{answer}."
    if isinstance(error, socket.gaierror):
        return f"Host not found: “{identity.smtp_host}” does not resolve to an address. Check the host name."
    if isinstance(error, TimeoutError | socket.timeout):
        return f"Timed out: {host} did not answer within {settings.EMAIL_TIMEOUT} seconds."
    if isinstance(error, ConnectionRefusedError):
        return f"Host unreachable: nothing accepts connections at {host} (connection refused). Check host and port."
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError):
        return f"{host} closed the connection ({error}). Check the port and the security setting."
    if isinstance(error, OSError):
        return f"Host unreachable: could not connect to {host} ({error.strerror or error})."
    return f"Sending failed: {type(error).__name__}: {error}"


def _server_answer(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else error.smtp_error
        )
        return f" (the server said {error.smtp_code} {text})"
    return ""
