"""The candidate profile: its sections, a constant number of queries, the duplicate hint and the edit form."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from candidates import privacy, services
from candidates.models import Candidate, LawfulBasis
from outreach import engagement
from outreach.models import EngagementEvent, Enrollment
from pipelines import services as pipeline_services
from tests.factories import (
    CandidateFactory,
    EnrollmentFactory,
    RequisitionFactory,
    SequenceFactory,
    TalentPoolFactory,
    stage_named,
)


def test_profile_shows_boards_sequences_pools_medals_and_privacy(client, recruiter):
    ada = CandidateFactory(first_name="Ada", do_not_contact=True, lawful_basis=LawfulBasis.CONSENT)
    requisition = RequisitionFactory(title="Senior Backend Engineer")
    pipeline_services.add_card(
        pipeline=requisition.pipeline, candidate=ada, stage=stage_named(requisition, "Interview")
    )
    sequence = SequenceFactory(name="Passive nurture")
    EnrollmentFactory(candidate=ada, sequence=sequence)
    pool = TalentPoolFactory(name="Data & ML")
    services.add_to_pool(pool=pool, candidates=[ada], by=recruiter)
    past = RequisitionFactory(title="Staff Engineer")
    services.add_silver_medalist(
        candidate=ada, requisition=past, stage=stage_named(past, "Final"), reason="compensation"
    )
    client.force_login(recruiter)

    html = client.get(ada.get_absolute_url()).content.decode()

    assert 'id="boards"' in html and "Senior Backend Engineer" in html and "Interview" in html
    assert requisition.get_absolute_url() in html
    assert 'id="sequences"' in html and "Passive nurture" in html
    assert reverse("outreach:sequence", args=[sequence.pk]) in html
    assert pool.get_absolute_url() in html
    assert 'id="silver-medals"' in html and "Staff Engineer" in html and "Compensation" in html
    assert "Consent" in html and "Do not contact" in html
    assert "Not sent · due" in html  # a sourced person without the notice
    assert reverse("candidates:privacy_notice_sent", args=[ada.pk]) in html
    assert reverse("candidates:erase", args=[ada.pk]) not in html  # admins only


def test_profile_of_someone_who_applied_needs_no_notice(client, recruiter, admin_user):
    applicant = CandidateFactory(source="applied")
    client.force_login(admin_user)
    html = client.get(applicant.get_absolute_url()).content.decode()
    assert "Not needed (applied)" in html
    assert reverse("candidates:privacy_notice_sent", args=[applicant.pk]) not in html
    assert reverse("candidates:erase", args=[applicant.pk]) in html


def test_possible_duplicate_is_hinted_with_a_link_to_compare(client, recruiter):
    ada = CandidateFactory(first_name="Ada", last_name="Lovelace", company="Analytical Engines")
    twin = CandidateFactory(first_name="ADA", last_name="lovelace", company="analytical engines")
    stranger = CandidateFactory(first_name="Ada", last_name="Lovelace", company="Elsewhere")
    client.force_login(recruiter)

    html = client.get(ada.get_absolute_url()).content.decode()

    assert 'id="possible-duplicates"' in html
    assert reverse("candidates:merge_confirm", args=[ada.pk, twin.pk]) in html
    assert reverse("candidates:merge_confirm", args=[ada.pk, stranger.pk]) not in html


def test_same_phone_number_is_a_possible_duplicate(client, recruiter):
    ada = CandidateFactory(phone="+44 20 7946 0000")
    other = CandidateFactory(phone="+44 20 7946 0000", first_name="Someone", last_name="Else")
    client.force_login(recruiter)
    html = client.get(ada.get_absolute_url()).content.decode()
    assert reverse("candidates:merge_confirm", args=[ada.pk, other.pk]) in html


def test_no_duplicate_hint_for_a_unique_person(client, recruiter):
    ada = CandidateFactory()
    client.force_login(recruiter)
    assert 'id="possible-duplicates"' not in client.get(ada.get_absolute_url()).content.decode()


def test_edit_form_sets_lawful_basis_and_do_not_contact(client, recruiter):
    ada = CandidateFactory(first_name="Ada", email="ada@example.com")
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:edit", args=[ada.pk]),
        {
            "first_name": "Ada",
            "email": "ada@example.com",
            "timezone": "Europe/London",
            "country": "GB",
            "seeking_status": "passive",
            "source": "sourced",
            "lawful_basis": "consent",
            "do_not_contact": "on",
        },
    )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.lawful_basis == LawfulBasis.CONSENT
    assert ada.do_not_contact is True


def test_edit_form_refuses_an_unknown_timezone_and_country(client, recruiter):
    ada = CandidateFactory(first_name="Ada")
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:edit", args=[ada.pk]),
        {
            "first_name": "Ada",
            "timezone": "Mars/Olympus_Mons",
            "country": "XX",
            "seeking_status": "passive",
            "source": "sourced",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"timezone", "country"}
    ada.refresh_from_db()
    assert ada.timezone == "Europe/London"


def test_profile_of_an_erased_person_is_gone(client, admin_user):
    ada = CandidateFactory()
    privacy.erase_candidate(candidate=ada, by=admin_user)
    client.force_login(admin_user)
    assert client.get(ada.get_absolute_url()).status_code == 404
    assert Candidate.objects.filter(pk=ada.pk).exists()


def test_enrollment_status_is_shown(client, recruiter):
    ada = CandidateFactory()
    EnrollmentFactory(
        candidate=ada,
        status=Enrollment.Status.STOPPED,
        stop_reason="replied",
        ended_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(recruiter)
    html = client.get(ada.get_absolute_url()).content.decode()
    assert "Stopped" in html and 'title="replied"' in html


def test_the_engagement_score_shows_once_in_the_engagement_panel(client, recruiter):
    ada = CandidateFactory()
    EngagementEvent.objects.create(candidate=ada, kind="replied", occurred_at=timezone.now())
    engagement.refresh_candidate(ada)
    client.force_login(recruiter)
    html = client.get(ada.get_absolute_url()).content.decode()
    contact = html[html.index('id="contact"') : html.index('id="engagement"')]
    assert "<dt>Engagement</dt>" not in contact and "40" not in contact
    assert html.count("<strong>40</strong>&nbsp;/ 100") == 1
