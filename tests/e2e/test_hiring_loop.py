"""The hiring loop in a browser, as far as it is built: a recruiter finds people by search and adds three to a
role in one bulk action; turns one down, undoes it, turns them down again; hires another, which stops their
sequence, closes their call task and shows "Hired" to the person who referred them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import Referral
from outreach.enrollment import enroll
from outreach.models import Enrollment, Touch
from pipelines.models import Card
from tests.e2e.conftest import login, screenshot, wait_for_htmx
from tests.e2e.test_board import move_with_keyboard
from tests.factories import (
    CandidateFactory,
    EmployeeFactory,
    RecruiterFactory,
    ReferralFactory,
    RequisitionFactory,
    SequenceFactory,
    StepFactory,
    stage_named,
)

pytestmark = pytest.mark.e2e


def turn_down(page, card, reason_label):
    menu = page.locator(f"#card-{card.pk}")
    menu.locator("summary").click()
    menu.locator("select[name=category]").select_option(label=reason_label)
    wait_for_htmx(page)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_response(lambda response: "/reject/" in response.url):
        menu.get_by_role("button", name="Turn down").click()
    wait_for_htmx(page)


def test_search_bulk_add_turn_down_undo_and_hire(page, live_server):
    recruiter = RecruiterFactory(username="e2e-recruiter")
    role = RequisitionFactory(title="Rust Platform Engineer", recruiter=recruiter)
    priya = CandidateFactory(
        first_name="Priya", last_name="Rustova", title="Rust engineer", seeking_status="passive"
    )
    ben = CandidateFactory(first_name="Ben", last_name="Rustam", title="Rust engineer")
    cleo = CandidateFactory(first_name="Cleo", last_name="Rusk", title="Rust engineer")
    CandidateFactory(first_name="Dan", title="Python engineer")
    ReferralFactory(referrer=EmployeeFactory(username="e2e-referrer"), candidate=priya, first_name="Priya")
    calls = SequenceFactory(name="Call the Rust people", min_gap_days=0)
    StepFactory(sequence=calls, position=0, delay_amount=0, channel="call")
    enrollment = enroll(candidate=priya, sequence=calls, by=recruiter, now=timezone.now() - timedelta(days=1))
    call = enrollment.touches.get()
    assert call.status == Touch.Status.TASK_OPEN

    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/candidates/?q=rust")
    for person in (priya, ben, cleo):
        page.get_by_label(f"Select {person.full_name}").check()
    page.get_by_role("link", name="Add to role selected…").click()
    expect(page.locator("h1")).to_have_text("Add to a role")
    expect(page.locator("main")).to_contain_text("3 selected")
    page.get_by_label("Role").select_option(label="Rust Platform Engineer")
    page.get_by_role("button", name="Add to role").click()
    expect(page.locator("#batch h2")).to_contain_text("3 added to Rust Platform Engineer")
    screenshot(page, "hiring-loop-1-added")
    cards = {card.candidate_id: card for card in Card.objects.filter(pipeline=role.pipeline)}
    assert set(cards) == {priya.pk, ben.pk, cleo.pk}
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.PAUSED  # on an open role's board: nurture waits

    page.get_by_role("link", name="Open the board").click()
    turn_down(page, cards[ben.pk], "Location")
    expect(page.locator("#board-message")).to_contain_text("Ben Rustam turned down.")
    expect(page.locator(f"#card-{cards[ben.pk].pk}")).to_have_count(0)
    page.locator("#board-message").get_by_role("button", name="Undo").click()
    expect(page.locator("#board-message")).to_contain_text("Ben Rustam is back in process in Sourced.")
    expect(page.locator(f"#card-{cards[ben.pk].pk}")).to_have_count(1)
    turn_down(page, cards[ben.pk], "Location")
    expect(page.locator(f"#card-{cards[ben.pk].pk}")).to_have_count(0)
    assert Card.objects.get(pk=cards[ben.pk].pk).status == Card.Status.REJECTED

    move_with_keyboard(page, cards[priya.pk], "Hired")
    expect(page.locator(f"#stage-{stage_named(role, 'Hired').pk}")).to_contain_text("Priya Rustova")
    screenshot(page, "hiring-loop-2-hired")
    enrollment.refresh_from_db()
    call.refresh_from_db()
    assert (enrollment.status, enrollment.stop_reason) == (Enrollment.Status.STOPPED, "hired")
    assert (call.status, call.outcome) == (Touch.Status.CANCELLED, "hired")

    page.goto(f"{live_server.url}/requisitions/{role.pk}/turned-down/")
    expect(page.locator("#turned-down")).to_contain_text("Ben Rustam")

    page.context.clear_cookies()
    login(page, live_server, "e2e-referrer")
    page.goto(f"{live_server.url}/referrals/mine/")
    expect(page.locator("main")).to_contain_text("Hired")
    assert Referral.objects.get(candidate=priya).status == Referral.Status.HIRED
    screenshot(page, "hiring-loop-3-referrer-sees-hired")
