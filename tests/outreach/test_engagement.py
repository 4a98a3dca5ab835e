from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from candidates.models import Candidate
from outreach import engagement, tasks, tokens
from outreach.dispatch import dispatch_due_touches
from outreach.enrollment import enroll
from outreach.models import EngagementEvent, Touch
from tests.factories import CandidateFactory, SequenceFactory, StepFactory, TouchFactory

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def touch(db):
    """An email sent to Ada at NOW."""
    return TouchFactory(status="sent", sent_at=NOW, due_at=NOW)


def event(touch, kind, at, **fields):
    return EngagementEvent.objects.create(
        candidate=touch.candidate, touch=touch, kind=kind, occurred_at=at, **fields
    )


def score_at(touch, when):
    engagement.refresh_candidates([touch.candidate_id], now=when)
    touch.candidate.refresh_from_db()
    return touch.candidate.engagement_score


def test_the_score_halves_every_thirty_days(touch):
    event(touch, "replied", NOW)
    assert score_at(touch, NOW) == 40.0
    assert score_at(touch, NOW + timedelta(days=30)) == 20.0
    assert score_at(touch, NOW + timedelta(days=60)) == 10.0
    assert score_at(touch, NOW + timedelta(days=15)) == pytest.approx(28.3, abs=0.05)


def test_weights_as_documented(touch):
    event(touch, "sent", NOW)
    event(touch, "opened", NOW)
    event(touch, "opened", NOW + timedelta(hours=1))  # the same email opened again counts once
    assert score_at(touch, NOW) == 1.0
    event(touch, "connected", NOW)
    assert score_at(touch, NOW) == 26.0
    event(touch, "clicked", NOW + timedelta(minutes=5), url="https://example.com/a")
    event(touch, "clicked", NOW + timedelta(minutes=9), url="https://example.com/a")  # same link, same day
    event(touch, "clicked", NOW + timedelta(minutes=7), url="https://example.com/b")
    assert score_at(touch, NOW + timedelta(minutes=10)) == pytest.approx(46.0, abs=0.05)
    event(touch, "bounced", NOW)
    assert score_at(touch, NOW + timedelta(minutes=10)) == pytest.approx(26.0, abs=0.05)


def test_score_is_capped_at_100_and_unsubscribing_zeroes_it(touch):
    for _ in range(4):
        event(touch, "replied", NOW)
    assert score_at(touch, NOW) == 100.0
    event(touch, "unsubscribed", NOW)
    assert score_at(touch, NOW) == 0.0


def test_the_daily_refresh_decays_everyone_in_batches(db):
    touches = [TouchFactory(status="sent", sent_at=NOW, due_at=NOW) for _ in range(3)]
    for touch in touches:
        event(touch, "replied", NOW)
    assert engagement.refresh_all(now=NOW, batch_size=2) == 3
    assert engagement.refresh_all(now=NOW + timedelta(days=30), batch_size=2) == 3
    scores = Candidate.objects.filter(pk__in=[t.candidate_id for t in touches]).values_list(
        "engagement_score", flat=True
    )
    assert list(scores) == [20.0, 20.0, 20.0]


def test_the_beat_task_refreshes_scores(touch):
    event(touch, "replied", NOW)
    with time_machine.travel(NOW + timedelta(days=30), tick=False):
        assert tasks.refresh_engagement_scores() == 1
    touch.candidate.refresh_from_db()
    assert touch.candidate.engagement_score == 20.0


def test_interests_come_from_human_clicks_and_chosen_topics_with_decay(touch):
    candidate = touch.candidate
    event(touch, "clicked", NOW - timedelta(days=60), url="https://x/1", topic="kubernetes")
    event(touch, "clicked", NOW - timedelta(days=1), url="https://x/2", topic="platform,data")
    event(
        touch, "clicked", NOW - timedelta(days=1), url="https://x/3", topic="security", data={"scanner": True}
    )
    candidate.topics = ["leadership"]
    candidate.save()
    engagement.refresh_candidates([candidate.pk], now=NOW)
    candidate.refresh_from_db()
    assert candidate.interests == ["leadership", "data", "platform", "kubernetes"]


# --- Scanner clicks -----------------------------------------------------------------------------------


def click(client, touch, url, topics=()):
    token = tokens.make(tokens.CLICK, t=touch.pk, u=url, topics=list(topics))
    return client.get(reverse("outreach:click", args=[token]))


def test_a_click_seconds_after_delivery_is_a_scanner_and_counts_for_nothing(client, touch):
    with time_machine.travel(NOW + timedelta(seconds=3), tick=False):
        response = click(client, touch, "https://example.com/team", ["platform"])
    assert response.status_code == 302  # the scanner still gets its redirect
    stored = EngagementEvent.objects.get(kind="clicked")
    assert stored.data == {"scanner": True}
    touch.candidate.refresh_from_db()
    assert touch.candidate.engagement_score == 0.0 and touch.candidate.interests == []


def test_every_link_at_once_is_a_scanner_and_the_earlier_clicks_of_the_burst_are_marked(client, touch):
    later = NOW + timedelta(minutes=20)
    with time_machine.travel(later, tick=False):
        click(client, touch, "https://example.com/a", ["data"])
    touch.candidate.refresh_from_db()
    assert touch.candidate.engagement_score == 10.0  # alone, it looked human
    with time_machine.travel(later + timedelta(seconds=1), tick=False):
        click(client, touch, "https://example.com/b", ["platform"])
    with time_machine.travel(later + timedelta(seconds=1, milliseconds=500), tick=False):
        click(client, touch, "https://example.com/c", ["security"])
    assert (
        list(EngagementEvent.objects.filter(kind="clicked").values_list("data", flat=True))
        == [{"scanner": True}] * 3
    )
    touch.candidate.refresh_from_db()
    assert touch.candidate.engagement_score == 0.0 and touch.candidate.interests == []


def test_a_person_clicking_two_links_minutes_apart_counts_twice(client, touch):
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        click(client, touch, "https://example.com/a", ["data"])
    with time_machine.travel(NOW + timedelta(minutes=23), tick=False):
        click(client, touch, "https://example.com/b", ["platform"])
        click(client, touch, "https://example.com/b", ["platform"])  # a double click on one link is no burst
    assert not EngagementEvent.objects.filter(data__scanner=True).exists()
    touch.candidate.refresh_from_db()
    assert touch.candidate.engagement_score == pytest.approx(20.0, abs=0.05)
    assert touch.candidate.interests == ["platform", "data"]  # equal clicks: the most recent first


def test_scanner_clicks_are_left_out_of_the_profile_history(client, recruiter, touch):
    event(touch, "clicked", NOW, url="https://x/1", topic="security", data={"scanner": True})
    event(touch, "clicked", NOW + timedelta(hours=1), url="https://x/2", topic="platform")
    client.force_login(recruiter)
    html = client.get(reverse("candidates:detail", args=[touch.candidate_id])).content.decode()
    assert "platform" in html and "security" not in html


def test_opens_never_drive_sequence_logic(db):
    sequence = SequenceFactory(min_gap_days=0)
    StepFactory(sequence=sequence, position=0, delay_amount=0)
    StepFactory(sequence=sequence, position=1, delay_amount=7)
    ada = CandidateFactory()
    enrollment = enroll(candidate=ada, sequence=sequence, by=None, now=NOW)
    dispatch_due_touches(now=NOW + timedelta(days=1))
    sent = enrollment.touches.get(status="sent")
    next_touch = enrollment.touches.get(status="scheduled")
    for _ in range(5):
        engagement.record_open(touch=sent, now=NOW + timedelta(days=2))
    enrollment.refresh_from_db()
    assert enrollment.status == "active"
    assert Touch.objects.get(pk=next_touch.pk).due_at == next_touch.due_at
    ada.refresh_from_db()
    assert ada.engagement_score == pytest.approx(1.0, abs=0.05)


def test_profile_shows_score_interests_and_history(client, recruiter, touch):
    candidate = touch.candidate
    event(touch, "replied", NOW)
    candidate.interests = ["platform", "data"]
    candidate.fewer_messages = True
    candidate.save()
    engagement.refresh_candidates([candidate.pk], now=NOW)
    client.force_login(recruiter)
    with time_machine.travel(NOW, tick=False):  # the panel shows the score as of now
        html = client.get(reverse("candidates:detail", args=[candidate.pk])).content.decode()
    assert 'id="engagement"' in html and "<strong>40</strong>" in html
    assert '<span class="badge">platform</span>' not in html  # interests are recomputed from events
    assert "Fewer emails" in html and "Replied" in html


def test_search_results_show_interests(client, recruiter, db):
    CandidateFactory(first_name="Grace", interests=["compilers", "data", "platform", "security"])
    client.force_login(recruiter)
    html = client.get(reverse("candidates:list")).content.decode()
    assert "Into compilers, data, platform" in html and "security" not in html
