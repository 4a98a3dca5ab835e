import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pipelines import services
from pipelines.models import Card, StageChange
from tests.factories import CandidateFactory, RequisitionFactory, stage_named


def column(stage):
    """The names in a column, top to bottom; their positions must be strictly increasing (no two share one)."""
    rows = list(
        Card.objects.filter(stage=stage, status=Card.Status.ACTIVE)
        .order_by("position", "pk")
        .values_list("candidate__first_name", "position")
    )
    positions = [position for _, position in rows]
    assert positions == sorted(set(positions)), positions
    return [name for name, _ in rows]


def card_updates(queries):
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and '"pipelines_card"' in q["sql"]]


def run_at_once(moves):
    """Run each function in a thread of its own, started together; the errors they raised."""
    from django.db import connections

    barrier = threading.Barrier(len(moves))
    errors = []

    def run(move):
        try:
            barrier.wait()
            move()
        except Exception as error:  # collected and asserted by the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(move,)) for move in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


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
    assert column(sourced) == ["Ada", "Linus"]
    assert column(screen) == ["Grace", "Hedy"]
    grace.refresh_from_db()
    assert grace.version == 2
    assert StageChange.objects.filter(card=grace, from_stage=sourced, to_stage=screen).exists()
    assert grace.candidate.activities.filter(summary__contains="Sourced → Screen").exists()


def test_reorder_within_a_column(board):
    _, sourced, _, cards = board
    services.move_card(card=cards["Linus"], to_stage=sourced, position=0, expected_version=1)
    assert column(sourced) == ["Linus", "Ada", "Grace"]
    assert not StageChange.objects.filter(card=cards["Linus"], from_stage__isnull=False).exists()


def test_position_past_the_end_goes_last(board):
    _, _sourced, screen, cards = board
    services.move_card(card=cards["Ada"], to_stage=screen, position=99, expected_version=1)
    assert column(screen) == ["Hedy", "Ada"]


def test_a_stale_move_is_refused(board):
    _, sourced, screen, cards = board
    ada = cards["Ada"]
    services.move_card(card=ada, to_stage=screen, position=0, expected_version=1)
    with pytest.raises(services.StaleCard):
        services.move_card(card=ada, to_stage=sourced, position=0, expected_version=1)
    assert column(screen) == ["Ada", "Hedy"]


def test_a_card_erased_before_its_move_is_refused_as_stale(board):
    """The page showed the card, then its person was erased (a privacy request): the move is refused, not a 500."""
    _, _, screen, cards = board
    ada = cards["Ada"]
    ada.candidate.delete()
    with pytest.raises(services.StaleCard):
        services.move_card(card=ada, to_stage=screen, position=0, expected_version=ada.version)
    assert column(screen) == ["Hedy"]


def test_a_card_cannot_move_to_another_board(board):
    _, _, _, cards = board
    other = RequisitionFactory()
    with pytest.raises(ValueError):
        services.move_card(
            card=cards["Ada"], to_stage=stage_named(other, "Screen"), position=0, expected_version=1
        )


def test_a_move_writes_the_moved_card_row_only(board):
    requisition, sourced, screen, cards = board
    for i in range(30):
        services.add_card(
            pipeline=requisition.pipeline, candidate=CandidateFactory(first_name=f"S{i}"), stage=screen
        )
    with CaptureQueriesContext(connection) as queries:
        services.move_card(card=cards["Grace"], to_stage=screen, position=15, expected_version=1)
    assert len(card_updates(queries.captured_queries)) == 1
    assert column(screen)[15] == "Grace"
    assert column(sourced) == ["Ada", "Linus"]


def test_a_move_runs_as_many_statements_into_a_long_column_as_into_a_short_one(board):
    requisition, _, screen, cards = board

    def statements_of_a_move(card):
        card.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            services.move_card(card=card, to_stage=screen, position=1, expected_version=card.version)
        return len(queries.captured_queries)

    short = statements_of_a_move(cards["Ada"])
    for i in range(40):
        services.add_card(
            pipeline=requisition.pipeline, candidate=CandidateFactory(first_name=f"S{i}"), stage=screen
        )
    assert statements_of_a_move(cards["Grace"]) == short
    assert cards["Grace"].stage_id == screen.pk and cards["Grace"].version == 2  # the caller's copy follows


def test_a_used_up_gap_renumbers_that_column_once_in_the_same_move(board):
    _, sourced, screen, cards = board
    Card.objects.filter(stage=sourced).update(position=7)  # no key left between any two neighbours
    with CaptureQueriesContext(connection) as queries:
        services.move_card(card=cards["Hedy"], to_stage=sourced, position=1, expected_version=1)
    assert len(card_updates(queries.captured_queries)) == 2  # the column, then the moved card
    assert column(sourced) == ["Ada", "Hedy", "Grace", "Linus"]
    assert column(screen) == []
    with CaptureQueriesContext(connection) as queries:
        services.move_card(card=cards["Linus"], to_stage=sourced, position=1, expected_version=1)
    assert len(card_updates(queries.captured_queries)) == 1  # room again
    assert column(sourced) == ["Ada", "Linus", "Hedy", "Grace"]


def test_turning_down_writes_one_card_row_and_the_others_keep_their_order(board):
    _, sourced, _, cards = board
    with CaptureQueriesContext(connection) as queries:
        services.reject_card(card=cards["Grace"], category="other")
    assert len(card_updates(queries.captured_queries)) == 1
    assert column(sourced) == ["Ada", "Linus"]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_moves_into_one_column_keep_a_clean_order():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks between concurrent transactions are a PostgreSQL matter.")
    requisition = RequisitionFactory()
    sourced, screen = stage_named(requisition, "Sourced"), stage_named(requisition, "Screen")
    cards = [
        services.add_card(pipeline=requisition.pipeline, candidate=CandidateFactory(first_name=f"P{i}"))
        for i in range(12)
    ]

    def mover(chunk):
        def move():
            for card in chunk:
                services.move_card(card=card, to_stage=screen, position=0, expected_version=card.version)

        return move

    assert run_at_once([mover(cards[i::4]) for i in range(4)]) == []
    assert sorted(column(screen)) == sorted(f"P{i}" for i in range(12))
    assert column(sourced) == []


@pytest.mark.django_db(transaction=True)
def test_simultaneous_moves_that_use_up_a_gap_still_end_in_a_strict_order():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks between concurrent transactions are a PostgreSQL matter.")
    requisition = RequisitionFactory()
    sourced, screen = stage_named(requisition, "Sourced"), stage_named(requisition, "Screen")
    for i in range(6):
        services.add_card(
            pipeline=requisition.pipeline, candidate=CandidateFactory(first_name=f"S{i}"), stage=screen
        )
    Card.objects.filter(stage=screen).update(position=0)  # every gap in the column is used up
    movers = [
        services.add_card(pipeline=requisition.pipeline, candidate=CandidateFactory(first_name=f"M{i}"))
        for i in range(8)
    ]

    def mover(chunk):
        def move():
            for card in chunk:
                services.move_card(card=card, to_stage=screen, position=3, expected_version=card.version)

        return move

    assert run_at_once([mover(movers[i::4]) for i in range(4)]) == []
    names = column(screen)  # asserts strictly increasing positions
    assert sorted(names) == sorted([f"S{i}" for i in range(6)] + [f"M{i}" for i in range(8)])
    assert [name for name in names if name.startswith("S")] == [f"S{i}" for i in range(6)]
    assert names[:3] == ["S0", "S1", "S2"]
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


def test_a_move_from_an_older_copy_of_the_card_starts_from_where_it_is(board, recruiter):
    _, sourced, screen, cards = board
    old_copy = Card.objects.get(pk=cards["Ada"].pk)
    services.move_card(card=cards["Ada"], to_stage=screen, position=0, expected_version=1)
    final = stage_named(board[0], "Final")
    services.move_card(card=old_copy, to_stage=final, position=0, expected_version=2, by=recruiter)
    assert column(final) == ["Ada"] and "Ada" not in column(screen) + column(sourced)
    assert StageChange.objects.filter(card=old_copy, from_stage=screen, to_stage=final).exists()
