"""The Mailboxes page: admins manage the site-wide mailboxes and anyone's; a recruiter manages their own."""

from datetime import UTC, datetime

from django.db import connection
from django.urls import reverse

from outreach.models import InboundMailbox
from tests.factories import RecruiterFactory

FORM = {
    "host": "imap.example.org",
    "port": "993",
    "security": "tls",
    "username": "rita@example.org",
    "password": "app-password",
    "folder": "INBOX",
    "is_active": "on",
}


def test_a_recruiter_adds_their_own_mailbox_with_an_encrypted_password(client, recruiter):
    client.force_login(recruiter)
    response = client.post(reverse("outreach:mailboxes"), {**FORM, "owner": ""})
    assert response.status_code == 302
    mailbox = InboundMailbox.objects.get()
    assert (mailbox.owner, mailbox.password) == (recruiter, "app-password")
    with connection.cursor() as cursor:  # what the database holds
        cursor.execute("SELECT password FROM outreach_inboundmailbox")
        (stored,) = cursor.fetchone()
    assert stored and "app-password" not in stored


def test_an_empty_password_on_edit_keeps_the_stored_one_and_another_server_starts_over(client, recruiter):
    mailbox = InboundMailbox.objects.create(
        owner=recruiter,
        host="imap.example.org",
        username="rita@example.org",
        password="old",
        uidvalidity=7,
        last_uid=42,
    )
    client.force_login(recruiter)
    response = client.post(
        reverse("outreach:mailbox", args=[mailbox.pk]), {**FORM, "password": "", "host": "imap.new.example"}
    )
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.password, mailbox.host, mailbox.uidvalidity, mailbox.last_uid) == (
        "old",
        "imap.new.example",
        None,
        0,
    )


def test_a_recruiter_sees_only_their_own_mailboxes(client, recruiter, django_assert_max_num_queries):
    theirs = InboundMailbox.objects.create(owner=recruiter, host="a.example", username="rita", password="x")
    other = InboundMailbox.objects.create(
        owner=RecruiterFactory(), host="b.example", username="sam", password="x"
    )
    site = InboundMailbox.objects.create(host="c.example", username="jobs", password="x")
    client.force_login(recruiter)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("outreach:mailboxes")).content.decode()
    assert f'id="mailbox-{theirs.pk}"' in page
    assert f'id="mailbox-{other.pk}"' not in page and f'id="mailbox-{site.pk}"' not in page
    assert client.get(reverse("outreach:mailbox", args=[other.pk])).status_code == 404
    assert client.post(reverse("outreach:mailbox_delete", args=[site.pk])).status_code == 404
    assert InboundMailbox.objects.count() == 3


def test_the_admin_sees_a_failing_mailbox_with_its_error_and_last_success(client, admin_user):
    InboundMailbox.objects.create(
        host="imap.example.org",
        username="jobs",
        password="x",
        last_success_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        last_error="MailboxLoginError: AUTHENTICATIONFAILED",
        last_error_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
    )
    client.force_login(admin_user)
    page = client.get(reverse("outreach:mailboxes")).content.decode()
    assert "Failing" in page and "AUTHENTICATIONFAILED" in page and "last success 1 Dec 2026" in page
    assert "Site-wide" in page


def test_the_admin_makes_a_site_wide_mailbox_and_removes_it(client, admin_user):
    client.force_login(admin_user)
    assert client.post(reverse("outreach:mailboxes"), {**FORM, "owner": ""}).status_code == 302
    mailbox = InboundMailbox.objects.get()
    assert mailbox.owner is None
    assert client.post(reverse("outreach:mailbox_delete", args=[mailbox.pk])).status_code == 302
    assert not InboundMailbox.objects.exists()
