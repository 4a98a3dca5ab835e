"""Single sign-on against a fake OpenID provider on loopback (tests/recruiting/fake_openid_provider.py): the code
flow with state, nonce and PKCE, RS256 ID tokens checked against the provider's JWKS, users created on first
sign-in with the role the admins' mapping gives, and local passwords turned off by LOCAL_LOGIN."""

from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient

from candidates.roles import role_names
from recruiting.models import SingleSignOnIdentity, SingleSignOnSettings
from recruiting.services import update_sso_settings
from tests.factories import AdminFactory, RecruiterFactory
from tests.recruiting.fake_openid_provider import configure, fake_openid_provider

RITA = {
    "sub": "rita-0001",
    "email": "rita@example.com",
    "email_verified": True,
    "preferred_username": "rita",
    "given_name": "Rita",
    "family_name": "Rossi",
    "groups": ["ats-recruiters", "staff"],
}


@pytest.fixture
def provider(db, settings):
    with fake_openid_provider() as provider:
        configure(settings, provider)
        update_sso_settings(
            role_claim="groups",
            role_mapping="ats-admins = Admin\nats-recruiters = Recruiter\nats-managers = Hiring manager",
            default_role="Employee",
        )
        provider.claims = dict(RITA)
        yield provider


def start(client, next_url=""):
    response = client.get(reverse("oidc_authentication_init") + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return response["Location"]


def at_provider(authorize_url: str) -> str:
    """The browser at the provider: it signs the person in and sends them back with a code."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    return answer.headers["Location"]


def back_at_longlist(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}", REMOTE_ADDR="203.0.113.7")


def sign_in(client, provider, next_url=""):
    return back_at_longlist(client, at_provider(start(client, next_url)))


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def roles(user):
    return sorted(user.groups.values_list("name", flat=True))


def test_the_login_page_offers_the_provider(client, provider):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Fake IdP" in page and reverse("oidc_authentication_init") in page
    assert 'name="password"' in page  # LOCAL_LOGIN is on by default


def test_a_first_sign_in_creates_the_user_with_the_mapped_role(client, provider):
    authorize = start(client, next_url="/reports/")
    query = dict(part.split("=", 1) for part in urlsplit(authorize).query.split("&"))
    assert authorize.startswith(f"{provider.issuer}/authorize?")
    assert query["client_id"] == "longlist-test" and query["code_challenge_method"] == "S256"
    assert query["state"] and query["nonce"] and "openid" in query["scope"]
    response = back_at_longlist(client, at_provider(authorize))
    assert response.status_code == 302 and response["Location"] == "/reports/"
    user = signed_in_user(client)
    assert (user.username, user.email, user.get_full_name()) == ("rita", "rita@example.com", "Rita Rossi")
    assert roles(user) == ["Recruiter"]
    assert not user.has_usable_password()
    assert SingleSignOnIdentity.objects.get(user=user).subject == "rita-0001"
    [token_request] = provider.token_requests
    assert token_request["code_verifier"]  # PKCE
    assert client.get(reverse("candidates:list")).status_code == 200  # a recruiter's page


def test_the_role_follows_the_provider_at_each_sign_in(client, provider):
    sign_in(client, provider)
    user = signed_in_user(client)
    client.logout()
    provider.claims = {**RITA, "email": "rita.rossi@example.com", "groups": ["ats-admins"]}
    sign_in(client, provider)
    assert signed_in_user(client) == user  # found by issuer and subject, not by email
    assert roles(user) == ["Admin"]
    user.refresh_from_db()
    assert user.is_staff  # the Django admin site, as for admins made by hand
    client.logout()
    provider.claims = {**RITA, "groups": ["staff"]}  # in no mapped group any more: the default role
    sign_in(client, provider)
    assert roles(user) == ["Employee"]
    user.refresh_from_db()
    assert not user.is_staff
    assert User.objects.count() == 1


def test_a_deactivated_user_is_signed_out_and_cannot_sign_in_again(client, provider):
    sign_in(client, provider)
    user = signed_in_user(client)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(reverse("home")).status_code == 302  # the session no longer signs them in
    assert sign_in(client, provider)["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_a_role_the_mapping_never_names_stays_as_admins_set_it(client, provider):
    sign_in(client, provider)
    user = signed_in_user(client)
    user.groups.add(*user.groups.model.objects.filter(name="Employee"))
    client.logout()
    sign_in(client, provider)
    assert roles(user) == ["Employee", "Recruiter"]


def test_someone_with_no_mapped_role_and_no_default_cannot_sign_in(client, provider):
    update_sso_settings(role_claim="groups", role_mapping="ats-admins = Admin", default_role="")
    response = sign_in(client, provider)
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert signed_in_user(client) is None and not User.objects.exists()
    page = client.get(reverse("login")).content.decode()
    assert "Signing in with Fake IdP did not work" in page


def test_an_id_token_signed_with_another_key_is_refused(client, provider):
    provider.sign_with_other_key = True
    response = sign_in(client, provider)
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None and not User.objects.exists()


def test_an_id_token_for_another_nonce_is_refused(client, provider):
    provider.wrong_nonce = True
    sign_in(client, provider)
    assert signed_in_user(client) is None and not User.objects.exists()


def test_an_id_token_for_another_client_is_refused(client, provider):
    provider.claims = {**RITA, "aud": "another-app"}
    sign_in(client, provider)
    assert signed_in_user(client) is None and not User.objects.exists()


def test_an_id_token_from_another_issuer_is_refused(client, provider):
    provider.claims = {**RITA, "iss": "https://evil.example"}
    sign_in(client, provider)
    assert signed_in_user(client) is None and not User.objects.exists()


def test_a_callback_with_a_state_this_browser_was_never_given_is_refused(client, provider):
    callback = at_provider(start(client))
    parts = urlsplit(callback)
    forged = parts.query.replace("state=", "state=forged")
    response = client.get(f"{parts.path}?{forged}")
    assert response["Location"] == reverse("login")
    assert signed_in_user(client) is None and provider.token_requests == []  # the code was never used


def test_a_callback_replayed_after_sign_in_is_refused(client, provider):
    callback = at_provider(start(client))
    back_at_longlist(client, callback)
    client.logout()
    back_at_longlist(client, callback)
    assert signed_in_user(client) is None


def test_a_first_sign_in_links_the_account_with_the_same_verified_email(client, provider):
    first_admin = AdminFactory(username="ada", email="Rita@Example.com", is_superuser=True)
    sign_in(client, provider)
    assert signed_in_user(client) == first_admin
    first_admin.refresh_from_db()
    assert roles(first_admin) == ["Recruiter"]  # the mapping manages Admin, and she is not in ats-admins…
    assert role_names(first_admin)[0] == "Admin"  # …but a superuser stays an admin
    assert first_admin.sso_identities.get().subject == "rita-0001"


def test_an_unverified_email_is_never_linked_to_an_account(client, provider):
    existing = RecruiterFactory(username="rita-local", email="rita@example.com")
    provider.claims = {**RITA, "email_verified": False}
    sign_in(client, provider)
    assert signed_in_user(client) != existing
    assert User.objects.count() == 2


def test_an_unreachable_provider_sends_back_to_the_login_page(client, settings, db):
    configure(settings, type("Gone", (), {"issuer": "http://127.0.0.1:9"})())
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_without_a_provider_there_is_no_button_and_no_flow(client, db):
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback") + "?code=x&state=y").status_code == 404


# --- LOCAL_LOGIN=0 ----------------------------------------------------------------------------------------


@pytest.fixture
def local_login_off(settings, provider):
    settings.LOCAL_LOGIN = False
    return provider


def test_local_login_off_hides_the_form_and_refuses_passwords(client, local_login_off, recruiter):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Fake IdP" in page and 'name="password"' not in page
    response = client.post(reverse("login"), {"username": recruiter.username, "password": "longlist"})
    assert response.status_code == 200 and signed_in_user(client) is None
    api = APIClient()
    assert (
        api.post("/api/token/", {"username": recruiter.username, "password": "longlist"}).status_code == 400
    )


def test_local_login_off_still_lets_a_superuser_in_from_the_local_form(client, local_login_off):
    AdminFactory(username="first-admin", is_superuser=True)
    page = client.get(reverse("login") + "?local=1").content.decode()
    assert 'name="password"' in page and "Administrator sign-in" in page
    response = client.post(reverse("login") + "?local=1", {"username": "first-admin", "password": "longlist"})
    assert response.status_code == 302 and signed_in_user(client).username == "first-admin"


def test_single_sign_on_works_with_local_login_off(client, local_login_off):
    sign_in(client, local_login_off)
    assert roles(signed_in_user(client)) == ["Recruiter"]


# --- django-axes beside single sign-on ---------------------------------------------------------------------


def test_failed_passwords_still_lock_out_and_sso_still_signs_in(client, provider):
    RecruiterFactory(username="rita-local")
    for _ in range(10):
        client.post(
            reverse("login"), {"username": "rita-local", "password": "wrong"}, REMOTE_ADDR="203.0.113.7"
        )
    locked = client.post(
        reverse("login"), {"username": "rita-local", "password": "longlist"}, REMOTE_ADDR="203.0.113.7"
    )
    assert locked.status_code == 429
    sign_in(client, provider)  # the provider's sign-in from the same address is another account's
    assert signed_in_user(client).username == "rita"


def test_ten_refused_sso_callbacks_lock_single_sign_on_from_that_address(client, provider, recruiter):
    """django-axes counts a refused callback (it carries no username) against the address: the tenth locks the
    provider's sign-in from there for the lockout time; passwords, counted per username, are unaffected."""
    provider.sign_with_other_key = True
    for _ in range(9):
        assert sign_in(client, provider)["Location"] == reverse("login")
    assert sign_in(client, provider).status_code == 429
    provider.sign_with_other_key = False
    assert sign_in(client, provider).status_code == 429 and signed_in_user(client) is None
    local = client.post(
        reverse("login"), {"username": recruiter.username, "password": "longlist"}, REMOTE_ADDR="203.0.113.7"
    )
    assert local.status_code == 302


# --- The admins' page ---------------------------------------------------------------------------------------


def test_an_admin_maps_groups_to_roles(client, admin_user, provider):
    client.force_login(admin_user)
    page = client.get(reverse("sso_settings")).content.decode()
    assert "http://testserver/oidc/callback/" in page and "longlist-test" in page
    response = client.post(
        reverse("sso_settings"),
        {"role_claim": "roles", "role_mapping": "hr = Recruiter\nboss = Admin", "default_role": ""},
    )
    assert response.status_code == 302
    current = SingleSignOnSettings.current()
    assert current.mapping() == [("hr", "Recruiter"), ("boss", "Admin")] and current.default_role == ""


def test_a_mapping_line_that_names_no_role_is_refused(client, admin_user, provider):
    client.force_login(admin_user)
    response = client.post(
        reverse("sso_settings"), {"role_claim": "groups", "role_mapping": "hr = Wizard", "default_role": ""}
    )
    assert response.status_code == 422 and "Write each line as value = role" in response.content.decode()


def test_the_environment_gives_the_first_mapping(db, settings):
    settings.OIDC_ROLE_CLAIM = "realm_access.roles"
    settings.OIDC_ROLE_MAPPING = "ats-admins=Admin; ats-recruiters=Recruiter"
    settings.OIDC_DEFAULT_ROLE = ""
    current = SingleSignOnSettings.current()
    assert current.role_claim == "realm_access.roles" and current.default_role == ""
    assert current.mapping() == [("ats-admins", "Admin"), ("ats-recruiters", "Recruiter")]
