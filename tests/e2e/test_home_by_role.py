"""The home page, in a real browser, for each of the four roles (and for nobody)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, screenshot
from tests.factories import (
    AdminFactory,
    CandidateFactory,
    CardFactory,
    EmployeeFactory,
    HiringManagerFactory,
    RecruiterFactory,
    ReferralFactory,
    RequisitionFactory,
    stage_named,
)

pytestmark = pytest.mark.e2e

# The sidebar items the recruiting team (admins, recruiters) must have; others may be added over time.
TEAM_NAV = {"Home", "Candidates", "Talent pools", "Requisitions", "Talent board", "Sequences", "My tasks"}
TEAM_NAV |= {"Referrals inbox", "Refer someone", "My referrals"}
TEAM_ONLY_NAV = TEAM_NAV - {"Home", "Requisitions", "Refer someone", "My referrals"}


@pytest.fixture
def team():
    """One user per role, two passive candidates, and one open role with a shortlisted candidate."""
    users = {
        "admin": AdminFactory(username="e2e-admin", first_name="Ada"),
        "recruiter": RecruiterFactory(username="e2e-recruiter", first_name="Rita"),
        "manager": HiringManagerFactory(username="e2e-manager", first_name="Max"),
        "employee": EmployeeFactory(username="e2e-employee", first_name="Emil"),
    }
    shortlisted, _sourced = CandidateFactory.create_batch(2)
    requisition = RequisitionFactory(
        title="Staff Platform Engineer", hiring_manager=users["manager"], recruiter=users["recruiter"]
    )
    CardFactory(
        pipeline=requisition.pipeline, stage=stage_named(requisition, "Interview"), candidate=shortlisted
    )
    ReferralFactory(referrer=users["employee"], candidate__first_name="Rhea", candidate__last_name="Ferro")
    return {"users": users, "requisition": requisition, "shortlisted": shortlisted}


def nav_labels(page) -> list[str]:
    return [label.strip() for label in page.locator("nav[aria-label='Main'] a").all_inner_texts()]


def stat_value(page, label: str):
    return page.locator("#stats .stat").filter(has_text=label).locator(".stat-value")


def test_anonymous_visit_to_home_redirects_to_login(live_server, page):
    page.goto(f"{live_server.url}/")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.locator("#id_password")).to_be_visible()
    expect(page.locator("nav[aria-label='Main']")).to_have_count(0)
    screenshot(page, "login")


def test_admin_home(live_server, page, team):
    login(page, live_server, "e2e-admin")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("Good to see you, Ada")
    labels = nav_labels(page)
    assert set(labels) >= TEAM_NAV, labels
    assert labels[0] == "Home"
    assert labels[-1] == "Administration"
    expect(stat_value(page, "Passive candidates")).to_have_text("3")  # two + the referred one
    expect(page.locator("#live-roles")).to_contain_text("Staff Platform Engineer")
    expect(page.locator("#new-referrals")).to_contain_text("Rhea Ferro")
    expect(page.get_by_role("link", name="Add candidate")).to_be_visible()
    expect(page.locator("#shortlists-waiting")).to_have_count(0)
    expect(page.locator(".sidebar-user .user-roles")).to_have_text("Admin")
    screenshot(page, "home-admin")


def test_recruiter_home(live_server, page, team):
    login(page, live_server, "e2e-recruiter")

    expect(page.locator("h1")).to_have_text("Good to see you, Rita")
    labels = nav_labels(page)
    assert set(labels) >= TEAM_NAV, labels
    assert labels[0] == "Home"
    assert "Administration" not in labels
    expect(page.locator("#stats")).to_contain_text("Passive candidates")
    expect(stat_value(page, "Passive candidates")).to_have_text("3")
    expect(stat_value(page, "Open roles")).to_have_text("1")
    expect(page.locator("#my-tasks")).to_contain_text("Nothing due today.")
    expect(page.locator("#live-roles")).to_contain_text("Staff Platform Engineer")
    expect(page.locator("#new-referrals")).to_contain_text("Rhea Ferro")
    expect(page.locator("#shortlists-waiting")).to_have_count(0)
    expect(page.locator("#my-referrals")).to_have_count(0)
    expect(page.locator(".sidebar-user .user-roles")).to_have_text("Recruiter")
    screenshot(page, "home-recruiter")


def test_hiring_manager_home(live_server, page, team):
    login(page, live_server, "e2e-manager")

    expect(page.locator("h1")).to_have_text("Good to see you, Max")
    labels = nav_labels(page)
    assert "Candidates" not in labels
    assert set(labels) >= {"Home", "Requisitions", "Refer someone", "My referrals"}, labels
    assert not set(labels) & TEAM_ONLY_NAV, labels
    assert "Administration" not in labels
    expect(page.locator("#shortlists-waiting h2")).to_have_text("Shortlists waiting for you")
    shortlisted = team["shortlisted"]
    expect(page.locator("#shortlists-waiting")).to_contain_text(str(shortlisted))
    expect(page.locator("#shortlists-waiting")).to_contain_text("Staff Platform Engineer")
    expect(page.locator("#my-requisitions")).to_contain_text("Staff Platform Engineer")
    expect(page.locator("#stats")).to_have_count(0)
    expect(page.get_by_role("link", name="Add candidate")).to_have_count(0)
    expect(page.locator(".sidebar-user .user-roles")).to_have_text("Hiring manager")
    screenshot(page, "home-manager")


def test_employee_home(live_server, page, team):
    login(page, live_server, "e2e-employee")

    expect(page.locator("h1")).to_have_text("Good to see you, Emil")
    assert nav_labels(page) == ["Home", "Refer someone", "My referrals"]
    expect(page.locator("#my-referrals h2")).to_have_text("Your referrals")
    expect(page.locator("#my-referrals")).to_contain_text("Rhea Ferro")
    expect(page.locator("#stats")).to_have_count(0)
    expect(page.locator("#shortlists-waiting")).to_have_count(0)
    expect(page.get_by_role("link", name="Add candidate")).to_have_count(0)
    expect(page.locator(".sidebar-user .user-roles")).to_have_text("Employee")
    screenshot(page, "home-employee")
