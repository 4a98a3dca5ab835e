"""The navigation's search box jumps to the one person meant, else shows the search."""

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import CandidateAlias
from tests.factories import CandidateFactory

JUMP = reverse("candidates:jump")


@pytest.fixture
def people(db):
    return {
        "ada": CandidateFactory(
            first_name="Ada", last_name="Lovelace", email="ada@example.org", company="Analytical"
        ),
        "grace": CandidateFactory(
            first_name="Grace", last_name="Hopper", email="grace@example.org", company="Navy"
        ),
        "gone": CandidateFactory(first_name="Gone", email="gone@example.org", erased_at=timezone.now()),
    }


def test_the_box_is_in_the_navigation_for_the_recruiting_team_only(client, recruiter, employee):
    client.force_login(recruiter)
    assert f'action="{JUMP}"' in client.get(reverse("home")).content.decode()
    client.force_login(employee)
    assert f'action="{JUMP}"' not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("query", "who"),
    [("ADA@example.org", "ada"), ("lovelace", "ada"), ("Navy", "grace"), ("grace hopper", "grace")],
)
def test_one_match_by_email_name_or_company_opens_the_profile(client, recruiter, people, query, who):
    client.force_login(recruiter)
    assert client.get(JUMP, {"q": query}).url == people[who].get_absolute_url()


def test_an_alias_email_finds_the_person(client, recruiter, people):
    CandidateAlias.objects.create(candidate=people["ada"], email="countess@example.org")
    client.force_login(recruiter)
    assert client.get(JUMP, {"q": "countess@example.org"}).url == people["ada"].get_absolute_url()


@pytest.mark.parametrize("query", ["example", "nobody@example.org", "gone@example.org", ""])
def test_several_none_or_an_erased_person_shows_the_search(client, recruiter, people, query):
    client.force_login(recruiter)
    response = client.get(JUMP, {"q": query})
    assert response.url.startswith(reverse("candidates:list"))


def test_bounds_and_roles(client, recruiter, hiring_manager, employee, people):
    client.force_login(recruiter)
    assert client.get(JUMP, {"q": "x" * 201}).status_code == 400
    for user in (hiring_manager, employee):
        client.force_login(user)
        assert client.get(JUMP, {"q": "ada@example.org"}).status_code == 403
