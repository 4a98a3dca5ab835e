"""The small message-template language of sequence steps.

    Hi {{ first_name | "there" }}, I saw your work at {{ company }}…
    Read [how our platform team works](https://example.com/platform){platform, kubernetes}

- `{{ name }}` inserts a known value; `{{ name | "fallback" }}` uses the fallback when the value is empty.
- `[text](https://…){topic, topic}` is a link; the dispatcher turns every link into a signed tracked
  redirect, and the topics in braces (optional) become the candidate's interests when they click.

Nothing else is evaluated: this is never a Django template, so user-written text cannot run code.
"""

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

PLACEHOLDERS = {
    "first_name": "The candidate's first name",
    "last_name": "The candidate's last name",
    "full_name": "The candidate's full name",
    "company": "The candidate's current company",
    "title": "The candidate's current title",
    "city": "The candidate's city",
    "sender_name": "The sender's full name",
    "sender_first_name": "The sender's first name",
    "booking_link": "A link where the candidate books a call (the default meeting type, or the one chosen)",
}

_TAG = re.compile(r"\{\{(?P<inner>.*?)\}\}", re.DOTALL)
_INNER = re.compile(r'^\s*(?P<name>[a-z_][a-z0-9_]*)\s*(?:\|\s*"(?P<fallback>[^"{}]*)"\s*)?$')
_LINK = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<url>https?://[^\s)]+)\)(?:\{(?P<topics>[^}\n]*)\})?")
_TOPIC = re.compile(r"^[a-z0-9][a-z0-9 _-]{0,39}$")


class TemplateError(ValueError):
    """A message template that cannot be used; the message names what is wrong."""


@dataclass(frozen=True)
class Link:
    text: str
    url: str
    topics: tuple[str, ...]


def validate(template: str) -> None:
    """Raise TemplateError naming every unknown or malformed placeholder and bad link."""
    unknown, malformed = [], []
    for match in _TAG.finditer(template):
        inner = _INNER.match(match["inner"])
        if inner is None:
            malformed.append(match.group(0))
        elif inner["name"] not in PLACEHOLDERS:
            unknown.append(match.group(0))
    stripped = _TAG.sub("", template)
    if "{{" in stripped or "}}" in stripped:
        malformed.append("an unclosed {{ or a stray }}")
    if "{%" in template:
        malformed.append("{% … %} (template tags are not allowed)")
    problems = []
    if unknown:
        problems.append(
            f"Unknown placeholder{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"Use one of: {', '.join('{{ ' + n + ' }}' for n in PLACEHOLDERS)}."
        )
    if malformed:
        problems.append(f"Malformed: {', '.join(malformed)}.")
    for link in links(template):
        bad = [t for t in link.topics if not _TOPIC.match(t)]
        if bad:
            problems.append(f"Link topics must be short lowercase words: {', '.join(bad)}.")
        if "{" in link.url:
            problems.append(f"A link address cannot contain placeholders: {link.url}.")
    if problems:
        raise TemplateError(" ".join(problems))


def links(template: str) -> list[Link]:
    return [segment for segment in _segments(template) if isinstance(segment, Link)]


def _segments(template: str) -> list[str | Link]:
    """Split a template into text and links, before any value is inserted (so values never become links)."""
    segments: list[str | Link] = []
    position = 0
    for match in _LINK.finditer(template):
        segments.append(template[position : match.start()])
        topics = tuple(t.strip() for t in (match["topics"] or "").split(",") if t.strip())
        segments.append(Link(text=match["text"], url=match["url"], topics=topics))
        position = match.end()
    segments.append(template[position:])
    return segments


def _fill(text: str, values: Mapping[str, str]) -> str:
    def replace(match: re.Match) -> str:
        inner = _INNER.match(match["inner"])
        if inner is None or inner["name"] not in PLACEHOLDERS:
            raise TemplateError(f"Cannot render {match.group(0)}.")
        return values.get(inner["name"], "") or (inner["fallback"] or "")

    return _TAG.sub(replace, text)


def plain(text: str) -> str:
    """A value written into a message body, which the outbox reads in the placeholder syntax: no brace pairs."""
    return text.replace("{{", "{ {").replace("}}", "} }").replace("](", "] (")


LinkUrl = Callable[[Link], str]


def render_text(template: str, values: Mapping[str, str], link_url: LinkUrl | None = None) -> str:
    """Plain text: links become `text (url)`, the url from link_url (the tracked redirect) when given."""
    out = []
    for segment in _segments(template):
        if isinstance(segment, Link):
            out.append(f"{_fill(segment.text, values)} ({link_url(segment) if link_url else segment.url})")
        else:
            out.append(_fill(segment, values))
    return "".join(out)


def render_html(template: str, values: Mapping[str, str], link_url: LinkUrl | None = None) -> str:
    """HTML: all text and values escaped, paragraphs from blank lines, links as anchors."""
    out = []
    for segment in _segments(template):
        if isinstance(segment, Link):
            url = link_url(segment) if link_url else segment.url
            out.append(f'<a href="{html.escape(url)}">{html.escape(_fill(segment.text, values))}</a>')
        else:
            out.append(html.escape(_fill(segment, values)))
    body = "".join(out)
    paragraphs = [p.strip().replace("\n", "<br>\n") for p in re.split(r"\n\s*\n", body) if p.strip()]
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)
