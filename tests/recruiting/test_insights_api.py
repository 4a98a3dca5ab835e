"""The reports as JSON: the same numbers as the page, for recruiters and admins only."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from rest_framework.authtoken.models import Token

from pipelines import services as pipeline_services
from tests.factories import CandidateFactory, RequisitionFactory, stage_named

NAMES = ["funnel", "sequences", "conversion", "sources", "referrals", "ready", "deliverability", "meetings"]


def url(name: str) -> str:
    return reverse("api-report", args=[name])


@pytest.fixture
def board(db):
    requisition = RequisitionFactory(title="Backend")
    with time_machine.travel(dt.datetime(2030, 2, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        card = pipeline_services.add_card(pipeline=requisition.pipeline, candidate=CandidateFactory())
        pipeline_services.add_card(pipeline=requisition.pipeline, candidate=CandidateFactory())
    with time_machine.travel(dt.datetime(2030, 2, 4, 21, 0, tzinfo=dt.UTC), tick=False):
        pipeline_services.move_card(
            card=card, to_stage=stage_named(requisition, "Screen"), position=0, expected_version=1
        )
    return requisition


@pytest.mark.parametrize(
    ("role", "expected"), [("admin", 200), ("recruiter", 200), ("manager", 403), ("employee", 403)]
)
@pytest.mark.parametrize("name", NAMES)
def test_access_by_role(client, users_by_role, role, expected, name):
    client.force_login(users_by_role[role])
    assert client.get(url(name)).status_code == expected


def test_anonymous_is_refused(client, db):
    assert client.get(url("funnel")).status_code in (401, 403)


def test_funnel_as_json_with_token(client, recruiter, board):
    token = Token.objects.create(user=recruiter)
    response = client.get(
        url("funnel"),
        {"date_from": "2030-01-01", "date_to": "2030-03-31", "requisition": board.pk},
        headers={"Authorization": f"Token {token.key}"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["report"] == "funnel"
    assert body["filters"] == {
        "date_from": "2030-01-01",
        "date_to": "2030-03-31",
        "requisition_id": board.pk,
        "recruiter_id": None,
        "sequence_id": None,
    }
    assert body["totals"] == {"cards": 2}
    stages = body["rows"][0]["stages"]
    assert [(s["name"], s["reached"], s["conversion"]) for s in stages[:4]] == [
        ("Sourced", 2, None),
        ("Contacted", 1, 50.0),
        ("Screen", 1, 100.0),
        ("Interview", 0, 0.0),
    ]
    assert (stages[0]["median_days"], stages[0]["stays"]) == (3.5, 1)


def test_bad_filters_answer_400_with_the_reason(client, recruiter):
    client.force_login(recruiter)
    response = client.get(url("sequences"), {"date_from": "2030-02-10", "date_to": "2030-02-01"})
    assert response.status_code == 400
    assert response.json()["__all__"][0]["message"] == "The start date is after the end date."
    response = client.get(url("sources"), {"requisition": "999999"})
    assert response.status_code == 400
    assert response.json()["requisition"][0]["message"] == "There is no such requisition."


def test_unknown_report_is_404(client, recruiter):
    client.force_login(recruiter)
    assert client.get(url("salaries")).status_code == 404
