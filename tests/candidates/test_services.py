import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from candidates import services
from candidates.models import Activity, Candidate, Referral
from candidates.normalize import normalize_linkedin_url
from candidates.selectors import find_existing_candidate
from tests.factories import CandidateFactory, TalentPoolFactory


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("linkedin.com/in/ada-lovelace", "https://www.linkedin.com/in/ada-lovelace"),
        ("https://uk.linkedin.com/in/Ada-Lovelace/?trk=x", "https://www.linkedin.com/in/ada-lovelace"),
        ("http://www.linkedin.com/in/ada-lovelace/", "https://www.linkedin.com/in/ada-lovelace"),
        ("", ""),
    ],
)
def test_linkedin_urls_are_normalised(raw, expected):
    assert normalize_linkedin_url(raw) == expected


@pytest.mark.parametrize(
    "raw", ["https://example.com/in/ada", "linkedin.com/company/acme", "linkedin.com/in/"]
)
def test_non_profile_urls_are_rejected(raw):
    with pytest.raises(ValueError):
        normalize_linkedin_url(raw)


def test_create_candidate_normalises_and_records_the_timeline(recruiter):
    candidate = services.create_candidate(
        by=recruiter,
        first_name="Ada",
        last_name="Lovelace",
        email="  Ada@Example.COM ",
        linkedin_url="uk.linkedin.com/in/Ada-L",
        skills=["Python", "python ", "SQL"],
    )
    assert candidate.email == "ada@example.com"
    assert candidate.linkedin_url == "https://www.linkedin.com/in/ada-l"
    assert sorted(s.name for s in candidate.skills.all()) == ["Python", "SQL"]
    assert candidate.activities.get().kind == Activity.Kind.CREATED


@pytest.mark.django_db
def test_email_is_unique_whatever_its_case():
    CandidateFactory(email="ada@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.create(first_name="Ada", email="ADA@example.com")


@pytest.mark.django_db
def test_many_candidates_may_have_no_email_or_linkedin():
    CandidateFactory(email="", linkedin_url="")
    CandidateFactory(email="", linkedin_url="")
    assert Candidate.objects.filter(email="").count() == 2


@pytest.mark.django_db
def test_create_candidate_refuses_a_duplicate_email_with_a_validation_error():
    CandidateFactory(email="ada@example.com")
    with pytest.raises(ValidationError):
        services.create_candidate(first_name="Ada", email="ADA@example.com")
    assert Candidate.objects.count() == 1


@pytest.mark.django_db
def test_existing_candidate_is_found_by_email_or_linkedin():
    ada = CandidateFactory(email="ada@example.com", linkedin_url="https://www.linkedin.com/in/ada")
    assert find_existing_candidate(email="ADA@example.com") == ada
    assert find_existing_candidate(linkedin_url="linkedin.com/in/Ada/") == ada
    assert find_existing_candidate(email="other@example.com") is None
    assert find_existing_candidate() is None


def test_referral_links_an_existing_candidate_instead_of_duplicating(employee):
    ada = CandidateFactory(email="ada@example.com", source="sourced")
    referral = services.submit_referral(
        referrer=employee,
        first_name="Ada",
        email="ADA@example.com",
        relationship="Former colleague",
        reason="Brilliant",
    )
    assert referral.candidate == ada and referral.matched_existing
    assert Candidate.objects.count() == 1
    # the referrer writes nothing on the existing person's timeline
    assert not ada.activities.filter(kind=Activity.Kind.REFERRAL).exists()


def test_referral_creates_a_referral_sourced_candidate(employee):
    referral = services.submit_referral(
        referrer=employee,
        first_name="Grace",
        last_name="Hopper",
        linkedin_url="linkedin.com/in/grace",
        relationship="Met at a conference",
        reason="Compilers",
        role_title="Staff Engineer",
    )
    assert referral.candidate.source == "referral"
    assert referral.status == Referral.Status.NEW


def test_adding_to_a_pool_twice_adds_once(recruiter):
    pool = TalentPoolFactory()
    people = CandidateFactory.create_batch(3)
    assert services.add_to_pool(pool=pool, candidates=people, by=recruiter) == 3
    assert services.add_to_pool(pool=pool, candidates=people, by=recruiter) == 0
    assert pool.members.count() == 3


# --- Audited edits ---------------------------------------------------------------------------------------


def _edit_page_data(candidate, **changes):
    data = {
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "email": candidate.email,
        "phone": candidate.phone,
        "linkedin_url": candidate.linkedin_url,
        "title": candidate.title,
        "company": candidate.company,
        "industry": candidate.industry,
        "years_experience": candidate.years_experience,
        "country": candidate.country.code,
        "city": candidate.city,
        "timezone": candidate.timezone,
        "seeking_status": candidate.seeking_status,
        "source": candidate.source,
        "owner": candidate.owner_id or "",
        "lawful_basis": candidate.lawful_basis,
        "notes": candidate.notes,
        "skills": "",
    }
    if candidate.do_not_contact:
        data["do_not_contact"] = "on"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_editing_contact_details_on_the_page_puts_what_changed_on_the_timeline(client, recruiter):
    ada = CandidateFactory(email="ada@example.com", title="Engineer", phone="")
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:edit", args=[ada.pk]),
        _edit_page_data(
            ada, email="Ada@Lovelace.example", title="CTO", phone="+44 20 7946 0000", do_not_contact="on"
        ),
    )
    assert response.status_code == 302
    entry = ada.activities.get(kind=Activity.Kind.EDIT)
    assert entry.actor == recruiter
    assert entry.summary == "Changed email, phone, title, do not contact"
    assert entry.body.splitlines() == [
        "Email: ada@example.com → ada@lovelace.example",
        "Phone: (empty) → +44 20 7946 0000",
        "Title: Engineer → CTO",
        "Do not contact: no → yes",
    ]
    assert entry.data["changes"][0] == {
        "field": "email",
        "from": "ada@example.com",
        "to": "ada@lovelace.example",
    }


def test_owner_and_lawful_basis_changes_are_shown_by_name(recruiter):
    ada = CandidateFactory(owner=None, linkedin_url="")
    services.update_candidate(
        candidate=ada,
        by=recruiter,
        owner=recruiter,
        lawful_basis="consent",
        linkedin_url="linkedin.com/in/ada",
    )
    entry = ada.activities.get(kind=Activity.Kind.EDIT)
    owner = recruiter.get_full_name() or recruiter.get_username()
    assert entry.body.splitlines() == [
        "LinkedIn: (empty) → https://www.linkedin.com/in/ada",
        f"Owner: (empty) → {owner}",
        "Lawful basis: Legitimate interest → Consent",
    ]


def test_saving_without_an_audited_change_adds_nothing_to_the_timeline(recruiter):
    ada = CandidateFactory(email="ada@example.com")
    services.update_candidate(candidate=ada, by=recruiter, email="ADA@example.com", notes="Met at PyCon")
    assert not ada.activities.filter(kind=Activity.Kind.EDIT).exists()


def test_changes_made_on_the_instance_before_the_service_is_called_are_audited(recruiter):
    """A ModelForm writes the posted values onto the instance before the view calls the service."""
    ada = CandidateFactory(title="Engineer")
    ada.title = "CTO"
    services.update_candidate(candidate=ada, by=recruiter)
    assert ada.activities.get(kind=Activity.Kind.EDIT).body == "Title: Engineer → CTO"
