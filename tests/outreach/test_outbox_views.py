"""The outbox's pages: write from a profile, answer a reply (Replies page and timeline), email a selection,
the live preview, and the Outbox with cancel; who may do what."""

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.conversation import receive_inbound_email
from outreach.models import SenderIdentity, Touch
from tests.factories import CandidateFactory, RecruiterFactory, RequisitionFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def writer(client, recruiter):
    SenderIdentity.objects.create(
        user=recruiter, display_name="Rita at Acme", address="rita@acme.example.com", signature="Rita"
    )
    client.force_login(recruiter)
    return recruiter


def test_write_email_from_the_profile_queues_it_and_offers_cancel(client, writer):
    candidate = CandidateFactory(first_name="Ada")
    profile = client.get(candidate.get_absolute_url()).content.decode()
    assert 'id="write-email"' in profile

    form = client.get(reverse("outreach:compose", args=[candidate.pk]), **HTMX)
    assert "From Rita at Acme &lt;rita@acme.example.com&gt;" in form.content.decode()

    answer = client.post(
        reverse("outreach:compose", args=[candidate.pk]),
        {"subject": "Hi {{ first_name }}", "body": "Hello", "key": f"candidate-{candidate.pk}"},
        **HTMX,
    )
    assert answer.status_code == 200
    touch = Touch.objects.get(candidate=candidate)
    assert (touch.kind, touch.sender, touch.created_by) == (Touch.Kind.ONE_OFF, writer, writer)
    assert "goes out within a minute" in answer.content.decode()
    assert reverse("outreach:email_cancel", args=[touch.pk]) in answer.content.decode()


def test_an_unsubscribed_person_needs_the_personal_message_confirmed(client, writer):
    candidate = CandidateFactory(unsubscribed_at=timezone.now())
    url = reverse("outreach:compose", args=[candidate.pk])
    assert "unsubscribed from our emails" in client.get(url, **HTMX).content.decode()

    refused = client.post(url, {"subject": "Hi", "body": "You asked about the role"}, **HTMX)
    assert refused.status_code == 422 and not Touch.objects.exists()

    client.post(url, {"subject": "Hi", "body": "You asked about the role", "personal": "on"}, **HTMX)
    assert Touch.objects.get().personal is True


def test_send_later_must_be_in_the_future(client, writer):
    candidate = CandidateFactory()
    response = client.post(
        reverse("outreach:compose", args=[candidate.pk]),
        {"subject": "Hi", "body": "x", "send_at": "2001-01-01T10:00"},
        **HTMX,
    )
    assert response.status_code == 422 and "Choose a time in the future" in response.content.decode()


def test_reply_from_the_replies_page_and_from_the_timeline(client, writer):
    candidate = CandidateFactory()
    reply, _ = receive_inbound_email(
        from_address=candidate.email,
        subject="Berlin?",
        body="Tell me more",
        message_id="<x@mail.example.org>",
    )
    page = client.get(reverse("outreach:replies")).content.decode()
    assert reverse("outreach:reply_compose", args=[reply.pk]) in page

    profile = client.get(reply.candidate.get_absolute_url()).content.decode()
    assert f"?reply={reply.pk}#compose-slot" in profile  # the timeline's Reply
    opened = client.get(f"{reply.candidate.get_absolute_url()}?reply={reply.pk}").content.decode()
    assert f'hx-get="{reverse("outreach:reply_compose", args=[reply.pk])}"' in opened

    form = client.get(reverse("outreach:reply_compose", args=[reply.pk]), **HTMX).content.decode()
    assert "Re: Berlin?" in form
    client.post(reverse("outreach:reply_compose", args=[reply.pk]), {"body": "Yes!"}, **HTMX)
    touch = reply.answers.get()
    assert (touch.kind, touch.subject, touch.in_reply_to) == (
        Touch.Kind.REPLY,
        "Re: Berlin?",
        "<x@mail.example.org>",
    )
    assert "You answered “Re: Berlin?”" in client.get(reverse("outreach:replies")).content.decode()


def test_bulk_email_to_a_selection_says_who_was_left_out(client, writer):
    ada, bob = CandidateFactory(first_name="Ada"), CandidateFactory(first_name="Bob")
    gone = CandidateFactory(first_name="Cy", do_not_contact=True)
    ids = f"{ada.pk},{bob.pk},{gone.pk}"
    page = client.get(reverse("outreach:bulk_email") + f"?candidates={ids}").content.decode()
    assert "Email 3 people" in page and ada.full_name in page

    result = client.post(
        reverse("outreach:bulk_email"), {"candidates": ids, "subject": "Hi {{ first_name }}", "body": "News"}
    ).content.decode()
    assert "2 emails in your Outbox" in result and "do not contact" in result
    assert set(Touch.objects.values_list("candidate_id", "kind")) == {(ada.pk, "bulk"), (bob.pk, "bulk")}


def test_search_and_board_offer_emailing_the_selection(client, writer):
    link = f'href="{reverse("outreach:bulk_email")}" data-selection-link="candidate_ids"'
    search = client.get(reverse("candidates:list")).content.decode()
    assert link + ' data-selection-param="candidates">Email selected…</a>' in search
    board = client.get(reverse("pipelines:board", args=[RequisitionFactory().pk])).content.decode()
    assert link + ' data-selection-param="candidates">Email…</a>' in board


def test_the_preview_renders_for_one_person_with_the_signature(client, writer):
    candidate = CandidateFactory(first_name="Ada")
    response = client.get(
        reverse("outreach:email_preview"),
        {"candidate": candidate.pk, "subject": "Hi {{ first_name }}", "body": "Hello {{ first_name }}"},
    ).content.decode()
    assert "Hi Ada" in response and "Hello Ada" in response and "Rita" in response
    bad = client.get(reverse("outreach:email_preview"), {"candidate": candidate.pk, "body": "{{ salary }}"})
    assert "Unknown placeholder" in bad.content.decode()


def test_the_outbox_lists_my_emails_and_cancels_them_but_not_a_colleagues(client, writer):
    candidate = CandidateFactory()
    mine = Touch.objects.create(
        kind=Touch.Kind.ONE_OFF,
        candidate=candidate,
        channel="email",
        due_at=timezone.now(),
        sender=writer,
        created_by=writer,
        subject="Mine",
    )
    colleague = RecruiterFactory()
    theirs = Touch.objects.create(
        kind=Touch.Kind.ONE_OFF,
        candidate=candidate,
        channel="email",
        due_at=timezone.now(),
        sender=colleague,
        created_by=colleague,
        subject="Theirs",
    )
    page = client.get(reverse("outreach:outbox")).content.decode()
    assert "Mine" in page and "Theirs" not in page

    assert client.post(reverse("outreach:email_cancel", args=[theirs.pk])).status_code == 403
    response = client.post(reverse("outreach:email_cancel", args=[mine.pk]), **HTMX)
    assert "Cancelled" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == Touch.Status.CANCELLED


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_managers_and_employees_cannot_write_preview_or_cancel(client, users_by_role, role):
    touch = Touch.objects.create(
        kind=Touch.Kind.ONE_OFF,
        candidate=CandidateFactory(),
        channel="email",
        due_at=timezone.now(),
        subject="x",
    )
    client.force_login(users_by_role[role])
    candidate = touch.candidate
    assert (
        client.post(
            reverse("outreach:compose", args=[candidate.pk]), {"subject": "x", "body": "y"}
        ).status_code
        == 403
    )
    assert client.get(reverse("outreach:email_preview"), {"candidate": candidate.pk}).status_code == 403
    assert client.post(reverse("outreach:email_cancel", args=[touch.pk])).status_code == 403
    assert not client.get(candidate.get_absolute_url()).content.decode().count("write-email")
