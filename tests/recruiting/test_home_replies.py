"""The home page's "Replies to handle": the recruiting team's count, the oldest few and the unmatched count."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from recruiting import selectors
from tests.factories import CandidateFactory, ReplyFactory

NOW = dt.datetime(2030, 2, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def make_replies(n: int, days_back: int = 0) -> list:
    return [
        ReplyFactory(
            candidate=CandidateFactory(first_name=f"Person{days_back + i}"),
            body=f"Reply number {days_back + i}",
            received_at=ago(days_back + i + 1),
        )
        for i in range(n)
    ]


def test_replies_waiting_counts_and_lists_the_oldest_first(recruiter):
    _, middle, oldest = make_replies(3)
    ReplyFactory(received_at=ago(10), tag="interested")  # handled
    ReplyFactory(candidate=None, received_at=ago(9))  # unmatched
    waiting = selectors.replies_waiting(recruiter, shown=2)
    assert (waiting.count, waiting.oldest, waiting.unmatched) == (3, [oldest, middle], 1)


@pytest.mark.parametrize("role", ["admin", "recruiter"])
def test_the_recruiting_team_sees_the_card(client, users_by_role, role):
    reply = ReplyFactory(
        candidate=CandidateFactory(first_name="Ada", last_name="Lovelace"),
        body="Happy to talk about the platform role next week, as long as it is remote-friendly.",
        received_at=ago(3),
    )
    ReplyFactory(candidate=None, received_at=ago(1))
    client.force_login(users_by_role[role])
    html = client.get(reverse("home")).content.decode()
    assert 'id="replies-waiting"' in html
    assert '<span id="replies-count" class="text-danger">1 to handle</span>' in html
    assert (
        f'<a id="replies-unmatched-count" href="{reverse("outreach:replies")}#replies-unmatched">1 unmatched</a>'
        in html
    )
    assert (
        f'<li id="home-reply-{reply.pk}"><span><a href="{reply.candidate.get_absolute_url()}">Ada Lovelace</a>'
        in html
    )
    assert (
        '<span class="muted excerpt">Happy to talk about the platform role next week, as long as it is rem…</span>'
        in html
    )
    assert "3\xa0days ago" in html
    assert f'href="{reverse("outreach:replies")}">All replies</a>' in html


def test_an_empty_card_says_so(client, recruiter):
    client.force_login(recruiter)
    html = client.get(reverse("home")).content.decode()
    assert '<span id="replies-count" class="">0 to handle</span>' in html
    assert "No reply waiting." in html and 'id="replies-unmatched-count"' not in html


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_hiring_managers_and_employees_do_not_see_replies(client, users_by_role, role):
    ReplyFactory(body="A private answer")
    ReplyFactory(candidate=None)
    user = users_by_role[role]
    client.force_login(user)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="replies-waiting"' not in html and "A private answer" not in html
    assert "replies" not in response.context
    assert selectors.replies_waiting(user) == selectors.RepliesWaiting(count=0, oldest=[], unmatched=0)


def test_the_home_page_runs_a_constant_number_of_queries_whatever_the_replies(
    client, recruiter, django_assert_max_num_queries
):
    make_replies(2)
    client.force_login(recruiter)
    client.get(reverse("home"))  # warm the session and the one-row settings
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("home"))
    make_replies(12, days_back=2)
    ReplyFactory.create_batch(5, candidate=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("home")).content.decode()
    assert "14 to handle" in html and "5 unmatched" in html
    assert html.count('id="home-reply-') == 5
