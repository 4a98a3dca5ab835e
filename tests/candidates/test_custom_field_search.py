"""Searching on custom fields (the page, smart pools, the API), the CSV export's columns, and the admins'
settings page for the fields, role by role."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates import custom_fields, services
from candidates.search import search_candidates
from tests.factories import CandidateFactory, CustomFieldFactory

HTMX = {"HX-Request": "true"}
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="a GIN index on jsonb")


@pytest.fixture
def people(db):
    CustomFieldFactory(label="Remote", key="remote", type="choice", choices=["Remote", "Hybrid", "Office"])
    CustomFieldFactory(
        label="Languages", key="languages", type="multiple_choice", choices=["English", "German", "French"]
    )
    CustomFieldFactory(label="Notice (days)", key="notice", type="number")
    CustomFieldFactory(label="Available from", key="available", type="date")
    CustomFieldFactory(label="Clearance", key="clearance", type="text")
    CandidateFactory(
        first_name="Ada",
        custom_fields={
            "remote": "Remote",
            "languages": ["English", "German"],
            "notice": 30,
            "available": "2026-03-01",
            "clearance": "SC cleared",
        },
    )
    CandidateFactory(
        first_name="Grace", custom_fields={"remote": "Office", "languages": ["German"], "notice": 90}
    )
    CandidateFactory(first_name="Linus", custom_fields={})


def names(results) -> set[str]:
    return {candidate.first_name for candidate in results}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"cf_remote": "Remote"}, {"Ada"}),
        ({"cf_languages": "German"}, {"Ada", "Grace"}),  # a multiple choice contains the option
        ({"cf_languages": "English"}, {"Ada"}),
        ({"cf_languages": "German", "cf_remote": "Office"}, {"Grace"}),
        ({"cf_notice": "90"}, {"Grace"}),
        ({"cf_notice": "30.0"}, {"Ada"}),
        ({"cf_available": "2026-03-01"}, {"Ada"}),
        ({"cf_clearance": "sc"}, {"Ada"}),  # part of a text, in any case
        ({"cf_remote": ""}, {"Ada", "Grace", "Linus"}),
    ],
)
def test_the_search_filters_on_custom_fields(people, filters, expected):
    assert names(search_candidates(filters)) == expected


def test_a_bad_custom_filter_is_shown_and_left_out(client, recruiter, people):
    client.force_login(recruiter)
    for params in ({"cf_notice": "soon"}, {"cf_remote": "Moon"}):
        response = client.get(reverse("candidates:list"), params)
        assert response.status_code == 200
        html = response.content.decode()
        assert "These filters were left out" in html
        assert names(response.context["page"]) == {"Ada", "Grace", "Linus"}
    html = client.get(reverse("candidates:list"), {"cf_notice": "soon"}).content.decode()
    assert "<li>Notice (days): “soon” is not a number.</li>" in html


def test_the_filter_panel_offers_each_active_field_and_keeps_the_choice(client, recruiter, people):
    client.force_login(recruiter)
    html = client.get(reverse("candidates:list"), {"cf_languages": "French"}).content.decode()
    assert '<label for="id_cf_remote">Remote</label>' in html
    assert '<option value="French" selected>French</option>' in html
    assert 'type="date" name="cf_available"' in html
    custom_fields.archive_custom_field(field=custom_fields.CustomField.objects.get(key="remote"))
    assert "id_cf_remote" not in client.get(reverse("candidates:list")).content.decode()


def test_a_smart_pool_keeps_its_custom_filter(recruiter, people):
    pool = services.create_smart_pool(name="German speakers", query={"cf_languages": "German"}, by=recruiter)
    assert pool.query == {"cf_languages": "German"}
    assert names(search_candidates({"pool": pool.pk})) == {"Ada", "Grace"}
    assert names(search_candidates({"pool": pool.pk, "cf_remote": "Remote"})) == {"Ada"}


def test_query_count_stays_flat_with_custom_filters(client, recruiter, people, django_assert_max_num_queries):
    client.force_login(recruiter)
    url = reverse("candidates:list")
    params = {"cf_languages": "German", "cf_notice": "", "sort": "name"}
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    with CaptureQueriesContext(connection) as few_htmx:
        client.get(url, params, headers=HTMX)
    CandidateFactory.create_batch(60, custom_fields={"languages": ["German"]})
    with django_assert_max_num_queries(len(few)):
        response = client.get(url, params)
    assert len(response.context["page"]) == 50
    with django_assert_max_num_queries(len(few_htmx)):
        client.get(url, params, headers=HTMX)


def test_the_api_list_takes_custom_filters(client, recruiter, people):
    client.force_login(recruiter)
    response = client.get("/api/candidates/", {"cf_languages": "German", "cf_remote": "Office"})
    assert [row["first_name"] for row in response.json()["results"]] == ["Grace"]
    bad = client.get("/api/candidates/", {"cf_notice": "soon"})
    assert bad.status_code == 400
    assert bad.json() == {"cf_notice": ["“soon” is not a number."]}


@postgres_only
@pytest.mark.parametrize(
    "filters",
    [
        {"cf_remote": "Remote"},
        {"cf_languages": "German"},
        {"cf_notice": "30"},
        {"cf_available": "2026-03-01"},
    ],
)
def test_postgres_a_custom_filter_is_one_containment_served_by_the_gin_index(people, filters):
    # Three rows would always be read sequentially: forbid that so the plan shows what the filter can use.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    results = search_candidates(filters)
    assert names(results) in ({"Ada"}, {"Ada", "Grace"})
    count = results.order_by().values("pk")  # the page's bounded count: no order, so no order index to walk
    assert "@>" in str(count.query)
    plan = count.explain()
    assert "candidate_custom_fields_gin" in plan, plan


def test_the_export_has_a_column_per_active_custom_field(client, recruiter, people):
    custom_fields.archive_custom_field(field=custom_fields.CustomField.objects.get(key="clearance"))
    client.force_login(recruiter)
    response = client.get(reverse("candidates:export"), {"cf_languages": "German"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    assert header[-4:] == ["Remote", "Languages", "Notice (days)", "Available from"]
    assert "Clearance" not in header
    by_name = {row[header.index("First name")]: row for row in rows[1:]}
    assert set(by_name) == {"Ada", "Grace"}
    assert by_name["Ada"][-4:] == ["Remote", "English; German", "30", "2026-03-01"]
    assert by_name["Grace"][-4:] == ["Office", "German", "90", ""]


# --- The settings page, role by role ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("recruiter", 403), ("manager", 403), ("employee", 403)]
)
def test_only_admins_open_the_custom_fields_page(client, users_by_role, role, status, settings_labels):
    field = CustomFieldFactory(label="Remote")
    client.force_login(users_by_role[role])
    assert client.get(reverse("candidates:custom_fields")).status_code == status
    assert client.get(reverse("candidates:custom_field", args=[field.pk])).status_code == status
    new = {"label": "Notice", "applies_to": "candidate", "type": "number"}
    assert client.post(reverse("candidates:custom_fields"), new).status_code == (
        302 if status == 200 else 403
    )
    for name in ("custom_field_archive", "custom_field_delete"):
        response = client.post(reverse(f"candidates:{name}", args=[field.pk]))
        assert response.status_code == (302 if status == 200 else 403)
    assert ("Custom fields" in settings_labels()) == (status == 200)


def test_an_admin_adds_edits_archives_and_deletes_a_field(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("candidates:custom_fields"),
        {"label": "Work style", "applies_to": "candidate", "type": "choice", "choices": "Remote\nHybrid\n"},
    )
    assert response.status_code == 302
    field = custom_fields.CustomField.objects.get(key="work_style")
    assert field.choices == ["Remote", "Hybrid"]
    page = client.get(reverse("candidates:custom_fields")).content.decode()
    assert "<code>work_style</code>" in page and "Remote, Hybrid" in page
    invalid = client.post(
        reverse("candidates:custom_fields"), {"label": "Level", "applies_to": "candidate", "type": "choice"}
    )
    assert invalid.status_code == 422 and "Give the options, one a line." in invalid.content.decode()

    CandidateFactory(custom_fields={"work_style": "Remote"})
    edit = reverse("candidates:custom_field", args=[field.pk])
    assert "1 record has a value of this field." in client.get(edit).content.decode()
    refused = client.post(
        edit, {"label": "How they work", "type": "number", "key": "x", "applies_to": "requisition"}
    )
    assert refused.status_code == 422
    assert "its type cannot change" in refused.content.decode()
    client.post(edit, {"label": "How they work", "type": "choice", "choices": "Remote\nHybrid\nOffice"})
    field.refresh_from_db()
    assert (field.label, field.key, field.applies_to) == ("How they work", "work_style", "candidate")
    assert field.choices == ["Remote", "Hybrid", "Office"]

    client.post(reverse("candidates:custom_field_delete", args=[field.pk]))
    assert custom_fields.CustomField.objects.filter(pk=field.pk).exists()  # it has a value: not deleted
    client.post(reverse("candidates:custom_field_archive", args=[field.pk]))
    field.refresh_from_db()
    assert field.archived_at is not None
    client.post(reverse("candidates:custom_field_archive", args=[field.pk]), {"archived": "0"})
    field.refresh_from_db()
    assert field.archived_at is None


def test_a_smart_pool_on_an_archived_field_matches_nobody_rather_than_everybody(recruiter, people):
    pool = services.create_smart_pool(name="Remote people", query={"cf_remote": "Remote"}, by=recruiter)
    assert names(search_candidates({"pool": pool.pk})) == {"Ada"}
    custom_fields.archive_custom_field(field=custom_fields.CustomField.objects.get(key="remote"))
    assert names(search_candidates({"pool": pool.pk})) == set()
    custom_fields.archive_custom_field(
        field=custom_fields.CustomField.objects.get(key="remote"), archived=False
    )
    assert names(search_candidates({"pool": pool.pk})) == {"Ada"}
