"""A board card's markup, built in Python: the board's hot path.

A board draws up to BOARD_COLUMN_PAGE_SIZE cards a column, and the template engine spent most of a board's
render on them (about twenty variable and filter nodes a card). One call a card, with the same filters and
the same escaping (html.escape, which django.utils.html.escape wraps), writes the same markup for a small part
of that: the board page, "show more" and a move's
answer all draw cards through the `card` partial of pipelines/board.html, which calls this tag.
"""

from html import escape

from django import template
from django.template.defaultfilters import date, floatformat, truncatechars
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from candidates.templatetags.longlist import days_since, display_name

register = template.Library()

CARD = """
<article class="board-card" id="card-{pk}" data-card="{pk}" data-version="{version}">
  <span class="engagement" title="Engagement score">{score}</span>
  <a class="name" href="{candidate_prefix}{candidate_id}/">{name}</a>
  <div class="meta"><span class="badge badge-{seeking}">{seeking_display}</span><span class="truncate">{title}</span></div>
  <div class="card-facts faint">{in_stage}{last_touch}</div>
  {decision}
  <details class="card-menu" hx-get="{menu_url}?card={pk}&amp;version={version}" hx-trigger="toggle once" hx-target="this" hx-swap="beforeend" hx-disinherit="*">
    <summary aria-label="Move or turn down {name}">Move to…</summary>
  </details>
</article>
"""
DECISION = (
    '<div class="card-decision"><span class="badge decision-badge-{decision}">{decision_display}</span> '
    '<span class="small muted">{reviewer}{comment}</span></div>'
)


@register.simple_tag(takes_context=True)
def board_card(context, card) -> SafeString:
    """One card as pipelines/board.html drew it: a card with its candidate and `latest_reviews` (newest first);
    the context gives `candidate_prefix` and `menu_url` (views.card_links)."""
    candidate = card.candidate
    last_touch = ""
    if candidate.last_contacted_at:
        last_touch = " · last touch " + escape(date(template_localtime(candidate.last_contacted_at), "j M"))
    decision = ""
    if card.latest_reviews:
        review = card.latest_reviews[0]
        decision = DECISION.format(
            decision=escape(review.decision),
            decision_display=escape(review.get_decision_display()),
            reviewer=escape(display_name(review.reviewer)),
            comment=": " + escape(truncatechars(review.comment, 60)) if review.comment else "",
        )
    name = escape(candidate.full_name)
    return mark_safe(  # every value below is escaped
        CARD.format(
            pk=card.pk,
            version=card.version,
            score=escape(floatformat(candidate.engagement_score, 0)),
            candidate_prefix=escape(context["candidate_prefix"]),
            candidate_id=card.candidate_id,
            name=name,
            seeking=escape(candidate.seeking_status),
            seeking_display=escape(candidate.get_seeking_status_display()),
            title=escape(candidate.title),
            in_stage=escape(days_since(card.entered_stage_at, "in stage")),
            last_touch=last_touch,
            decision=decision,
            menu_url=escape(context["menu_url"]),
        )
    )
