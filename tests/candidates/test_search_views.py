"""The search page, bulk actions, CSV export and the pool pages, as a recruiter (and others) see them."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates import services
from candidates.models import Activity, Candidate, PoolMembership, TalentPool
from tests.factories import CandidateFactory, TalentPoolFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture
def logged_in(client, recruiter):
    client.force_login(recruiter)
    return client


def listed(response) -> list[str]:
    return [c.first_name for c in response.context["page"]]


def test_search_page_filters_and_shows_engagement_and_status(logged_in):
    CandidateFactory(first_name="Ada", industry="Fintech", seeking_status="passive", engagement_score=72)
    CandidateFactory(first_name="Grace", industry="Fintech", seeking_status="active")
    CandidateFactory(first_name="Linus", industry="Software", seeking_status="passive")
    response = logged_in.get(reverse("candidates:list"), {"industry": "Fintech", "seeking_status": "passive"})
    assert response.status_code == 200
    assert listed(response) == ["Ada"]
    html = response.content.decode()
    assert "<strong>1</strong> candidate" in html
    assert 'class="badge badge-passive"' in html
    assert 'title="Engagement score 72"' in html
    assert "<option selected>Fintech</option>" in html  # the panel shows the filters of the URL


def test_the_count_is_exact_up_to_the_bound_then_says_more(logged_in, settings):
    settings.SEARCH_COUNT_BOUND = 2
    CandidateFactory.create_batch(2, industry="Fintech")
    CandidateFactory(industry="Software")
    html = logged_in.get(reverse("candidates:list"), {"industry": "Fintech"}).content.decode()
    assert "<strong>2</strong> candidates" in html
    with CaptureQueriesContext(connection) as queries:
        html = logged_in.get(reverse("candidates:list"), headers=HTMX).content.decode()
    assert "<strong>2+</strong> candidates" in html
    (count,) = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "LIMIT 3" in count and "ORDER BY" not in count  # a bounded subquery, not ordered


def test_pages_reach_as_far_as_the_bound_without_a_last_page_number(logged_in, settings):
    settings.SEARCH_COUNT_BOUND = 60
    CandidateFactory.create_batch(61)
    first = logged_in.get(reverse("candidates:list"))
    assert first.context["page"].has_next() and "Page 1</span>" in first.content.decode()
    second = logged_in.get(reverse("candidates:list"), {"page": 2})
    assert len(listed(second)) == 11 and not second.context["page"].has_next()


def test_htmx_gets_only_the_results_and_the_bookmarked_url_shows_the_same(logged_in):
    CandidateFactory(first_name="Ada", title="Data Engineer")
    CandidateFactory(first_name="Grace", title="Compiler writer")
    params = {"q": "engineer"}
    fragment = logged_in.get(reverse("candidates:list"), params, headers=HTMX)
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert 'id="search-form"' not in html and "<html" not in html
    page = logged_in.get(reverse("candidates:list"), params)
    assert listed(fragment) == listed(page) == ["Ada"]
    assert 'id="search-form"' in page.content.decode()


def test_history_restore_gets_the_whole_page(logged_in):
    response = logged_in.get(
        reverse("candidates:list"), headers={**HTMX, "HX-History-Restore-Request": "true"}
    )
    assert 'id="search-form"' in response.content.decode()


def test_sort_headers_and_pagination_keep_the_filters(logged_in):
    CandidateFactory.create_batch(55, industry="Fintech")
    response = logged_in.get(reverse("candidates:list"), {"industry": "Fintech", "sort": "name"})
    html = response.content.decode()
    assert len(response.context["page"]) == 50
    assert 'href="/candidates/?industry=Fintech&amp;sort=name&amp;page=2"' in html
    assert 'href="/candidates/?industry=Fintech&amp;sort=-name"' in html  # the name header flips the order
    assert 'href="/candidates/?industry=Fintech&amp;sort=-engagement_score"' in html
    assert '<th aria-sort="ascending">' in html
    second = logged_in.get(reverse("candidates:list"), {"industry": "Fintech", "sort": "name", "page": 2})
    assert len(second.context["page"]) == 5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_experience": "ten"}, "Enter a whole number."),
        ({"contacted_after": "last week"}, "Enter a valid date."),
        ({"min_engagement": "lots"}, "Enter a number."),
        ({"pool": "abc"}, "Enter a whole number."),
        ({"owner": "9" * 30}, "Ensure this value is less than or equal to 9223372036854775807."),
        ({"sort": "shoe-size"}, "Select a valid choice."),
        ({"min_experience": "3", "max_experience": "1"}, "The experience range ends before it starts."),
    ],
)
def test_bad_filters_are_shown_as_errors_not_500s(logged_in, params, message):
    CandidateFactory(first_name="Ada")
    for headers in ({}, HTMX):
        response = logged_in.get(reverse("candidates:list"), {**params, "page": "zzz"}, headers=headers)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert listed(response) == ["Ada"]  # the other filters still apply; the bad one is left out


def test_query_count_does_not_grow_with_rows(logged_in, recruiter, django_assert_max_num_queries):
    pool = TalentPoolFactory()
    CandidateFactory.create_batch(3, owner=recruiter, skills=["Python"])
    url = reverse("candidates:list")
    params = {"q": "python", "skills": "python", "pool": "", "sort": "-engagement_score"}
    with CaptureQueriesContext(connection) as few:
        logged_in.get(url, params)
    with CaptureQueriesContext(connection) as few_htmx:
        logged_in.get(url, params, headers=HTMX)
    people = CandidateFactory.create_batch(60, owner=recruiter, skills=["Python"])
    services.add_to_pool(pool=pool, candidates=people, by=recruiter)
    with django_assert_max_num_queries(len(few)):
        response = logged_in.get(url, params)
    assert len(response.context["page"]) == 50
    with django_assert_max_num_queries(len(few_htmx)):
        logged_in.get(url, params, headers=HTMX)
    with django_assert_max_num_queries(len(few) + 1):  # + the pool
        logged_in.get(reverse("candidates:pool", args=[pool.pk]), params)


def test_add_ticked_people_to_an_existing_pool_adds_each_once(logged_in, recruiter):
    pool = TalentPoolFactory(name="Shortlist")
    ada, grace = CandidateFactory(first_name="Ada"), CandidateFactory(first_name="Grace")
    url = reverse("candidates:add_to_pool")
    response = logged_in.post(url, {"candidate_ids": [ada.pk, grace.pk], "pool": pool.pk}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<span id="bulk-status"')
    assert "Added 2 to" in html
    again = logged_in.post(url, {"candidate_ids": [ada.pk, grace.pk], "pool": pool.pk}, headers=HTMX)
    assert "Added 0 to" in again.content.decode() and "2 already there" in again.content.decode()
    assert PoolMembership.objects.filter(pool=pool).count() == 2
    assert Activity.objects.filter(kind=Activity.Kind.POOL, candidate=ada).count() == 1


def test_add_ticked_people_to_a_new_pool(logged_in, recruiter):
    ada = CandidateFactory(first_name="Ada")
    response = logged_in.post(
        reverse("candidates:add_to_pool"), {"candidate_ids": [ada.pk], "new_pool_name": " Berlin backend "}
    )
    pool = TalentPool.objects.get(name="Berlin backend")
    assert response.status_code == 302 and response["Location"] == pool.get_absolute_url()
    assert (pool.kind, pool.owner) == ("static", recruiter)
    assert list(pool.members.all()) == [ada]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pool": "POOL"}, "Tick the people to add first."),
        ({"candidate_ids": ["ADA"]}, "Choose a pool or name a new one."),
        (
            {"candidate_ids": ["ADA"], "pool": "POOL", "new_pool_name": "Other"},
            "Choose a pool or name a new one.",
        ),
        (
            {"candidate_ids": ["ADA"], "new_pool_name": "shortlist"},
            "There is already a pool called shortlist.",
        ),
        ({"candidate_ids": ["ADA"], "pool": "SMART"}, "Select a valid choice."),
        ({"candidate_ids": ["999999"], "pool": "POOL"}, "Select a valid choice."),
    ],
)
def test_bulk_add_refuses_bad_requests_with_422(logged_in, recruiter, data, message):
    ada = CandidateFactory(first_name="Ada")
    pool = TalentPoolFactory(name="Shortlist")
    smart = services.create_smart_pool(name="Smart", query={}, by=recruiter)
    ids = {"ADA": ada.pk, "POOL": pool.pk, "SMART": smart.pk}
    data = {
        key: [ids.get(v, v) for v in value] if isinstance(value, list) else ids.get(value, value)
        for key, value in data.items()
    }
    response = logged_in.post(reverse("candidates:add_to_pool"), data, headers=HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not PoolMembership.objects.exists()
    assert TalentPool.objects.count() == 2


def test_save_the_search_as_a_smart_pool(logged_in, recruiter):
    CandidateFactory(first_name="Ada", industry="Fintech", seeking_status="passive")
    CandidateFactory(first_name="Grace", industry="Fintech", seeking_status="active")
    page = logged_in.get(
        reverse("candidates:list"), {"industry": "Fintech", "seeking_status": "passive", "page": 1}
    )
    html = page.content.decode()
    assert (
        '<input type="hidden" name="industry" value="Fintech">' in html
    )  # the save form carries the filters
    assert 'name="page"' not in html.split('id="save-smart-pool"')[1].split("</form>")[0]
    response = logged_in.post(
        reverse("candidates:save_smart_pool"),
        {"name": "Passive fintech", "industry": "Fintech", "seeking_status": "passive", "source": ""},
        headers=HTMX,
    )
    assert response.status_code == 200
    pool = TalentPool.objects.get(name="Passive fintech")
    assert f'href="{pool.get_absolute_url()}"' in response.content.decode()
    assert (pool.kind, pool.owner) == ("smart", recruiter)
    assert pool.query == {"industry": "Fintech", "seeking_status": "passive"}
    members = logged_in.get(pool.get_absolute_url())
    assert listed(members) == ["Ada"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "Taken"}, "There is already a pool called Taken."),
        ({"name": "New", "min_experience": "x"}, "Enter a whole number."),
    ],
)
def test_save_smart_pool_shows_errors(logged_in, data, message):
    TalentPoolFactory(name="Taken")
    response = logged_in.post(reverse("candidates:save_smart_pool"), data, headers=HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert TalentPool.objects.count() == 1


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_export_streams_every_matching_row_as_csv(logged_in, recruiter):
    CandidateFactory.create_batch(70, industry="Fintech", owner=recruiter, skills=["Python", "SQL"])
    CandidateFactory(industry="Software")
    response = logged_in.get(reverse("candidates:export"), {"industry": "Fintech", "page": "2"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="candidates-')
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert header[:4] == ["ID", "First name", "Last name", "Email"]
    assert len(body) == 70  # all of them, not one page
    first = dict(zip(header, body[0], strict=True))
    assert first["Skills"] == "Python; SQL"
    assert first["Country"] == "United Kingdom"
    assert first["Seeking"] == "Passive"
    assert first["Owner"] == recruiter.get_full_name()


def test_export_neutralises_spreadsheet_formulas(logged_in):
    CandidateFactory(
        first_name='=HYPERLINK("http://evil")',
        last_name="+1",
        title="-2+3",
        company="@SUM(A1)",
        city="\tTab",
        notes="x",
        phone="\r555",
        industry="Plain = fine",
    )
    header, row = read_csv(logged_in.get(reverse("candidates:export")))
    cells = dict(zip(header, row, strict=True))
    assert cells["First name"] == '\'=HYPERLINK("http://evil")'
    assert cells["Last name"] == "'+1"
    assert cells["Title"] == "'-2+3"
    assert cells["Company"] == "'@SUM(A1)"
    assert cells["City"] == "'\tTab"
    assert cells["Phone"] == "'\r555"
    assert cells["Industry"] == "Plain = fine"


def test_export_of_a_pool_page_exports_its_members(logged_in, recruiter):
    pool = TalentPoolFactory()
    ada = CandidateFactory(first_name="Ada")
    CandidateFactory(first_name="Grace")
    services.add_to_pool(pool=pool, candidates=[ada], by=recruiter)
    page = logged_in.get(pool.get_absolute_url(), {"seeking_status": "passive"}).content.decode()
    assert f'href="/candidates/export.csv?seeking_status=passive&amp;pool={pool.pk}"' in page
    rows = read_csv(logged_in.get(reverse("candidates:export"), {"pool": pool.pk}))
    assert [row[1] for row in rows[1:]] == ["Ada"]


def test_pool_list_shows_member_counts(logged_in, recruiter):
    static = services.create_static_pool(
        name="Shortlist", by=recruiter, candidates=CandidateFactory.create_batch(2)
    )
    services.create_smart_pool(name="Passive people", query={"seeking_status": "passive"}, by=recruiter)
    CandidateFactory(seeking_status="active")
    html = logged_in.get(reverse("candidates:pools")).content.decode()
    assert f'<tr id="pool-{static.pk}">' in html
    counts = {
        pool.name: pool.member_count for pool in logged_in.get(reverse("candidates:pools")).context["pools"]
    }
    assert counts == {"Shortlist": 2, "Passive people": 2}


def test_smart_pool_page_combines_the_saved_search_with_the_page_filters(logged_in, recruiter):
    CandidateFactory(first_name="Ada", industry="Fintech", country="GB")
    CandidateFactory(first_name="Grace", industry="Fintech", country="US")
    CandidateFactory(first_name="Linus", industry="Software", country="GB")
    pool = services.create_smart_pool(name="Fintech", query={"industry": "Fintech"}, by=recruiter)
    response = logged_in.get(pool.get_absolute_url())
    assert sorted(listed(response)) == ["Ada", "Grace"]
    html = response.content.decode()
    assert '<span class="chip-label">Industry</span> Fintech' in html
    assert 'name="pool"' not in html.split('id="search-form"')[1].split("</form>")[0]  # the pool is fixed
    assert listed(logged_in.get(pool.get_absolute_url(), {"country": "GB"})) == ["Ada"]
    fragment = logged_in.get(pool.get_absolute_url(), {"country": "US"}, headers=HTMX)
    assert fragment.content.decode().lstrip().startswith('<div id="results"')
    assert listed(fragment) == ["Grace"]
    assert "Remove" not in fragment.content.decode()  # nobody is removed from a smart pool by hand


def test_remove_a_member_from_a_static_pool_over_htmx(logged_in, recruiter):
    pool = TalentPoolFactory(name="Shortlist")
    ada, grace = CandidateFactory(first_name="Ada"), CandidateFactory(first_name="Grace")
    services.add_to_pool(pool=pool, candidates=[ada, grace], by=recruiter)
    page = logged_in.get(pool.get_absolute_url()).content.decode()
    url = reverse("candidates:pool_remove_member", args=[pool.pk, ada.pk])
    assert f'hx-post="{url}" hx-target="#candidate-{ada.pk}"' in page
    response = logged_in.post(url, headers=HTMX)
    assert response.status_code == 200 and response.content == b""
    assert list(pool.members.all()) == [grace]
    assert ada.activities.filter(kind=Activity.Kind.POOL, summary="Removed from pool Shortlist").exists()
    assert (
        logged_in.post(url).status_code == 302
    )  # without htmx: back to the pool; removing twice is harmless


def test_members_of_a_smart_pool_cannot_be_removed_by_hand(logged_in, recruiter):
    ada = CandidateFactory()
    pool = services.create_smart_pool(name="Smart", query={}, by=recruiter)
    assert logged_in.post(reverse("candidates:pool_remove_member", args=[pool.pk, ada.pk])).status_code == 404


def test_writes_need_post(logged_in):
    pool = TalentPoolFactory()
    ada = CandidateFactory()
    page = logged_in.get(reverse("candidates:add_to_pool"), {"candidates": str(ada.pk)})
    assert page.status_code == 200 and not pool.members.exists()  # the page to choose a pool, nothing added
    for url in (
        reverse("candidates:save_smart_pool"),
        reverse("candidates:pool_remove_member", args=[pool.pk, ada.pk]),
    ):
        assert logged_in.get(url).status_code == 405


def test_writes_need_the_csrf_token(recruiter):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(recruiter)
    ada = CandidateFactory()
    response = client.post(
        reverse("candidates:add_to_pool"), {"candidate_ids": [ada.pk], "new_pool_name": "X"}
    )
    assert response.status_code == 403
    assert not TalentPool.objects.exists()


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_other_roles_are_refused_search_pools_export_and_bulk_actions(client, users_by_role, recruiter, role):
    ada = CandidateFactory()
    pool = services.create_static_pool(name="Shortlist", by=recruiter, candidates=[ada])
    client.force_login(users_by_role[role])
    for url in (
        reverse("candidates:list"),
        reverse("candidates:export"),
        reverse("candidates:pools"),
        reverse("candidates:pool", args=[pool.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for url, data in (
        (reverse("candidates:add_to_pool"), {"candidate_ids": [ada.pk], "pool": pool.pk}),
        (reverse("candidates:save_smart_pool"), {"name": "Mine"}),
        (reverse("candidates:pool_remove_member", args=[pool.pk, ada.pk]), {}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert list(pool.members.all()) == [ada]
    assert TalentPool.objects.count() == 1


def test_admin_may_do_what_a_recruiter_does(client, admin_user):
    ada = CandidateFactory()
    client.force_login(admin_user)
    assert client.get(reverse("candidates:list")).status_code == 200
    response = client.post(
        reverse("candidates:add_to_pool"), {"candidate_ids": [ada.pk], "new_pool_name": "Mine"}
    )
    assert response.status_code == 302
    assert Candidate.objects.get().pools.get().name == "Mine"
