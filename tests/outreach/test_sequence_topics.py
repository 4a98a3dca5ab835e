"""A sequence's topic: people who chose topics in the preference centre get it only if they chose that one."""

import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from candidates.models import Activity
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll, enroll_many
from outreach.models import Enrollment, Sequence, Touch
from tests.factories import CandidateFactory, SequenceFactory, StepFactory

MONDAY_8AM_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SENT_AT = MONDAY_8AM_UTC + timedelta(hours=2)


def sequence_about(topic: str, name: str = "Platform news") -> Sequence:
    sequence = SequenceFactory(
        name=name, topic=topic, send_window_start=time(9), send_window_end=time(17), min_gap_days=0
    )
    StepFactory(
        sequence=sequence,
        position=0,
        delay_amount=0,
        subject="Hi {{ first_name }}",
        body="[Our platform team](https://example.com/p){platform} and [data](https://example.com/d){data}",
    )
    StepFactory(sequence=sequence, position=1, delay_amount=7, subject="Follow-up", body="Still keen?")
    return sequence


def enrolled(sequence: Sequence, topics: list[str]):
    person = CandidateFactory(first_name="Ada", topics=topics)
    return person, enroll(candidate=person, sequence=sequence, by=None, now=MONDAY_8AM_UTC)


def test_an_email_on_a_topic_they_did_not_choose_is_skipped_and_the_enrollment_stopped(db):
    ada, enrollment = enrolled(sequence_about("platform"), topics=["data"])
    result = dispatch_due_touches(now=SENT_AT)
    assert (result.sent, result.skipped) == (0, 1)
    assert mail.outbox == []
    touch = enrollment.touches.get()
    assert (touch.status, touch.last_error) == (Touch.Status.SKIPPED, "not a topic they chose")
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.stop_reason) == (
        Enrollment.Status.STOPPED,
        "not a topic they chose",
    )
    assert list(ada.activities.filter(kind=Activity.Kind.TOUCH).values_list("summary", flat=True)) == [
        "Stopped in sequence Platform news: not a topic they chose",
        "Enrolled in sequence Platform news",
    ]


def test_the_timeline_on_the_profile_shows_the_stop(client, recruiter):
    ada, _ = enrolled(sequence_about("platform"), topics=["data"])
    dispatch_due_touches(now=SENT_AT)
    client.force_login(recruiter)
    html = client.get(ada.get_absolute_url()).content.decode()
    assert "Stopped in sequence Platform news: not a topic they chose" in html
    assert 'title="not a topic they chose">Stopped</span>' in html


def test_an_email_on_a_topic_they_chose_is_sent(db):
    _, enrollment = enrolled(sequence_about("platform"), topics=["data", "platform"])
    assert dispatch_due_touches(now=SENT_AT).sent == 1
    assert len(mail.outbox) == 1
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.touches.get(status=Touch.Status.SCHEDULED).step.position == 1


@pytest.mark.parametrize(("sequence_topic", "topics"), [("platform", []), ("", ["data"])])
def test_no_topic_on_either_side_changes_nothing(db, sequence_topic, topics):
    _, enrollment = enrolled(sequence_about(sequence_topic), topics=topics)
    assert dispatch_due_touches(now=SENT_AT).sent == 1
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_choosing_other_topics_after_enrollment_stops_the_next_email(db):
    ada, enrollment = enrolled(sequence_about("platform"), topics=[])
    dispatch_due_touches(now=SENT_AT)
    type(ada).objects.filter(pk=ada.pk).update(topics=["data"])
    follow_up = enrollment.touches.get(status=Touch.Status.SCHEDULED)
    result = dispatch_due_touches(now=follow_up.due_at + timedelta(minutes=1))
    assert (result.sent, result.skipped) == (0, 1)
    assert len(mail.outbox) == 1
    enrollment.refresh_from_db()
    assert enrollment.stop_reason == "not a topic they chose"


def test_enrolling_skips_people_who_chose_other_topics(db):
    sequence = sequence_about("platform")
    other = CandidateFactory(topics=["data"])
    chose_it = CandidateFactory(topics=["platform"])
    chose_none = CandidateFactory(topics=[])
    report = enroll_many(candidates=[other, chose_it, chose_none], sequence=sequence, by=None)
    assert report.skipped == [(other, "not a topic they chose")]
    assert [e.candidate for e in report.enrolled] == [chose_it, chose_none]


# --- The sequence's settings and page -------------------------------------------------------------------


def settings_data(sequence: Sequence, **changes) -> dict:
    data = {
        "name": sequence.name,
        "purpose": "",
        "topic": "",
        "sender": sequence.sender_id,
        "sender_timezone": "UTC",
        "send_window_start": "09:00",
        "send_window_end": "17:00",
        "business_days_only": "on",
        "daily_cap": 100,
        "min_gap_days": 3,
    }
    return {**data, **changes}


def test_admin_picks_the_topic_from_those_of_our_links(client, admin_user):
    sequence = sequence_about("")
    client.force_login(admin_user)
    page = client.get(reverse("outreach:sequence", args=[sequence.pk])).content.decode()
    select = re.search(r'<select name="topic"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "data", "platform"]
    assert "No topic: for everyone, whatever topics they chose" in page

    url = reverse("outreach:sequence_settings", args=[sequence.pk])
    refused = client.post(url, settings_data(sequence, topic="gardening"))
    assert refused.status_code == 422
    assert "Select a valid choice. gardening is not one of the available choices." in refused.content.decode()
    sequence.refresh_from_db()
    assert sequence.topic == ""

    saved = client.post(url, settings_data(sequence, topic="data"))
    assert saved.status_code == 200
    html = saved.content.decode()
    assert 'id="sequence-topic" hx-swap-oob="true">Topic: <span class="badge">data</span>' in html
    sequence.refresh_from_db()
    assert sequence.topic == "data"


def test_a_new_sequence_can_have_a_topic(client, admin_user):
    sequence_about("")
    client.force_login(admin_user)
    data = settings_data(SequenceFactory.build(name="Data nurture", sender=admin_user), topic="data")
    response = client.post(reverse("outreach:sequence_create"), data)
    assert response.status_code == 302
    assert Sequence.objects.get(name="Data nurture").topic == "data"


@pytest.mark.parametrize(
    ("role", "status", "shows"),
    [("admin", 200, "select"), ("recruiter", 200, "facts"), ("manager", 403, None), ("employee", 403, None)],
)
def test_the_sequence_page_shows_its_topic_by_role(client, users_by_role, role, status, shows):
    sequence = sequence_about("platform")
    client.force_login(users_by_role[role])
    response = client.get(reverse("outreach:sequence", args=[sequence.pk]))
    assert response.status_code == status
    if shows is None:
        return
    html = response.content.decode()
    assert (
        'Topic: <span class="badge">platform</span> · only for people who chose it, or chose no topics'
        in html
    )
    if shows == "select":
        assert '<option value="platform" selected>platform</option>' in html
    else:
        assert "<dt>Topic</dt><dd>platform</dd>" in html and '<select name="topic"' not in html


def test_a_settings_post_is_for_admins_only(client, recruiter):
    sequence = sequence_about("")
    client.force_login(recruiter)
    url = reverse("outreach:sequence_settings", args=[sequence.pk])
    assert client.post(url, settings_data(sequence, topic="data")).status_code == 403
    sequence.refresh_from_db()
    assert sequence.topic == ""


# --- The preference centre ------------------------------------------------------------------------------


def test_the_preference_centre_says_it_and_offers_the_topics_of_sequences(db):
    sequence = sequence_about("")
    SequenceFactory(name="Leadership", topic="leadership")
    SequenceFactory(name="Old", topic="retired", status=Sequence.Status.ARCHIVED)
    enrolled(sequence, topics=[])
    dispatch_due_touches(now=SENT_AT)
    url = urlparse(re.search(r"Email preferences[^:]*: (\S+)", mail.outbox[-1].body).group(1)).path
    html = Client().get(url).content.decode()
    assert "We'll only write about what you pick. Pick none to hear about all of them." in html
    offered = re.findall(r'name="topics" value="([^"]+)"', html)
    assert offered == ["data", "leadership", "platform"]


def test_the_api_reads_and_sets_the_topic_from_the_same_topics(admin_user):
    sequence = sequence_about("")
    api = APIClient()
    api.force_authenticate(admin_user)
    url = f"/api/sequences/{sequence.pk}/"
    refused = api.patch(url, {"topic": "gardening"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"topic": ["Choose one of the topics the preference centre offers."]}
    assert api.patch(url, {"topic": "platform"}, format="json").json()["topic"] == "platform"
    sequence.refresh_from_db()
    assert sequence.topic == "platform"
