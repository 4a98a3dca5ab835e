"""Sequence forms refuse nonsense with the right message: senders are the recruiting team by full name, a new
sequence is not active with no steps, and a bad placeholder is the only thing said of a subject."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outreach.forms import SequenceForm, StepForm
from outreach.models import Sequence
from outreach.sequences import NO_STEPS, create_sequence, set_sequence_status
from tests.factories import AdminFactory, EmployeeFactory, HiringManagerFactory, RecruiterFactory, StepFactory

pytestmark = pytest.mark.django_db


def test_the_sender_list_offers_admins_and_recruiters_by_full_name():
    rosa = RecruiterFactory(username="rmartinez", first_name="Rosa", last_name="Martinez")
    ada = AdminFactory(username="alindqvist", first_name="Ada", last_name="Lindqvist")
    HiringManagerFactory(username="mpatel", first_name="Maya", last_name="Patel")
    EmployeeFactory(username="sokafor", first_name="Sam", last_name="Okafor")
    RecruiterFactory(username="gone", is_active=False)

    choices = [(value, label) for value, label in SequenceForm(user=ada).fields["sender"].choices if value]

    assert [label for _, label in choices] == ["Ada Lindqvist", "Rosa Martinez"]
    assert [value.value for value, _ in choices] == [ada.pk, rosa.pk]


def test_a_sequence_keeps_its_sender_after_they_left_the_team():
    former = RecruiterFactory(first_name="Tom", last_name="Becker")
    sequence = create_sequence(by=None, name="Old", sender=former)
    former.groups.clear()

    admin = AdminFactory(first_name="Ada", last_name="Lindqvist")
    labels = [
        label
        for value, label in SequenceForm(instance=sequence, user=admin).fields["sender"].choices
        if value
    ]

    assert labels == ["Ada Lindqvist", "Tom Becker"]
    offered = [label for value, label in SequenceForm(user=admin).fields["sender"].choices if value]
    assert "Tom Becker" not in offered


def test_a_new_sequence_starts_paused_and_is_activated_only_with_steps():
    sequence = create_sequence(by=None, name="Fresh", sender=RecruiterFactory())
    assert sequence.status == Sequence.Status.PAUSED

    with pytest.raises(ValidationError) as refused:
        set_sequence_status(sequence=sequence, status=Sequence.Status.ACTIVE)
    assert refused.value.messages == [NO_STEPS]
    sequence.refresh_from_db()
    assert sequence.status == Sequence.Status.PAUSED

    StepFactory(sequence=sequence, position=0)
    set_sequence_status(sequence=sequence, status=Sequence.Status.ACTIVE)
    sequence.refresh_from_db()
    assert sequence.status == Sequence.Status.ACTIVE


def test_activating_an_empty_sequence_on_its_page_says_why_not(client, admin_user):
    client.force_login(admin_user)
    sequence = create_sequence(by=admin_user, name="Empty", sender=admin_user)
    page = client.get(reverse("outreach:sequence", args=[sequence.pk])).content.decode()
    assert "A new sequence starts paused" in page and "Activate sequence" in page

    response = client.post(
        reverse("outreach:sequence_status", args=[sequence.pk]), {"status": "active"}, follow=True
    )

    assert NO_STEPS in response.content.decode()
    sequence.refresh_from_db()
    assert sequence.status == Sequence.Status.PAUSED


def test_a_bad_placeholder_in_a_subject_is_the_only_error_said_of_it():
    form = StepForm(
        {
            "channel": "email",
            "delay_amount": 0,
            "delay_unit": "days",
            "subject": "Hi {{ firstname }}",
            "body": "x",
        }
    )
    assert not form.is_valid()
    [error] = form.errors["subject"]
    assert error.startswith("Unknown placeholder: {{ firstname }}.")

    missing = StepForm(
        {"channel": "email", "delay_amount": 0, "delay_unit": "days", "subject": "", "body": "x"}
    )
    assert not missing.is_valid()
    assert missing.errors["subject"] == ["An email needs a subject."]
