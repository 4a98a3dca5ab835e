"""A real SMTP server on loopback (aiosmtpd in the test process) that keeps every message it receives, for
tests that read back the headers of what the dispatcher sent."""

import email
import socket
import threading
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class CapturingServer:
    """aiosmtpd handler: accepts every message and keeps it parsed, with its envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope went to this address, in the order received."""
        with self.lock:
            return [message for recipients, message in self.messages if address in recipients]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def capture_mail(settings):
    """Start a capturing server and point Django's SMTP backend at it; returns (handler, controller)."""
    handler = CapturingServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "outreach.email.SMTPBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return handler, controller


def plain_text(message: EmailMessage) -> str:
    """The text/plain body, with the wire's CRLF line ends read as \\n."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "no text/plain part"
    return body.get_content().replace("\r\n", "\n")
