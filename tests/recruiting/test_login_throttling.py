"""Failed sign-ins are throttled (django-axes): ten failures for one username from one address lock that pair out
for 15 minutes, on the login page and POST /api/token/ alike; other people and other addresses are unaffected."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

LOGIN = "/accounts/login/"


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_ten_failed_logins_lock_the_username_from_that_address(client, recruiter, employee):
    for _ in range(9):
        assert sign_in(client, "recruiter-user", "wrong").status_code == 200
    assert sign_in(client, "recruiter-user", "wrong").status_code == 429  # the tenth failure locks
    locked = sign_in(client, "recruiter-user", "longlist")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "recruiter-user", "longlist", address="198.51.100.9").status_code == 302
    assert sign_in(client, "employee-user", "longlist").status_code == 302


def test_the_lock_ends_after_fifteen_minutes(client, recruiter, time_machine):
    time_machine.move_to("2026-03-02 09:00Z", tick=False)
    for _ in range(10):
        sign_in(client, "recruiter-user", "wrong")
    assert sign_in(client, "recruiter-user", "longlist").status_code == 429
    time_machine.move_to("2026-03-02 09:16Z", tick=False)
    assert sign_in(client, "recruiter-user", "longlist").status_code == 302


def test_nine_failures_then_the_right_password_signs_in(client, recruiter):
    for _ in range(9):
        sign_in(client, "recruiter-user", "wrong")
    assert sign_in(client, "recruiter-user", "longlist").status_code == 302


def test_ten_failed_token_requests_lock_the_username(recruiter):
    api = APIClient(REMOTE_ADDR="203.0.113.7")
    for _ in range(9):
        assert api.post("/api/token/", {"username": "recruiter-user", "password": "wrong"}).status_code == 400
    api.post("/api/token/", {"username": "recruiter-user", "password": "wrong"})
    locked = api.post("/api/token/", {"username": "recruiter-user", "password": "longlist"})
    assert locked.status_code == 429 and "token" not in locked.json()
    assert locked.json() == {"detail": "Too many failed sign-ins: try again later."}


@pytest.mark.parametrize("logins", [30])
def test_force_login_is_never_throttled(client, recruiter, logins):
    for _ in range(logins):
        client.force_login(recruiter)
        assert client.get(reverse("home")).status_code == 200
