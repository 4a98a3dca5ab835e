"""What an inbound email is, decided from the message alone (no database): a pure function, so every path
that brings mail in (IMAP polling, django-anymail's inbound webhooks, the JSON webhook) classifies alike.

- a **complaint**: an ARF report (`multipart/report; report-type=feedback-report`, RFC 5965);
- a **bounce**: a delivery status notification (`multipart/report; report-type=delivery-status`, RFC 3464),
  read with the stdlib per recipient (`Action: failed` with a 5.x.x status is permanent; a 4.x.x status or
  `Action: delayed` is temporary), or a non-standard bounce from a mail server that does not write DSNs, read
  by flufl.bounce's detectors (Exim, qmail, Postfix, Exchange…);
- an **auto-reply**: `Auto-Submitted` (other than `no`), `X-Autoreply`/`X-Autorespond`, `Precedence:
  auto_reply`, or an out-of-office subject in English, German or French; a return date in the subject or body
  ("back on 12 January", "bis 12.01.2027", "jusqu'au 12 janvier") is read when there is one;
- otherwise a **reply**. Which candidate and touch it belongs to, if any, is for the services to find.
"""

import email
import email.policy
import enum
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Any

from django.utils.html import strip_tags
from flufl.bounce import all_failures


class Kind(enum.StrEnum):
    REPLY = "reply"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    COMPLAINT = "complaint"


@dataclass(frozen=True)
class Failure:
    """One recipient a DSN reports on."""

    address: str
    permanent: bool
    status: str = ""
    diagnostic: str = ""


@dataclass(frozen=True)
class Classified:
    kind: Kind
    from_address: str
    subject: str
    body: str
    message_id: str
    in_reply_to: str
    references: str
    sent_at: datetime | None = None
    return_date: date | None = None
    failures: tuple[Failure, ...] = ()
    complained_address: str = ""
    # Message-IDs of the email a bounce or a complaint is about (from its attached original)
    original_message_ids: tuple[str, ...] = ()


def parse(raw: bytes | str | Message) -> EmailMessage:
    """An EmailMessage (modern policy) from raw bytes, text or an already parsed message."""
    if isinstance(raw, EmailMessage):
        return raw
    if isinstance(raw, Message):
        raw = raw.as_bytes()
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def classify(raw: bytes | str | Message) -> Classified:
    message = parse(raw)
    reply = Classified(
        kind=Kind.REPLY,
        from_address=parseaddr(_header(message, "From"))[1],
        subject=_header(message, "Subject"),
        body=plain_text(message),
        message_id=_header(message, "Message-ID"),
        in_reply_to=_header(message, "In-Reply-To"),
        references=_header(message, "References"),
        sent_at=_date(message),
    )
    report_type = message.get_param("report-type", "", header="content-type")
    report_type = report_type.lower() if isinstance(report_type, str) else ""
    if message.get_content_type() == "multipart/report" and report_type == "feedback-report":
        return replace(
            reply,
            kind=Kind.COMPLAINT,
            complained_address=_complained_address(message),
            original_message_ids=_original_ids(message),
        )
    failures: tuple[Failure, ...] = ()
    if message.get_content_type() == "multipart/report" and report_type == "delivery-status":
        failures = _dsn_failures(message)
    if not failures and _looks_like_bounce(reply.from_address, reply.subject):
        temporary, permanent = all_failures(email.message_from_bytes(message.as_bytes()))
        failures = tuple(
            Failure(address=address.decode(), permanent=is_permanent)
            for group, is_permanent in ((permanent, True), (temporary, False))
            for address in sorted(group)
        )
    if failures:
        return replace(
            reply, kind=Kind.BOUNCE, failures=failures, original_message_ids=_original_ids(message)
        )
    if is_auto_reply(message, reply.subject):
        sent_on = reply.sent_at.date() if reply.sent_at else None
        return replace(
            reply,
            kind=Kind.AUTO_REPLY,
            return_date=return_date(f"{reply.subject}\n{reply.body}", after=sent_on),
        )
    return reply


# --- Headers and text ----------------------------------------------------------------------------------


def _header(message: Message | Any, name: str) -> str:
    value = message.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def _date(message: Message) -> datetime | None:
    value = _header(message, "Date")
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def plain_text(message: EmailMessage) -> str:
    """The message's text: its text/plain body, else its HTML body without tags."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (KeyError, LookupError):
        part = None
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (KeyError, LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    return strip_tags(content).strip() if part.get_content_type() == "text/html" else content.strip()


# --- Complaints (ARF) ----------------------------------------------------------------------------------


def _complained_address(message: EmailMessage) -> str:
    """Who complained: the report's Original-Rcpt-To (or Removal-Recipient), else the original's To."""
    for part in message.walk():
        if part.get_content_type() == "message/feedback-report":
            fields = _fields(part)
            address = parseaddr(fields.get("original-rcpt-to", "") or fields.get("removal-recipient", ""))[1]
            if address:
                return address
    original = _original(message)
    if original is None:
        return ""
    return next((a for _, a in getaddresses([_header(original, "To")]) if a), "")


def _fields(part: Message) -> dict[str, str]:
    """The header fields of a report part (message/feedback-report), whichever way the parser stored them."""
    payload = part.get_payload()
    blocks = payload if isinstance(payload, list) else [email.message_from_string(str(payload))]
    return {key.lower(): _header(block, key) for block in blocks for key in block}


# --- Bounces (DSN) -------------------------------------------------------------------------------------

_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")


def _dsn_failures(message: EmailMessage) -> tuple[Failure, ...]:
    failures = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        blocks = payload if isinstance(payload, list) else _blocks(str(payload))
        for block in blocks:
            action = _header(block, "Action").lower()
            recipient = _header(block, "Original-Recipient") or _header(block, "Final-Recipient")
            if not action or not recipient:
                continue  # the per-message block, or a recipient without news
            status_match = _STATUS.search(_header(block, "Status"))
            status = status_match[0] if status_match else ""
            if action.startswith("delayed"):
                permanent = False
            elif action.startswith(("failed", "error")):
                permanent = not status.startswith("4")
            else:
                continue  # delivered, relayed, expanded
            address = recipient.split(";", 1)[-1].strip().strip("<>")
            failures.append(
                Failure(
                    address=address,
                    permanent=permanent,
                    status=status,
                    diagnostic=_header(block, "Diagnostic-Code").split(";", 1)[-1].strip()[:200],
                )
            )
    return tuple(failures)


def _blocks(text: str) -> list[Message]:
    return [email.message_from_string(block) for block in re.split(r"\r?\n\r?\n", text.strip()) if block]


_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery (status notification|failure|has failed)|returned mail|failure notice|"
    r"mail delivery failed|unzustellbar|non remis|échec de (la )?remise",
    re.IGNORECASE,
)


def _looks_like_bounce(sender: str, subject: str) -> bool:
    """A bounce that is not an RFC 3464 report: from the mailer daemon, or with a bounce's subject."""
    return bool(_BOUNCE_SENDER.match(sender) or (not sender and _BOUNCE_SUBJECT.search(subject)))


def _original(message: EmailMessage) -> Any:
    """The email a report is about (a Message, or None): its message/rfc822 or text/rfc822-headers part."""
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                return payload[0]
        if content_type == "text/rfc822-headers":
            raw = part.get_payload(decode=True)
            if isinstance(raw, bytes):
                return email.message_from_bytes(raw, policy=email.policy.default)
    return None


_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def _original_ids(message: EmailMessage) -> tuple[str, ...]:
    original = _original(message)
    if original is not None:
        return tuple(_MESSAGE_ID.findall(_header(original, "Message-ID")))
    # No attached original (some bounces): the text may still quote our Message-ID.
    return tuple(dict.fromkeys(re.findall(r"<[0-9a-f-]{36}@longlist>", message.as_string(), re.IGNORECASE)))


# --- Auto-replies ---------------------------------------------------------------------------------------

_OUT_OF_OFFICE = re.compile(
    r"out of (the )?office|automatic reply|auto(matic)?[- ]?reply|autoreply|away from (the )?office|"
    r"on (vacation|holiday|leave)|abwesenheit|automatische antwort|nicht im büro|außer haus|"
    r"réponse automatique|absent(e)? du bureau|message d'absence|^absence\b|\babsent(e)?\b",
    re.IGNORECASE,
)


def is_auto_reply(message: Message, subject: str) -> bool:
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return True
    if _header(message, "Precedence").lower() == "auto_reply":
        return True
    return bool(_OUT_OF_OFFICE.search(subject))


_MONTHS = {
    # English, German, French; full names and common abbreviations (without a trailing dot)
    **dict.fromkeys(["january", "jan", "januar", "jänner", "janvier", "janv"], 1),
    **dict.fromkeys(["february", "feb", "februar", "février", "fevrier", "févr", "fevr"], 2),
    **dict.fromkeys(["march", "mar", "märz", "maerz", "mars"], 3),
    **dict.fromkeys(["april", "apr", "avril", "avr"], 4),
    **dict.fromkeys(["may", "mai"], 5),
    **dict.fromkeys(["june", "jun", "juni", "juin"], 6),
    **dict.fromkeys(["july", "jul", "juli", "juillet", "juil"], 7),
    **dict.fromkeys(["august", "aug", "août", "aout"], 8),
    **dict.fromkeys(["september", "sep", "sept", "septembre"], 9),
    **dict.fromkeys(["october", "oct", "oktober", "okt", "octobre"], 10),
    **dict.fromkeys(["november", "nov", "novembre"], 11),
    **dict.fromkeys(["december", "dec", "dezember", "dez", "décembre", "decembre", "déc"], 12),
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# Words that announce the return: "until", "back on", "returning", "bis", "zurück am", "ab dem", "jusqu'au",
# "de retour le"… followed, within a few words, by the date.
_CUE = (
    r"(?:until|till|through|back (?:on|in the office on)?|return(?:ing)? (?:on)?|available (?:again )?(?:on|from)|"
    r"bis(?: einschließlich| zum| am)?|zurück(?: am| ab)?|wieder (?:da|erreichbar|im büro)(?: am| ab)?|ab dem|"
    r"jusqu'(?:au|à)|de retour (?:le|à partir du)?|retour (?:le|prévu le)?|à partir du)"
)
_ISO = r"(?P<iso>\d{4}-\d{2}-\d{2})"
_NUMERIC = r"(?P<d1>\d{1,2})[./](?P<m1>\d{1,2})(?:[./](?P<y1>\d{2,4}))?\.?"
_DAY_MONTH = (
    rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+)?(?P<mon2>{_MONTH})\.?(?:,?\s+(?P<y2>\d{{4}}))?"
)
_MONTH_DAY = rf"(?P<mon3>{_MONTH})\.?\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y3>\d{{4}}))?"
_RETURN = re.compile(
    rf"{_CUE}\s+(?:\w+,?\s+){{0,3}}?(?:{_ISO}|{_DAY_MONTH}|{_MONTH_DAY}|{_NUMERIC})", re.IGNORECASE
)


def return_date(text: str, after: date | None = None) -> date | None:
    """The first return date announced in an auto-reply's text, or None. Numeric dates are read day first
    (12.01. and 12/01 are 12 January), as in German and French and most of Europe. A date without a year is
    the next such day after `after` (the auto-reply's own date)."""
    for match in _RETURN.finditer(text):
        found = _date_of(match, after)
        if found is not None and (after is None or found >= after):
            return found
    return None


def _date_of(match: re.Match, after: date | None) -> date | None:
    groups = match.groupdict()
    try:
        if groups["iso"]:
            return date.fromisoformat(groups["iso"])
        if groups["d2"]:
            day, month, year = int(groups["d2"]), _MONTHS[groups["mon2"].lower()], groups["y2"]
        elif groups["d3"]:
            day, month, year = int(groups["d3"]), _MONTHS[groups["mon3"].lower()], groups["y3"]
        else:
            day, month, year = int(groups["d1"]), int(groups["m1"]), groups["y1"]
        if year:
            full_year = int(year) + (2000 if len(year) == 2 else 0)
            return date(full_year, month, day)
        if after is None:
            return None
        candidate = date(after.year, month, day)
        return candidate if candidate >= after else date(after.year + 1, month, day)
    except (ValueError, KeyError):
        return None
