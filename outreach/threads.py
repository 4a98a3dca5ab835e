"""The conversation with one person as threads: the emails we sent and the replies they wrote, joined by their
Message-ID, In-Reply-To and References headers (and by the touch a reply was matched to), newest thread first,
each message's quoted history set apart so that the page can fold it. Pure functions over plain rows."""

import re
from dataclasses import dataclass, field
from datetime import datetime

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# Where a reply's quoted history starts: "> …" lines, "On … wrote:", "Am … schrieb …:", "Le … a écrit :",
# Outlook's "-----Original Message-----" or its "From: …" header block.
_QUOTE_START = re.compile(
    r"^(>|On .{4,200}wrote:\s*$|Am .{4,200}schrieb.{0,200}:\s*$|Le .{4,200}a écrit\s*:\s*$|"
    r"-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}|"
    r"(From|Von|De)\s*:\s.+$)",
    re.IGNORECASE,
)


@dataclass
class Message:
    key: str  # its Message-ID (or a stand-in when it has none)
    outgoing: bool
    at: datetime
    sender: str
    subject: str
    body: str
    parents: list[str] = field(default_factory=list)  # In-Reply-To, References, the touch it answers
    quoted: str = ""


@dataclass
class Thread:
    subject: str
    messages: list[Message]

    @property
    def latest(self) -> datetime:
        return self.messages[-1].at

    @property
    def key(self) -> str:
        return self.messages[0].key


def split_quoted(body: str) -> tuple[str, str]:
    """(what the person wrote, the history they quoted below it)."""
    lines = body.splitlines()
    for index, line in enumerate(lines):
        if index and _QUOTE_START.match(line.strip()):
            return "\n".join(lines[:index]).rstrip(), "\n".join(lines[index:]).strip()
    return body.strip(), ""


def ids_in(*headers: str) -> list[str]:
    return [found for header in headers for found in _MESSAGE_ID.findall(header or "")]


def threads(messages: list[Message]) -> list[Thread]:
    """Group messages into threads (a message joins the thread of any message it names), oldest message
    first in each thread, the thread with the latest message first."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for message in messages:
        for other in message.parents:
            parent[root(message.key)] = root(other)
    grouped: dict[str, list[Message]] = {}
    for message in sorted(messages, key=lambda m: (m.at, m.key)):
        grouped.setdefault(root(message.key), []).append(message)
    found = [Thread(subject=group[0].subject, messages=group) for group in grouped.values()]
    return sorted(found, key=lambda thread: (thread.latest, thread.key), reverse=True)
