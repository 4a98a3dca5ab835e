"""The engagement panel that outreach contributes to the candidate profile."""

from django import template
from django.utils import timezone

from .. import selectors

register = template.Library()


@register.inclusion_tag("outreach/_engagement.html", takes_context=True)
def engagement_panel(context, candidate):
    """Score (as of now), interests, chosen preferences and what each event adds to the score now; "Log reply"
    for the recruiting team."""
    user = context["request"].user
    return {
        "candidate": candidate,
        "engagement": selectors.engagement_explained(candidate, timezone.now()),
        "can_log_reply": user.has_perm("outreach.add_reply"),
    }
