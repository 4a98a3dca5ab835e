"""Keyboard users keep their place: after an htmx swap removes what had the focus, the focus lands on what
replaced it, and the counts the swap changed are announced."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import Touch
from tests.e2e.conftest import login, wait_for_htmx
from tests.factories import CandidateFactory, StepFactory, TouchFactory

pytestmark = pytest.mark.e2e


def test_completing_a_task_by_keyboard_keeps_the_focus_on_that_task(live_server, page, recruiter):
    step = StepFactory(channel="call", sequence__sender=recruiter)
    task = TouchFactory(
        enrollment__sequence=step.sequence,
        enrollment__candidate=CandidateFactory(first_name="Ada", last_name="Keyboard"),
        step=step,
        channel="call",
        status=Touch.Status.TASK_OPEN,
        assignee=recruiter,
        due_at=timezone.now() - timedelta(days=2),
    )
    login(page, live_server, recruiter.username)
    page.goto(f"{live_server.url}/tasks/")
    expect(page.locator("#tasks-overdue-count")).to_have_text("1 open")

    complete = page.locator(f"#task-{task.pk}").get_by_role("button", name="Complete")
    complete.focus()
    page.keyboard.press("Enter")
    wait_for_htmx(page)

    expect(page.locator(f"#task-{task.pk}")).to_contain_text("Done:")
    expect(page.locator("#tasks-overdue-count")).to_have_text("0 open")
    assert page.evaluate("document.activeElement.id") == f"task-{task.pk}"
    page.keyboard.press("Tab")  # and the next Tab goes on from there, not from the top of the page
    assert page.evaluate("document.activeElement.closest('#tasks-overdue') !== null")
