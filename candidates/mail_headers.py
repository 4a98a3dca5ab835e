"""Values for email headers, cleaned once for every email Longlist builds (pipelines' notifications, outreach's
touches): a name typed on the careers page or a profile must never start a new header line (CR/LF) nor carry
other control characters into a subject or a display name."""

import unicodedata
from email.utils import formataddr


def header_text(value: str) -> str:
    """One line of text for a header: control and format characters (CR, LF, tab, ESC, bidi overrides…)
    become spaces, and runs of whitespace one space."""
    kept = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
    return " ".join(kept.split())


def mailbox(name: str, address: str) -> str:
    """``Name <address>`` with the name cleaned and quoted as the header needs (commas, quotes, non-ASCII)."""
    name = header_text(name)
    return formataddr((name, address)) if name else address
