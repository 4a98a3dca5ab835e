"""A requisition's board at 500 and at 5,000 cards: the first render and one card move, next to SQL floors.

Render: GET of the board page through Django's test client (view, queries, templates) against a floor that
runs the reads the page is made of in raw SQL, each in the cheapest form we know: the signed-in session and its
user, the requisition with its board, the per-stage counts, the first BOARD_COLUMN_PAGE_SIZE cards of each stage
with the fields a card shows (a LATERAL join reading each column's page through the (stage, position) index),
their shortlist decisions, their interview feedback and the owners for the owner filter; then joins the same per-card markup into one
string (f-strings and html.escape). The page around the cards (layout, navigation, filters) and the permission
checks are not in the floor.
Move: services.move_card into the middle of a column, against a floor doing the same work in raw SQL in one
transaction: lock both stages in id order and the card, read the two neighbours' positions, write the card's
row, add the stage change and the timeline entry. Medians and p95 in milliseconds over repeated runs; the
ratio is median / floor median. The move should stay flat from 500 to 5,000 cards.
"""

import os
import random
import sys
import time
from html import escape

from bench.common import median, p95, paired_timings_ms, setup_fresh_database

SIZES = (500, 5000)


def build(cards: int, label: str):
    """A requisition with `cards` cards spread over its stages, positioned as services.add_card would."""
    from django.db import connection

    from candidates.models import Candidate
    from pipelines import services
    from pipelines.models import POSITION_GAP, Card

    requisition = services.create_requisition(title=f"Bench role {label}")
    stages = list(requisition.pipeline.stages.order_by("position"))
    people = Candidate.objects.bulk_create(
        Candidate(first_name=f"P{i}", last_name="Bench", title="Engineer", email=f"b{label}-{i}@example.org")
        for i in range(cards)
    )
    rng = random.Random(7)
    positions = {s.pk: 0 for s in stages}
    rows = []
    for person in people:
        stage = rng.choice(stages)
        rows.append(
            Card(pipeline=requisition.pipeline, candidate=person, stage=stage, position=positions[stage.pk])
        )
        positions[stage.pk] += POSITION_GAP
    Card.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:  # the planner's statistics, as a live database has them
        cursor.execute("ANALYZE")
    return requisition, stages


def floor_render(session_key: str, user_id: int, requisition_id: int, page_size: int) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > now()",
            [session_key],
        )
        cursor.fetchone()
        cursor.execute(
            "SELECT id, username, first_name, last_name, is_active FROM auth_user WHERE id = %s", [user_id]
        )
        cursor.fetchone()
        cursor.execute(
            "SELECT r.id, r.title, r.status, p.id, p.name FROM pipelines_requisition r JOIN pipelines_pipeline p "
            "ON p.requisition_id = r.id WHERE r.id = %s",
            [requisition_id],
        )
        pipeline_id = cursor.fetchone()[3]
        cursor.execute(
            "SELECT s.id, s.name, s.is_shortlist, COUNT(c.id) FROM pipelines_stage s LEFT JOIN pipelines_card c "
            "ON c.stage_id = s.id AND c.status = 'active' WHERE s.pipeline_id = %s GROUP BY s.id ORDER BY s.position",
            [pipeline_id],
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT c.id, c.stage_id, c.version, c.entered_stage_at, c.candidate_id, p.first_name, p.last_name, "
            "p.title, p.seeking_status, p.engagement_score, p.last_contacted_at FROM pipelines_stage s CROSS JOIN "
            "LATERAL (SELECT * FROM pipelines_card c WHERE c.stage_id = s.id AND c.status = 'active' "
            "ORDER BY c.position, c.id LIMIT %s) c JOIN candidates_candidate p ON p.id = c.candidate_id "
            "WHERE s.pipeline_id = %s ORDER BY s.position, c.position, c.id",
            [page_size, pipeline_id],
        )
        cards = cursor.fetchall()
        cursor.execute(
            "SELECT r.card_id, r.decision, r.comment, u.first_name, u.last_name, u.username FROM "
            "pipelines_shortlistreview r JOIN auth_user u ON u.id = r.reviewer_id WHERE r.card_id = ANY(%s) "
            "ORDER BY r.created_at DESC",
            [[card[0] for card in cards]],
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT card_id, recommendation FROM pipelines_feedback WHERE card_id = ANY(%s) ORDER BY created_at, id",
            [[card[0] for card in cards]],
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT u.id, u.first_name, u.last_name, u.username FROM auth_user u WHERE EXISTS (SELECT 1 FROM "
            "pipelines_card c JOIN candidates_candidate p ON p.id = c.candidate_id WHERE p.owner_id = u.id AND "
            "c.pipeline_id = %s) ORDER BY u.first_name",
            [pipeline_id],
        )
        cursor.fetchall()
    return "".join(
        f'<article class="board-card" id="card-{pk}" data-card="{pk}" data-version="{version}">'
        f'<span class="engagement">{round(score)}</span><a class="name" href="/candidates/{candidate}/">'
        f'{escape(first)} {escape(last)}</a><div class="meta"><span class="badge badge-{seeking}">{seeking}</span>'
        f'<span class="truncate">{escape(title)}</span></div><div class="card-facts faint">{entered:%d %b}'
        f'{f" · last touch {contacted:%d %b}" if contacted else ""}</div><details class="card-menu" '
        f'hx-get="/cards/menu/?card={pk}&amp;version={version}"><summary aria-label="Move or turn down '
        f'{escape(first)} {escape(last)}">Move to…</summary></details></article>'
        for pk, _, version, entered, candidate, first, last, title, seeking, score, contacted in cards
    )


def floor_move(card_id: int, from_stage: int, to_stage: int, index: int):
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM pipelines_stage WHERE id IN (%s, %s) ORDER BY id FOR UPDATE",
            [from_stage, to_stage],
        )
        cursor.execute("SELECT version FROM pipelines_card WHERE id = %s FOR UPDATE", [card_id])
        (version,) = cursor.fetchone()
        cursor.execute(
            "SELECT position FROM pipelines_card WHERE stage_id = %s AND status = 'active' AND id <> %s "
            "ORDER BY position, id OFFSET %s LIMIT 2",
            [to_stage, card_id, max(0, index - 1)],
        )
        neighbours = [row[0] for row in cursor.fetchall()] or [0, 2]
        position = (neighbours[0] + neighbours[-1]) // 2
        cursor.execute(
            "UPDATE pipelines_card SET stage_id = %s, position = %s, version = %s, entered_stage_at = now() "
            "WHERE id = %s",
            [to_stage, position, version + 1, card_id],
        )
        cursor.execute(
            "INSERT INTO pipelines_stagechange (card_id, from_stage_id, to_stage_id, moved_at) "
            "VALUES (%s, %s, %s, now())",
            [card_id, from_stage, to_stage],
        )
        cursor.execute(
            "INSERT INTO candidates_activity (candidate_id, kind, summary, body, data, created_at) "
            "SELECT candidate_id, 'stage_move', 'Bench: moved', '', '{}', now() FROM pipelines_card WHERE id = %s",
            [card_id],
        )


def measure(cards: int, recruiter) -> list[tuple[str, list[float], list[float]]]:
    from django.test import Client

    from pipelines import selectors, services
    from pipelines.models import Card

    requisition, stages = build(cards, str(cards))
    client = Client()
    client.force_login(recruiter)
    url = f"/requisitions/{requisition.pk}/board/"
    assert client.get(url).status_code == 200
    page_size = selectors.column_page_size()
    session_key = client.session.session_key
    render, render_floor = paired_timings_ms(
        lambda: client.get(url),
        lambda: floor_render(session_key, recruiter.pk, requisition.pk, page_size),
        repeat=60,
    )

    rng = random.Random(11)
    middle = {
        s.pk: Card.objects.filter(stage=s).count() // 2 for s in stages
    }  # about the middle: sizes drift

    def service(card, target, index):
        services.move_card(card=card, to_stage=target, position=index, expected_version=card.version)

    def floor(card, target, index):
        floor_move(card.pk, card.stage_id, target.pk, index)

    ids = list(Card.objects.filter(pipeline=requisition.pipeline).values_list("pk", flat=True))
    move: list[float] = []
    move_floor: list[float] = []
    for turn in range(64):  # in turns, on a random card loaded beforehand as the move view loads it
        run, result = (service, move) if turn % 2 == 0 else (floor, move_floor)
        card, target = selectors.get_card_for_user(recruiter, rng.choice(ids)), rng.choice(stages)
        start = time.perf_counter()
        run(card, target, middle[target.pk])
        result.append((time.perf_counter() - start) * 1000)
    move, move_floor = move[2:], move_floor[2:]  # the first two of each warm up
    return [("board render", render, render_floor), ("card move", move, move_floor)]


def main() -> int:
    try:
        setup_fresh_database()
    except Exception as error:
        print(f"skipped: {error}".splitlines()[0])
        return 0
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from tests.factories import RecruiterFactory

    if connection.vendor != "postgresql":
        print("skipped: the floors are PostgreSQL SQL")
        return 0
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    recruiter = RecruiterFactory(username="bench-recruiter")
    print(
        f"database: {connection.vendor}; 7 stages; first paint {settings.BOARD_COLUMN_PAGE_SIZE} cards a column"
    )
    print(f"{'':22} {'median ms':>10} {'p95 ms':>8} {'floor median':>13} {'ratio':>6}")
    for cards in SIZES:
        for label, values, floor in measure(cards, recruiter):
            print(
                f"{label + f', {cards:,} cards':22} {median(values):>10.1f} {p95(values):>8.1f} "
                f"{median(floor):>13.1f} {median(values) / median(floor):>6.1f}"
            )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruiting.settings")
    sys.exit(main())
