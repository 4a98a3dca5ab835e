"""Dates show the year when it is not the current one (the short_date filter, used by board cards)."""

import datetime as dt

import time_machine
from django.template import Context, Template
from django.urls import reverse

from pipelines import services
from tests.factories import CandidateFactory, RequisitionFactory

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def render(value) -> str:
    return Template("{{ value|short_date }}").render(Context({"value": value}))


@time_machine.travel(NOW, tick=False)
def test_this_years_dates_have_no_year_and_other_years_do(db):
    assert render(dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)) == "4 Mar"
    assert render(dt.datetime(2025, 12, 4, 9, 0, tzinfo=dt.UTC)) == "4 Dec 2025"
    assert render(dt.date(2027, 1, 2)) == "2 Jan 2027"
    assert render(None) == ""


@time_machine.travel(NOW, tick=False)
def test_a_board_card_shows_last_years_last_touch_with_its_year(client, recruiter):
    role = RequisitionFactory()
    last_year = CandidateFactory(
        first_name="Ada", last_contacted_at=dt.datetime(2025, 12, 4, 9, tzinfo=dt.UTC)
    )
    this_year = CandidateFactory(
        first_name="Bo", last_contacted_at=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    )
    for person in (last_year, this_year):
        services.add_card(pipeline=role.pipeline, candidate=person)
    client.force_login(recruiter)
    page = client.get(reverse("pipelines:board", args=[role.pk])).content.decode()
    assert "last touch 4 Dec 2025" in page
    assert "last touch 30 Nov<" in page
