from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from candidates.models import Suppression
from outreach import batches, tokens
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll, run_enrollment_batch
from outreach.models import EngagementEvent, Enrollment, EnrollmentBatch, Step, Touch
from tests.factories import CandidateFactory, SequenceFactory, StepFactory, TalentPoolFactory

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def sequence(db):
    sequence = SequenceFactory(min_gap_days=0)
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="email", subject="Hi", body="Hello")
    return sequence


def test_admin_adds_a_step_and_unknown_placeholders_are_named(client, admin_user, sequence):
    client.force_login(admin_user)
    url = reverse("outreach:step_add", args=[sequence.pk])
    bad = client.post(
        url,
        {
            "channel": "email",
            "delay_amount": 3,
            "delay_unit": "days",
            "subject": "Hi {{ firstname }}",
            "body": "Hello {{ company.name }}",
        },
    )
    assert bad.status_code == 422
    assert "{{ firstname }}" in bad.content.decode() and "{{ company.name }}" in bad.content.decode()
    assert sequence.steps.count() == 1
    good = client.post(
        url,
        {
            "channel": "linkedin_connect",
            "delay_amount": 1,
            "delay_unit": "weeks",
            "subject": "",
            "body": "Hi {{ first_name }}",
        },
    )
    assert good.status_code == 200
    assert list(sequence.steps.values_list("channel", "position")) == [("email", 0), ("linkedin_connect", 1)]


def test_recruiter_sees_the_builder_read_only_and_cannot_change_it(client, recruiter, sequence):
    client.force_login(recruiter)
    page = client.get(reverse("outreach:sequence", args=[sequence.pk]))
    assert page.status_code == 200
    assert "Add a step" not in page.content.decode()
    response = client.post(reverse("outreach:step_add", args=[sequence.pk]), {"channel": "email"})
    assert response.status_code == 403


def test_dragging_reorders_the_steps(client, admin_user, sequence):
    second = StepFactory(sequence=sequence, position=1, channel="call")
    first = sequence.steps.get(position=0)
    client.force_login(admin_user)
    response = client.post(
        reverse("outreach:steps_reorder", args=[sequence.pk]), {"step": [second.pk, first.pk]}
    )
    assert response.status_code == 200
    assert list(sequence.steps.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    bad = client.post(reverse("outreach:steps_reorder", args=[sequence.pk]), {"step": [second.pk]})
    assert bad.status_code == 422


def test_a_step_moves_up_or_down_by_button_and_not_past_the_ends(client, admin_user, sequence):
    second = StepFactory(sequence=sequence, position=1, channel="call")
    first = sequence.steps.get(position=0)
    client.force_login(admin_user)
    url = reverse("outreach:steps_reorder", args=[sequence.pk])

    html = client.post(url, {"move": second.pk, "direction": "up"}).content.decode()

    assert list(sequence.steps.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    assert "Step moved up: now step 1." in html
    assert client.post(url, {"move": second.pk, "direction": "up"}).status_code == 422  # already first
    assert client.post(url, {"move": first.pk, "direction": "sideways"}).status_code == 422


def test_preview_renders_for_a_real_candidate(client, recruiter, sequence):
    ada = CandidateFactory(first_name="Ada", company="Analytical Engines")
    client.force_login(recruiter)
    response = client.get(
        reverse("outreach:step_preview", args=[sequence.pk]),
        {"candidate": ada.pk, "step-3-subject": "For {{ first_name }}", "step-3-body": "At {{ company }}"},
    )
    html = response.content.decode()
    assert "For Ada" in html and "At Analytical Engines" in html


def test_settings_reject_an_inverted_send_window(client, admin_user, sequence):
    client.force_login(admin_user)
    response = client.post(
        reverse("outreach:sequence_settings", args=[sequence.pk]),
        {
            "name": sequence.name,
            "sender_timezone": "UTC",
            "send_window_start": "17:00",
            "send_window_end": "09:00",
            "daily_cap": 100,
            "min_gap_days": 3,
        },
    )
    assert response.status_code == 422
    assert "must end after it starts" in response.content.decode()


def test_enrolling_a_selection_reports_who_was_skipped(client, recruiter, sequence):
    ok, dnc = CandidateFactory(), CandidateFactory(do_not_contact=True)
    client.force_login(recruiter)
    page = client.get(
        reverse("outreach:enroll"), {"sequence": sequence.pk, "candidates": f"{ok.pk},{dnc.pk}"}
    )
    assert "2 selected" in page.content.decode()
    response = client.post(
        reverse("outreach:enroll") + f"?candidates={ok.pk},{dnc.pk}",
        {"sequence": sequence.pk, "candidates": f"{ok.pk},{dnc.pk}"},
        follow=True,
    )
    html = response.content.decode()
    assert "1 enrolled" in html and dnc.full_name in html and "Do not contact" in html
    assert Enrollment.objects.filter(candidate=ok, sequence=sequence).exists()


def test_enrolling_a_large_pool_runs_on_a_worker(
    client, recruiter, sequence, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(batches, "BATCH_INLINE_LIMIT", 2)
    pool = TalentPoolFactory()
    pool.members.add(*CandidateFactory.create_batch(3))
    client.force_login(recruiter)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("outreach:enroll"), {"sequence": sequence.pk, "pool": pool.pk})
    batch = EnrollmentBatch.objects.get()
    assert response["Location"] == reverse("outreach:batch", args=[batch.pk])
    assert batch.status == "queued" and len(callbacks) == 1
    run_enrollment_batch(batch.pk)
    run_enrollment_batch(batch.pk)  # a second worker does nothing
    batch.refresh_from_db()
    assert batch.status == "done" and batch.enrolled_count == 3
    assert Enrollment.objects.count() == 3


def test_enroll_without_people_says_what_to_do(client, recruiter, sequence):
    client.force_login(recruiter)
    response = client.post(reverse("outreach:enroll"), {"sequence": sequence.pk})
    assert "Choose people to enroll" in response.content.decode()


def test_task_queue_shows_rendered_message_and_completing_schedules_the_next_step(client, recruiter):
    sequence = SequenceFactory(sender=recruiter, min_gap_days=0)
    StepFactory(
        sequence=sequence,
        position=0,
        delay_amount=0,
        channel="linkedin_connect",
        subject="",
        body="Hi {{ first_name }}, loved your talk",
    )
    StepFactory(sequence=sequence, position=1, delay_amount=2, channel="email")
    ada = CandidateFactory(first_name="Ada", linkedin_url="https://www.linkedin.com/in/ada")
    enrollment = enroll(candidate=ada, sequence=sequence, by=recruiter)
    task = enrollment.touches.get()
    client.force_login(recruiter)
    page = client.get(reverse("outreach:tasks")).content.decode()
    assert "Hi Ada, loved your talk" in page and "https://www.linkedin.com/in/ada" in page
    response = client.post(reverse("outreach:task_complete", args=[task.pk]), {"outcome": "connected"})
    assert response.status_code == 200
    assert enrollment.touches.filter(channel="email", status="scheduled").exists()
    bad = client.post(reverse("outreach:task_complete", args=[task.pk]), {"outcome": "connected"})
    assert bad.status_code == 404  # no longer open


def test_completing_a_task_updates_the_open_counts_without_a_reload(client, recruiter):
    sequence = SequenceFactory(sender=recruiter, min_gap_days=0, business_days_only=False)
    StepFactory(
        sequence=sequence, position=0, delay_amount=0, channel="linkedin_connect", subject="", body="Hi"
    )
    late = [
        enroll(
            candidate=CandidateFactory(), sequence=sequence, by=recruiter, now=NOW - timedelta(days=3)
        ).touches.get()
        for _ in range(2)
    ]
    client.force_login(recruiter)
    page = client.get(reverse("outreach:tasks")).content.decode()
    assert '<span class="faint" id="tasks-overdue-count" role="status">2 open</span>' in page

    html = client.post(
        reverse("outreach:task_complete", args=[late[0].pk]), {"outcome": "sent"}
    ).content.decode()

    assert f'id="task-{late[0].pk}"' in html
    assert (
        '<span class="faint" id="tasks-overdue-count" role="status" hx-swap-oob="true">1 open</span>' in html
    )
    assert '<span class="faint" id="tasks-today-count" role="status" hx-swap-oob="true">0 open</span>' in html


def test_unsubscribe_get_only_confirms_and_post_needs_no_cookie(sequence):
    ada = CandidateFactory(email="ada@example.com")
    enrollment = enroll(candidate=ada, sequence=sequence, by=None, now=NOW)
    touch = enrollment.touches.get()
    url = reverse("outreach:unsubscribe", args=[tokens.make(tokens.UNSUBSCRIBE, c=ada.pk, t=touch.pk)])
    anonymous = Client(enforce_csrf_checks=True)
    assert "Unsubscribe?" in anonymous.get(url).content.decode()
    ada.refresh_from_db()
    assert ada.unsubscribed_at is None
    response = anonymous.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    ada.refresh_from_db()
    assert ada.unsubscribed_at is not None
    assert Suppression.objects.filter(email="ada@example.com", reason="unsubscribed").exists()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.STOPPED
    assert dispatch_due_touches(now=NOW + timedelta(days=30)).sent == 0
    assert mail.outbox == []


def test_forged_or_cross_purpose_tokens_are_404(client, sequence, db):
    touch_token = tokens.make(tokens.CLICK, t=1, u="https://evil.example", topics=[])
    assert client.get(reverse("outreach:unsubscribe", args=[touch_token])).status_code == 404
    assert client.get(reverse("outreach:click", args=["garbage"])).status_code == 404


def test_click_redirects_and_records_topics(client, sequence):
    ada = CandidateFactory()
    touch = enroll(candidate=ada, sequence=sequence, by=None, now=NOW).touches.get()
    token = tokens.make(tokens.CLICK, t=touch.pk, u="https://example.com/blog", topics=["ml"])
    response = client.get(reverse("outreach:click", args=[token]))
    assert response.status_code == 302 and response["Location"] == "https://example.com/blog"
    event = EngagementEvent.objects.get(kind="clicked")
    assert event.topic == "ml" and event.candidate == ada


@pytest.mark.parametrize(
    ("role", "expected"), [("admin", 200), ("recruiter", 200), ("manager", 403), ("employee", 403)]
)
def test_outreach_pages_by_role(client, users_by_role, sequence, role, expected):
    client.force_login(users_by_role[role])
    for name, args in [("outreach:enrollments", [sequence.pk]), ("outreach:enroll", [])]:
        assert client.get(reverse(name, args=args)).status_code == expected


@pytest.mark.parametrize(("role", "expected"), [("admin", 200), ("recruiter", 403), ("manager", 403)])
def test_only_admins_create_sequences(client, users_by_role, role, expected):
    client.force_login(users_by_role[role])
    assert client.get(reverse("outreach:sequence_create")).status_code == expected


def test_admin_creates_a_sequence(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("outreach:sequence_create"),
        {
            "name": "Staff engineers 2027",
            "sender": admin_user.pk,
            "sender_timezone": "Europe/Berlin",
            "send_window_start": "09:00",
            "send_window_end": "17:00",
            "business_days_only": "on",
            "daily_cap": 80,
            "min_gap_days": 4,
        },
    )
    assert response.status_code == 302
    assert Step.objects.count() == 0 and Touch.objects.count() == 0


def test_profile_offers_to_enroll_that_candidate(client, recruiter):
    ada = CandidateFactory()
    client.force_login(recruiter)
    page = client.get(reverse("candidates:detail", args=[ada.pk])).content.decode()
    assert f"/enroll/?candidates={ada.pk}" in page
