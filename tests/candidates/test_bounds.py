"""Free-text filters are bounded (200 characters and 12 words for search text): a request over a bound answers
400 with the reason before any query runs, on the pages and the API alike."""

import time

import pytest
from django.urls import reverse

from pipelines import services
from tests.factories import CandidateFactory, RequisitionFactory, stage_named

HUGE = " ".join(f"w{i}" for i in range(10_000))
MESSAGE = "Keep this to at most 12 words and 200 characters."


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.fixture
def board(recruiter, client):
    requisition = RequisitionFactory()
    for name in ("Ada", "Grace"):
        services.add_card(pipeline=requisition.pipeline, candidate=CandidateFactory(first_name=name))
    client.force_login(recruiter)
    return requisition


def test_a_ten_thousand_word_board_filter_answers_400_quickly(client, board):
    url = reverse("pipelines:board", args=[board.pk])
    response, seconds = timed(lambda: client.get(url, {"q": HUGE}))
    assert response.status_code == 400 and seconds < 2
    assert MESSAGE in response.content.decode()
    assert client.get(url, {"q": "ada"}).status_code == 200


def test_a_ten_thousand_word_filter_in_a_moves_post_body_answers_400_and_moves_nothing(client, board):
    card = board.pipeline.cards.get(candidate__first_name="Ada")
    screen = stage_named(board, "Screen")
    url = reverse("pipelines:card_move", args=[card.pk])
    data = {"stage": screen.pk, "position": 0, "version": card.version, "q": HUGE}
    response, seconds = timed(lambda: client.post(url, data, headers={"HX-Request": "true"}))
    assert response.status_code == 400 and seconds < 2
    card.refresh_from_db()
    assert card.stage_id != screen.pk


def test_thirteen_short_words_are_over_the_word_bound(client, board):
    url = reverse("pipelines:column_more", args=[stage_named(board, "Sourced").pk])
    assert client.get(url, {"q": " ".join("a" * 13)}).status_code == 400
    assert client.get(url, {"q": " ".join("a" * 12)}).status_code == 200


def test_a_ten_thousand_word_search_answers_400_quickly(client, recruiter):
    CandidateFactory(first_name="Ada")
    client.force_login(recruiter)
    for url in (reverse("candidates:list"), reverse("candidates:export")):
        response, seconds = timed(lambda url=url: client.get(url, {"q": HUGE}))
        assert response.status_code == 400 and seconds < 2, url
        assert MESSAGE in response.content.decode()
    response = client.get(reverse("candidates:list"), {"title": " ".join(["engineer"] * 13)})
    assert response.status_code == 400


def test_a_ten_thousand_word_search_answers_400_over_the_api(client, recruiter):
    client.force_login(recruiter)
    response, seconds = timed(lambda: client.get("/api/candidates/", {"q": HUGE}))
    assert response.status_code == 400 and seconds < 2
    assert response.json() == {"q": [MESSAGE]}
    response = client.get("/api/candidates/", {"q": " ".join("a" * 13)})
    assert response.status_code == 400 and response.json() == {"q": [MESSAGE]}


def test_a_search_for_more_than_twenty_skills_answers_400(client, recruiter):
    client.force_login(recruiter)
    skills = ",".join(f"skill{i}" for i in range(21))
    response = client.get("/api/candidates/", {"skills": skills, "skills_mode": "all"})
    assert response.status_code == 400 and response.json() == {"skills": ["Name at most 20 skills."]}


def test_the_merge_search_is_bounded(client, recruiter, admin_user):
    ada = CandidateFactory(first_name="Ada")
    client.force_login(admin_user)
    response = client.get(reverse("candidates:merge", args=[ada.pk]), {"q": HUGE})
    assert response.status_code == 400 and MESSAGE in response.content.decode()


@pytest.mark.parametrize(("url", "status"), [("/api/candidates/", 400), ("/candidates/", 200)])
def test_a_date_filter_past_the_last_day_is_refused_not_a_500(client, recruiter, url, status):
    """The page shows it as a bad filter, as it shows the others; the API answers 400."""
    client.force_login(recruiter)
    response = client.get(url, {"contacted_before": "9999-12-31"})
    assert response.status_code == status
    assert "Choose a day between 1900 and 2999." in response.content.decode()


@pytest.mark.parametrize("url", ["/reports/", "/api/reports/funnel/"])
def test_a_report_ending_past_the_last_day_is_refused_not_a_500(client, recruiter, url):
    """The page shows the reason beside its filters (422, as for its other bad filters); the API answers 400."""
    client.force_login(recruiter)
    response = client.get(url, {"date_to": "9999-12-31"})
    assert response.status_code == (400 if url.startswith("/api/") else 422)
    assert "Choose a day between 1900 and 2999." in response.content.decode()


def test_an_offset_past_any_board_answers_400_with_the_reason(client, board):
    url = reverse("pipelines:column_more", args=[stage_named(board, "Sourced").pk])
    response = client.get(url, {"offset": "99999999999999999999"})
    assert response.status_code == 400
    assert "offset: Ensure this value is less than or equal to 1000000000." in response.content.decode()


def test_a_smart_pool_cannot_save_a_search_over_its_bounds(client, recruiter):
    client.force_login(recruiter)
    response = client.post(
        "/api/pools/",
        {"name": "Huge", "kind": "smart", "query": {"q": HUGE}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["query"]["q"][0]["message"] == MESSAGE
    ok = client.post(
        "/api/pools/",
        {"name": "Fine", "kind": "smart", "query": {"q": "python"}},
        content_type="application/json",
    )
    assert ok.status_code == 201
