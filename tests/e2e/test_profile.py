"""The candidate profile in a browser: the person's own sections beside the boards they are on and the sequences
they are in, each panel linking to its page."""

import pytest
from playwright.sync_api import expect

from candidates import services
from pipelines import services as pipeline_services
from tests.e2e.conftest import login, screenshot
from tests.factories import (
    CandidateFactory,
    EnrollmentFactory,
    RecruiterFactory,
    RequisitionFactory,
    SequenceFactory,
    TalentPoolFactory,
    stage_named,
)

pytestmark = pytest.mark.e2e


def test_recruiter_sees_and_follows_the_boards_and_sequences_of_a_person(page, live_server):
    recruiter = RecruiterFactory(username="e2e-recruiter")
    ada = CandidateFactory(
        first_name="Ada", last_name="Lovelace", title="Payments Engineer", company="Ledgerly"
    )
    requisition = RequisitionFactory(title="Senior Backend Engineer")
    pipeline_services.add_card(
        pipeline=requisition.pipeline, candidate=ada, stage=stage_named(requisition, "Interview")
    )
    EnrollmentFactory(candidate=ada, sequence=SequenceFactory(name="Passive nurture — 6 months"))
    services.add_to_pool(pool=TalentPoolFactory(name="Data & ML"), candidates=[ada], by=recruiter)
    services.add_note(candidate=ada, body="Open to a chat in spring.", by=recruiter)

    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}{ada.get_absolute_url()}")
    expect(page.locator("h1")).to_contain_text("Ada Lovelace")
    expect(page.locator("#timeline")).to_contain_text("Open to a chat in spring.")
    expect(page.locator("#profile")).to_contain_text("Data & ML")
    expect(page.locator("#boards")).to_contain_text("Interview")
    expect(page.locator("#sequences")).to_contain_text("Active")
    screenshot(page, "profile-1-panels")

    page.locator("#sequences").get_by_role("link", name="Passive nurture — 6 months").click()
    expect(page.locator("h1")).to_contain_text("Passive nurture — 6 months")
    page.go_back()
    page.locator("#boards").get_by_role("link", name="Senior Backend Engineer").click()
    expect(page.locator("h1")).to_contain_text("Senior Backend Engineer")
    page.go_back()
    page.get_by_role("link", name="Enroll in a sequence").click()
    expect(page.locator("main")).to_contain_text("1 selected: Ada Lovelace")
