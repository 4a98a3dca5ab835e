"""Nobody is left without an owner: the creator owns a new candidate, the role's recruiter an applicant or a
referral once they are on the role's board."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from candidates import services as candidate_services
from candidates.models import Candidate
from pipelines import applications, services
from tests.factories import CandidateFactory, RecruiterFactory, RequisitionFactory, make_pdf


def test_a_recruiter_creating_someone_owns_them_by_page_and_api(client, recruiter, admin_user):
    client.force_login(recruiter)
    page = client.get(reverse("candidates:create")).content.decode()
    assert f'<option value="{recruiter.pk}" selected>' in page
    candidate_services.create_candidate(by=recruiter, first_name="Ada", source="sourced")
    assert Candidate.objects.get(first_name="Ada").owner == recruiter
    api = APIClient()
    api.force_authenticate(admin_user)
    response = api.post("/api/candidates/", {"first_name": "Bo", "source": "sourced"}, format="json")
    assert response.status_code == 201, response.json()
    assert Candidate.objects.get(first_name="Bo").owner == admin_user


def test_an_owner_chosen_is_kept(recruiter):
    other = RecruiterFactory()
    candidate = candidate_services.create_candidate(
        by=recruiter, first_name="Ada", source="sourced", owner=other
    )
    assert candidate.owner == other


def test_a_referral_is_not_owned_by_the_referrer_but_by_the_recruiter_of_the_role_it_lands_on(employee):
    referral = candidate_services.submit_referral(
        referrer=employee, first_name="Ada", email="ada@example.org", relationship="Friend", reason="Great"
    )
    assert referral.candidate.owner is None
    role = RequisitionFactory()
    services.add_to_requisition(requisition=role, candidates=[referral.candidate], by=None)
    referral.candidate.refresh_from_db()
    assert referral.candidate.owner == role.recruiter
    entry = referral.candidate.activities.get(summary="Changed owner")
    name = role.recruiter.get_full_name() or role.recruiter.get_username()
    assert entry.body == f"Owner: (empty) → {name}"


def test_an_applicant_is_owned_by_the_roles_recruiter(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    role = RequisitionFactory(is_published=True)
    application = applications.submit_application(
        requisition=role,
        first_name="Maya",
        last_name="Okafor",
        email="maya@example.com",
        resume=SimpleUploadedFile("cv.pdf", make_pdf("Maya Okafor"), content_type="application/pdf"),
        consent=True,
    )
    assert application.candidate.owner == role.recruiter


def test_someone_who_has_an_owner_keeps_them_when_put_on_a_role(recruiter):
    owner = RecruiterFactory()
    person = CandidateFactory(owner=owner)
    services.add_to_requisition(requisition=RequisitionFactory(), candidates=[person], by=recruiter)
    person.refresh_from_db()
    assert person.owner == owner
    assert not person.activities.filter(summary="Changed owner").exists()
