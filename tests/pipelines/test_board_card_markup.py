"""The board's card tag writes what the card template wrote, character for character."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.template import Context, Template
from django.template.defaultfilters import floatformat

from candidates.models import Candidate
from pipelines.models import Card, Feedback, ShortlistReview
from pipelines.selectors import BoardCandidate, BoardCard
from pipelines.templatetags.board import card_html, whole_number

# The card partial of pipelines/board.html before the tag replaced it (with the year on a date of another year,
# and the menu's accessible name starting with its visible text, as the page has had since).
TEMPLATE = """{% load l10n %}{% localize off %}
<article class="board-card" id="card-{{ card.pk }}" data-card="{{ card.pk }}" data-version="{{ card.version }}" data-candidate="{{ card.candidate_id }}">
  <span class="engagement" title="Engagement score">{{ card.candidate.engagement_score|floatformat:0 }}</span>
  <a class="name" href="{{ candidate_prefix }}{{ card.candidate_id }}/">{{ card.candidate.full_name }}</a>
  <div class="meta"><span class="badge badge-{{ card.candidate.seeking_status }}">{{ card.candidate.get_seeking_status_display }}</span><span class="truncate">{{ card.candidate.title }}</span></div>
  <div class="card-facts faint">{{ card.entered_stage_at|days_since:"in stage" }}{% if card.candidate.last_contacted_at %} · last touch {{ card.candidate.last_contacted_at|short_date }}{% endif %}</div>
  {% with review=card.latest_reviews|first %}{% if review %}<div class="card-decision"><span class="badge decision-badge-{{ review.decision }}">{{ review.get_decision_display }}</span> <span class="small muted">{{ review.reviewer|display_name }}{% if review.comment %}: {{ review.comment|truncatechars:60 }}{% endif %}</span></div>{% endif %}{% endwith %}
  {% if card.feedback_given %}<div class="card-facts small">Feedback: {% for item in card.feedback_given %}{{ item.get_recommendation_display|lower }}{% if not forloop.last %}, {% endif %}{% endfor %}</div>{% endif %}{% if card.next_meeting_at and card.next_meeting_at > now %}<div class="card-facts small card-meeting">Next call {{ card.next_meeting_at|date:"D j M, H:i" }}</div>{% endif %}
  <details class="card-menu" hx-get="{{ menu_url }}?card={{ card.pk }}&amp;version={{ card.version }}" hx-trigger="toggle once" hx-target="this" hx-swap="beforeend" hx-disinherit="*">
    <summary aria-label="Move to… or turn down {{ card.candidate.full_name }}">Move to…</summary>
  </details>
</article>
{% endlocalize %}"""
NOW = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
PEOPLE = [
    # first name, last name, title, seeking, score, last contacted, entered stage,
    # review (decision, comment, reviewer's username and first name), next meeting (shown only while ahead)
    ("Ada", "Lovelace", "Engineer", "active", 0.0, None, NOW, None, None),
    (
        'Zoë <b>"O\'Neil"',
        "& Co",
        "Eng & <lead>",
        "passive",
        2.5,
        NOW - timedelta(days=120),
        NOW,
        None,
        NOW + timedelta(hours=1),
    ),
    (
        "Grace",
        "",
        "",
        "passive",
        99.5,
        NOW - timedelta(hours=2),
        NOW - timedelta(days=1),
        ("hold", "", "mx", ""),
        NOW - timedelta(hours=1),
    ),
    (
        "Linus",
        "T",
        "Kernel",
        "active",
        12.4999,
        None,
        NOW - timedelta(days=9),
        ("decline", "<no> " * 20, "r", "Ré <v>"),
        NOW + timedelta(days=9),
    ),
]


@pytest.mark.parametrize("person", PEOPLE, ids=[p[0][:5] for p in PEOPLE])
@time_machine.travel(NOW, tick=False)
def test_the_tag_writes_what_the_template_wrote(person, settings):
    settings.TIME_ZONE = "Europe/Paris"  # a last touch late in the UTC day is the next day there
    first, last, title, seeking, score, contacted, entered, review, next_meeting = person
    candidate = Candidate(
        pk=41, first_name=first, last_name=last, title=title, seeking_status=seeking, engagement_score=score
    )
    candidate.last_contacted_at = contacted
    card = Card(pk=7, version=3, candidate=candidate, entered_stage_at=entered)
    card.latest_reviews = []
    card.feedback_given = []
    card.next_meeting_at = next_meeting
    if review:
        card.feedback_given = [Feedback(recommendation=4), Feedback(recommendation=1)]
        decision, comment, username, reviewer_name = review
        reviewer = User(username=username, first_name=reviewer_name)
        card.latest_reviews = [ShortlistReview(decision=decision, comment=comment, reviewer=reviewer)]
    links = {"candidate_prefix": "/candidates/", "menu_url": "/cards/menu/"}

    drawn = Template(TEMPLATE).render(Context({"card": card, "now": NOW, **links}))
    row = BoardCard(7, 1, 0, 3, entered, 41, BoardCandidate(first, last, title, seeking, score, contacted))
    row.latest_review = card.latest_reviews[0] if card.latest_reviews else None
    row.feedback_given = [feedback.recommendation for feedback in card.feedback_given]
    row.next_meeting_at = next_meeting
    assert card_html(row, **links) == drawn
    assert ("Next call" in drawn) == bool(next_meeting and next_meeting > NOW)


@pytest.mark.parametrize(
    "value", [0.0, 0.4, 0.5, 1.5, 2.5, 12.4999, 99.5, 100.0, -0.3, -2.5, 1e-7, 73.50000001]
)
def test_whole_number_is_floatformat_0(value):
    assert whole_number(value) == floatformat(value, 0)
