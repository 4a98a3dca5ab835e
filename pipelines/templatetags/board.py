"""A board card's markup, built in Python: the board's hot path.

A board draws up to BOARD_COLUMN_PAGE_SIZE cards a column, and the template engine spent most of a board's
render on them (about twenty variable and filter nodes a card). Python with the same filters and the same
escaping (html.escape, which django.utils.html.escape wraps) writes the same markup for a small part of that.
A column's cards (the board page, "show more") are one `board_cards` call; one card (a move's answer) is the
`card` partial of pipelines/board.html, which calls `board_card`.
"""

from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django import template
from django.template.defaultfilters import truncatechars
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe

from candidates.models import Candidate
from candidates.templatetags.longlist import days_since, display_name, short_date

from ..models import Feedback, ShortlistReview

register = template.Library()

# What get_seeking_status_display() and get_decision_display() answer, looked up once rather than per card.
SEEKING = {value: str(label) for value, label in Candidate._meta.get_field("seeking_status").flatchoices}
DECISIONS = {value: str(label) for value, label in ShortlistReview.Decision.choices}
RECOMMENDATIONS = {value: str(label).lower() for value, label in Feedback.Recommendation.choices}

CARD = """
<article class="board-card" id="card-{pk}" data-card="{pk}" data-version="{version}" data-candidate="{candidate_id}">
  <span class="engagement" title="Engagement score">{score}</span>
  <a class="name" href="{candidate_prefix}{candidate_id}/">{name}</a>
  <div class="meta"><span class="badge badge-{seeking}">{seeking_display}</span><span class="truncate">{title}</span></div>
  <div class="card-facts faint">{in_stage}{last_touch}</div>
  {decision}
  {feedback}{next_meeting}
  <details class="card-menu" hx-get="{menu_url}?card={pk}&amp;version={version}" hx-trigger="toggle once" hx-target="this" hx-swap="beforeend" hx-disinherit="*">
    <summary aria-label="Move to… or turn down {name}">Move to…</summary>
  </details>
</article>
"""


def whole_number(value: float) -> str:
    """The number as floatformat:0 writes it without thousands grouping (not on by default): rounded half away
    from zero, and never "-0". floatformat goes through the locale's number formats for each card."""
    return str(int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


DECISION = (
    '<div class="card-decision"><span class="badge decision-badge-{decision}">{decision_display}</span> '
    '<span class="small muted">{reviewer}{comment}</span></div>'
)


def card_html(card, candidate_prefix: str, menu_url: str) -> str:
    """One card's markup, every value escaped: a card with its candidate and its `latest_review`."""
    candidate = card.candidate
    last_touch = ""
    if candidate.last_contacted_at:
        last_touch = " · last touch " + escape(short_date(candidate.last_contacted_at))
    decision = ""
    if review := card.latest_review:
        decision = DECISION.format(
            decision=escape(review.decision),
            decision_display=escape(DECISIONS.get(review.decision, review.decision)),
            reviewer=escape(display_name(review.reviewer)),
            comment=": " + escape(truncatechars(review.comment, 60)) if review.comment else "",
        )
    feedback = ""
    if card.feedback_given:
        given = ", ".join(escape(RECOMMENDATIONS.get(value, str(value))) for value in card.feedback_given)
        feedback = f'<div class="card-facts small">Feedback: {given}</div>'
    next_meeting = ""
    if card.next_meeting_at and card.next_meeting_at > timezone.now():
        when = dateformat.format(timezone.localtime(card.next_meeting_at), "D j M, H:i")
        next_meeting = f'<div class="card-facts small card-meeting">Next call {escape(when)}</div>'
    name = escape(candidate.full_name)
    return CARD.format(
        pk=card.pk,
        version=card.version,
        score=whole_number(candidate.engagement_score),
        candidate_prefix=candidate_prefix,
        candidate_id=card.candidate_id,
        name=name,
        seeking=escape(candidate.seeking_status),
        seeking_display=escape(SEEKING.get(candidate.seeking_status, candidate.seeking_status)),
        title=escape(candidate.title),
        in_stage=escape(days_since(card.entered_stage_at, "in stage")),
        last_touch=last_touch,
        decision=decision,
        feedback=feedback,
        next_meeting=next_meeting,
        menu_url=menu_url,
    )


@register.simple_tag(takes_context=True)
def board_card(context, card) -> SafeString:
    """One card as pipelines/board.html drew it; the context gives `candidate_prefix` and `menu_url`
    (views.card_links)."""
    return board_cards(context, [card])


@register.simple_tag(takes_context=True)
def board_cards(context, cards) -> SafeString:
    """A column's cards, one after the other."""
    prefix, menu_url = escape(context["candidate_prefix"]), escape(context["menu_url"])
    return mark_safe("".join(card_html(card, prefix, menu_url) for card in cards))  # card_html escapes
