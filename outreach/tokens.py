"""Signed tokens for the links in outgoing email: unsubscribe, preferences, tracked clicks, the open pixel, booking
a call and managing a booked one.

Each kind has its own salt, so a click token can never be replayed as an unsubscribe token.
"""

from django.core import signing

UNSUBSCRIBE = "outreach.unsubscribe"
PREFERENCES = "outreach.preferences"
CLICK = "outreach.click"
OPEN = "outreach.open"
BOOKING = "outreach.booking"
MEETING = "outreach.meeting"


def make(kind: str, **payload) -> str:
    return signing.dumps(payload, salt=kind, compress=True)


def read(kind: str, token: str) -> dict:
    """The payload of a valid token; raises signing.BadSignature for anything forged or mangled."""
    return signing.loads(token, salt=kind)
