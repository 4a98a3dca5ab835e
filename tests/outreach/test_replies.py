from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from candidates import merge, privacy
from candidates.models import Activity, CandidateAlias
from outreach import conversation, selectors
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll
from outreach.models import EngagementEvent, Enrollment, Reply, Touch
from pipelines import services as pipeline_services
from pipelines.models import Card
from tests.factories import (
    CandidateFactory,
    RecruiterFactory,
    ReplyFactory,
    RequisitionFactory,
    SequenceFactory,
    StepFactory,
)
from tests.outreach import mail_corpus as corpus

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SECRET = "s3cret-for-tests"


@pytest.fixture(autouse=True)
def _inbound_secret(settings):
    settings.INBOUND_EMAIL_SECRET = SECRET


@pytest.fixture
def sequence(db):
    sequence = SequenceFactory(name="Passive nurture", send_window_start=time(9), send_window_end=time(17))
    StepFactory(sequence=sequence, position=0, delay_amount=0, subject="Hi {{ first_name }}", body="Hello")
    StepFactory(sequence=sequence, position=1, delay_amount=7, subject="Follow-up", body="Still keen?")
    return sequence


@pytest.fixture
def sent(sequence):
    """Ada got the first email of the sequence; the second is scheduled."""
    ada = CandidateFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    enrollment = enroll(candidate=ada, sequence=sequence, by=None, now=MONDAY_8AM_UTC)
    dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(hours=2))
    touch = enrollment.touches.get(status="sent")
    return ada, enrollment, touch


def post_inbound(payload, secret=SECRET):
    headers = {"HTTP_X_INBOUND_SECRET": secret} if secret is not None else {}
    return APIClient().post("/api/inbound-email/", payload, format="json", **headers)


def inbound(**fields):
    return {
        "from_address": "Ada Lovelace <ada@example.com>",
        "subject": "Re: Hi Ada",
        "text": "Happy to chat next week.",
        "message_id": "<reply-1@mail.example.com>",
        **fields,
    }


def test_inbound_reply_matched_by_in_reply_to_stops_the_enrollment_and_waits_to_be_handled(sent, recruiter):
    ada, enrollment, touch = sent
    response = post_inbound(inbound(from_address="ada.l@elsewhere.example", in_reply_to=touch.message_id))
    assert response.status_code == 201
    reply = Reply.objects.get()
    assert response.json() == {"id": reply.pk, "candidate": ada.pk, "kind": "reply"}
    assert (reply.candidate, reply.touch, reply.enrollment, reply.source) == (
        ada,
        touch,
        enrollment,
        "webhook",
    )
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.STOPPED and enrollment.stop_reason == "replied"
    assert not enrollment.touches.filter(status="scheduled").exists()
    assert list(selectors.replies_to_handle(recruiter)) == [reply]
    assert EngagementEvent.objects.filter(candidate=ada, kind="replied", touch=touch).count() == 1
    activity = ada.activities.get(kind=Activity.Kind.REPLY)
    assert activity.summary == "Replied: Re: Hi Ada" and activity.body == "Happy to chat next week."
    ada.refresh_from_db()
    assert ada.engagement_score == 40.0
    assert dispatch_due_touches(now=MONDAY_8AM_UTC + timedelta(days=30)).sent == 0


def test_references_match_when_in_reply_to_is_someone_elses(sent):
    _, _, touch = sent
    post_inbound(inbound(in_reply_to="<other@mail.example.com>", references=f"<x@y.z> {touch.message_id}"))
    assert Reply.objects.get().touch == touch


def test_reply_without_headers_is_matched_by_sender_address_in_any_case(sent):
    ada, enrollment, _ = sent
    post_inbound(inbound(from_address="ADA@Example.COM"))
    reply = Reply.objects.get()
    assert reply.candidate == ada and reply.touch is None
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.STOPPED


def test_reply_from_an_unknown_address_is_kept_for_a_person_to_match(sent, client, recruiter):
    ada, enrollment, _ = sent
    response = post_inbound(inbound(from_address="Ada at home <ada.home@example.net>"))
    assert response.status_code == 201 and response.json()["candidate"] is None
    reply = Reply.objects.get()
    assert reply.candidate is None and reply.from_address == "ada.home@example.net"
    assert list(selectors.unmatched_replies(recruiter)) == [reply]
    assert list(selectors.replies_to_handle(recruiter)) == []
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE

    client.force_login(recruiter)
    page = client.get(reverse("outreach:replies")).content.decode()
    assert "ada.home@example.net" in page and "Match to a candidate" in page
    bad = client.post(reverse("outreach:reply_match", args=[reply.pk]), {"who": "nobody@example.com"})
    assert bad.status_code == 422
    assert "No candidate with that email address or profile link." in bad.content.decode()
    matched = client.post(reverse("outreach:reply_match", args=[reply.pk]), {"who": f"/candidates/{ada.pk}/"})
    assert matched.status_code == 200 and 'id="reply-' in matched.content.decode()
    reply.refresh_from_db()
    enrollment.refresh_from_db()
    assert reply.candidate == ada and enrollment.status == Enrollment.Status.STOPPED
    assert list(selectors.replies_to_handle(recruiter)) == [reply]


def test_a_reply_is_matched_by_hand_to_the_person_holding_that_address_as_an_alias(sent, client, recruiter):
    ada, _, _ = sent
    CandidateAlias.objects.create(candidate=ada, email="ada.old@example.org")
    post_inbound(inbound(from_address="someone.else@example.net"))
    reply = Reply.objects.get()
    client.force_login(recruiter)
    matched = client.post(reverse("outreach:reply_match", args=[reply.pk]), {"who": "ADA.OLD@example.org"})
    assert matched.status_code == 200
    reply.refresh_from_db()
    assert reply.candidate == ada


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
def test_a_wrong_or_missing_secret_gets_403_and_creates_nothing(sent, secret):
    _, enrollment, touch = sent
    response = post_inbound(inbound(in_reply_to=touch.message_id), secret=secret)
    assert response.status_code == 403
    assert Reply.objects.count() == 0
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_an_empty_secret_setting_refuses_every_call(sent, settings):
    settings.INBOUND_EMAIL_SECRET = ""
    assert post_inbound(inbound(), secret="").status_code == 403
    assert Reply.objects.count() == 0


def test_a_redelivered_webhook_creates_nothing_new(sent):
    ada, _, touch = sent
    first = post_inbound(inbound(in_reply_to=touch.message_id))
    again = post_inbound(inbound(in_reply_to=touch.message_id))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Reply.objects.count() == 1
    assert EngagementEvent.objects.filter(kind="replied").count() == 1
    assert ada.activities.filter(kind=Activity.Kind.REPLY).count() == 1


def test_bad_webhook_payload_is_400(sent):
    response = post_inbound({"subject": "no sender"})
    assert response.status_code == 400
    assert set(response.json()) == {"from_address", "message_id"}
    assert Reply.objects.count() == 0


def test_replies_to_handle_are_oldest_first_and_only_for_the_recruiting_team(
    recruiter, admin_user, hiring_manager, employee
):
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    newer = ReplyFactory(received_at=now)
    older = ReplyFactory(received_at=now - timedelta(days=2))
    ReplyFactory(received_at=now - timedelta(days=3), tag="interested")
    ReplyFactory(candidate=None, received_at=now - timedelta(days=4))
    assert list(selectors.replies_to_handle(recruiter)) == [older, newer]
    assert list(selectors.replies_to_handle(admin_user)) == [older, newer]
    assert list(selectors.replies_to_handle(hiring_manager)) == []
    assert list(selectors.replies_to_handle(employee)) == []


# --- Triage -------------------------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=False)
def test_not_now_asks_for_a_future_date_then_snoozes_and_a_task_appears_that_day(sent, client):
    ada, enrollment, _ = sent
    owner = RecruiterFactory()
    ada.owner = owner
    ada.save()
    reply = conversation.receive_inbound_email(
        from_address="ada@example.com", subject="Re", body="Not now, maybe in spring", message_id="<a@b>"
    )[0]
    client.force_login(RecruiterFactory())
    url = reverse("outreach:reply_tag", args=[reply.pk])
    missing = client.post(url, {"tag": "not_now"})
    assert missing.status_code == 422 and "Choose when to check back." in missing.content.decode()
    past = client.post(url, {"tag": "not_now", "check_back_on": "2026-12-01"})
    assert past.status_code == 422 and "The check-back date must be in the future." in past.content.decode()
    reply.refresh_from_db()
    assert reply.tag == ""

    response = client.post(url, {"tag": "not_now", "check_back_on": "2027-03-01"})
    assert response.status_code == 200
    assert "Check back on 1 Mar 2027" in response.content.decode()
    reply.refresh_from_db()
    ada.refresh_from_db()
    assert reply.tag == "not_now" and reply.check_back_on == date(2027, 3, 1)
    assert ada.snoozed_until == date(2027, 3, 1)
    task = Touch.objects.get(candidate=ada, status="task_open")
    assert task.channel == "task" and task.assignee == owner and task.enrollment == enrollment
    assert task.due_at == datetime(2027, 3, 1, 9, tzinfo=UTC)  # the window opens at 9:00 London time
    assert ada.activities.filter(summary="Reply tagged: not now, check back on 1 Mar 2027").exists()
    the_day = datetime(2027, 3, 1, 12, tzinfo=UTC)
    assert list(selectors.task_queue(owner, now=the_day)["today"]) == [task]
    assert list(selectors.task_queue(owner, now=the_day - timedelta(days=1))["today"]) == []
    assert list(selectors.replies_to_handle(owner)) == []


@time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=False)
def test_not_now_for_someone_never_in_a_sequence_snoozes_them_without_a_task(recruiter):
    reply = ReplyFactory()
    conversation.tag_reply(reply=reply, tag="not_now", by=recruiter, check_back_on=date(2027, 3, 1))
    candidate = reply.candidate
    candidate.refresh_from_db()
    assert candidate.snoozed_until == date(2027, 3, 1)
    assert not Touch.objects.filter(candidate=candidate).exists()
    assert candidate.activities.filter(summary="Reply tagged: not now, check back on 1 Mar 2027").exists()


def test_interested_offers_ready_to_talk_and_a_role(client, recruiter):
    reply = ReplyFactory()
    role = RequisitionFactory(title="Staff Engineer", status="planned")
    client.force_login(recruiter)
    tagged = client.post(reverse("outreach:reply_tag", args=[reply.pk]), {"tag": "interested"})
    html = tagged.content.decode()
    assert tagged.status_code == 200 and "Move to Ready to talk" in html and "Staff Engineer" in html

    ready = client.post(reverse("outreach:reply_ready_to_talk", args=[reply.pk]))
    assert "Moved to Ready to talk on the talent board." in ready.content.decode()
    card = Card.objects.get(candidate=reply.candidate, pipeline__kind="talent")
    assert card.stage.name == "Ready to talk"
    again = client.post(reverse("outreach:reply_ready_to_talk", args=[reply.pk]))
    assert again.status_code == 200 and Card.objects.filter(pipeline__kind="talent").count() == 1

    added = client.post(reverse("outreach:reply_add_to_role", args=[reply.pk]), {"requisition": role.pk})
    assert "Added to Staff Engineer." in added.content.decode()
    assert Card.objects.filter(candidate=reply.candidate, pipeline=role.pipeline).exists()
    twice = client.post(reverse("outreach:reply_add_to_role", args=[reply.pk]), {"requisition": role.pk})
    assert twice.status_code == 422 and "is already on Staff Engineer" in twice.content.decode()


def test_a_card_already_on_the_talent_board_moves_to_ready_to_talk(recruiter):
    reply = ReplyFactory()
    board = pipeline_services.get_or_create_talent_board()
    pipeline_services.add_card(pipeline=board, candidate=reply.candidate)
    card = conversation.move_to_ready_to_talk(candidate=reply.candidate, by=recruiter)
    assert card.stage.name == "Ready to talk" and Card.objects.filter(pipeline=board).count() == 1


@pytest.mark.parametrize("tag", ["not_interested", "wrong_person", "referred"])
def test_other_tags_take_one_click(client, recruiter, tag):
    reply = ReplyFactory()
    client.force_login(recruiter)
    response = client.post(reverse("outreach:reply_tag", args=[reply.pk]), {"tag": tag})
    assert response.status_code == 200
    reply.refresh_from_db()
    assert reply.tag == tag and reply.triaged_by == recruiter and reply.check_back_on is None
    assert list(selectors.replies_to_handle(recruiter)) == []


def test_unknown_tag_is_refused(client, recruiter):
    reply = ReplyFactory()
    client.force_login(recruiter)
    assert client.post(reverse("outreach:reply_tag", args=[reply.pk]), {"tag": "maybe"}).status_code == 422


# --- Log reply from the profile -----------------------------------------------------------------------


@time_machine.travel(datetime(2026, 12, 5, 10, tzinfo=UTC), tick=False)
def test_recruiter_logs_a_reply_from_the_profile(sent, client, recruiter):
    ada, enrollment, _ = sent
    client.force_login(recruiter)
    profile = client.get(reverse("candidates:detail", args=[ada.pk])).content.decode()
    url = reverse("outreach:log_reply", args=[ada.pk])
    assert f'href="{url}"' in profile
    bad = client.post(url, {"body": "Hi!", "received_on": "2026-12-06"})
    assert bad.status_code == 422 and "A reply cannot come from the future." in bad.content.decode()
    empty = client.post(url, {"body": "", "received_on": "2026-12-05"})
    assert empty.status_code == 422 and "This field is required." in empty.content.decode()
    response = client.post(url, {"body": "Answered on LinkedIn: <b>yes</b>", "received_on": "2026-12-02"})
    assert response.status_code == 302 and response["Location"] == ada.get_absolute_url()
    reply = Reply.objects.get()
    assert (reply.source, reply.logged_by, reply.candidate) == ("manual", recruiter, ada)
    assert reply.received_at.date() == date(2026, 12, 2)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.STOPPED
    profile = client.get(reverse("candidates:detail", args=[ada.pk])).content.decode()
    assert "Answered on LinkedIn: &lt;b&gt;yes&lt;/b&gt;" in profile
    assert mail.outbox and len(mail.outbox) == 1


# --- Access -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"), [("admin", 200), ("recruiter", 200), ("manager", 403), ("employee", 403)]
)
def test_reply_pages_by_role(client, users_by_role, role, expected):
    reply = ReplyFactory()
    client.force_login(users_by_role[role])
    assert client.get(reverse("outreach:replies")).status_code == expected
    assert client.get(reverse("outreach:log_reply", args=[reply.candidate.pk])).status_code == expected
    tagged = client.post(reverse("outreach:reply_tag", args=[reply.pk]), {"tag": "referred"})
    assert tagged.status_code == expected
    for name in ("reply_ready_to_talk", "reply_add_to_role", "reply_match"):
        if expected == 403:
            assert client.post(reverse(f"outreach:{name}", args=[reply.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    reply = ReplyFactory()
    for url in (reverse("outreach:replies"), reverse("outreach:log_reply", args=[reply.candidate.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post(reverse("outreach:reply_tag", args=[reply.pk]), {"tag": "referred"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.tag == ""


def test_replies_page_is_in_the_navigation_of_the_recruiting_team(client, recruiter, hiring_manager):
    client.force_login(recruiter)
    labels = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]
    assert "Replies" in labels
    client.force_login(hiring_manager)
    labels = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]
    assert "Replies" not in labels


def test_erasing_a_person_blanks_their_replies(admin_user):
    reply = ReplyFactory(subject="Re: role", body="My phone is 0123")
    privacy.erase_candidate(candidate=reply.candidate, by=admin_user)
    reply.refresh_from_db()
    assert (reply.from_address, reply.subject, reply.body) == ("", "", "")


def test_merging_moves_replies_to_the_record_kept(admin_user):
    kept, duplicate = CandidateFactory(), CandidateFactory()
    reply = ReplyFactory(candidate=duplicate)
    merge.merge_candidates(primary=kept, duplicate=duplicate, by=admin_user)
    reply.refresh_from_db()
    assert reply.candidate == kept


def test_the_json_webhook_goes_through_the_classifier(sent):
    """An out-of-office posted as fields is an auto-reply (no stop); a DSN posted raw is a hard bounce."""
    ada, enrollment, touch = sent
    auto = post_inbound(
        inbound(subject="Out of office: Hi Ada", in_reply_to=touch.message_id, auto_submitted="auto-replied")
    )
    assert auto.status_code == 201 and auto.json() == {"id": None, "candidate": ada.pk, "kind": "auto_reply"}
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE

    bounce = corpus.dsn(recipient="ada@example.com", original_message_id=touch.message_id)
    response = post_inbound({"raw": bounce.as_string()})
    assert response.json() == {"id": None, "candidate": ada.pk, "kind": "hard_bounce"}
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.STOPPED
    assert EngagementEvent.objects.get(kind="bounced").touch == touch
    assert post_inbound({"raw": bounce.as_string()}).status_code == 200
