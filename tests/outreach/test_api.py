from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from outreach.models import Enrollment, Touch
from tests.factories import CandidateFactory, ReplyFactory, SequenceFactory, StepFactory


@pytest.fixture
def api():
    return APIClient()


def test_admin_builds_a_sequence_and_bad_placeholders_are_refused(api, admin_user):
    api.force_authenticate(admin_user)
    created = api.post(
        "/api/sequences/",
        {"name": "Berlin 2027", "send_window_start": "09:00", "send_window_end": "17:00"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["sender_timezone"] == "UTC"
    sequence_id = created.json()["id"]
    bad_zone = api.patch(f"/api/sequences/{sequence_id}/", {"sender_timezone": "Mars/Base"}, format="json")
    assert bad_zone.status_code == 400 and "sender_timezone" in bad_zone.json()
    bad = api.post(
        "/api/steps/",
        {"sequence": sequence_id, "channel": "email", "subject": "Hi {{ nme }}", "body": "x"},
        format="json",
    )
    assert bad.status_code == 400 and "{{ nme }}" in bad.json()["subject"][0]
    for channel in ("linkedin_connect", "email"):
        step = api.post(
            "/api/steps/",
            {
                "sequence": sequence_id,
                "channel": channel,
                "subject": "Hi",
                "body": "Hello {{ first_name }}",
                "delay_amount": 2,
            },
            format="json",
        )
        assert step.status_code == 201
    steps = api.get(f"/api/sequences/{sequence_id}/").json()["steps"]
    assert [(s["channel"], s["position"]) for s in steps] == [("linkedin_connect", 0), ("email", 1)]


def test_a_sequence_is_archived_through_status_which_stops_its_enrollments(api, admin_user, recruiter):
    sequence = SequenceFactory(min_gap_days=0)
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="email")
    enrollment = Enrollment.objects.create(sequence=sequence, candidate=CandidateFactory())
    touch = Touch.objects.create(
        enrollment=enrollment, candidate=enrollment.candidate, channel="email", due_at=sequence.created_at
    )
    url = f"/api/sequences/{sequence.pk}/"
    api.force_authenticate(admin_user)
    patched = api.patch(url, {"status": "archived", "daily_cap": 40}, format="json")
    assert patched.status_code == 200 and patched.json()["status"] == "active"
    sequence.refresh_from_db()
    assert (sequence.status, sequence.daily_cap) == ("active", 40)
    assert api.delete(url).status_code == 405
    api.force_authenticate(recruiter)
    assert api.post(f"{url}status/", {"status": "archived"}, format="json").status_code == 403
    api.force_authenticate(admin_user)
    assert api.post(f"{url}status/", {"status": "bogus"}, format="json").status_code == 400
    archived = api.post(f"{url}status/", {"status": "archived"}, format="json")
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    enrollment.refresh_from_db()
    touch.refresh_from_db()
    assert (enrollment.status, touch.status) == ("stopped", "cancelled")


def test_recruiter_reads_sequences_but_cannot_change_them(api, recruiter):
    sequence = SequenceFactory()
    api.force_authenticate(recruiter)
    assert api.get("/api/sequences/").status_code == 200
    assert api.patch(f"/api/sequences/{sequence.pk}/", {"name": "x"}, format="json").status_code == 403
    assert (
        api.post("/api/steps/", {"sequence": sequence.pk, "channel": "call"}, format="json").status_code
        == 403
    )


def test_recruiter_enrolls_pauses_resumes_and_stops(api, recruiter):
    sequence = SequenceFactory(min_gap_days=0)
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="email")
    ok, dnc = CandidateFactory(), CandidateFactory(do_not_contact=True)
    api.force_authenticate(recruiter)
    batch = api.post(
        "/api/enrollments/enroll/", {"sequence": sequence.pk, "candidate_ids": [ok.pk, dnc.pk]}, format="json"
    )
    assert batch.status_code == 201
    assert batch.json()["enrolled_count"] == 1
    assert batch.json()["skipped"] == [{"id": dnc.pk, "name": dnc.full_name, "reason": "do not contact"}]
    enrollment = Enrollment.objects.get(candidate=ok)
    assert api.post(f"/api/enrollments/{enrollment.pk}/pause/").json()["status"] == "paused"
    assert api.post(f"/api/enrollments/{enrollment.pk}/resume/").json()["status"] == "active"
    assert api.post(f"/api/enrollments/{enrollment.pk}/stop/").json()["status"] == "stopped"
    assert Touch.objects.get(enrollment=enrollment).status == "cancelled"


def test_enroll_needs_people(api, recruiter):
    sequence = SequenceFactory()
    api.force_authenticate(recruiter)
    response = api.post("/api/enrollments/enroll/", {"sequence": sequence.pk}, format="json")
    assert response.status_code == 400


def test_complete_task_through_the_api(api, recruiter):
    sequence = SequenceFactory(sender=recruiter, min_gap_days=0)
    StepFactory(sequence=sequence, position=0, delay_amount=0, channel="call")
    StepFactory(sequence=sequence, position=1, delay_amount=1, channel="email")
    api.force_authenticate(recruiter)
    api.post(
        "/api/enrollments/enroll/",
        {"sequence": sequence.pk, "candidate_ids": [CandidateFactory().pk]},
        format="json",
    )
    task = Touch.objects.get(channel="call")
    assert api.post(f"/api/touches/{task.pk}/complete/", {"outcome": "maybe"}).status_code == 400
    done = api.post(f"/api/touches/{task.pk}/complete/", {"outcome": "no_answer"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert api.post(f"/api/touches/{task.pk}/complete/", {"outcome": "no_answer"}).status_code == 409
    assert Touch.objects.filter(channel="email", status="scheduled").count() == 1


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_outreach_api_is_closed_to_other_roles(api, users_by_role, role):
    api.force_authenticate(users_by_role[role])
    for url in ("/api/sequences/", "/api/enrollments/", "/api/touches/"):
        assert api.get(url).status_code == 403


def test_write_answer_and_cancel_emails_through_the_api(api, recruiter):
    api.force_authenticate(recruiter)
    candidate = CandidateFactory(first_name="Ada")
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    written = api.post(
        "/api/touches/email/",
        {"candidate": candidate.pk, "subject": "Hi {{ first_name }}", "body": "Hello", "send_at": later},
        format="json",
    )
    assert written.status_code == 201 and written.json()["kind"] == "one_off"
    reply = ReplyFactory(candidate=candidate, subject="Hi Ada", message_id="<r@mail.example.org>")
    answered = api.post("/api/touches/email/", {"reply": reply.pk, "body": "Thanks"}, format="json")
    assert answered.status_code == 201 and answered.json()["subject"] == "Re: Hi Ada"
    assert api.post("/api/touches/email/", {"body": "Nobody"}, format="json").status_code == 400

    touch_id = written.json()["id"]
    assert api.post(f"/api/touches/{touch_id}/cancel/").json()["status"] == "cancelled"
    assert api.post(f"/api/touches/{touch_id}/cancel/").status_code == 409


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_other_roles_cannot_write_emails_through_the_api(api, users_by_role, role):
    api.force_authenticate(users_by_role[role])
    response = api.post(
        "/api/touches/email/", {"candidate": CandidateFactory().pk, "body": "x"}, format="json"
    )
    assert response.status_code == 403
