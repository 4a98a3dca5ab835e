"""Accessibility: axe-core (vendored under static/vendor/axe/, loaded by the tests only) on every main page, as
each role and as a candidate, against the demo data. Fails on any serious or critical WCAG 2.2 A/AA violation
and prints them all."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from candidates.models import DataRequest, TalentPool
from outreach import tokens
from outreach.booking_links import booking_token
from outreach.models import Enrollment, MeetingType, Reply, Sequence, Touch
from pipelines.models import Requisition
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

AXE = "/static/vendor/axe/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0].target.join(" ")}: `
      + `${v.nodes[0].failureSummary.replace(/\\s+/g, " ")})`);
}"""


@pytest.fixture
def demo(db, settings):
    settings.DEMO = True  # seed_demo runs with DEBUG off only on a demo server
    call_command("seed_demo", verbosity=0)


def violations(page, live_server) -> list[str]:
    page.add_script_tag(url=f"{live_server.url}{AXE}")
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def check(page, live_server, path: str, found: dict[str, list[str]], label: str) -> None:
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")
    problems = violations(page, live_server)
    if problems:
        found[f"{label} {path}"] = problems


def staff_pages(page, live_server, role: str) -> list[str]:
    """Every page of the role's navigation, and the detail pages it opens from them."""
    pages = page.locator("nav[aria-label='Main'] a").evaluate_all("links => links.map(a => a.pathname)")
    pages = [path for path in pages if not path.startswith("/admin/")]
    if "/settings/" in pages:  # and every page the Settings area holds
        page.goto(f"{live_server.url}/settings/")
        links = page.locator(".settings-list a").evaluate_all("links => links.map(a => a.pathname)")
        pages += [path for path in dict.fromkeys(links) if path not in pages]
    if role in ("admin", "recruiter"):
        requisition = Requisition.objects.filter(status=Requisition.Status.OPEN).order_by("pk").first()
        candidate = requisition.pipeline.cards.order_by("pk").first().candidate
        sequence = Sequence.objects.order_by("pk").first()
        pages += [
            f"/requisitions/{requisition.pk}/",
            f"/requisitions/{requisition.pk}/board/",
            f"/requisitions/{requisition.pk}/stages/",
            f"/candidates/{candidate.pk}/",
            f"/sequences/{sequence.pk}/",
            f"/pools/{TalentPool.objects.order_by('pk').first().pk}/edit/",
            f"/candidates/{candidate.pk}/email/",
            f"/email/?candidates={','.join(str(card.candidate_id) for card in requisition.pipeline.cards.all()[:3])}",
            "/outbox/",
            # someone who replied: the profile's conversation panel with a thread both ways
            f"/candidates/{Reply.objects.filter(candidate__isnull=False).order_by('pk').first().candidate_id}/",
            "/mailboxes/",
        ]
    elif role == "manager":
        requisition = Requisition.objects.filter(hiring_manager__username=role).order_by("pk").first()
        pages += [f"/requisitions/{requisition.pk}/", f"/requisitions/{requisition.pk}/shortlist/"]
    return pages


def test_every_main_page_passes_the_accessibility_checker(demo, live_server, page):
    found: dict[str, list[str]] = {}
    for role in ("admin", "recruiter", "manager", "employee"):
        page.context.clear_cookies()
        login(page, live_server, role, "longlist")
        # The skip link is the first thing a keyboard reaches, and it lands on the main content.
        page.keyboard.press("Tab")
        skip = page.locator("a.skip-link")
        expect(skip).to_be_focused()
        skip.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        for path in staff_pages(page, live_server, role):
            check(page, live_server, path, found, role)

    page.context.clear_cookies()
    role = Requisition.objects.filter(is_published=True).order_by("pk").first()
    touch = Touch.objects.filter(
        enrollment__status=Enrollment.Status.ACTIVE, status=Touch.Status.SENT
    ).first()
    asked = DataRequest.objects.create(candidate=touch.candidate, email="asker@example.com")
    candidate_pages = [
        "/careers/",
        f"/careers/{role.pk}/",
        f"/o/prefs/{tokens.make(tokens.PREFERENCES, c=touch.candidate_id, t=touch.pk)}/",
        f"/o/u/{tokens.make(tokens.UNSUBSCRIBE, c=touch.candidate_id, t=touch.pk)}/",
        f"/o/book/{booking_token(touch.candidate, MeetingType.objects.get(is_default=True))}/",
        f"/o/data/confirm/{tokens.make(tokens.DATA_CONFIRM, r=asked.pk, k=str(asked.key))}/",
    ]
    for path in candidate_pages:
        check(page, live_server, path, found, "candidate")

    report = "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())
    print(report)
    assert not found, f"Serious or critical accessibility violations:\n{report}"
