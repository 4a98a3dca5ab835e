"""Canonical forms of the identifiers that dedup relies on."""

import re
from urllib.parse import urlsplit

from django.utils.translation import gettext

_LINKEDIN_PROFILE = re.compile(r"^/in/(?P<slug>[^/?#]+)/?$")


def normalize_email(value: str) -> str:
    return (value or "").strip().lower()


def normalize_linkedin_url(value: str) -> str:
    """Return ``https://www.linkedin.com/in/<slug>`` for any form of a LinkedIn profile URL, or ''.

    Raises ValueError when the value is not a LinkedIn profile URL.
    """
    value = (value or "").strip()
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        raise ValueError(gettext("Not a LinkedIn address."))
    match = _LINKEDIN_PROFILE.match(parts.path)
    if not match:
        raise ValueError(gettext("A LinkedIn profile address looks like linkedin.com/in/<name>."))
    return f"https://www.linkedin.com/in/{match['slug'].lower()}"
