"""The engagement score, interests and scanner detection, all computed from EngagementEvent rows.

**Score** (0-100, `Candidate.engagement_score`): each event adds its weight, halved every
`HALF_LIFE_DAYS` (30) days since it happened, and the sum is capped to 0-100:

| event | weight |
| --- | --- |
| replied | 40 |
| connected (LinkedIn) | 25 |
| clicked | 10 for each distinct link clicked on a given day (clicking the same link again that day adds nothing) |
| opened | 1, once per email (mail privacy proxies open everything, so an open is worth almost nothing) |
| bounced | -20 |
| sent | 0 |
| unsubscribed | the score is 0 from then on, whatever else happened |

So a reply today scores 40, the same reply 30 days ago 20, 60 days ago 10.

**Interests** (`Candidate.interests`, most engaged first, at most `MAX_INTERESTS`): every topic of a human
click weighs 1 (once per link and day, as for the score), halved every 30 days like the score; a topic the candidate chose in the preference centre
(`Candidate.topics`) weighs `CHOSEN_TOPIC_WEIGHT` (2) for as long as it stays chosen.

**Scanners**: security scanners and mail privacy proxies fetch every link of a message within seconds of
delivery. A click is a scanner's when it comes less than `SCANNER_SECONDS` (10) after the email was sent, or
when a different link of the same email was clicked less than `BURST_SECONDS` (2) before it (a person does
not click two links within two seconds); the earlier clicks of such a burst are marked too. Scanner clicks
are stored with `data={"scanner": True}` and count for nothing: not the score, not interests, not reports.

Opens and clicks never drive sequence logic: only replies, LinkedIn outcomes and unsubscribes stop a
sequence. The score is recomputed for a candidate whenever an event is recorded, and for everyone daily by
`outreach.tasks.refresh_engagement_scores` so that decay shows.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from candidates.models import Candidate

from .models import EngagementEvent, Touch

HALF_LIFE_DAYS = 30
WEIGHTS = {"replied": 40.0, "connected": 25.0, "clicked": 10.0, "opened": 1.0, "bounced": -20.0}
CHOSEN_TOPIC_WEIGHT = 2.0
MAX_INTERESTS = 10
SCANNER_SECONDS = 10
BURST_SECONDS = 2
REFRESH_BATCH = 500

SCORED_KINDS = [*WEIGHTS, "unsubscribed"]


def decay(occurred_at: datetime, now: datetime) -> float:
    """The share of an event's weight left after its age: 1 now, 0.5 after one half-life, never above 1."""
    age_days = max((now - occurred_at).total_seconds(), 0) / 86400
    return 0.5 ** (age_days / HALF_LIFE_DAYS)


def is_scanner(event: EngagementEvent) -> bool:
    return bool(event.data and event.data.get("scanner"))


def contributions(events: Iterable[EngagementEvent], now: datetime) -> list[tuple[EngagementEvent, float]]:
    """What each event adds to the score now, after decay (see the module docstring), in the order given: 0 for
    what counts for nothing (a send, a scanner's click, a second open of one email, a second click on one link
    the same day), and 0 for everything once the person unsubscribed."""
    events = list(events)
    if any(event.kind == "unsubscribed" and not is_scanner(event) for event in events):
        return [(event, 0.0) for event in events]
    clicked: set[tuple[str, object]] = set()
    opened: set[int | None] = set()
    worth = []
    for event in sorted(events, key=lambda e: (e.occurred_at, e.pk or 0)):
        points = WEIGHTS.get(event.kind, 0.0) * decay(event.occurred_at, now)
        if is_scanner(event):
            points = 0.0
        elif event.kind == "clicked":
            key = (event.url, event.occurred_at.date())
            points = 0.0 if key in clicked else points
            clicked.add(key)
        elif event.kind == "opened":
            points = 0.0 if event.touch_id in opened else points
            opened.add(event.touch_id)
        worth.append((event, points))
    by_event = {id(event): points for event, points in worth}
    return [(event, by_event[id(event)]) for event in events]


def score(events: Iterable[EngagementEvent], now: datetime) -> float:
    """The engagement score of one person's events (see the module docstring): their contributions, summed
    and held to 0-100."""
    total = sum(points for _, points in contributions(events, now))
    return round(min(max(total, 0.0), 100.0), 1)


def interests(events: Iterable[EngagementEvent], chosen: Iterable[str], now: datetime) -> list[str]:
    """Topics of human clicks and chosen topics, most engaged first (see the module docstring)."""
    weights: dict[str, float] = defaultdict(float)
    clicked: set[tuple[str, object]] = set()
    for event in events:
        if event.kind != "clicked" or is_scanner(event) or not event.topic:
            continue
        key = (event.url, event.occurred_at.date())
        if key in clicked:
            continue
        clicked.add(key)
        for topic in event.topic.split(","):
            if topic.strip():
                weights[topic.strip()] += decay(event.occurred_at, now)
    for topic in chosen:
        weights[topic] += CHOSEN_TOPIC_WEIGHT
    ranked = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return [topic for topic, _ in ranked[:MAX_INTERESTS]]


def _scored_events(candidate_ids: list[int]) -> dict[int, list[EngagementEvent]]:
    by_candidate: dict[int, list[EngagementEvent]] = {pk: [] for pk in candidate_ids}
    events = EngagementEvent.objects.filter(candidate_id__in=candidate_ids, kind__in=SCORED_KINDS).only(
        "candidate_id", "touch_id", "kind", "topic", "url", "occurred_at", "data"
    )
    for event in events:
        by_candidate[event.candidate_id].append(event)
    return by_candidate


def refresh_candidates(candidate_ids: list[int], now: datetime | None = None) -> None:
    """Recompute the score and interests of these people and save them (one read, one bulk write)."""
    now = now or timezone.now()
    events = _scored_events(candidate_ids)
    people = list(Candidate.objects.filter(pk__in=candidate_ids).only("pk", "topics"))
    for person in people:
        person.engagement_score = score(events[person.pk], now)
        person.interests = interests(events[person.pk], person.topics or [], now)
    Candidate.objects.bulk_update(people, ["engagement_score", "interests"])


def refresh_candidate(candidate: Candidate, now: datetime | None = None) -> None:
    refresh_candidates([candidate.pk], now=now)
    candidate.refresh_from_db(fields=["engagement_score", "interests"])


def refresh_all(now: datetime | None = None, batch_size: int = REFRESH_BATCH) -> int:
    """Recompute everyone who has a score, interests or scored events, in batches by id; returns how many.

    Idempotent (each value is computed from the events), so two workers running it at once do no harm.
    """
    now = now or timezone.now()
    with_events = EngagementEvent.objects.filter(kind__in=SCORED_KINDS).values("candidate_id")
    people = Candidate.objects.filter(
        Q(engagement_score__gt=0) | ~Q(interests=[]) | ~Q(topics=[]) | Q(pk__in=with_events)
    )
    done, last = 0, 0
    while True:
        ids = list(people.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return done
        with transaction.atomic():
            refresh_candidates(ids, now=now)
        done += len(ids)
        last = ids[-1]


@transaction.atomic
def record_click(
    *, touch: Touch, url: str, topics: list[str], now: datetime | None = None
) -> EngagementEvent:
    """Store a click on a tracked link; a scanner's click (see the module docstring) is stored marked."""
    now = now or timezone.now()
    early = touch.sent_at is not None and now - touch.sent_at < timedelta(seconds=SCANNER_SECONDS)
    burst = EngagementEvent.objects.filter(
        touch=touch,
        kind="clicked",
        occurred_at__gte=now - timedelta(seconds=BURST_SECONDS),
        occurred_at__lte=now,
    ).exclude(url=url[:500])
    scanner = early or burst.exists()
    if burst.exists():
        burst.update(data={"scanner": True})
    event = EngagementEvent.objects.create(
        candidate_id=touch.candidate_id,
        touch=touch,
        kind="clicked",
        url=url[:500],
        topic=",".join(topics)[:60],
        occurred_at=now,
        data={"scanner": True} if scanner else {},
    )
    refresh_candidates([touch.candidate_id], now=now)
    return event


@transaction.atomic
def record_open(*, touch: Touch, now: datetime | None = None) -> EngagementEvent:
    now = now or timezone.now()
    event = EngagementEvent.objects.create(
        candidate_id=touch.candidate_id, touch=touch, kind="opened", occurred_at=now
    )
    refresh_candidates([touch.candidate_id], now=now)
    return event
