"""A user's own SMTP server, for real: aiosmtpd on loopback in this process, with STARTTLS (a self-signed
certificate made here), AUTH checked by an authenticator, and "TLS required before login". The test email
reports what the server answered in plain words; the dispatcher sends an identity's mail through its server."""

import email
import ipaddress
import socket
import ssl
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core import mail

from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll
from outreach.identities import identity_for, send_test_email
from outreach.models import SenderIdentity
from tests.factories import CandidateFactory, RecruiterFactory, SequenceFactory, StepFactory

pytestmark = pytest.mark.django_db

PASSWORD = "app-password-1234"


class Mailbox:
    """Stores what it receives; logins are checked by `authenticate`."""

    def __init__(self):
        self.messages: list[email.message.Message] = []
        self.logins: list[str] = []

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        login, password = auth_data.login.decode(), auth_data.password.decode()
        if login == "rosa@example.com" and password == PASSWORD:
            self.logins.append(login)
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, and its key, as files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return folder / "cert.pem", folder / "key.pem"


def start_server(mailbox: Mailbox, certificate=None) -> Controller:
    """With a certificate: STARTTLS offered and required before AUTH and mail; without: plain SMTP + AUTH."""
    options: dict = {"authenticator": mailbox.authenticate}
    if certificate:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
        options.update(tls_context=context, require_starttls=True, auth_require_tls=True)
    else:
        options.update(auth_require_tls=False)
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    return controller


@pytest.fixture
def tls_server(certificate, monkeypatch):
    """A server with STARTTLS whose certificate the client trusts (as a real CA-signed one would be)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    mailbox = Mailbox()
    controller = start_server(mailbox, certificate)
    yield mailbox, controller.port
    controller.stop()


@pytest.fixture
def plain_server():
    mailbox = Mailbox()
    controller = start_server(mailbox)
    yield mailbox, controller.port
    controller.stop()


def rosa_identity(port: int, **smtp) -> SenderIdentity:
    rosa = RecruiterFactory(first_name="Rosa", last_name="Martinez", email="rosa@example.com")
    identity = identity_for(rosa)
    fields = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": SenderIdentity.Security.STARTTLS,
        "smtp_username": "rosa@example.com",
        "smtp_password": PASSWORD,
        **smtp,
    }
    for name, value in fields.items():
        setattr(identity, name, value)
    identity.save()
    return identity


def test_starttls_and_login_accepted_send_the_test_email_through_the_users_server(tls_server, settings):
    settings.EMAIL_TIMEOUT = 5
    mailbox, port = tls_server
    identity = rosa_identity(port)

    result = send_test_email(identity=identity, by=identity.user)

    assert result.ok, result.message
    assert result.message == f"Sent: 127.0.0.1:{port} accepted a test email to rosa@example.com."
    assert mailbox.logins == ["rosa@example.com"]
    [message] = mailbox.messages
    assert message["From"] == "Rosa Martinez <rosa@example.com>"
    assert mail.outbox == []  # not through the site's backend


def test_a_wrong_password_is_said_in_plain_words(tls_server, settings):
    settings.EMAIL_TIMEOUT = 5
    mailbox, port = tls_server
    identity = rosa_identity(port, smtp_password="not-it")

    result = send_test_email(identity=identity, by=identity.user)

    assert not result.ok
    assert result.message.startswith(f"Wrong user name or password: 127.0.0.1:{port} refused the login")
    assert "535" in result.message and "app password" in result.message
    assert mailbox.messages == []


def test_no_tls_configured_against_a_server_that_requires_it_is_refused(tls_server, settings):
    settings.EMAIL_TIMEOUT = 5
    mailbox, port = tls_server
    identity = rosa_identity(port, smtp_security=SenderIdentity.Security.NONE)

    result = send_test_email(identity=identity, by=identity.user)

    assert not result.ok
    assert "does not accept a login on this connection: it usually wants TLS first" in result.message
    assert mailbox.messages == []


def test_starttls_configured_against_a_server_without_it_is_refused(plain_server, settings):
    settings.EMAIL_TIMEOUT = 5
    mailbox, port = plain_server
    identity = rosa_identity(port)

    result = send_test_email(identity=identity, by=identity.user)

    assert not result.ok
    assert result.message.startswith(f"TLS refused: 127.0.0.1:{port} does not offer STARTTLS.")
    assert mailbox.logins == []  # the password never went over the plain connection


def test_a_certificate_nobody_vouches_for_is_refused(certificate, settings, monkeypatch, tmp_path):
    settings.EMAIL_TIMEOUT = 5
    empty_store = tmp_path / "none.pem"
    empty_store.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty_store))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    mailbox = Mailbox()
    controller = start_server(mailbox, certificate)
    try:
        result = send_test_email(identity=rosa_identity(controller.port), by=None)
    finally:
        controller.stop()
    assert not result.ok
    assert result.message.startswith(f"TLS refused: the certificate of 127.0.0.1:{controller.port}")


def test_nothing_listening_is_host_unreachable(settings):
    settings.EMAIL_TIMEOUT = 5
    port = free_port()  # nothing listens there once the probe socket is closed
    result = send_test_email(identity=rosa_identity(port), by=None)
    assert not result.ok
    assert result.message.startswith(f"Host unreachable: nothing accepts connections at 127.0.0.1:{port}")


def test_the_dispatcher_sends_an_identitys_sequence_email_through_its_own_server(tls_server, settings):
    settings.EMAIL_TIMEOUT = 5
    mailbox, port = tls_server
    identity = rosa_identity(port, reply_to="rosa.replies@example.com")
    sequence = SequenceFactory(sender=identity.user, min_gap_days=0)
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="email", subject="Hi", body="Hello")
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    enroll(candidate=CandidateFactory(email="ada@example.com"), sequence=sequence, by=None, now=monday)

    assert dispatch_due_touches(now=monday + timedelta(hours=2)).sent == 1

    [message] = mailbox.messages
    assert message["To"] == "ada@example.com"
    assert message["From"] == "Rosa Martinez <rosa@example.com>"
    assert message["Reply-To"] == "rosa.replies@example.com"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mailbox.logins == ["rosa@example.com"]
    assert mail.outbox == []
