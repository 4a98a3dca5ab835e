"""Signed tokens for the links in outgoing email: unsubscribe, preferences, tracked clicks, the open pixel, booking
a call and managing a booked one, confirming a request for one's data and downloading it.

Each kind has its own salt, so a click token can never be replayed as an unsubscribe token.
"""

from django.core import signing

UNSUBSCRIBE = "outreach.unsubscribe"
PREFERENCES = "outreach.preferences"
CLICK = "outreach.click"
OPEN = "outreach.open"
BOOKING = "outreach.booking"
MEETING = "outreach.meeting"
DATA_CONFIRM = "outreach.data_confirm"
DATA_DOWNLOAD = "outreach.data_download"


def make(kind: str, **payload) -> str:
    return signing.dumps(payload, salt=kind, compress=True)


def read(kind: str, token: str) -> dict:
    """The payload of a valid token; raises signing.BadSignature for anything forged or mangled."""
    return signing.loads(token, salt=kind)
