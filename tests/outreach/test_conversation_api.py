from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from outreach.models import EngagementEvent, Reply
from tests.factories import CandidateFactory, ReplyFactory, TouchFactory


@pytest.fixture
def api():
    return APIClient()


def test_engagement_events_are_read_only_and_filter_by_candidate(api, recruiter):
    touch = TouchFactory(status="sent")
    at = datetime(2026, 12, 1, tzinfo=UTC)
    EngagementEvent.objects.create(candidate=touch.candidate, touch=touch, kind="opened", occurred_at=at)
    EngagementEvent.objects.create(
        candidate=touch.candidate, touch=touch, kind="clicked", occurred_at=at, data={"scanner": True}
    )
    EngagementEvent.objects.create(candidate=CandidateFactory(), kind="replied", occurred_at=at)
    api.force_authenticate(recruiter)
    listed = api.get("/api/engagement-events/", {"candidate": touch.candidate_id}).json()["results"]
    assert [(e["kind"], e["scanner"]) for e in listed] == [("clicked", True), ("opened", False)]
    assert api.post("/api/engagement-events/", {"kind": "replied"}).status_code == 405


def test_recruiter_logs_tags_and_matches_replies(api, recruiter):
    ada = CandidateFactory()
    api.force_authenticate(recruiter)
    created = api.post("/api/replies/", {"candidate": ada.pk, "body": "Yes please"}, format="json")
    assert created.status_code == 201
    reply_id = created.json()["id"]
    assert created.json()["source"] == "manual" and created.json()["logged_by"] == recruiter.pk
    assert [r["id"] for r in api.get("/api/replies/", {"to_handle": 1}).json()["results"]] == [reply_id]

    no_date = api.post(f"/api/replies/{reply_id}/tag/", {"tag": "not_now"}, format="json")
    assert no_date.status_code == 400 and no_date.json() == {"detail": "Choose when to check back."}
    tagged = api.post(f"/api/replies/{reply_id}/tag/", {"tag": "interested"}, format="json")
    assert tagged.status_code == 200 and tagged.json()["tag"] == "interested"
    assert api.get("/api/replies/", {"to_handle": 1}).json()["results"] == []

    stray = ReplyFactory(candidate=None)
    assert [r["id"] for r in api.get("/api/replies/", {"unmatched": 1}).json()["results"]] == [stray.pk]
    matched = api.post(f"/api/replies/{stray.pk}/match/", {"candidate": ada.pk}, format="json")
    assert matched.status_code == 200 and matched.json()["candidate"] == ada.pk
    twice = api.post(f"/api/replies/{stray.pk}/match/", {"candidate": ada.pk}, format="json")
    assert twice.status_code == 400 and twice.json() == {"detail": "This reply has already been matched."}


def test_a_reply_from_the_future_is_refused(api, recruiter):
    api.force_authenticate(recruiter)
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    response = api.post(
        "/api/replies/",
        {"candidate": CandidateFactory().pk, "body": "Hi", "received_at": future},
        format="json",
    )
    assert response.status_code == 400 and "received_at" in response.json()
    assert Reply.objects.count() == 0


def test_staff_read_preferences(api, recruiter):
    ada = CandidateFactory(topics=["data"], fewer_messages=True)
    api.force_authenticate(recruiter)
    body = api.get(f"/api/preferences/{ada.pk}/").json()
    assert body["topics"] == ["data"] and body["fewer_messages"] is True and body["snoozed_until"] is None
    assert api.patch(f"/api/preferences/{ada.pk}/", {"topics": []}, format="json").status_code == 405


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_conversation_api_is_closed_to_other_roles(api, users_by_role, role):
    reply = ReplyFactory()
    api.force_authenticate(users_by_role[role])
    for url in ("/api/engagement-events/", "/api/replies/", "/api/preferences/"):
        assert api.get(url).status_code == 403
    response = api.post(f"/api/replies/{reply.pk}/tag/", {"tag": "referred"}, format="json")
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.tag == ""


def test_anonymous_gets_401(api, db):
    for url in ("/api/engagement-events/", "/api/replies/", "/api/preferences/"):
        assert api.get(url).status_code == 401


def test_the_inbound_webhook_is_documented(api, recruiter):
    api.force_authenticate(recruiter)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/inbound-email/"]["post"]
    assert "X-Inbound-Secret" in [p["name"] for p in operation["parameters"]]
    assert set(operation["responses"]) == {"200", "201", "400", "403"}
    assert "/api/replies/{id}/tag/" in schema["paths"] and "/api/engagement-events/" in schema["paths"]
