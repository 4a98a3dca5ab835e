from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def display_name(user, empty="—"):
    """A user's full name, else their username; `empty` when there is no user."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()


@register.filter
def days_since(moment, suffix=""):
    """A short age: "1 day", "12 days" (then the suffix), or "new" for less than a day."""
    if not moment:
        return ""
    days = (timezone.now() - moment).days
    if days <= 0:
        return "New"
    return f"{days} day{'s' if days != 1 else ''} {suffix}".strip()
