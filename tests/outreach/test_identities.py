"""Sending identities: each recruiter edits their own (admins anyone's), the SMTP password is write-only, the
test email answers in place, and sequences send only as their sender's identity."""

from datetime import UTC, datetime, time, timedelta

import pytest
import rules
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll
from outreach.forms import SequenceForm
from outreach.models import SenderIdentity, Touch
from outreach.sequences import create_sequence, update_sequence
from tests.factories import AdminFactory, CandidateFactory, RecruiterFactory, SequenceFactory, StepFactory

pytestmark = pytest.mark.django_db

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def form_data(**changes) -> dict:
    data = {
        "display_name": "Rosa at Acme",
        "address": "rosa@acme.example",
        "reply_to": "",
        "signature": "Rosa\nTalent partner",
        "timezone": "Europe/Berlin",
        "daily_limit": 40,
        "send_window_start": "08:30",
        "send_window_end": "17:30",
        "min_spacing_minutes": 3,
        "smtp_host": "smtp.acme.example",
        "smtp_port": 587,
        "smtp_security": "starttls",
        "smtp_username": "rosa@acme.example",
        "smtp_password": "",
    }
    return {**data, **changes}


@pytest.fixture
def rosa(db):
    return RecruiterFactory(first_name="Rosa", last_name="Martinez", email="rosa@example.com")


def test_the_first_visit_creates_the_identity_from_the_users_name_and_address(client, rosa, settings_labels):
    client.force_login(rosa)
    page = client.get(reverse("outreach:identity"))
    assert page.status_code == 200
    identity = SenderIdentity.objects.get(user=rosa)
    assert (identity.display_name, identity.address, identity.daily_limit) == (
        "Rosa Martinez",
        "rosa@example.com",
        100,
    )
    labels = settings_labels()
    assert "Sending identity" in labels and "Deliverability" not in labels


def test_the_smtp_password_is_stored_encrypted_and_never_shown_again(client, rosa):
    client.force_login(rosa)
    url = reverse("outreach:identity")
    saved = client.post(url, form_data(smtp_password="s3cret-app-pass"))
    assert saved.status_code == 302
    identity = SenderIdentity.objects.get(user=rosa)
    assert identity.smtp_password == "s3cret-app-pass"
    assert (identity.timezone, identity.daily_limit, identity.send_window_start) == (
        "Europe/Berlin",
        40,
        time(8, 30),
    )
    page = client.get(reverse("outreach:identity_of", args=[rosa.pk])).content.decode()
    assert "s3cret-app-pass" not in page and "A password is stored" in page

    client.post(url, form_data(daily_limit=50))  # the password field left empty keeps it
    identity.refresh_from_db()
    assert (identity.daily_limit, identity.smtp_password) == (50, "s3cret-app-pass")

    client.post(url, form_data(forget_password="on"))
    identity.refresh_from_db()
    assert identity.smtp_password == ""


def test_the_password_is_stored_as_a_token_not_as_text(rosa):
    identity = SenderIdentity.objects.create(
        user=rosa, display_name="Rosa", address="rosa@example.com", smtp_password="s3cret-app-pass"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT smtp_password FROM outreach_senderidentity WHERE id = %s", [identity.pk])
        [raw] = cursor.fetchone()
    assert "s3cret" not in raw and raw.startswith("gAAAA")


def test_a_window_that_ends_before_it_starts_is_refused(client, rosa):
    client.force_login(rosa)
    page = client.post(reverse("outreach:identity"), form_data(send_window_start="18:00"))
    assert page.status_code == 422
    assert "The send window must end after it starts." in page.content.decode()


def test_a_recruiter_cannot_open_or_test_someone_elses_identity(client, rosa):
    other = RecruiterFactory()
    client.force_login(rosa)
    assert client.get(reverse("outreach:identity_of", args=[other.pk])).status_code == 404
    assert client.post(reverse("outreach:identity_test", args=[other.pk])).status_code == 404
    assert client.post(reverse("outreach:identity_of", args=[other.pk]), form_data()).status_code == 404
    assert not SenderIdentity.objects.filter(user=other).exists()


def test_an_admin_edits_a_recruiters_identity(client, rosa):
    admin = AdminFactory()
    client.force_login(admin)
    page = client.get(reverse("outreach:identity_of", args=[rosa.pk]))
    assert page.status_code == 200 and "Rosa Martinez" in [
        str(m.get_full_name()) for m in page.context["team"]
    ]
    client.post(reverse("outreach:identity_of", args=[rosa.pk]), form_data(daily_limit=25))
    assert SenderIdentity.objects.get(user=rosa).daily_limit == 25


def test_the_test_email_answers_in_place(client, rosa):
    client.force_login(rosa)
    answer = client.post(reverse("outreach:identity_test", args=[rosa.pk]), headers={"HX-Request": "true"})
    html = answer.content.decode()
    assert html.strip().startswith('<div id="test-result"')
    assert "Sent: the site&#x27;s mail settings accepted a test email to rosa@example.com." in html
    [message] = mail.outbox
    assert message.to == ["rosa@example.com"] and message.from_email == "Rosa Martinez <rosa@example.com>"


def test_a_sequence_sends_only_as_its_creators_identity_unless_an_admin_chooses(rosa):
    other = RecruiterFactory()
    with pytest.raises(PermissionDenied):
        create_sequence(by=rosa, name="Mine", sender=other)
    assert create_sequence(by=rosa, name="Mine", sender=rosa).sender == rosa
    admin = AdminFactory()
    assert create_sequence(by=admin, name="For Rosa", sender=rosa).sender == rosa

    choices = [value for value, _ in SequenceForm(user=rosa).fields["sender"].choices if value]
    assert [choice.value for choice in choices] == [rosa.pk]
    form = SequenceForm({"name": "x", "sender": other.pk, "sender_timezone": "UTC"}, user=rosa)
    assert not form.is_valid() and "sender" in form.errors


def test_the_api_refuses_a_sender_a_user_may_not_send_as(rosa, monkeypatch):
    """Only admins edit sequences today; were recruiters allowed to, the API would still hold the rule."""
    monkeypatch.setitem(rules.permissions.permissions, "outreach.add_sequence", rules.always_allow)
    api = APIClient()
    api.force_authenticate(rosa)
    refused = api.post("/api/sequences/", {"name": "Theirs", "sender": RecruiterFactory().pk}, format="json")
    assert refused.status_code == 400
    assert refused.json()["sender"] == [
        "Only your own sending identity may be used, unless you are an admin."
    ]
    assert api.post("/api/sequences/", {"name": "Mine", "sender": rosa.pk}, format="json").status_code == 201


def test_a_new_sender_takes_over_the_planned_emails_and_they_go_out_as_that_identity(rosa):
    sequence = SequenceFactory(
        sender=RecruiterFactory(), min_gap_days=0, send_window_start=time(9), send_window_end=time(17)
    )
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="email", subject="Hi", body="Hello")
    enroll(
        candidate=CandidateFactory(email="ada@example.com"), sequence=sequence, by=None, now=MONDAY_8AM_UTC
    )
    SenderIdentity.objects.create(
        user=rosa, display_name="Rosa at Acme", address="rosa@acme.example", reply_to="talent@acme.example"
    )

    update_sequence(sequence=sequence, by=AdminFactory(), sender=rosa)

    assert Touch.objects.get().sender == rosa
    assert dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2)).sent == 1
    [message] = mail.outbox
    assert message.from_email == "Rosa at Acme <rosa@acme.example>"
    assert message.reply_to == ["talent@acme.example"]
