"""An admin signs in through a fake OpenID provider on loopback (tests/recruiting/fake_openid_provider.py) in a
real browser, lands on the home page with the Admin role, and finds the Single sign-on and Webhooks pages."""

import pytest
from playwright.sync_api import expect

from recruiting.models import WebhookDelivery
from recruiting.services import update_sso_settings
from recruiting.webhooks import endpoints
from tests.e2e.conftest import screenshot
from tests.recruiting.fake_openid_provider import configure, fake_openid_provider

pytestmark = pytest.mark.e2e


@pytest.fixture
def provider(settings):
    with fake_openid_provider() as provider:
        configure(settings, provider)
        update_sso_settings(
            role_claim="groups",
            role_mapping="ats-admins = Admin\nats-recruiting = Recruiter",
            default_role="",
        )
        provider.claims = {
            "sub": "grace-42",
            "email": "grace@example.com",
            "email_verified": True,
            "preferred_username": "grace",
            "given_name": "Grace",
            "family_name": "Hopper",
            "groups": ["ats-admins"],
        }
        yield provider


def test_an_admin_signs_in_through_the_openid_provider(page, live_server, provider, settings):
    settings.LOCAL_LOGIN = False
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("#id_password")).to_have_count(0)  # LOCAL_LOGIN=0: only the provider's button
    screenshot(page, "sso-login")
    page.get_by_role("link", name="Sign in with Fake IdP").click()
    page.wait_for_url(f"{live_server.url}/")
    page.locator("nav").get_by_role("link", name="Settings").click()
    expect(page.locator(".settings-sections")).to_contain_text("Webhooks")
    assert provider.token_requests and provider.token_requests[0]["code_verifier"]

    page.get_by_role("link", name="Single sign-on").click()
    expect(page.get_by_role("heading", name="Single sign-on", exact=True)).to_be_visible()
    expect(page.locator("#sso-provider")).to_contain_text(f"{live_server.url}/oidc/callback/")
    screenshot(page, "sso-settings")


def test_the_webhooks_pages(page, live_server, admin_user, settings):
    from tests.e2e.conftest import login

    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    endpoint = endpoints.create_endpoint(
        url="http://127.0.0.1:9/hooks/longlist",
        events=["candidate.created", "card.moved", "candidate.hired"],
        description="HR information system",
        by=admin_user,
    )
    for n, (status, error) in enumerate(
        [("delivered", ""), ("failed", "HTTP 500: receiver says no"), ("pending", "")]
    ):
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_id=f"00000000-0000-4000-8000-00000000000{n}",
            event_type="card.moved",
            payload={},
            status=status,
            attempts=8 if status == "failed" else 1,
            response_status=500 if error else (200 if status == "delivered" else None),
            response_ms=42 if status != "pending" else None,
            last_error=error,
        )
    login(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/settings/webhooks/")
    expect(page.locator("#webhook-endpoints")).to_contain_text("HR information system")
    screenshot(page, "webhooks")
    page.get_by_role("link", name="http://127.0.0.1:9/hooks/longlist").click()
    expect(page.locator("table")).to_contain_text("receiver says no")
    page.locator("tr", has_text="Failed").get_by_role("button", name="Redeliver").click()
    expect(page.locator(".messages")).to_contain_text("sent again")
    screenshot(page, "webhook-endpoint")
