import threading

import pytest
from django.db import connection

from pipelines import services
from pipelines.models import Card, StageChange
from tests.factories import CandidateFactory, RequisitionFactory, stage_named


def column(stage):
    return list(
        Card.objects.filter(stage=stage).order_by("position").values_list("candidate__first_name", "position")
    )


@pytest.fixture
def board(db):
    requisition = RequisitionFactory()
    sourced, screen = stage_named(requisition, "Sourced"), stage_named(requisition, "Screen")
    cards = {}
    for name in ["Ada", "Grace", "Linus"]:
        cards[name] = services.add_card(
            pipeline=requisition.pipeline, candidate=CandidateFactory(first_name=name)
        )
    cards["Hedy"] = services.add_card(
        pipeline=requisition.pipeline, candidate=CandidateFactory(first_name="Hedy"), stage=screen
    )
    return requisition, sourced, screen, cards


def test_move_to_another_column_renumbers_both_and_records_history(board, recruiter):
    _requisition, sourced, screen, cards = board
    grace = cards["Grace"]
    changed = services.move_card(card=grace, to_stage=screen, position=0, expected_version=1, by=recruiter)
    assert changed == {sourced.pk, screen.pk}
    assert column(sourced) == [("Ada", 0), ("Linus", 1)]
    assert column(screen) == [("Grace", 0), ("Hedy", 1)]
    grace.refresh_from_db()
    assert grace.version == 2
    assert StageChange.objects.filter(card=grace, from_stage=sourced, to_stage=screen).exists()
    assert grace.candidate.activities.filter(summary__contains="Sourced → Screen").exists()


def test_reorder_within_a_column(board):
    _, sourced, _, cards = board
    services.move_card(card=cards["Linus"], to_stage=sourced, position=0, expected_version=1)
    assert column(sourced) == [("Linus", 0), ("Ada", 1), ("Grace", 2)]
    assert not StageChange.objects.filter(card=cards["Linus"], from_stage__isnull=False).exists()


def test_position_past_the_end_goes_last(board):
    _, _sourced, screen, cards = board
    services.move_card(card=cards["Ada"], to_stage=screen, position=99, expected_version=1)
    assert column(screen) == [("Hedy", 0), ("Ada", 1)]


def test_a_stale_move_is_refused(board):
    _, sourced, screen, cards = board
    ada = cards["Ada"]
    services.move_card(card=ada, to_stage=screen, position=0, expected_version=1)
    with pytest.raises(services.StaleCard):
        services.move_card(card=ada, to_stage=sourced, position=0, expected_version=1)
    assert column(screen) == [("Ada", 0), ("Hedy", 1)]


def test_a_card_cannot_move_to_another_board(board):
    _, _, _, cards = board
    other = RequisitionFactory()
    with pytest.raises(ValueError):
        services.move_card(
            card=cards["Ada"], to_stage=stage_named(other, "Screen"), position=0, expected_version=1
        )


@pytest.mark.django_db(transaction=True)
def test_simultaneous_moves_into_one_column_keep_a_clean_order():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks between concurrent transactions are a PostgreSQL matter.")
    from django.db import connections

    requisition = RequisitionFactory()
    sourced, screen = stage_named(requisition, "Sourced"), stage_named(requisition, "Screen")
    cards = [
        services.add_card(pipeline=requisition.pipeline, candidate=CandidateFactory(first_name=f"P{i}"))
        for i in range(12)
    ]
    barrier = threading.Barrier(4)
    errors = []

    def mover(chunk):
        try:
            barrier.wait()
            for card in chunk:
                services.move_card(card=card, to_stage=screen, position=0, expected_version=card.version)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=mover, args=(cards[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [p for _, p in column(screen)] == list(range(12))
    assert column(sourced) == []


def test_moving_into_hired_is_one_clear_timeline_entry_and_the_card_stays_in_process(board, recruiter):
    requisition, _, screen, cards = board
    hedy, hired = cards["Hedy"], stage_named(requisition, "Hired")
    services.move_card(card=hedy, to_stage=hired, position=0, expected_version=1, by=recruiter)

    hedy.refresh_from_db()
    assert (hedy.stage, hedy.status) == (hired, Card.Status.ACTIVE)
    assert list(Card.objects.hired()) == [hedy]
    moves = hedy.candidate.activities.filter(data__card_id=hedy.pk).exclude(summary__startswith="Added")
    assert list(moves.values_list("summary", "data__hired", "actor")) == [
        (f"Hired for {requisition.title} (Screen → Hired)", True, recruiter.pk)
    ]
    assert requisition.pipeline.requisition.status == "open"  # the role's status is left to the recruiter

    services.move_card(card=hedy, to_stage=screen, position=0, expected_version=2, by=recruiter)
    assert not Card.objects.hired().exists()
    assert moves.first().summary == f"{requisition.title}: Hired → Screen"
