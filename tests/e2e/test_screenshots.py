"""The recruiter's main pages on the demo data, at a laptop's and a phone's size: screenshots to look at
(test-artifacts/screenshots/demo-*.png), and no page wider than the screen."""

import pytest
from django.core.management import call_command

from candidates.models import Candidate
from pipelines.models import Requisition
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e

SIZES = {"1440": {"width": 1440, "height": 900}, "390": {"width": 390, "height": 844}}


@pytest.fixture
def demo(db, settings):
    settings.DEMO = True  # seed_demo runs with DEBUG off only on a demo server
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("size", list(SIZES))
def test_recruiter_pages_on_the_demo(demo, live_server, page, size):
    page.set_viewport_size(SIZES[size])
    login(page, live_server, "recruiter", "longlist")
    requisition = Requisition.objects.get(title="Senior Backend Engineer")
    warmest = Candidate.objects.filter(owner__username="recruiter").order_by("-engagement_score").first()
    pages = {
        "home": "/",
        "board": f"/requisitions/{requisition.pk}/board/",
        "profile": f"/candidates/{warmest.pk}/",
        "reports": "/reports/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} is {overflow}px wider than the {size}px screen"
        screenshot(page, f"demo-{name}-{size}")
