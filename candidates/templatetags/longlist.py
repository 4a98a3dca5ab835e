from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext

register = template.Library()


@register.filter
def display_name(user, empty="—"):
    """A user's full name, else their username; `empty` when there is no user."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()


@register.filter
def names_and(users):
    """People's names as one phrase in the active language: "Ana, Ben and Carla", "Ana, Ben und Carla"."""
    return get_text_list([display_name(user) for user in users], gettext("and"))


@register.filter
def days_since(moment, suffix=""):
    """A short age: "1 day", "12 days" (then the suffix), or "new" for less than a day."""
    if not moment:
        return ""
    days = (timezone.now() - moment).days
    if days <= 0:
        return "New"
    return f"{days} day{'s' if days != 1 else ''} {suffix}".strip()


@register.filter
def short_date(moment):
    """A short date, "4 Dec", with the year when it is not this year's: "4 Dec 2025" (in the local time)."""
    if not moment:
        return ""
    day = timezone.localtime(moment).date() if isinstance(moment, datetime) else moment
    return date_format(day, "j M" if day.year == timezone.localdate().year else "j M Y")
