"""The panels outreach contributes to the candidate profile: engagement, and the conversation."""

from django import template
from django.utils import timezone

from .. import selectors
from ..models import Topic

register = template.Library()


@register.inclusion_tag("outreach/_engagement.html", takes_context=True)
def engagement_panel(context, candidate):
    """Score (as of now), interests, chosen preferences and what each event adds to the score now; "Log reply"
    for the recruiting team."""
    user = context["request"].user
    names = Topic.names({*candidate.interests, *(candidate.topics or [])})
    return {
        "candidate": candidate,
        "interests": [names[tag] for tag in candidate.interests],
        "chosen_topics": [names[tag] for tag in candidate.topics or []],
        "engagement": selectors.engagement_explained(candidate, timezone.now()),
        "can_log_reply": user.has_perm("outreach.add_reply"),
    }


@register.inclusion_tag("outreach/_conversation.html", takes_context=True)
def conversation_panel(context, candidate):
    """Emails both ways grouped by thread, newest thread first; an auto-reply's return date offered as a
    snooze."""
    user = context["request"].user
    return {
        "candidate": candidate,
        "threads": selectors.conversation(candidate),
        "snooze_offer": selectors.snooze_offer(candidate, timezone.localdate())
        if user.has_perm("outreach.change_reply")
        else None,
        "csrf_token": context.get("csrf_token"),
    }
