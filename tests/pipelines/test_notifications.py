"""Notification emails leave the request: Celery tasks queued when the change commits, their text from
templates/pipelines/email/. In these tests Celery runs in the process (tests/pipelines/conftest.py)."""

import email
import email.policy
import logging
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from kombu.exceptions import OperationalError

from candidates.models import Resume
from pipelines import applications, services, tasks
from pipelines.models import Application, CareersSettings, ShortlistReview
from tests.factories import (
    CandidateFactory,
    HiringManagerFactory,
    RecruiterFactory,
    RequisitionFactory,
    make_pdf,
    stage_named,
)


class RequestFailed(Exception):
    """Something after the service call fails, so the request's transaction rolls back."""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://ats.example"


@pytest.fixture
def role(db):
    CareersSettings.objects.create(pk=1, company_name="Smith & O'Neil")
    recruiter = RecruiterFactory(email="rita@example.com")
    return RequisitionFactory(title="R&D Engineer", is_published=True, recruiter=recruiter)


def apply(role, **fields):
    return applications.submit_application(
        requisition=role,
        first_name="Siobhán",
        last_name="O'Brien",
        email="siobhan@example.org",
        resume=SimpleUploadedFile("cv.pdf", make_pdf("Siobhán O'Brien"), content_type="application/pdf"),
        consent=True,
        message="Ask me about <pipelines> & queues.",
        **fields,
    )


@pytest.fixture
def shortlisted(db):
    manager = HiringManagerFactory(first_name="Maya", last_name="Patel")
    requisition = RequisitionFactory(
        title="Staff Engineer", hiring_manager=manager, recruiter=RecruiterFactory(email="rita@example.com")
    )
    card = services.add_card(
        pipeline=requisition.pipeline,
        candidate=CandidateFactory(first_name="Ada", last_name="O'Hara"),
        stage=stage_named(requisition, "Interview"),
    )
    return card, manager


def test_application_emails_are_queued_on_commit_and_carry_the_templates_text(
    role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application = apply(role)
        assert mail.outbox == []  # nothing is sent inside the transaction
    assert len(callbacks) == 3  # résumé text, the applicant's confirmation, the recruiter's note
    confirmation, note = mail.outbox
    assert confirmation.to == ["siobhan@example.org"]
    assert confirmation.subject == "We received your application for R&D Engineer"
    assert confirmation.body.startswith(
        "Hello Siobhán,\n\nThank you for applying for R&D Engineer at Smith & O'Neil."
    )
    assert "have it deleted" in confirmation.body

    assert note.to == ["rita@example.com"]
    assert note.subject == "New application: Siobhán O'Brien for R&D Engineer"
    assert "Ask me about <pipelines> & queues." in note.body  # plain text: nothing HTML-escaped
    assert f"Profile: https://ats.example{application.candidate.get_absolute_url()}" in note.body
    assert f"Board: https://ats.example{reverse('pipelines:board', args=[role.pk])}" in note.body


def test_no_application_email_when_the_requests_transaction_rolls_back(
    role, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RequestFailed),
        transaction.atomic(),
    ):
        apply(role)
        raise RequestFailed
    assert callbacks == [] and mail.outbox == []
    assert not Application.objects.exists()


def test_an_application_erased_before_the_worker_runs_sends_nothing(role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        apply(role)
    Application.objects.all().delete()
    for callback in callbacks:
        callback()
    assert mail.outbox == []


def test_the_decision_email_is_queued_on_commit_with_the_templates_text(
    shortlisted, django_capture_on_commit_callbacks
):
    card, manager = shortlisted
    with django_capture_on_commit_callbacks(execute=True):
        services.review_shortlisted_card(
            card=card, reviewer=manager, decision="decline", comment="Wants <remote> & async only"
        )
        assert mail.outbox == []
    [message] = mail.outbox
    assert message.to == ["rita@example.com"]
    assert message.subject == "Maya Patel decided on Ada O'Hara: Decline"
    assert message.body == (
        "Maya Patel decided on Ada O'Hara for Staff Engineer: Decline.\n\n"
        "Wants <remote> & async only\n\n"
        f"Decisions waiting: https://ats.example{reverse('pipelines:decisions')}\n"
    )


def test_no_decision_email_when_the_requests_transaction_rolls_back(
    shortlisted, django_capture_on_commit_callbacks
):
    card, manager = shortlisted
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RequestFailed),
        transaction.atomic(),
    ):
        services.review_shortlisted_card(card=card, reviewer=manager, decision="advance")
        raise RequestFailed
    assert callbacks == [] and mail.outbox == []
    assert not ShortlistReview.objects.exists()


def test_tasks_for_rows_that_are_gone_do_nothing(db):
    tasks.email_decision(404)
    tasks.email_application_confirmation(404)
    tasks.email_new_application(404)
    assert mail.outbox == []


class Mailbox:
    """An SMTP server's handler that keeps what it receives: (envelope recipients, parsed message)."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((envelope.rcpt_tos, message))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (aiosmtpd) behind Django's SMTP backend."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield mailbox
    controller.stop()


def test_a_name_with_line_breaks_and_control_characters_keeps_the_file_and_sends_a_clean_subject(
    client, role, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.CAREERS_APPLY_RATE_LIMIT = 10_000  # the count may be shared (Redis) with other tests' posts
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("pipelines:careers_role", args=[role.pk]),
            {
                "first_name": "Maya\r\nBcc: victim@example.net",
                "last_name": "Ok\x1b[2Jafor\r",
                "email": "maya@example.org",
                "consent": "on",
                "website": "",
                "resume": SimpleUploadedFile(
                    "cv.pdf", make_pdf("Maya Okafor"), content_type="application/pdf"
                ),
            },
        )
    assert response.status_code == 302
    assert "Thank you for applying" in client.get(response.url).content.decode()
    resume = Resume.objects.get()
    assert Path(resume.file.path).read_bytes().startswith(b"%PDF-")

    recipients = {tuple(rcpt): message for rcpt, message in smtp_server.received}
    assert set(recipients) == {("maya@example.org",), ("rita@example.com",)}  # no Bcc smuggled in
    note = recipients[("rita@example.com",)]
    assert note["Subject"] == "New application: Maya Bcc: victim@example.net Ok [2Jafor for R&D Engineer"
    assert note["Bcc"] is None


def test_an_email_that_cannot_be_queued_after_commit_is_logged_and_deletes_nothing(
    client, role, settings, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.email_new_application, "delay", broker_down)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        application = apply(role)
    assert Path(Resume.objects.get().file.path).exists()
    assert Application.objects.get() == application
    assert [m.to for m in mail.outbox] == [["siobhan@example.org"]]  # the other email still went
    assert "Connection refused" in caplog.text
