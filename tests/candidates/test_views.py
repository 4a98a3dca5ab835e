from django.urls import reverse

from candidates.models import Candidate, Referral
from tests.factories import CandidateFactory


def test_note_added_over_htmx_returns_the_timeline_fragment(client, recruiter):
    candidate = CandidateFactory()
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:add_note", args=[candidate.pk]),
        {"body": "Called <b>her</b>; open to talk in spring"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="timeline">')
    assert "&lt;b&gt;her&lt;/b&gt;" in html  # user text is escaped, never rendered as markup
    assert "<html" not in html


def test_empty_note_is_refused_with_422(client, recruiter):
    candidate = CandidateFactory()
    client.force_login(recruiter)
    response = client.post(reverse("candidates:add_note", args=[candidate.pk]), {"body": "  "})
    assert response.status_code == 422
    assert not candidate.activities.filter(kind="note").exists()


def test_creating_a_duplicate_offers_the_existing_record(client, recruiter):
    existing = CandidateFactory(email="ada@example.com")
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:create"),
        {
            "first_name": "Ada",
            "email": "Ada@Example.com",
            "seeking_status": "passive",
            "source": "sourced",
            "lawful_basis": "legitimate_interest",
        },
    )
    assert response.status_code == 200
    assert existing.get_absolute_url() in response.content.decode()
    assert Candidate.objects.count() == 1


def test_create_candidate_with_bad_linkedin_shows_the_reason(client, recruiter):
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:create"),
        {
            "first_name": "Ada",
            "linkedin_url": "https://example.com/ada",
            "seeking_status": "passive",
            "source": "sourced",
        },
    )
    assert "Not a LinkedIn address." in response.content.decode()
    assert not Candidate.objects.exists()


def test_create_candidate_redirects_to_the_profile(client, recruiter):
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:create"),
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "linkedin_url": "linkedin.com/in/ada",
            "timezone": "Europe/London",
            "country": "GB",
            "seeking_status": "passive",
            "source": "sourced",
            "skills": "Python, Maths",
        },
    )
    ada = Candidate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == ada.get_absolute_url()
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada"


def test_employee_refers_someone_and_sees_it_in_my_referrals(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("candidates:referral_create"),
        {
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@example.com",
            "relationship": "Worked together at Acme",
            "reason": "Ships great compilers",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("candidates:my_referrals")).content.decode()
    assert "Grace Hopper" in page
    assert "Received" in page


def test_referral_needs_a_way_to_reach_the_person(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("candidates:referral_create"),
        {"first_name": "Grace", "relationship": "Friend", "reason": "Great"},
    )
    assert "Give an email address or a LinkedIn profile" in response.content.decode()
    assert not Referral.objects.exists()


def test_recruiter_changes_referral_status_and_referrer_sees_it(client, recruiter, employee):
    client.force_login(employee)
    client.post(
        reverse("candidates:referral_create"),
        {"first_name": "Grace", "email": "grace@example.com", "relationship": "Friend", "reason": "Great"},
    )
    referral = Referral.objects.get()
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:referral_status", args=[referral.pk]),
        {"status": "contacted"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f'id="referral-{referral.pk}"' in response.content.decode()
    client.force_login(employee)
    assert "Contacted" in client.get(reverse("candidates:my_referrals")).content.decode()


def test_referral_status_rejects_unknown_values(client, recruiter):
    client.force_login(recruiter)
    referral = Referral.objects.create(
        referrer=recruiter, candidate=CandidateFactory(), relationship="x", reason="y"
    )
    response = client.post(reverse("candidates:referral_status", args=[referral.pk]), {"status": "bogus"})
    assert response.status_code == 422
    referral.refresh_from_db()
    assert referral.status == "new"
