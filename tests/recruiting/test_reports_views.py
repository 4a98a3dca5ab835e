"""The reports page: who may open it, filters (good and bad), htmx fragments, CSV exports and the settings."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from pipelines import services as pipeline_services
from recruiting.models import InsightSettings
from tests.factories import CandidateFactory, RequisitionFactory, stage_named

TODAY = dt.datetime(2030, 2, 15, 12, 0, tzinfo=dt.UTC)
ROLES = {"admin": 200, "recruiter": 200, "manager": 403, "employee": 403}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def boards(db):
    """Two roles with people added in February: Backend (2 people, one in Screen) and Data (1 person)."""
    backend, data = RequisitionFactory(title="Backend"), RequisitionFactory(title="=HYPERLINK(evil)")
    with time_machine.travel(dt.datetime(2030, 2, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        pipeline_services.add_card(pipeline=backend.pipeline, candidate=CandidateFactory())
        pipeline_services.add_card(
            pipeline=backend.pipeline, candidate=CandidateFactory(), stage=stage_named(backend, "Screen")
        )
        pipeline_services.add_card(pipeline=data.pipeline, candidate=CandidateFactory())
    return {"backend": backend, "data": data}


@pytest.mark.parametrize(("role", "expected"), ROLES.items())
def test_reports_page_by_role(client, users_by_role, role, expected):
    client.force_login(users_by_role[role])
    assert client.get(reverse("reports")).status_code == expected
    assert client.get(reverse("reports"), {"export": "funnel"}).status_code == expected


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(reverse("reports"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_reports_in_navigation_for_the_recruiting_team_only(client, users_by_role):
    for role, expected in ROLES.items():
        client.force_login(users_by_role[role])
        labels = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]
        assert ("Reports" in labels) is (expected == 200), role


def test_default_period_is_the_last_90_days(client, recruiter, boards):
    client.force_login(recruiter)
    response = client.get(reverse("reports"))
    assert response.context["filters"].date_from == dt.date(2029, 11, 18)
    assert response.context["filters"].date_to == dt.date(2030, 2, 15)
    html = response.content.decode()
    assert "18 Nov 2029 to 15 Feb 2030" in html
    assert 'role="img"' in html and "<title>People who reached each stage of Backend</title>" in html


def test_filter_by_requisition_answers_the_fragment_for_htmx(client, recruiter, boards):
    client.force_login(recruiter)
    response = client.get(
        reverse("reports"), {"requisition": boards["backend"].pk}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="report-results"')
    assert "<html" not in html
    assert f'id="funnel-{boards["backend"].pk}"' in html
    assert "HYPERLINK" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "not-a-date"}, "Enter a valid date."),
        ({"date_from": "2030-02-10", "date_to": "2030-02-01"}, "The start date is after the end date."),
        ({"date_from": "2030-03-01"}, "The start date is after the end date."),  # after today
        ({"requisition": "999999"}, "There is no such requisition."),
        ({"requisition": "abc"}, "There is no such requisition."),
        ({"recruiter": "999999"}, "There is no such recruiter."),
        ({"sequence": "-1"}, "There is no such sequence."),
    ],
)
def test_bad_filters_give_a_clear_message(client, recruiter, params, message):
    client.force_login(recruiter)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(reverse("reports"), params, headers=headers)
        assert response.status_code == 422
        assert message in response.content.decode()
        assert "Check the filters" in response.content.decode()
    assert client.get(reverse("reports"), {**params, "export": "funnel"}).status_code == 422


def test_a_hiring_manager_is_not_a_recruiter_filter(client, recruiter, hiring_manager):
    client.force_login(recruiter)
    response = client.get(reverse("reports"), {"recruiter": hiring_manager.pk})
    assert response.status_code == 422


def test_csv_export_matches_the_table_and_is_formula_safe(client, recruiter, boards):
    client.force_login(recruiter)
    response = client.get(reverse("reports"), {"export": "funnel", "date_from": "2030-02-01"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="funnel-2030-02-01-to-2030-02-15.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Requisition", "Stage", "Reached", "Conversion %", "Median days", "Finished stays"]
    assert rows[1:4] == [
        ["'=HYPERLINK(evil)", "Sourced", "1", "", "", "0"],
        ["'=HYPERLINK(evil)", "Contacted", "0", "0.0", "", "0"],
        ["'=HYPERLINK(evil)", "Screen", "0", "", "", "0"],
    ]
    assert rows[8:11] == [
        ["Backend", "Sourced", "2", "", "", "0"],
        ["Backend", "Contacted", "1", "50.0", "", "0"],
        ["Backend", "Screen", "1", "100.0", "", "0"],
    ]


@pytest.mark.parametrize(
    "name",
    ["funnel", "sequences", "conversion", "sources", "referrals", "ready", "deliverability", "meetings"],
)
def test_every_report_exports(client, recruiter, boards, name):
    client.force_login(recruiter)
    response = client.get(reverse("reports"), {"export": name})
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").count("\n") >= 1


def test_unknown_export_is_a_bad_request(client, recruiter):
    client.force_login(recruiter)
    assert client.get(reverse("reports"), {"export": "salaries"}).status_code == 400


def test_admin_changes_the_insight_settings(client, admin_user):
    client.force_login(admin_user)
    assert "Home page alerts" in client.get(reverse("reports")).content.decode()
    data = {
        "stale_after_days": 90,
        "unsubscribe_alert_percent": 3,
        "bounce_alert_percent": 4,
        "complaint_alert_percent": "0.5",
    }
    response = client.post(reverse("insight_settings"), data)
    assert response.status_code == 302
    settings = InsightSettings.current()
    assert (settings.stale_after_days, settings.unsubscribe_alert_percent, settings.bounce_alert_percent) == (
        90,
        3,
        4,
    )
    response = client.post(reverse("insight_settings"), {**data, "stale_after_days": 0})
    assert response.status_code == 422
    assert InsightSettings.current().stale_after_days == 90


@pytest.mark.parametrize("role", ["recruiter", "manager", "employee"])
def test_only_admins_change_the_insight_settings(client, users_by_role, role):
    client.force_login(users_by_role[role])
    response = client.post(reverse("insight_settings"), {"stale_after_days": 5})
    assert response.status_code == 403
    assert InsightSettings.current().stale_after_days == 60
    if role == "recruiter":
        assert "Home page alerts" not in client.get(reverse("reports")).content.decode()
