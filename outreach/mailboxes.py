"""Reading inbound mailboxes over IMAP (imap-tools), and keeping their settings.

A pass over one mailbox (`poll_mailbox`):
1. claims it with a conditional UPDATE on its lease (`lease_expires_at`), so of many workers polling at once
   only one reads a given mailbox; a worker that dies leaves it to the next pass once the lease is over;
2. logs in and reads the folder's UIDVALIDITY. When it changed (the server renumbered the folder), the
   remembered last UID means nothing any more: the whole folder is read again, and what was handled before is
   recognised by its Message-ID (`InboundMessage.key`) and skipped;
3. fetches only UIDs above the last one handled, without marking them read (BODY.PEEK), oldest first, and
   hands each to `inbound.receive_message`; the last UID is saved after each message, so a pass cut short
   resumes where it stopped. A message whose handling fails stops the pass (it is read again next time);
4. flags each handled message (\\Flagged) when the mailbox asks for it. Nothing is ever deleted or moved.

Any failure (wrong password, TLS, server down) is recorded on the mailbox with its time and the pass ends;
the other mailboxes are polled by their own tasks and never wait for it.
"""

import imaplib
import logging
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessageFlags
from imap_tools.errors import ImapToolsError

from . import inbound
from .models import InboundMailbox, InboundMessage

logger = logging.getLogger(__name__)

FETCH_BATCH = 50


@dataclass(frozen=True)
class PollResult:
    mailbox_id: int
    polled: bool  # False: another worker holds it, or it is switched off
    handled: int = 0
    skipped: int = 0  # seen before (same Message-ID)
    error: str = ""


def lease_seconds() -> int:
    """Long enough for a slow server: every network call may wait IMAP_TIMEOUT seconds."""
    return max(300, 10 * settings.IMAP_TIMEOUT)


def claim(mailbox_id: int, now: datetime) -> bool:
    """Take the mailbox for one pass; False when another worker has it (or it is switched off)."""
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    return (
        InboundMailbox.objects.filter(free, pk=mailbox_id, is_active=True).update(
            lease_expires_at=now + timedelta(seconds=lease_seconds())
        )
        == 1
    )


def connect(mailbox: InboundMailbox) -> MailBox | MailBoxStartTls | MailBoxUnencrypted:
    timeout = settings.IMAP_TIMEOUT
    if mailbox.security == InboundMailbox.Security.TLS:
        return MailBox(mailbox.host, mailbox.port, timeout=timeout, ssl_context=ssl.create_default_context())
    if mailbox.security == InboundMailbox.Security.STARTTLS:
        return MailBoxStartTls(
            mailbox.host, mailbox.port, timeout=timeout, ssl_context=ssl.create_default_context()
        )
    return MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=timeout)


def poll_mailbox(mailbox_id: int, *, now: datetime | None = None) -> PollResult:
    """One pass over one mailbox (see the module's docstring)."""
    now = now or timezone.now()
    if not claim(mailbox_id, now):
        return PollResult(mailbox_id=mailbox_id, polled=False)
    mailbox = InboundMailbox.objects.get(pk=mailbox_id)
    handled = skipped = 0
    try:
        with connect(mailbox) as client:
            client.login(mailbox.username, mailbox.password, initial_folder=mailbox.folder)
            uidvalidity = int(client.folder.status(mailbox.folder, ["UIDVALIDITY"])["UIDVALIDITY"])
            if mailbox.uidvalidity != uidvalidity:
                if mailbox.uidvalidity is not None:
                    logger.warning("mailbox %s: UIDVALIDITY changed, reading the folder again", mailbox_id)
                mailbox.uidvalidity, mailbox.last_uid = uidvalidity, 0
                InboundMailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=uidvalidity, last_uid=0)
            # "N:*" always answers with the highest UID, even when it is below N: keep only the new ones.
            new = sorted(
                uid
                for uid in map(int, client.uids(AND(uid=f"{mailbox.last_uid + 1}:*")))
                if uid > mailbox.last_uid
            )
            for start in range(0, len(new), FETCH_BATCH):
                batch = [str(uid) for uid in new[start : start + FETCH_BATCH]]
                for message in client.fetch(AND(uid=batch), mark_seen=False, bulk=True):
                    created = _handle(mailbox, message.obj, int(message.uid or 0), now)
                    handled += created
                    skipped += not created
                if mailbox.flag_handled:
                    client.flag(batch, MailMessageFlags.FLAGGED, True)
    except (ImapToolsError, imaplib.IMAP4.error, OSError) as error:
        return _failed(mailbox_id, now, f"{type(error).__name__}: {error}", handled, skipped)
    except Exception as error:  # a message we could not handle: recorded, and read again next pass
        logger.exception("mailbox %s: a message could not be handled", mailbox_id)
        return _failed(
            mailbox_id,
            now,
            f"A message could not be handled: {type(error).__name__}: {error}",
            handled,
            skipped,
        )
    InboundMailbox.objects.filter(pk=mailbox_id).update(
        last_success_at=timezone.now(), last_polled_at=now, last_error="", lease_expires_at=None
    )
    return PollResult(mailbox_id, polled=True, handled=handled, skipped=skipped)


def _failed(mailbox_id: int, now: datetime, error: str, handled: int, skipped: int) -> PollResult:
    logger.warning("mailbox %s: %s", mailbox_id, error)
    InboundMailbox.objects.filter(pk=mailbox_id).update(
        last_error=error[:1000], last_error_at=timezone.now(), last_polled_at=now, lease_expires_at=None
    )
    return PollResult(mailbox_id, polled=True, handled=handled, skipped=skipped, error=error[:1000])


def _handle(mailbox: InboundMailbox, message, uid: int, now: datetime) -> bool:
    """Hand one message to the classifier and remember its UID in the same transaction."""
    with transaction.atomic():
        _, created = inbound.receive_message(
            message, source=InboundMessage.Source.MAILBOX, mailbox=mailbox, received_at=now
        )
        InboundMailbox.objects.filter(pk=mailbox.pk, last_uid__lt=uid).update(last_uid=uid)
    mailbox.last_uid = max(mailbox.last_uid, uid)
    return created


def poll_all(*, now: datetime | None = None) -> list[PollResult]:
    """One pass over every active mailbox, one after the other (`manage.py poll_mailboxes`); Celery beat
    polls each in a task of its own instead (`outreach.tasks.poll_mailboxes`)."""
    return [poll_mailbox(pk, now=now) for pk in active_mailbox_ids()]


def active_mailbox_ids() -> list[int]:
    return list(InboundMailbox.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))


# --- Settings --------------------------------------------------------------------------------------------


CONNECTION_FIELDS = ("host", "port", "security", "username", "folder")


@transaction.atomic
def save_mailbox(*, mailbox: InboundMailbox, password: str, by: User | None) -> InboundMailbox:
    """Create or change a mailbox. An empty password keeps the stored one. Pointing it at another server,
    account or folder forgets where reading had got to (UIDs belong to one folder of one server)."""
    if password:
        mailbox.password = password
    if mailbox.pk:
        before = InboundMailbox.objects.get(pk=mailbox.pk)
        if any(getattr(before, name) != getattr(mailbox, name) for name in CONNECTION_FIELDS):
            mailbox.uidvalidity, mailbox.last_uid = None, 0
    mailbox.full_clean()
    mailbox.save()
    return mailbox


@transaction.atomic
def delete_mailbox(*, mailbox: InboundMailbox, by: User | None) -> None:
    """Stop reading it. What it brought in stays (replies, suppressions, events)."""
    mailbox.delete()
