"""Webhook endpoints and deliveries through the REST API: admins only, through the same services as the pages."""

import pytest
from rest_framework.test import APIClient

from candidates.services import create_candidate
from recruiting.models import WebhookDelivery, WebhookEndpoint


@pytest.fixture
def api(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


def test_an_admin_registers_an_endpoint_and_reads_its_deliveries(api, admin_user, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    created = api.post(
        "/api/webhooks/", {"url": "http://127.0.0.1:9/hooks", "events": ["candidate.created"]}, format="json"
    )
    assert created.status_code == 201, created.json()
    endpoint = WebhookEndpoint.objects.get()
    assert created.json()["secret"] == endpoint.secret and endpoint.created_by == admin_user
    create_candidate(first_name="Ada", last_name="Lovelace", email="ada@example.org")
    log = api.get(f"/api/webhook-deliveries/?endpoint={endpoint.pk}").json()
    assert log["count"] == 1 and log["results"][0]["event_type"] == "candidate.created"
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed")
    again = api.post(f"/api/webhook-deliveries/{delivery.pk}/redeliver/")
    assert again.status_code == 200 and again.json()["status"] == "pending"
    assert api.post(f"/api/webhook-deliveries/{delivery.pk}/redeliver/").status_code == 400  # still waiting
    old_secret = endpoint.secret
    assert api.post(f"/api/webhooks/{endpoint.pk}/secret/").json()["secret"] != old_secret
    changed = api.patch(f"/api/webhooks/{endpoint.pk}/", {"is_active": False}, format="json")
    assert changed.status_code == 200 and changed.json()["is_active"] is False


def test_the_api_refuses_a_private_address(api):
    response = api.post(
        "/api/webhooks/", {"url": "http://169.254.169.254/latest/", "events": ["card.moved"]}, format="json"
    )
    assert response.status_code == 400 and "link-local" in response.json()["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_the_secret_and_status_cannot_be_written(api):
    endpoint = WebhookEndpoint.objects.create(
        url="https://93.184.215.14/h", secret="kept", events=["card.moved"]
    )
    api.patch(f"/api/webhooks/{endpoint.pk}/", {"secret": "mine"}, format="json")
    endpoint.refresh_from_db()
    assert endpoint.secret == "kept"


@pytest.mark.parametrize("role", ["recruiter", "manager", "employee"])
def test_only_admins_see_webhooks(users_by_role, role):
    endpoint = WebhookEndpoint.objects.create(
        url="https://93.184.215.14/h", secret="s", events=["card.moved"]
    )
    client = APIClient()
    client.force_authenticate(users_by_role[role])
    assert client.get("/api/webhooks/").status_code == 403
    assert client.get(f"/api/webhooks/{endpoint.pk}/").status_code in (403, 404)
    assert client.get("/api/webhook-deliveries/").status_code == 403
