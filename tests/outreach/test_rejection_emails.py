"""Turn-down emails: admins' templates, chosen on the board, sent after the delay unless the turn-down is undone."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from outreach.dispatch import dispatch_due_touches
from outreach.models import RejectionEmail, RejectionTemplate, Touch
from outreach.rejections import save_rejection_template
from pipelines import services
from pipelines.models import Card
from tests.factories import CandidateFactory, RequisitionFactory


@pytest.fixture
def template(db):
    return save_rejection_template(
        name="Kind no",
        subject="Your application, {{ first_name }}",
        body='Hi {{ first_name | "there" }}, thank you.',
    )


@pytest.fixture
def card(recruiter):
    role = RequisitionFactory(title="Data Engineer")
    person = CandidateFactory(first_name="Ada", email="ada@example.org", source="applied")
    return services.add_card(pipeline=role.pipeline, candidate=person, by=recruiter)


def send_due_rejection_emails(now):
    """Rejection emails are outbox rows: the dispatcher sends them."""
    return dispatch_due_touches(now=now).sent


def turn_down(client, card, **extra):
    return client.post(
        reverse("pipelines:card_reject", args=[card.pk]),
        {"category": "timing", **extra},
        headers={"HX-Request": "true"},
    )


def test_the_menu_offers_the_active_emails_and_none_by_default(client, recruiter, card, template):
    save_rejection_template(name="Old", subject="x", body="y", is_active=False)
    client.force_login(recruiter)
    menu = client.get(
        reverse("pipelines:card_menu"), {"card": card.pk, "version": card.version}
    ).content.decode()
    assert '<option value="">No email</option>' in menu
    assert f'<option value="{template.pk}">Email: Kind no</option>' in menu and "Email: Old" not in menu


def test_the_email_goes_out_after_the_delay_not_before(client, recruiter, card, template, settings):
    settings.REJECTION_EMAIL_DELAY_MINUTES = 60
    client.force_login(recruiter)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = turn_down(client, card, email_template=template.pk)
    assert "Their email goes out in 60 minutes unless you undo." in response.content.decode()
    email = RejectionEmail.objects.get()
    assert email.send_after == start + timedelta(minutes=60) and email.sender == recruiter
    assert send_due_rejection_emails(now=start + timedelta(minutes=59)) == 0
    assert mail.outbox == []
    assert send_due_rejection_emails(now=start + timedelta(minutes=60)) == 1
    (sent,) = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (
        ["ada@example.org"],
        "Your application, Ada",
        "Hi Ada, thank you.",
    )
    assert send_due_rejection_emails(now=start + timedelta(minutes=120)) == 0  # once
    email.refresh_from_db()
    assert email.status == "sent"
    assert card.candidate.activities.filter(summary="Rejection email “Kind no” sent").exists()


def test_undo_cancels_the_email(client, recruiter, card, template):
    client.force_login(recruiter)
    turn_down(client, card, email_template=template.pk)
    client.post(reverse("pipelines:card_reinstate", args=[card.pk]), headers={"HX-Request": "true"})
    email = RejectionEmail.objects.get()
    assert (email.status, email.outcome) == ("cancelled", "turn-down undone")
    assert send_due_rejection_emails(now=timezone.now() + timedelta(days=1)) == 0
    assert mail.outbox == []


def test_someone_marked_do_not_contact_meanwhile_is_skipped(client, recruiter, card, template):
    client.force_login(recruiter)
    turn_down(client, card, email_template=template.pk)
    card.candidate.do_not_contact = True
    card.candidate.save()
    assert send_due_rejection_emails(now=timezone.now() + timedelta(days=1)) == 0
    assert RejectionEmail.objects.get().outcome == "do not contact" and mail.outbox == []


@pytest.mark.parametrize("bad", ["999999", "x"])
def test_an_email_not_offered_refuses_the_turn_down(client, recruiter, card, template, bad):
    template.is_active = False
    template.save()
    client.force_login(recruiter)
    for value in (bad, template.pk):
        assert turn_down(client, card, email_template=value).status_code == 400
    card.refresh_from_db()
    assert card.status == Card.Status.ACTIVE and not RejectionEmail.objects.exists()


def test_the_api_turns_down_with_an_email(recruiter, card, template):
    api = APIClient()
    api.force_authenticate(recruiter)
    url = f"/api/cards/{card.pk}/reject/"
    assert api.post(url, {"category": "timing", "email_template": 424242}, format="json").status_code == 400
    response = api.post(url, {"category": "timing", "email_template": template.pk}, format="json")
    assert response.status_code == 200 and RejectionEmail.objects.get().template == template


def test_templates_are_validated_like_sequence_steps(db):
    with pytest.raises(ValidationError, match="Unknown placeholder"):
        save_rejection_template(name="Bad", subject="Hi {{ nickname }}", body="x")
    assert not RejectionTemplate.objects.filter(name="Bad").exists()


@pytest.mark.parametrize(
    ("role", "get", "post"),
    [("admin", 200, 302), ("recruiter", 200, 403), ("manager", 403, 403), ("employee", 403, 403)],
)
def test_admins_write_the_templates(client, users_by_role, role, get, post):
    client.force_login(users_by_role[role])
    url = reverse("outreach:rejection_templates")
    assert client.get(url).status_code == get
    data = {"name": "Kind no", "subject": "Hello {{ first_name }}", "body": "Thanks", "is_active": "on"}
    assert client.post(url, data).status_code == post
    assert RejectionTemplate.objects.filter(name="Kind no").exists() == (post == 302)


def test_a_bad_placeholder_is_shown_on_the_page(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("outreach:rejection_templates"), {"name": "Bad", "subject": "Hi {{ nickname }}", "body": "x"}
    )
    assert response.status_code == 422 and "nickname" in response.content.decode()


def test_the_email_is_an_outbox_row_and_cancelling_it_there_cancels_the_rejection_email(
    client, recruiter, card, template
):
    client.force_login(recruiter)
    turn_down(client, card, email_template=template.pk)
    email = RejectionEmail.objects.select_related("touch").get()
    assert (email.touch.kind, email.touch.personal, email.touch.status) == ("rejection", True, "scheduled")
    client.post(reverse("outreach:email_cancel", args=[email.touch.pk]))
    email.refresh_from_db()
    assert email.status == "cancelled"
    assert send_due_rejection_emails(now=timezone.now() + timedelta(days=1)) == 0


def test_a_card_no_longer_turned_down_stops_it_and_a_sourced_person_gets_the_notice(
    client, recruiter, card, template
):
    client.force_login(recruiter)
    sourced = services.add_card(
        pipeline=card.pipeline,
        candidate=CandidateFactory(email="grace@example.org", source="sourced"),
        by=recruiter,
    )
    turn_down(client, card, email_template=template.pk)
    turn_down(client, sourced, email_template=template.pk)
    Card.objects.filter(pk=card.pk).update(status=Card.Status.ACTIVE)  # moved back without the undo

    assert send_due_rejection_emails(now=timezone.now() + timedelta(days=1)) == 1
    (sent,) = mail.outbox
    assert sent.to == ["grace@example.org"]
    assert "Why you are hearing from us" in sent.body and "List-Unsubscribe" not in sent.extra_headers
    skipped = RejectionEmail.objects.get(card=card)
    assert (skipped.status, skipped.outcome) == ("skipped", "no longer turned down")
    assert Touch.objects.get(pk=skipped.touch_id).status == Touch.Status.SKIPPED
