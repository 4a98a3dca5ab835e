"""Boards in a browser: drag and drop that survives a reload, the keyboard "move to" menu, and a hiring
manager's decision showing up on the recruiter's card."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pipelines import services
from pipelines.models import POSITION_GAP, Card
from tests.e2e.conftest import login, screenshot, wait_for_htmx
from tests.factories import (
    CandidateFactory,
    HiringManagerFactory,
    RecruiterFactory,
    RequisitionFactory,
    stage_named,
)

pytestmark = pytest.mark.e2e


def column(page, stage):
    return page.locator(f"#stage-{stage.pk}")


def move_with_keyboard(page, card, stage_name):
    """Tab to the card's "Move to…", open it with Enter, choose the stage, and press Move with Enter."""
    menu = page.locator(f"#card-{card.pk}")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    menu.locator("select[name=stage]").select_option(label=stage_name)
    wait_for_htmx(page)
    menu.get_by_role("button", name="Move").focus()
    with page.expect_response(lambda response: "/move/" in response.url):
        page.keyboard.press("Enter")
    wait_for_htmx(page)


def test_recruiter_moves_cards_and_sees_the_managers_decision(page, live_server):
    recruiter = RecruiterFactory(username="e2e-recruiter")
    manager = HiringManagerFactory(username="e2e-manager", first_name="Maya")
    requisition = RequisitionFactory(title="Platform Engineer", hiring_manager=manager, recruiter=recruiter)
    RequisitionFactory(title="Someone else's role")
    ada = services.add_card(
        pipeline=requisition.pipeline, candidate=CandidateFactory(first_name="Ada", last_name="L")
    )
    grace = services.add_card(
        pipeline=requisition.pipeline, candidate=CandidateFactory(first_name="Grace", last_name="H")
    )
    sourced, screen, interview = (stage_named(requisition, n) for n in ("Sourced", "Screen", "Interview"))

    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/requisitions/{requisition.pk}/board/")
    with page.expect_response(lambda response: "/move/" in response.url):  # saved before the reload
        page.locator(f"#card-{ada.pk}").drag_to(column(page, screen).locator(".column-cards"))
    expect(column(page, screen)).to_contain_text("Ada L")
    page.reload()
    expect(column(page, screen)).to_contain_text("Ada L")
    expect(column(page, sourced)).not_to_contain_text("Ada L")

    # The keyboard way: open "Move to…", choose Interview, press Move. The move is announced to screen
    # readers and the focus comes back to the moved card, in its new column.
    move_with_keyboard(page, grace, "Interview")
    expect(column(page, interview)).to_contain_text("Grace H")
    expect(page.locator("#board-announcer")).to_have_text("Moved Grace H to Interview.")
    expect(page.locator("#board-announcer")).to_have_attribute("aria-live", "polite")
    expect(column(page, interview).locator(f"#card-{grace.pk} summary")).to_be_focused()
    screenshot(page, "board-1-after-moves")

    # Someone else moves Ada meanwhile; this page still shows her in Screen. Its keyboard move is refused
    # like a drag would be, and the board shows her once, where she really is.
    services.move_card(card=ada, to_stage=sourced, position=0, expected_version=2)
    move_with_keyboard(page, ada, "Final")
    expect(page.locator("#board-message")).to_contain_text("Ada L was moved by someone else meanwhile")
    expect(page.locator(f"#card-{ada.pk}")).to_have_count(1)
    expect(column(page, sourced)).to_contain_text("Ada L")
    expect(column(page, screen)).not_to_contain_text("Ada L")
    expect(page.locator(f"#card-{ada.pk} summary")).to_be_focused()
    screenshot(page, "board-1b-stale-keyboard-move")

    # The hiring manager sees only their role and declines Grace with a comment.
    page.context.clear_cookies()
    login(page, live_server, "e2e-manager")
    page.goto(f"{live_server.url}/requisitions/")
    expect(page.locator("table")).to_contain_text("Platform Engineer")
    expect(page.locator("table")).not_to_contain_text("Someone else's role")
    page.goto(f"{live_server.url}/requisitions/{requisition.pk}/shortlist/")
    section = page.locator(f"#shortlist-card-{grace.pk}")
    section.get_by_label("Decline").check()
    section.locator("textarea[name=comment]").fill("Needs more Kubernetes depth")
    section.get_by_role("button", name="Send decision").click()
    expect(page.locator(f"#shortlist-card-{grace.pk}")).to_contain_text("Decline by Maya")
    screenshot(page, "board-2-manager-declines")

    page.context.clear_cookies()
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/requisitions/{requisition.pk}/board/")
    expect(page.locator(f"#card-{grace.pk}")).to_contain_text("Decline")
    expect(page.locator(f"#card-{grace.pk}")).to_contain_text("Needs more Kubernetes depth")
    screenshot(page, "board-3-decision-on-card")


def test_a_full_board_paints_20_cards_a_column_in_under_1500_elements(page, live_server):
    """Seven columns of 60 cards: the first paint has 20 a column and stays light; "show more" loads the next."""
    RecruiterFactory(username="e2e-recruiter")
    requisition = RequisitionFactory(title="Busy role")
    stages = list(requisition.pipeline.stages.order_by("position"))
    people = CandidateFactory.create_batch(7 * 60, last_contacted_at=timezone.now())
    Card.objects.bulk_create(
        Card(pipeline=requisition.pipeline, candidate=person, stage=stages[i % 7], position=i * POSITION_GAP)
        for i, person in enumerate(people)
    )
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/requisitions/{requisition.pk}/board/")
    first = column(page, stages[0])
    expect(first.locator(".board-card")).to_have_count(20)
    assert page.evaluate("document.querySelectorAll('*').length") < 1500
    first.get_by_role("button", name="Show more (60 in all)").click()
    expect(first.locator(".board-card")).to_have_count(40)


def test_show_more_after_a_move_loads_each_card_once_and_counts_what_the_column_holds(page, live_server):
    """A card moved out of a column's first page and into another's: "Show more" then loads the cards after
    those each column shows now (none skipped, none twice), and says how many each column holds now."""
    RecruiterFactory(username="e2e-recruiter")
    requisition = RequisitionFactory(title="Busy role")
    sourced, screen = stage_named(requisition, "Sourced"), stage_named(requisition, "Screen")
    people = CandidateFactory.create_batch(2 * 25)
    cards = Card.objects.bulk_create(
        Card(
            pipeline=requisition.pipeline,
            candidate=person,
            stage=(sourced, screen)[i % 2],
            position=i * POSITION_GAP,
        )
        for i, person in enumerate(people)
    )
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/requisitions/{requisition.pk}/board/")
    move_with_keyboard(page, cards[0], "Screen")  # the first card of Sourced goes first in Screen
    expect(column(page, sourced).locator(".board-card")).to_have_count(19)
    expect(column(page, screen).locator(".board-card")).to_have_count(21)

    for stage, holds in ((sourced, 24), (screen, 26)):
        column(page, stage).get_by_role("button", name=f"Show more ({holds} in all)").click()
        expect(column(page, stage).locator(".board-card")).to_have_count(holds)
        shown = column(page, stage).locator(".board-card").evaluate_all("cards => cards.map(card => card.id)")
        expected = Card.objects.filter(stage=stage).order_by("position", "pk").values_list("pk", flat=True)
        assert shown == [f"card-{pk}" for pk in expected]
