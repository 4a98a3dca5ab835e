"""The engagement panel that outreach contributes to the candidate profile."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("outreach/_engagement.html", takes_context=True)
def engagement_panel(context, candidate):
    """Score, interests, chosen preferences and the latest engagement; "Log reply" for the recruiting team."""
    user = context["request"].user
    return {
        "candidate": candidate,
        "events": selectors.engagement_history(candidate),
        "can_log_reply": user.has_perm("outreach.add_reply"),
    }
