"""Referrals: one per referrer and person, bad input never 500s, and the referrals API."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from candidates import services
from candidates.models import Activity, Candidate, Referral
from tests.factories import CandidateFactory, EmployeeFactory, ReferralFactory

pytestmark = pytest.mark.django_db

GRACE = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "email": "grace@example.com",
    "relationship": "Worked together at Acme",
    "reason": "Ships great compilers",
}


def test_referring_the_same_person_twice_is_a_friendly_message(client, employee):
    client.force_login(employee)
    client.post(reverse("candidates:referral_create"), GRACE)
    response = client.post(
        reverse("candidates:referral_create"), {**GRACE, "email": "GRACE@example.com"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("candidates:my_referrals")
    assert "You already referred Grace Hopper" in response.content.decode()
    assert Referral.objects.count() == 1


def test_someone_else_may_refer_the_same_person(client, employee):
    client.force_login(employee)
    client.post(reverse("candidates:referral_create"), GRACE)
    client.force_login(EmployeeFactory())
    assert client.post(reverse("candidates:referral_create"), GRACE).status_code == 302
    assert Referral.objects.count() == 2
    assert Candidate.objects.count() == 1


@pytest.mark.parametrize(
    ("linkedin_url", "message"),
    [
        ("https://example.com/grace", "Not a LinkedIn address."),
        ("linkedin.com/company/acme", "A LinkedIn profile address looks like"),
    ],
)
def test_invalid_linkedin_is_a_form_error(client, employee, linkedin_url, message):
    client.force_login(employee)
    response = client.post(
        reverse("candidates:referral_create"), {**GRACE, "email": "", "linkedin_url": linkedin_url}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def test_too_long_values_are_form_errors_not_500s(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("candidates:referral_create"),
        {**GRACE, "email": f"{'g' * 250}@example.com", "linkedin_url": f"linkedin.com/in/{'g' * 190}"},
    )
    assert response.status_code == 422
    assert not Referral.objects.exists()


def test_service_refuses_a_bad_linkedin_and_a_second_referral(employee):
    with pytest.raises(ValidationError):
        services.submit_referral(
            referrer=employee, first_name="Grace", linkedin_url="example.com/x", relationship="x", reason="y"
        )
    services.submit_referral(referrer=employee, relationship="x", reason="y", **GRACE_PERSON)
    with pytest.raises(services.AlreadyReferred) as already:
        services.submit_referral(referrer=employee, relationship="x", reason="z", **GRACE_PERSON)
    assert already.value.referral.reason == "y"


GRACE_PERSON = {"first_name": "Grace", "email": "grace@example.com"}


def test_my_referrals_shows_status_and_nothing_else_about_the_person(client, employee):
    person = CandidateFactory(
        first_name="Grace", last_name="Hopper", email="grace@example.com", phone="+1 555", title="Admiral"
    )
    ReferralFactory(referrer=employee, candidate=person, status=Referral.Status.INTERVIEWING)
    client.force_login(employee)
    html = client.get(reverse("candidates:my_referrals")).content.decode()
    assert "Grace Hopper" in html and "Interviewing" in html
    for private in ("grace@example.com", "+1 555", "Admiral", person.get_absolute_url()):
        assert private not in html
    assert client.get(person.get_absolute_url()).status_code == 403


# --- API -----------------------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_anyone_refers_through_the_api_and_lists_only_their_own(api, employee, hiring_manager):
    ReferralFactory(referrer=hiring_manager)
    api.force_authenticate(employee)
    created = api.post("/api/referrals/", GRACE, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["candidate_name"] == "Grace Hopper" and body["status"] == "new"
    listed = api.get("/api/referrals/").json()
    assert listed["count"] == 1
    [row] = listed["results"]
    assert set(row) == {
        "id",
        "candidate_name",
        "relationship",
        "reason",
        "role_title",
        "status",
        "created_at",
        "updated_at",
    }
    other = Referral.objects.get(referrer=hiring_manager)
    assert api.get(f"/api/referrals/{other.pk}/").status_code == 404


def test_api_referral_errors_are_400s(api, employee):
    api.force_authenticate(employee)
    no_contact = api.post("/api/referrals/", {**GRACE, "email": ""}, format="json")
    assert no_contact.status_code == 400
    bad_linkedin = api.post(
        "/api/referrals/", {**GRACE, "email": "", "linkedin_url": "example.com/grace"}, format="json"
    )
    assert bad_linkedin.status_code == 400 and "linkedin_url" in bad_linkedin.json()
    assert api.post("/api/referrals/", GRACE, format="json").status_code == 201
    again = api.post("/api/referrals/", GRACE, format="json")
    assert again.status_code == 400
    assert "You already referred Grace Hopper" in str(again.json())
    assert Referral.objects.count() == 1


def test_employee_cannot_change_a_status(api, employee):
    referral = ReferralFactory(referrer=employee)
    api.force_authenticate(employee)
    response = api.post(f"/api/referrals/{referral.pk}/status/", {"status": "hired"}, format="json")
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == "new"


def test_recruiter_lists_all_and_sets_status(api, recruiter):
    first, second = ReferralFactory(), ReferralFactory()
    api.force_authenticate(recruiter)
    listed = api.get("/api/referrals/").json()
    assert {row["id"] for row in listed["results"]} == {first.pk, second.pk}
    assert listed["results"][0]["candidate"] in {first.candidate_id, second.candidate_id}
    response = api.post(f"/api/referrals/{first.pk}/status/", {"status": "contacted"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "contacted"
    first.refresh_from_db()
    assert first.status == "contacted"
    assert first.candidate.activities.filter(kind=Activity.Kind.REFERRAL).exists()
    bad = api.post(f"/api/referrals/{first.pk}/status/", {"status": "bogus"}, format="json")
    assert bad.status_code == 400
    patched = api.patch(f"/api/referrals/{first.pk}/", {"status": "hired", "reason": "x"}, format="json")
    assert patched.status_code == 405
    first.refresh_from_db()
    assert (first.status, first.reason) == ("contacted", "Great engineer")
    assert api.delete(f"/api/referrals/{first.pk}/").status_code == 405


def test_anonymous_gets_nothing(api, db):
    assert api.get("/api/referrals/").status_code in (401, 403)


# --- No oracle: the referrer's answer never depends on what the database holds -------------------------

REFERRAL = {
    "first_name": "Sam",
    "last_name": "Smith",
    "relationship": "Neighbour",
    "reason": "Kind and sharp",
}


def normalised(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r"referral-\d+", "referral-N", html)


def test_referring_a_known_or_an_unknown_email_answers_the_same(client, employee, api):
    known = CandidateFactory(
        first_name="Margaret", last_name="Hamilton", email="known@example.com", title="Flight software lead"
    )
    client.force_login(employee)
    api.force_authenticate(employee)
    answers = []
    for email in ("known@example.com", "unknown@example.com"):
        page = client.post(reverse("candidates:referral_create"), {**REFERRAL, "email": email}, follow=True)
        Referral.objects.all().delete()
        created = api.post("/api/referrals/", {**REFERRAL, "email": email}, format="json")
        listed = api.get("/api/referrals/")
        Referral.objects.all().delete()
        json = [
            {k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at")}
            for body in (created.json(), *listed.json()["results"])
        ]
        answers.append(
            (
                page.redirect_chain,
                page.status_code,
                normalised(page.content.decode()),
                created.status_code,
                json,
            )
        )
    assert answers[0] == answers[1]
    assert "Sam Smith" in answers[0][2] and "Margaret" not in answers[0][2]
    assert answers[0][4][0]["candidate_name"] == "Sam Smith"
    known.refresh_from_db()
    assert (known.first_name, known.last_name) == ("Margaret", "Hamilton")
    assert not known.activities.filter(kind=Activity.Kind.REFERRAL).exists()


def test_the_inbox_shows_recruiters_the_existing_candidate_a_referral_matches(client, employee, recruiter):
    known = CandidateFactory(first_name="Margaret", last_name="Hamilton", email="known@example.com")
    referral = services.submit_referral(referrer=employee, email="KNOWN@example.com", **REFERRAL)
    assert referral.candidate == known and referral.matched_existing
    fresh = services.submit_referral(referrer=employee, email="new@example.com", **REFERRAL)
    assert fresh.candidate != known and not fresh.matched_existing
    client.force_login(recruiter)
    html = client.get(reverse("candidates:referrals")).content.decode()
    assert "Matches existing candidate Margaret Hamilton" in html and "referred as Sam Smith" in html
    assert html.count("Matches existing candidate") == 1
    api = APIClient()
    api.force_authenticate(recruiter)
    rows = {row["id"]: row for row in api.get("/api/referrals/").json()["results"]}
    assert rows[referral.pk]["matched_existing"] and rows[referral.pk]["candidate"] == known.pk
    assert rows[referral.pk]["first_name"] == "Sam" and not rows[fresh.pk]["matched_existing"]
