"""candidates.search: every filter, free text on both databases, sorting, smart pools and pool counts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates import selectors, services
from candidates.models import Activity, Candidate, TalentPool
from candidates.search import (
    BoundedPaginator,
    CandidateSearchForm,
    describe_filters,
    search_candidates,
    sort_columns,
)
from tests.factories import CandidateFactory, TalentPoolFactory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text and trigram search run on PostgreSQL only: set DATABASE_URL=postgres://…",
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the substring fallback is what SQLite uses; PostgreSQL ranks words"
)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


@pytest.fixture
def people(recruiter):
    """Three people who differ in every filter, and an erased one who would match them all."""
    ada = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        title="Data Engineer",
        company="Analytical Engines",
        industry="Fintech",
        years_experience=10,
        country="GB",
        city="London",
        seeking_status="passive",
        source="sourced",
        owner=recruiter,
        engagement_score=80,
        last_contacted_at=at("2025-03-10"),
        notes="Met her at PyCon",
        skills=["Python", "SQL"],
    )
    grace = CandidateFactory(
        first_name="Grace",
        last_name="Hopper",
        title="Compiler Engineer",
        company="Remington Rand",
        industry="Software",
        years_experience=30,
        country="US",
        city="New York",
        seeking_status="active",
        source="referral",
        engagement_score=40,
        last_contacted_at=at("2024-12-01"),
        skills=["COBOL", "Python"],
    )
    linus = CandidateFactory(
        first_name="Linus",
        last_name="Torvalds",
        title="Kernel Maintainer",
        company="Linux Foundation",
        industry="Software",
        years_experience=25,
        country="FI",
        city="Helsinki",
        seeking_status="passive",
        source="event",
        engagement_score=10,
        last_contacted_at=None,
        skills=["C"],
    )
    CandidateFactory(
        first_name="Erased",
        last_name="Person",
        title="Data Engineer",
        industry="Fintech",
        skills=["Python"],
        erased_at=timezone.now(),
    )
    return {"ada": ada, "grace": grace, "linus": linus}


def names(queryset) -> set[str]:
    return {c.first_name for c in queryset}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"Ada", "Grace", "Linus"}),
        ({"q": "python"}, {"Ada", "Grace"}),  # a skill
        ({"q": "pycon"}, {"Ada"}),  # the notes
        ({"q": "kernel"}, {"Linus"}),  # the title
        ({"q": "remington"}, {"Grace"}),  # the company
        ({"q": "hopper"}, {"Grace"}),  # the name
        ({"q": "python engineer"}, {"Ada", "Grace"}),  # every word
        ({"q": "python kernel"}, set()),
        ({"seeking_status": "passive"}, {"Ada", "Linus"}),
        ({"source": "referral"}, {"Grace"}),
        ({"industry": "fintech"}, {"Ada"}),  # any case
        ({"title": "engineer"}, {"Ada", "Grace"}),  # part of the title
        ({"min_experience": "25"}, {"Grace", "Linus"}),
        ({"max_experience": "10"}, {"Ada"}),
        ({"min_experience": 20, "max_experience": 28}, {"Linus"}),
        ({"country": "FI"}, {"Linus"}),
        ({"city": "new"}, {"Grace"}),  # the start of the city
        ({"skills": "python"}, {"Ada", "Grace"}),
        ({"skills": "PYTHON, sql"}, {"Ada", "Grace"}),  # any of them, any case
        ({"skills": "python, sql", "skills_mode": "all"}, {"Ada"}),
        ({"skills": ["c"]}, {"Linus"}),  # a smart pool stores a list
        ({"skills": "python, rust", "skills_mode": "all"}, set()),
        ({"min_engagement": "40"}, {"Ada", "Grace"}),
        ({"max_engagement": "40"}, {"Grace", "Linus"}),
        ({"contacted_after": "2025-01-01"}, {"Ada"}),
        ({"contacted_before": "2025-01-01"}, {"Grace"}),
        ({"contacted_before": "2025-03-10"}, {"Ada", "Grace"}),  # on or before: the whole day counts
        ({"contacted_after": "2024-12-01", "contacted_before": "2024-12-01"}, {"Grace"}),
        ({"seeking_status": "passive", "industry": "Software", "min_experience": "20"}, {"Linus"}),
    ],
)
def test_each_filter(people, filters, expected):
    assert names(search_candidates(filters)) == expected


def test_owner_filter(people, recruiter):
    assert names(search_candidates({"owner": str(recruiter.pk)})) == {"Ada"}


def test_pool_filter_on_a_static_pool(people, recruiter):
    pool = TalentPoolFactory()
    services.add_to_pool(pool=pool, candidates=[people["ada"], people["linus"]], by=recruiter)
    assert names(search_candidates({"pool": pool.pk})) == {"Ada", "Linus"}
    assert names(search_candidates({"pool": pool.pk, "seeking_status": "passive", "q": "kernel"})) == {
        "Linus"
    }


def test_pool_filter_on_a_smart_pool_runs_its_search(people, recruiter):
    pool = services.create_smart_pool(name="Python people", query={"skills": "python"}, by=recruiter)
    assert names(search_candidates({"pool": pool.pk})) == {"Ada", "Grace"}
    assert names(search_candidates({"pool": pool.pk, "seeking_status": "active"})) == {"Grace"}


def test_a_smart_pool_that_filters_by_itself_matches_nobody(people, recruiter):
    pool = services.create_smart_pool(name="Loop", query={}, by=recruiter)
    TalentPool.objects.filter(pk=pool.pk).update(query={"pool": pool.pk})
    pool.refresh_from_db()
    assert list(selectors.pool_members(pool)) == []


def test_an_unknown_pool_matches_nobody(people):
    assert list(search_candidates({"pool": 999_999})) == []


def test_invalid_values_are_left_out_of_the_search(people):
    filters = {"min_experience": "lots", "contacted_after": "yesterday", "sort": "shoe size", "country": "XX"}
    assert not CandidateSearchForm(filters).is_valid()
    assert names(search_candidates(filters)) == {"Ada", "Grace", "Linus"}


def test_a_range_that_ends_before_it_starts_is_an_error():
    form = CandidateSearchForm(
        {"min_experience": "10", "max_experience": "2", "contacted_after": "2025-02-01"}
    )
    assert not form.is_valid()
    assert form.errors["max_experience"] == ["The experience range ends before it starts."]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Grace", "Ada", "Linus"]),  # by last name: Hopper, Lovelace, Torvalds
        ("name", ["Grace", "Ada", "Linus"]),
        ("-name", ["Linus", "Ada", "Grace"]),
        ("-engagement_score", ["Ada", "Grace", "Linus"]),
        ("engagement_score", ["Linus", "Grace", "Ada"]),
        ("-years_experience", ["Grace", "Linus", "Ada"]),
        ("-last_contacted_at", ["Ada", "Grace", "Linus"]),  # never contacted comes last either way
        ("last_contacted_at", ["Grace", "Ada", "Linus"]),
        ("-created_at", ["Linus", "Grace", "Ada"]),
    ],
)
def test_sorting(people, sort, expected):
    assert [c.first_name for c in search_candidates({"sort": sort})] == expected


def test_sort_columns_toggle_and_say_their_direction():
    columns = sort_columns("-engagement_score")
    assert columns["engagement_score"] == {"sort": "engagement_score", "direction": "descending"}
    assert columns["name"] == {"sort": "name", "direction": ""}
    assert sort_columns("name")["name"] == {"sort": "-name", "direction": "ascending"}


def test_saved_query_is_json_and_finds_the_same_people(people, recruiter):
    form = CandidateSearchForm(
        {
            "q": " python ",
            "skills": "Python, SQL",
            "skills_mode": "all",
            "contacted_after": "2025-01-01",
            "min_engagement": "50",
            "owner": str(recruiter.pk),
            "source": "",
            "sort": "-engagement_score",
        }
    )
    assert form.is_valid(), form.errors
    query = form.to_query()
    assert query == {
        "q": "python",
        "skills": ["Python", "SQL"],
        "skills_mode": "all",
        "contacted_after": "2025-01-01",
        "min_engagement": 50.0,
        "owner": recruiter.pk,
    }
    assert names(search_candidates(query)) == names(search_candidates(form.data)) == {"Ada"}


def test_describe_filters_in_words(people, recruiter):
    pool = TalentPoolFactory(name="Berlin backend")
    described = describe_filters(
        {
            "seeking_status": "passive",
            "skills": ["Python", "SQL"],
            "skills_mode": "all",
            "owner": recruiter.pk,
            "pool": pool.pk,
        }
    )
    assert described == [
        ("Seeking", "Passive"),
        ("Skills", "Python and SQL"),
        ("Talent pool", "Berlin backend"),
        ("Owner", recruiter.get_full_name()),
    ]


def test_smart_pool_members_change_as_candidates_change(people, recruiter):
    pool = services.create_smart_pool(
        name="Passive fintech", query={"seeking_status": "passive", "industry": "Fintech"}, by=recruiter
    )
    assert names(selectors.pool_members(pool)) == {"Ada"}
    services.update_candidate(candidate=people["linus"], industry="Fintech")
    assert names(selectors.pool_members(pool)) == {"Ada", "Linus"}
    services.update_candidate(candidate=people["ada"], seeking_status="active")
    assert names(selectors.pool_members(pool)) == {"Linus"}


def test_notes_on_the_timeline_are_searched(people, recruiter):
    services.add_note(candidate=people["grace"], body="Wants to move to Lisbon next spring", by=recruiter)
    assert names(search_candidates({"q": "lisbon"})) == {"Grace"}


def test_pool_counts_cover_static_and_smart_pools_in_two_queries(
    people, recruiter, django_assert_num_queries
):
    static = services.create_static_pool(
        name="Shortlist", by=recruiter, candidates=[people["ada"], people["grace"]]
    )
    services.create_smart_pool(name="Passive", query={"seeking_status": "passive"}, by=recruiter)
    services.create_smart_pool(name="Pythonistas", query={"skills": "python"}, by=recruiter)
    services.create_smart_pool(name="Passive in a pool", query={"pool": static.pk, "q": "ada"}, by=recruiter)
    Candidate.objects.filter(pk=people["grace"].pk).update(erased_at=timezone.now())
    with django_assert_num_queries(2):
        counts = {pool.name: pool.member_count for pool in selectors.pools_with_counts()}
    assert counts == {"Shortlist": 1, "Passive": 2, "Pythonistas": 1, "Passive in a pool": 1}


@postgres_only
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lovel", {"Ada"}),  # as you type: every word is a prefix
        ("pyth eng", {"Ada", "Grace"}),
        ("Ada Lovelase", {"Ada"}),  # misspelt names match by trigram similarity
        ("Grace Hoper", {"Grace"}),
        ("Torvals", {"Linus"}),
        ('"compiler engineer"', {"Grace"}),  # web search syntax: a phrase
        ("python -cobol", {"Ada"}),  # and an excluded word
        ("kernel or pycon", {"Ada", "Linus"}),
    ],
)
def test_postgres_full_text_and_misspelt_names(people, text, expected):
    assert names(search_candidates({"q": text})) == expected


@postgres_only
def test_postgres_relevance_puts_the_name_match_first(people):
    CandidateFactory(first_name="Hopper", last_name="Fan", title="Grace notes", notes="Admires Grace Hopper")
    results = [c.full_name for c in search_candidates({"q": "grace hopper"})]
    assert results[0] == "Grace Hopper"
    assert "Hopper Fan" in results


@postgres_only
@pytest.mark.parametrize("sort", ["relevance", "name"])
def test_postgres_text_search_uses_the_gin_indexes(people, sort):
    # Three rows: forbid sequential and plain index scans so the plan shows which indexes the search can use.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    with CaptureQueriesContext(connection) as queries:
        results = search_candidates({"q": "lovelase", "sort": sort})  # best match reads its bounded set now
    plan = "\n".join(_explain(query["sql"]) for query in queries.captured_queries) + results.explain()
    assert "candidate_search_vector_gin" in plan
    assert "candidate_name_trgm" in plan  # the exact expression of the trigram index (migration 0003)


@postgres_only
def test_postgres_the_start_of_an_email_matches_through_its_index(people):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    CandidateFactory(first_name="Augusta", last_name="King", email="ak1815@example.org")
    with CaptureQueriesContext(connection) as queries:
        found = names(search_candidates({"q": "AK1815@exa"}))  # one token in the tsvector, no name alike
    assert found == {"Augusta"}
    assert "candidate_email_prefix_idx" in _explain(queries.captured_queries[0]["sql"])


def _explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@postgres_only
def test_postgres_export_and_smart_pools_take_every_match_past_the_ranking_bound(people, recruiter, settings):
    settings.SEARCH_COUNT_BOUND = 0  # best match ranks only the newest match of the words
    assert names(search_candidates({"q": "python"})) == {"Grace"}
    assert names(search_candidates({"q": "python"}, ranked=False)) == {"Ada", "Grace"}
    pool = services.create_smart_pool(name="Pythonistas", query={"q": "python"}, by=recruiter)
    assert names(selectors.pool_members(pool)) == {"Ada", "Grace"}


def _plan(queryset, *settings_off: str) -> str:
    """The plan of the first page, with the named planner methods off: on three rows PostgreSQL would rather
    read the table, so forbidding that shows which indexes the query can use."""
    with connection.cursor() as cursor:
        for method in settings_off:
            cursor.execute(f"SET LOCAL enable_{method} = off")
    return queryset[:50].explain()


@postgres_only
@pytest.mark.parametrize(
    ("filters", "off", "indexes"),
    [
        # the common filters, which PostgreSQL combines as bitmaps
        ({"industry": "fintech"}, ("seqscan", "indexscan"), ("candidate_industry_ci_idx",)),
        ({"country": "GB"}, ("seqscan", "indexscan"), ("candidate_country_idx",)),
        # orders read from an index, so the first page stops early
        (
            {"min_engagement": "60", "sort": "-engagement_score"},
            ("seqscan", "sort"),
            ("candidate_engagement_idx",),
        ),
        ({}, ("seqscan", "sort"), ("candidate_name_order_idx",)),  # the default order, by name
    ],
)
def test_postgres_filters_and_orders_use_their_indexes(people, filters, off, indexes):
    plan = _plan(search_candidates(filters), *off)
    assert all(index in plan for index in indexes), plan


@postgres_only
def test_postgres_best_match_ranks_a_bounded_set_of_the_newest_matches(people, settings):
    settings.SEARCH_COUNT_BOUND = 1  # rank at most the 2 newest matches of the words (and 2 of the name)
    CandidateFactory(first_name="Guido", last_name="Rossum", skills=["Python"])
    results = search_candidates({"q": "python"})
    assert names(results) == {"Guido", "Grace"}  # Ada, the oldest of three matches, is past the bound
    page = BoundedPaginator(results, 50).get_page(1)
    assert (page.paginator.count, page.paginator.exact) == (2, False)  # "1+"


@postgres_only
def test_postgres_misspelt_names_need_the_configured_similarity(people, settings):
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_limit()")
        assert cursor.fetchone()[0] == pytest.approx(settings.SEARCH_NAME_SIMILARITY)
    CandidateFactory(first_name="Margaret", last_name="Thompson")
    CandidateFactory(first_name="Mark", last_name="Thomas")  # alike at 0.3, not at 0.45
    assert names(search_candidates({"q": "Margret Thomson"})) == {"Margaret"}


@postgres_only
@pytest.mark.parametrize("mode", ["all", "any"])
def test_postgres_skills_filter_uses_the_skill_keys_gin_index(people, mode):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    plan = search_candidates({"skills": "python, sql", "skills_mode": mode}).explain()
    assert "candidate_skill_keys_gin" in plan
    assert "candidates_candidate_skills" not in plan  # no join per skill


@sqlite_only
def test_sqlite_fallback_needs_every_word_as_a_substring(people):
    assert names(search_candidates({"q": "lOVEL"})) == {"Ada"}  # substring, any case
    assert names(search_candidates({"q": "analytical pycon"})) == {"Ada"}
    assert names(search_candidates({"q": "lovelase"})) == set()  # no fuzzy matching without PostgreSQL


@sqlite_only
def test_sqlite_fallback_lowercases_beyond_ascii(recruiter):
    CandidateFactory(first_name="Åsa", last_name="Öberg", city="Malmö")
    assert names(search_candidates({"q": "MALMÖ åsa"})) == {"Åsa"}


def test_create_static_pool_with_people_records_their_timelines(people, recruiter):
    pool = services.create_static_pool(name="  Q3 shortlist ", by=recruiter, candidates=[people["ada"]])
    assert pool.name == "Q3 shortlist"
    assert pool.owner == recruiter
    assert (
        people["ada"]
        .activities.filter(kind=Activity.Kind.POOL, summary="Added to pool Q3 shortlist")
        .exists()
    )


def test_create_smart_pool_refuses_bad_filters(recruiter):
    with pytest.raises(ValidationError) as error:
        services.create_smart_pool(name="Bad", query={"min_experience": "many"}, by=recruiter)
    assert "query" in error.value.message_dict
    assert not TalentPool.objects.exists()


def test_pool_names_are_unique(recruiter):
    services.create_static_pool(name="Designers", by=recruiter)
    with pytest.raises(ValidationError):
        services.create_smart_pool(name="Designers", query={}, by=recruiter)


def test_remove_from_pool_records_the_timeline_and_counts_only_members(people, recruiter):
    pool = services.create_static_pool(name="Shortlist", by=recruiter, candidates=[people["ada"]])
    removed = services.remove_from_pool(pool=pool, candidates=[people["ada"], people["grace"]], by=recruiter)
    assert removed == 1
    assert not pool.members.exists()
    assert people["ada"].activities.filter(summary="Removed from pool Shortlist").exists()
    assert not people["grace"].activities.filter(kind=Activity.Kind.POOL).exists()


def test_a_smart_pool_has_no_members_to_add_or_remove(people, recruiter):
    pool = services.create_smart_pool(name="Smart", query={"q": "python"}, by=recruiter)
    with pytest.raises(ValidationError):
        services.add_to_pool(pool=pool, candidates=[people["linus"]], by=recruiter)
    with pytest.raises(ValidationError):
        services.remove_from_pool(pool=pool, candidates=[people["ada"]], by=recruiter)


def test_update_pool_changes_a_smart_pools_search_but_never_gives_a_static_pool_one(people, recruiter):
    smart = services.create_smart_pool(name="Smart", query={"q": "python"}, by=recruiter)
    services.update_pool(pool=smart, query={"country": "FI"}, name="Finland")
    assert (smart.name, smart.query) == ("Finland", {"country": "FI"})
    static = services.create_static_pool(name="Static", by=recruiter)
    with pytest.raises(ValidationError):
        services.update_pool(pool=static, query={"country": "FI"})


def test_last_contacted_days_follow_the_site_timezone(settings, recruiter):
    settings.TIME_ZONE = "America/New_York"
    late = datetime(2025, 1, 2, 3, 0, tzinfo=UTC)  # 22:00 on 1 January in New York
    CandidateFactory(first_name="Late", last_contacted_at=late)
    assert names(search_candidates({"contacted_before": "2025-01-01"})) == {"Late"}
    assert names(search_candidates({"contacted_after": "2025-01-02"})) == set()
    assert names(search_candidates({"contacted_after": (late - timedelta(days=1)).date().isoformat()})) == {
        "Late"
    }


def test_ids_too_large_for_the_database_are_invalid_not_a_crash(people):
    huge = "9" * 30
    assert not CandidateSearchForm({"owner": huge, "pool": huge}).is_valid()
    assert names(search_candidates({"owner": huge, "pool": huge})) == {"Ada", "Grace", "Linus"}
