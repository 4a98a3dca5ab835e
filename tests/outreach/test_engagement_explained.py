"""Engagement explained: what each event adds to the score now, after decay, summing to the score shown."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from outreach import engagement
from outreach.models import EngagementEvent
from outreach.selectors import engagement_explained
from tests.factories import CandidateFactory, TouchFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def history():
    ada = CandidateFactory(first_name="Ada")
    touch = TouchFactory(candidate=ada, enrollment__candidate=ada, status="sent", sent_at=ago(31))
    make = EngagementEvent.objects.create
    make(candidate=ada, touch=touch, kind="sent", occurred_at=ago(31))
    make(candidate=ada, touch=touch, kind="opened", occurred_at=ago(30))
    make(candidate=ada, touch=touch, kind="opened", occurred_at=ago(29))  # the same email again: nothing
    make(
        candidate=ada,
        touch=touch,
        kind="clicked",
        url="https://x.example/a",
        topic="berlin",
        occurred_at=ago(30),
    )
    make(
        candidate=ada,
        touch=touch,
        kind="clicked",
        url="https://x.example/b",
        occurred_at=ago(30),
        data={"scanner": True},
    )
    make(candidate=ada, kind="connected", occurred_at=ago(60))
    make(candidate=ada, kind="replied", occurred_at=ago(0))
    return ada


def test_each_event_adds_its_weight_after_decay_and_they_sum_to_the_score(history):
    explained = engagement_explained(history, NOW)

    parts = [(event.kind, round(points, 2)) for event, points in explained.shown]
    assert parts == [("replied", 40.0), ("clicked", 5.0), ("opened", 0.5), ("connected", 6.25)]
    assert explained.score == round(40 + 0.5 + 5 + 6.25, 1) == 51.8
    assert explained.earlier_count == 0 and not explained.capped


def test_the_panel_shows_the_parts_and_the_score_they_make(client, recruiter, history):
    engagement.refresh_candidate(history, now=NOW)
    client.force_login(recruiter)
    with time_machine.travel(NOW, tick=False):
        html = client.get(history.get_absolute_url()).content.decode()
    panel = html[html.index('id="engagement"') :]
    assert "<strong>52</strong>&nbsp;/ 100" in panel
    assert "What makes the score now" in panel
    for points in ("+40.0", "+5.0", "+0.5", "+6.3"):
        assert f'<span class="nowrap engagement-points">{points}</span>' in panel
    assert "No engagement yet" not in panel


def test_after_an_unsubscribe_nothing_counts_and_the_history_still_shows(client, recruiter, history):
    EngagementEvent.objects.create(candidate=history, kind="unsubscribed", occurred_at=ago(0))
    explained = engagement_explained(history, NOW)
    assert explained.score == 0 and explained.shown == []
    assert explained.history[0].kind in ("unsubscribed", "replied")


def test_older_events_beyond_the_list_are_summed_up(history):
    for day in range(1, 10):
        EngagementEvent.objects.create(
            candidate=history, kind="clicked", url=f"https://x.example/{day}", occurred_at=ago(day)
        )
    explained = engagement_explained(history, NOW, shown=3)
    total = sum(points for _, points in explained.shown) + explained.earlier_points
    assert len(explained.shown) == 3 and explained.earlier_count == 10
    assert round(min(total, 100), 1) == explained.score
