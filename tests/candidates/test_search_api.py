"""/api/candidates/ filters (the same form as the search page) and /api/pools/ with their members."""

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from candidates import services
from candidates.models import Activity, PoolMembership, TalentPool
from tests.factories import CandidateFactory, TalentPoolFactory


@pytest.fixture
def api(recruiter):
    client = APIClient()
    client.force_authenticate(recruiter)
    return client


@pytest.fixture
def people(recruiter):
    # Fixed names, titles and companies: Faker's (an "Adams", a "Canada") would match the text searches below.
    fixed = {"last_name": "Lee", "title": "Engineer", "company": "Acme"}
    return {
        "ada": CandidateFactory(
            first_name="Ada",
            **fixed,
            industry="Fintech",
            years_experience=10,
            engagement_score=80,
            skills=["Python", "SQL"],
        ),
        "grace": CandidateFactory(
            first_name="Grace",
            **fixed,
            industry="Fintech",
            seeking_status="active",
            engagement_score=40,
            skills=["Python"],
        ),
        "linus": CandidateFactory(
            first_name="Linus", **fixed, industry="Software", years_experience=25, skills=["C"]
        ),
    }


def first_names(data) -> list[str]:
    return [row["first_name"] for row in data["results"]]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "python"},
        {"industry": "fintech", "seeking_status": "passive"},
        {"skills": "python, sql", "skills_mode": "all"},
        {"min_experience": "20"},
        {"min_engagement": "30", "sort": "-engagement_score"},
        {"sort": "-name"},
    ],
)
def test_the_api_and_the_search_page_agree(api, client, recruiter, people, params):
    client.force_login(recruiter)
    page = [c.first_name for c in client.get(reverse("candidates:list"), params).context["page"]]
    data = api.get("/api/candidates/", params).json()
    assert first_names(data) == page
    assert data["count"] == len(page)


def test_api_count_is_exact_up_to_the_bound(api, people, settings):
    settings.SEARCH_COUNT_BOUND = 3
    data = api.get("/api/candidates/").json()
    assert (data["count"], data["count_exact"]) == (3, True)
    settings.SEARCH_COUNT_BOUND = 2
    data = api.get("/api/candidates/").json()
    assert (data["count"], data["count_exact"]) == (2, False)  # more than 2
    assert len(data["results"]) == 3 and data["next"] is None  # the page still holds every one found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="best match ranks a bounded set on PostgreSQL")
def test_api_best_match_counts_the_set_it_ranked(api, people, settings, django_assert_num_queries):
    settings.SEARCH_COUNT_BOUND = 1
    # the user's roles, the ranked set's ids (once), the page, its skills: no count query
    with django_assert_num_queries(4):
        data = api.get("/api/candidates/", {"q": "python"}).json()
    assert (data["count"], data["count_exact"]) == (1, False)
    assert sorted(first_names(data)) == ["Ada", "Grace"]


def test_api_list_rows_carry_skills(api, people):
    rows = api.get("/api/candidates/", {"q": "ada"}).json()["results"]
    assert [sorted(row["skills"]) for row in rows] == [["Python", "SQL"]]


def test_bad_filters_answer_400_with_field_errors(api, people):
    response = api.get(
        "/api/candidates/", {"min_experience": "ten", "sort": "height", "contacted_after": "x"}
    )
    assert response.status_code == 400
    assert {"min_experience", "sort", "contacted_after"} <= response.json().keys()


def test_detail_is_not_filtered_by_search_parameters(api, people):
    ada = people["ada"]
    assert api.get(f"/api/candidates/{ada.pk}/", {"q": "nobody"}).json()["id"] == ada.pk


def test_schema_documents_the_search_parameters(client, recruiter):
    client.force_login(recruiter)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    names = {p["name"] for p in schema["paths"]["/api/candidates/"]["get"]["parameters"]}
    assert {
        "q",
        "seeking_status",
        "skills",
        "skills_mode",
        "pool",
        "contacted_before",
        "sort",
        "page",
    } <= names
    assert "/api/pools/{id}/members/" in schema["paths"]


def test_create_static_and_smart_pools(api, recruiter, people):
    static = api.post("/api/pools/", {"name": "Shortlist", "description": "Q3"}, format="json")
    assert static.status_code == 201, static.json()
    assert static.json()["kind"] == "static"
    assert static.json()["owner"] == recruiter.pk
    smart = api.post(
        "/api/pools/",
        {
            "name": "Fintech",
            "kind": "smart",
            "query": {"industry": "Fintech", "min_experience": "5", "source": ""},
        },
        format="json",
    )
    assert smart.status_code == 201, smart.json()
    assert smart.json()["query"] == {"industry": "Fintech", "min_experience": 5}  # cleaned
    assert [p["name"] for p in api.get("/api/pools/").json()["results"]] == ["Fintech", "Shortlist"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Bad", "kind": "smart", "query": {"min_experience": "many"}}, "query"),
        ({"name": "Bad", "kind": "smart", "query": ["not", "an", "object"]}, "query"),
        ({"name": "Bad", "query": {"industry": "Fintech"}}, "query"),  # a static pool has no search
        ({"name": "Taken"}, "name"),
        ({"name": ""}, "name"),
        ({"name": "Bad", "kind": "dynamic"}, "kind"),
    ],
)
def test_bad_pools_are_refused(api, body, field):
    TalentPoolFactory(name="Taken")
    response = api.post("/api/pools/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert TalentPool.objects.count() == 1


def test_update_a_smart_pools_search_but_not_a_pools_kind(api, recruiter):
    pool = services.create_smart_pool(name="Fintech", query={"industry": "Fintech"}, by=recruiter)
    url = f"/api/pools/{pool.pk}/"
    response = api.patch(url, {"query": {"industry": "Software"}, "name": "Software"}, format="json")
    assert response.status_code == 200, response.json()
    pool.refresh_from_db()
    assert (pool.name, pool.query) == ("Software", {"industry": "Software"})
    assert api.patch(url, {"kind": "static"}, format="json").status_code == 400


def test_only_admins_delete_pools_and_the_people_stay(api, admin_user, people):
    pool = TalentPoolFactory()
    pool.memberships.create(candidate=people["ada"])
    assert api.delete(f"/api/pools/{pool.pk}/").status_code == 403
    api.force_authenticate(admin_user)
    assert api.delete(f"/api/pools/{pool.pk}/").status_code == 204
    assert not TalentPool.objects.filter(pk=pool.pk).exists()
    summaries = list(people["ada"].activities.values_list("summary", flat=True))
    assert f"Pool {pool.name} deleted" in summaries


def test_static_pool_members_add_list_and_remove(api, people):
    pool = TalentPoolFactory()
    url = f"/api/pools/{pool.pk}/members/"
    ids = [people["ada"].pk, people["grace"].pk]
    assert api.post(url, {"candidate_ids": ids}, format="json").json() == {"added": 2}
    assert api.post(url, {"candidate_ids": ids}, format="json").json() == {"added": 0}  # adds once
    listed = api.get(url).json()
    assert listed["count"] == 2 and sorted(first_names(listed)) == ["Ada", "Grace"]
    response = api.delete(url, {"candidate_ids": [people["ada"].pk, people["linus"].pk]}, format="json")
    assert response.json() == {"removed": 1}
    assert first_names(api.get(url).json()) == ["Grace"]
    assert people["ada"].activities.filter(kind=Activity.Kind.POOL).count() == 2  # added, then removed


def test_smart_pool_members_are_computed_and_cannot_be_edited(api, recruiter, people):
    pool = services.create_smart_pool(name="Python", query={"skills": "python"}, by=recruiter)
    url = f"/api/pools/{pool.pk}/members/"
    assert sorted(first_names(api.get(url).json())) == ["Ada", "Grace"]
    services.update_candidate(candidate=people["linus"], skills=["C", "Python"])
    assert api.get(url).json()["count"] == 3
    response = api.post(url, {"candidate_ids": [people["linus"].pk]}, format="json")
    assert response.status_code == 400
    assert api.delete(url, {"candidate_ids": [people["ada"].pk]}, format="json").status_code == 400
    assert not PoolMembership.objects.exists()


@pytest.mark.parametrize(
    "body", [{}, {"candidate_ids": []}, {"candidate_ids": [999_999]}, {"candidate_ids": "x"}]
)
def test_members_need_known_candidate_ids(api, body):
    pool = TalentPoolFactory()
    assert api.post(f"/api/pools/{pool.pk}/members/", body, format="json").status_code == 400


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_other_roles_cannot_use_pools(users_by_role, role):
    pool = TalentPoolFactory()
    ada = CandidateFactory()
    api = APIClient()
    api.force_authenticate(users_by_role[role])
    assert api.get("/api/pools/").status_code == 403
    assert api.post("/api/pools/", {"name": "Mine"}, format="json").status_code == 403
    assert api.get(f"/api/pools/{pool.pk}/members/").status_code == 403
    url = f"/api/pools/{pool.pk}/members/"
    assert api.post(url, {"candidate_ids": [ada.pk]}, format="json").status_code == 403
    assert api.delete(url, {"candidate_ids": [ada.pk]}, format="json").status_code == 403
    assert TalentPool.objects.count() == 1 and not PoolMembership.objects.exists()
