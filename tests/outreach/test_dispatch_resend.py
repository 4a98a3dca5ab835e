from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from candidates.models import Activity
from outreach.dispatch import dispatch_due_touches
from outreach.models import Touch
from tests.factories import (
    AdminFactory,
    CandidateFactory,
    HiringManagerFactory,
    RecruiterFactory,
    StepFactory,
    TouchFactory,
)

pytestmark = pytest.mark.django_db


def possibly_delivered_touch() -> Touch:
    step = StepFactory(position=0, channel="email", subject="Hi", body="Hello")
    return TouchFactory(
        enrollment__sequence=step.sequence,
        enrollment__candidate=CandidateFactory(first_name="Ada", email="ada@example.com", source="applied"),
        step=step,
        status=Touch.Status.POSSIBLY_DELIVERED,
        due_at=timezone.now() - timedelta(hours=1),
        subject="Hi",
        body="Hello",
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


@time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))  # a Monday in the sequence's window
def test_an_admin_sees_a_possibly_delivered_email_and_resends_it(client):
    touch = possibly_delivered_touch()
    admin = AdminFactory()
    client.force_login(admin)

    html = client.get(reverse("home")).content.decode()
    assert f'id="failed-touch-{touch.pk}"' in html and "possibly delivered" in html

    response = client.post(reverse("outreach:touch_resend", args=[touch.pk]), follow=True)
    assert "will be sent again" in response.content.decode()
    touch.refresh_from_db()
    assert touch.status == Touch.Status.SCHEDULED
    assert Activity.objects.filter(
        candidate=touch.candidate, summary="Email to be sent again: Hi", actor=admin
    )

    assert dispatch_due_touches().sent == 1
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == touch.message_id  # the same message, recognisably


def test_resending_needs_a_post_by_the_recruiting_team(client):
    touch = possibly_delivered_touch()
    url = reverse("outreach:touch_resend", args=[touch.pk])
    client.force_login(RecruiterFactory())
    assert client.get(url).status_code == 405
    client.force_login(HiringManagerFactory())
    assert client.post(url).status_code == 403
    touch.refresh_from_db()
    assert touch.status == Touch.Status.POSSIBLY_DELIVERED
