"""Every page works under the strict Content-Security-Policy: the `page` fixture (conftest) fails a test on any
violation, so this walks the pages no other browser test opens, and checks what the moved inline code does."""

from playwright.sync_api import expect

from pipelines import services
from tests.e2e.conftest import login, wait_for_htmx
from tests.factories import AdminFactory, CandidateFactory, RequisitionFactory, SequenceFactory, StepFactory

PAGES = [
    "/",
    "/candidates/",
    "/candidates/new/",
    "/candidates/import/",
    "/pools/",
    "/privacy/",
    "/referrals/",
    "/referrals/new/",
    "/requisitions/",
    "/talent-board/",
    "/forecast/",
    "/reports/",
    "/sequences/",
    "/tasks/",
    "/replies/",
    "/careers/",
    "/careers-settings/",
    "/api/docs/",
    "/api/",
    "/admin/",
    "/admin/candidates/candidate/",
]


def test_pages_load_without_a_policy_violation(live_server, page):
    AdminFactory(username="e2e-admin")
    requisition = RequisitionFactory(title="Data Engineer")
    candidate = CandidateFactory(first_name="Ada", last_name="Lovelace", engagement_score=64)
    services.add_card(pipeline=requisition.pipeline, candidate=candidate)
    sequence = SequenceFactory()
    StepFactory(sequence=sequence)
    login(page, live_server, "e2e-admin")
    for path in [
        *PAGES,
        candidate.get_absolute_url(),
        f"/requisitions/{requisition.pk}/",
        f"/requisitions/{requisition.pk}/board/",
        f"/requisitions/{requisition.pk}/edit/",
        f"/sequences/{sequence.pk}/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Longlist API")


def test_meters_take_their_width_and_htmx_swaps_under_the_policy(live_server, page):
    AdminFactory(username="e2e-admin")
    ada = CandidateFactory(first_name="Ada", engagement_score=64)
    CandidateFactory(first_name="Grace", engagement_score=10)
    login(page, live_server, "e2e-admin")
    page.goto(f"{live_server.url}/candidates/")
    meter = page.locator(f"#candidate-{ada.pk} meter")
    expect(meter).to_have_attribute("value", "64")
    assert meter.bounding_box()["width"] > 0
    page.fill("#f-q", "grace")
    wait_for_htmx(page)
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results meter").first).to_have_attribute("value", "10")
    page.goto(f"{live_server.url}/candidates/{ada.pk}/")
    fill = page.locator(".engagement-score .meter > span")
    expect(fill).to_have_attribute("style", f"width: {fill.get_attribute('data-percent')}%;")
    assert page.evaluate("getComputedStyle(document.body).opacity") == "1"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
