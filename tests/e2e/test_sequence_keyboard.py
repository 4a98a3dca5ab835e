"""The sequence builder by keyboard: steps move up and down with buttons (the drag handle's alternative), the
focus stays on the moved step and the move is announced."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, wait_for_htmx
from tests.factories import AdminFactory, SequenceFactory, StepFactory

pytestmark = pytest.mark.e2e


def test_an_admin_reorders_steps_with_the_keyboard(live_server, page):
    AdminFactory(username="e2e-admin")
    sequence = SequenceFactory(name="Keyboard nurture")
    connect, email, call = (
        StepFactory(sequence=sequence, position=0, channel="linkedin_connect", subject="", body="Hi"),
        StepFactory(sequence=sequence, position=1, channel="email"),
        StepFactory(sequence=sequence, position=2, channel="call", subject="", body="Call"),
    )
    login(page, live_server, "e2e-admin")
    page.goto(f"{live_server.url}/sequences/{sequence.pk}/")
    order = page.locator("#step-list > li.step")
    expect(order).to_have_count(3)

    page.get_by_role("button", name="Move step 2 up").focus()
    page.keyboard.press("Enter")
    wait_for_htmx(page)

    expect(order.nth(0)).to_have_attribute("id", f"step-{email.pk}")
    expect(order.nth(1)).to_have_attribute("id", f"step-{connect.pk}")
    expect(page.locator("#steps-announcement")).to_have_text("Step moved up: now step 1.")
    expect(page.get_by_role("button", name="Move step 1 down")).to_be_focused()  # the moved step's button

    page.keyboard.press("Enter")  # and back down
    wait_for_htmx(page)
    expect(order.nth(1)).to_have_attribute("id", f"step-{email.pk}")
    expect(page.get_by_role("button", name="Move step 2 down")).to_be_focused()
    sequence.refresh_from_db()
    assert list(sequence.steps.order_by("position").values_list("pk", flat=True)) == [
        connect.pk,
        email.pk,
        call.pk,
    ]
