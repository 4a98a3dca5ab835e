"""Pools can be renamed (the recruiting team) and deleted (admins), from the pool's page."""

import pytest
from django.urls import reverse

from candidates.models import Activity, Candidate, TalentPool
from tests.factories import CandidateFactory, TalentPoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool():
    pool = TalentPoolFactory(name="Backend Berlin", description="Old")
    pool.members.add(CandidateFactory(first_name="Ada"))
    return pool


def test_a_recruiter_renames_a_pool_from_its_page(client, recruiter, pool):
    client.force_login(recruiter)
    page = client.get(pool.get_absolute_url()).content.decode()
    edit = reverse("candidates:pool_edit", args=[pool.pk])
    assert f'href="{edit}">Edit pool</a>' in page

    response = client.post(edit, {"name": " Backend engineers, Berlin ", "description": "For the 2027 team"})

    assert response.status_code == 302 and response["Location"] == pool.get_absolute_url()
    pool.refresh_from_db()
    assert (pool.name, pool.description) == ("Backend engineers, Berlin", "For the 2027 team")
    assert "Delete pool" not in client.get(edit).content.decode()  # deleting is for admins


def test_a_name_already_taken_is_refused(client, recruiter, pool):
    TalentPoolFactory(name="Data & ML")
    client.force_login(recruiter)
    response = client.post(reverse("candidates:pool_edit", args=[pool.pk]), {"name": "data & ml"})
    assert response.status_code == 200
    assert "There is already a pool called data &amp; ml." in response.content.decode()
    same = client.post(reverse("candidates:pool_edit", args=[pool.pk]), {"name": "backend berlin"})
    assert same.status_code == 302  # its own name, in other letters, is fine


def test_an_admin_deletes_a_pool_and_its_people_stay(client, admin_user, recruiter, pool):
    delete = reverse("candidates:pool_delete", args=[pool.pk])
    client.force_login(recruiter)
    assert client.post(delete).status_code == 403

    client.force_login(admin_user)
    assert "Delete pool" in client.get(reverse("candidates:pool_edit", args=[pool.pk])).content.decode()
    response = client.post(delete, follow=True)

    assert not TalentPool.objects.filter(pk=pool.pk).exists()
    assert Candidate.objects.filter(first_name="Ada").exists()
    assert Activity.objects.filter(summary="Pool Backend Berlin deleted").count() == 1
    assert "Pool Backend Berlin deleted. Its people are still in Longlist." in response.content.decode()


def test_managers_and_employees_may_not_edit_pools(client, hiring_manager, employee, pool):
    for user in (hiring_manager, employee):
        client.force_login(user)
        assert client.get(reverse("candidates:pool_edit", args=[pool.pk])).status_code == 403
