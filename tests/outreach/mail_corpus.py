"""Real-shaped inbound emails, built with the stdlib email package: what mail servers, mail clients and mailbox
providers send back (a reply, auto-replies, RFC 3464 DSNs, an RFC 5965 ARF report, a non-standard bounce)."""

from datetime import UTC, datetime
from email import message_from_string
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid

SENT = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)


def original_email(*, to: str, message_id: str, subject: str = "A role in Berlin") -> EmailMessage:
    """The email we sent, as it comes back attached to a report."""
    original = EmailMessage()
    original["From"] = "Rita Recruiter <rita@longlist.example>"
    original["To"] = to
    original["Subject"] = subject
    original["Date"] = format_datetime(SENT)
    original["Message-ID"] = message_id
    original.set_content("Hi Ada,\n\nWould you be open to a chat about our platform team?\n\nRita\n")
    return original


def reply(
    *,
    sender: str,
    in_reply_to: str = "",
    subject: str = "Re: A role in Berlin",
    text: str = "Hi Rita,\n\nyes, happy to talk next week.\n\nAda\n",
    message_id: str | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Rita Recruiter <rita@longlist.example>"
    message["Subject"] = subject
    message["Date"] = format_datetime(SENT.replace(hour=11))
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.org")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(text)
    return message


def auto_reply(
    *,
    sender: str,
    in_reply_to: str = "",
    subject: str = "Automatic reply: A role in Berlin",
    text: str = "I am out of the office until 18 January 2027 with limited access to email.\n",
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    message = reply(sender=sender, in_reply_to=in_reply_to, subject=subject, text=text)
    for name, value in ({"Auto-Submitted": "auto-replied"} if headers is None else headers).items():
        message[name] = value
    return message


def _report(report_type: str, headers: dict[str, str], text: str, fields: str, original: Message) -> Message:
    """A multipart/report: a human-readable part, the machine-readable fields (blocks of header fields), the
    original email (or its headers only)."""
    report = MIMEMultipart("report", report_type=report_type)
    for name, value in headers.items():
        report[name] = value
    report.attach(MIMEText(text))
    part = MIMEBase("message", report_type)
    blocks = [message_from_string(block + "\n") for block in fields.strip().split("\n\n")]
    part.set_payload(blocks if report_type == "delivery-status" else blocks[:1])
    report.attach(part)
    report.attach(original)
    return report


def dsn(
    *,
    recipient: str,
    original_message_id: str,
    action: str = "failed",
    status: str = "5.1.1",
    diagnostic: str = "smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown",
    headers_only: bool = False,
) -> Message:
    """An RFC 3464 delivery status notification as Postfix writes it."""
    original = original_email(to=recipient, message_id=original_message_id)
    if headers_only:
        attached: Message = MIMEText("".join(f"{k}: {v}\n" for k, v in original.items()), "rfc822-headers")
    else:
        attached = MIMEMessage(original)
    return _report(
        "delivery-status",
        {
            "From": "MAILER-DAEMON@mx.longlist.example (Mail Delivery System)",
            "To": "rita@longlist.example",
            "Subject": "Undelivered Mail Returned to Sender" if action == "failed" else "Delayed Mail",
            "Date": format_datetime(SENT.replace(minute=31)),
            "Message-ID": make_msgid(domain="mx.longlist.example"),
            "Auto-Submitted": "auto-replied",
        },
        "This is the mail system at host mx.longlist.example.\n\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients.\n",
        "Reporting-MTA: dns; mx.longlist.example\n"
        "Arrival-Date: Mon, 4 Jan 2027 09:30:00 +0000\n"
        "\n"
        f"Final-Recipient: rfc822; {recipient}\n"
        f"Original-Recipient: rfc822;{recipient}\n"
        f"Action: {action}\n"
        f"Status: {status}\n"
        "Remote-MTA: dns; mx.example.org\n"
        f"Diagnostic-Code: {diagnostic.format(recipient=recipient)}\n",
        attached,
    )


def arf_complaint(*, recipient: str, original_message_id: str) -> Message:
    """An RFC 5965 abuse report as a mailbox provider's feedback loop sends it."""
    return _report(
        "feedback-report",
        {
            "From": "Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>",
            "To": "fbl@longlist.example",
            "Subject": "FW: A role in Berlin",
            "Date": format_datetime(SENT.replace(hour=15)),
            "Message-ID": make_msgid(domain="arf.mail.yahoo.com"),
        },
        "This is an email abuse report for an email message received from IP 192.0.2.1.\n",
        "Feedback-Type: abuse\n"
        "User-Agent: Yahoo!-Mail-Feedback/2.0\n"
        "Version: 1\n"
        "Original-Mail-From: <bounces@longlist.example>\n"
        f"Original-Rcpt-To: <{recipient}>\n"
        "Arrival-Date: Mon, 4 Jan 2027 09:30:05 +0000\n"
        "Source-IP: 192.0.2.1\n",
        MIMEMessage(original_email(to=recipient, message_id=original_message_id)),
    )


def qmail_bounce(*, recipient: str) -> EmailMessage:
    """A bounce that is not a DSN (qmail's plain-text format), left to flufl.bounce's detectors."""
    message = EmailMessage()
    message["From"] = "MAILER-DAEMON@mail.example.net"
    message["To"] = "rita@longlist.example"
    message["Subject"] = "failure notice"
    message["Date"] = format_datetime(SENT)
    message["Message-ID"] = make_msgid(domain="mail.example.net")
    message.set_content(
        "Hi. This is the qmail-send program at mail.example.net.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
        f"<{recipient}>:\n"
        "Sorry, no mailbox here by that name. (#5.1.1)\n\n"
        "--- Below this line is a copy of the message.\n"
    )
    return message
