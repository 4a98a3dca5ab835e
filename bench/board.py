"""A requisition with 5,000 cards: the board's first render and one card move, next to SQL floors.

Render: GET of the board page through Django's test client (view, queries, templates) against a floor that
fetches the same first 50 cards per stage with their candidates and the per-stage counts in raw SQL.
Move: services.move_card into the middle of a column, against a floor that renumbers that column with one
raw UPDATE. Medians and p95 in milliseconds over repeated runs; the ratio is median / floor median.
"""

import os
import random
import sys

from bench.common import median, p95, setup_fresh_database, timings_ms

CARDS = 5000


def build():
    from candidates.models import Candidate
    from pipelines import services
    from pipelines.models import Card
    from tests.factories import RecruiterFactory

    recruiter = RecruiterFactory(username="bench-recruiter")
    requisition = services.create_requisition(title="Bench role", recruiter=recruiter)
    stages = list(requisition.pipeline.stages.order_by("position"))
    people = Candidate.objects.bulk_create(
        Candidate(first_name=f"P{i}", last_name="Bench", title="Engineer", email=f"b{i}@example.org")
        for i in range(CARDS)
    )
    rng = random.Random(7)
    positions = {s.pk: 0 for s in stages}
    cards = []
    for person in people:
        stage = rng.choice(stages)
        cards.append(
            Card(pipeline=requisition.pipeline, candidate=person, stage=stage, position=positions[stage.pk])
        )
        positions[stage.pk] += 1
    Card.objects.bulk_create(cards, batch_size=1000)
    return recruiter, requisition, stages


def floor_render(pipeline_id: int):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, s.name, COUNT(c.id) FROM pipelines_stage s LEFT JOIN pipelines_card c "
            "ON c.stage_id = s.id AND c.status = 'active' WHERE s.pipeline_id = %s GROUP BY s.id, s.name",
            [pipeline_id],
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT * FROM (SELECT c.id, c.stage_id, c.position, c.version, p.first_name, p.last_name, p.title, "
            "p.seeking_status, p.engagement_score, ROW_NUMBER() OVER (PARTITION BY c.stage_id ORDER BY c.position, "
            "c.id) AS rank FROM pipelines_card c JOIN candidates_candidate p ON p.id = c.candidate_id "
            "WHERE c.pipeline_id = %s AND c.status = 'active') ranked WHERE rank <= 50",
            [pipeline_id],
        )
        cursor.fetchall()


def floor_move(stage_id: int):
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE pipelines_card SET position = position WHERE stage_id = %s", [stage_id])


def main() -> int:
    try:
        setup_fresh_database()
    except Exception as error:
        print(f"skipped: {error}".splitlines()[0])
        return 0
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from pipelines import services
    from pipelines.models import Card

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    recruiter, requisition, stages = build()
    client = Client()
    client.force_login(recruiter)
    url = f"/requisitions/{requisition.pk}/board/"
    assert client.get(url).status_code == 200

    render = timings_ms(lambda: client.get(url), repeat=20)
    render_floor = timings_ms(lambda: floor_render(requisition.pipeline.pk), repeat=20)

    rng = random.Random(11)

    def one_move():
        card = Card.objects.filter(pipeline=requisition.pipeline).order_by("?").first()
        target = rng.choice(stages)
        size = Card.objects.filter(stage=target).count()
        services.move_card(card=card, to_stage=target, position=size // 2, expected_version=card.version)

    move = timings_ms(one_move, repeat=30)
    move_floor = timings_ms(lambda: floor_move(rng.choice(stages).pk), repeat=30)

    print(f"database: {connection.vendor}; {CARDS:,} cards on {len(stages)} stages")
    print(f"{'':16} {'median ms':>10} {'p95 ms':>8} {'floor median':>13} {'ratio':>6}")
    for label, values, floor in (("board render", render, render_floor), ("card move", move, move_floor)):
        print(
            f"{label:16} {median(values):>10.1f} {p95(values):>8.1f} {median(floor):>13.1f} "
            f"{median(values) / median(floor):>6.1f}"
        )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruiting.settings")
    sys.exit(main())
