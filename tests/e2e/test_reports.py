"""The reports page in a browser: charts beside their tables, and a filter change that redraws both."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import EngagementEvent
from pipelines import services as pipeline_services
from tests.e2e.conftest import login, screenshot
from tests.factories import (
    CandidateFactory,
    RecruiterFactory,
    ReferralFactory,
    RequisitionFactory,
    SequenceFactory,
    StepFactory,
    TouchFactory,
    stage_named,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def history():
    """Two roles with people added over the last weeks, a sequence with replies, and a referral."""
    recruiter = RecruiterFactory(username="e2e-recruiter", first_name="Rita")
    now = timezone.now()
    backend = RequisitionFactory(title="Backend Engineer", recruiter=recruiter)
    data = RequisitionFactory(title="Data Analyst", recruiter=recruiter)

    def add(requisition, stage, days_ago, moves=(), **candidate):
        with time_machine.travel(now - dt.timedelta(days=days_ago), tick=False):
            card = pipeline_services.add_card(
                pipeline=requisition.pipeline,
                candidate=CandidateFactory(**candidate),
                stage=stage_named(requisition, stage),
            )
        for name, after in moves:
            with time_machine.travel(now - dt.timedelta(days=days_ago - after), tick=False):
                pipeline_services.move_card(
                    card=card,
                    to_stage=stage_named(requisition, name),
                    position=0,
                    expected_version=card.version,
                )

    add(backend, "Sourced", 20, [("Contacted", 2), ("Screen", 5), ("Interview", 9)])
    add(backend, "Sourced", 18, [("Contacted", 4)])
    add(backend, "Sourced", 12)
    add(backend, "Screen", 15, [("Offer", 6), ("Hired", 8)], source="referral")
    for days_ago in (25, 22, 16, 14, 11, 9):
        add(data, "Sourced", days_ago, seeking_status="active", source="applied")
    add(data, "Screen", 8, [("Final", 3), ("Hired", 5)], seeking_status="active", source="applied")

    sequence = SequenceFactory(name="Passive nurture")
    for step, (sent, replied) in enumerate([(6, 1), (4, 2)], start=1):
        StepFactory(sequence=sequence, position=step)
        for i in range(sent):
            at = now - dt.timedelta(days=10 - step)
            touch = TouchFactory(enrollment__sequence=sequence, step_position=step, status="sent", sent_at=at)
            if i < replied:
                EngagementEvent.objects.create(
                    candidate=touch.candidate, touch=touch, kind="replied", occurred_at=at
                )
    ReferralFactory(referrer__first_name="Emil", referrer__last_name="Staff", status="hired")
    return {"backend": backend, "data": data, "recruiter": recruiter}


def funnel_reached(page, requisition) -> list[str]:
    return page.locator(f"#funnel-{requisition.pk} tbody tr td:nth-child(2)").all_inner_texts()


def chart_values(page, selector: str) -> list[str]:
    return page.locator(f"{selector} svg[role=img] .chart-value").all_text_contents()


@pytest.mark.parametrize("width", [1280, 1440])
def test_filtering_redraws_charts_and_tables(live_server, page, history, width):
    backend, data = history["backend"], history["data"]
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, "e2e-recruiter")
    page.get_by_role("link", name="Reports").click()

    expect(page.locator("h1")).to_have_text("Reports")
    expect(page.locator(f"#funnel-{backend.pk} svg[role=img] title").first).to_have_text(
        "People who reached each stage of Backend Engineer"
    )
    assert funnel_reached(page, backend)[:5] == ["4", "3", "2", "2", "1"]
    assert chart_values(page, f"#funnel-{backend.pk}")[:5] == ["4", "3", "2", "2", "1"]
    expect(page.locator(f"#funnel-{data.pk}")).to_be_visible()
    expect(page.locator("#sequences-table tfoot")).to_contain_text("30.0%")  # 3 replies of 10 sent
    assert chart_values(page, "#report-sequences") == ["16.7% · 1/6", "50.0% · 2/4"]  # rates with counts
    active = page.locator("#conversion-table tbody tr").nth(1).locator("td").nth(1)
    expect(active).to_have_text("7")  # active people on the boards
    assert chart_values(page, "#report-sources") == ["1", "1"]
    # Chart and table side by side: the table starts to the right of the chart.
    chart = page.locator(f"#funnel-{backend.pk} .report-chart").bounding_box()
    table = page.locator(f"#funnel-{backend.pk} .table-wrap").bounding_box()
    assert table["x"] >= chart["x"] + chart["width"]
    screenshot(page, f"reports-{width}-1-all")

    page.select_option("#id_requisition", str(backend.pk))
    expect(page).to_have_url(re.compile(rf"[?&]requisition={backend.pk}(&|$)"))
    expect(page.locator(f"#funnel-{data.pk}")).to_have_count(0)
    expect(active).to_have_text("0")
    assert chart_values(page, "#report-sources") == ["1"]
    assert chart_values(page, f"#funnel-{backend.pk}")[:5] == ["4", "3", "2", "2", "1"]
    screenshot(page, f"reports-{width}-2-backend")

    page.fill("#id_date_from", (timezone.localdate() - dt.timedelta(days=13)).isoformat())
    expect(page.locator(f"#funnel-{backend.pk} tbody tr td:nth-child(2)").first).to_have_text("1")
    assert funnel_reached(page, backend)[:2] == ["1", "0"]
    assert chart_values(page, f"#funnel-{backend.pk}")[:2] == ["1", "0"]
    expect(page.locator("#report-sources")).to_contain_text("No hires in this period.")

    page.reload()  # the URL alone gives the same page
    assert funnel_reached(page, backend)[:2] == ["1", "0"]
    expect(page.locator("#id_requisition")).to_have_value(str(backend.pk))
    screenshot(page, f"reports-{width}-3-two-weeks")


def test_bad_dates_show_a_message(live_server, page, history):
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/reports/?date_from=2030-02-10&date_to=2030-02-01")
    expect(page.locator("#filter-errors")).to_contain_text("The start date is after the end date.")


def test_recruiter_home(live_server, page, history):
    recruiter = history["recruiter"]
    now = timezone.now()
    TouchFactory(status="task_open", channel="linkedin_connect", assignee=recruiter, due_at=now)
    TouchFactory(status="task_open", channel="call", assignee=recruiter, due_at=now - dt.timedelta(days=2))
    warm = CandidateFactory(first_name="Wren", last_name="Hale", owner=recruiter, engagement_score=72)
    EngagementEvent.objects.create(candidate=warm, kind="replied", occurred_at=now - dt.timedelta(days=1))
    CandidateFactory(first_name="Sia", last_name="Moss", owner=recruiter, snoozed_until=timezone.localdate())
    CandidateFactory(
        first_name="Quinn", last_name="Ode", owner=recruiter, last_contacted_at=now - dt.timedelta(days=75)
    )
    RequisitionFactory(title="Platform Lead", status="planned", expected_open_date=timezone.localdate())
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, "e2e-recruiter")
    for section in ["#my-tasks", "#decisions-waiting", "#warming-up", "#snoozed-coming-back", "#gone-quiet"]:
        expect(page.locator(section)).to_be_visible()
    expect(page.locator("#tasks-overdue")).to_have_text("1 overdue")
    expect(page.locator("#warming-up")).to_contain_text("Wren Hale")
    expect(page.locator("#snoozed-coming-back")).to_contain_text("Sia Moss")
    expect(page.locator("#gone-quiet")).to_contain_text("Quinn Ode")
    expect(page.locator("#low-coverage")).to_contain_text("Platform Lead")
    screenshot(page, "home-recruiter-insights")
