"""Privacy: the notice and retention lists, marking notices sent, keeping people, the policy and erasure."""

import logging
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from candidates import privacy, search_documents, services
from candidates.models import Activity, Candidate, PoolMembership, PrivacyPolicy, Referral, Suppression
from candidates.selectors import notices_due, retention_due
from outreach.models import Enrollment, Touch
from pipelines import services as pipeline_services
from tests.factories import (
    CandidateFactory,
    EnrollmentFactory,
    ReferralFactory,
    RequisitionFactory,
    TalentPoolFactory,
    TouchFactory,
    stage_named,
)

pytestmark = pytest.mark.django_db


def _added(days_ago, **fields):
    candidate = CandidateFactory(**fields)
    Candidate.objects.filter(pk=candidate.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    candidate.refresh_from_db()
    return candidate


# --- Lists ---------------------------------------------------------------------------------------------


def test_notices_due_lists_sourced_people_without_the_notice_overdue_first(admin_user):
    recent = _added(5, source="sourced")
    overdue = _added(45, source="referral")
    _added(60, source="applied")  # gave us their details themselves
    _added(60, source="event", privacy_notice_sent_at=timezone.now())
    erased = _added(70, source="sourced")
    privacy.erase_candidate(candidate=erased, by=admin_user)

    listed = list(notices_due(PrivacyPolicy.current()))

    assert listed == [overdue, recent]
    assert listed[0].notice_due_at == overdue.created_at + timedelta(days=30)
    assert listed[0].notice_due_at < timezone.now() < listed[1].notice_due_at


def test_retention_lists_people_not_contacted_for_the_retention_period():
    now = timezone.now()
    stale = _added(900, last_contacted_at=now - timedelta(days=800))
    never_contacted = _added(1000)
    _added(900, last_contacted_at=now - timedelta(days=30))
    _added(900, retention_reviewed_at=now - timedelta(days=10))
    _added(100)

    assert list(retention_due(PrivacyPolicy.current())) == [never_contacted, stale]

    policy = PrivacyPolicy.current()
    policy.retention_days = 850
    assert list(retention_due(policy)) == [never_contacted]


def test_privacy_page_shows_both_lists(client, recruiter):
    due = _added(40, first_name="Overdue", source="sourced")
    old = _added(800, first_name="Longago", source="applied")
    client.force_login(recruiter)
    response = client.get(reverse("candidates:privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notice-{due.pk}"' in html and "Overdue" in html
    assert f'id="retention-{old.pk}"' in html
    assert reverse("candidates:privacy_keep", args=[old.pk]) in html
    assert reverse("candidates:erase", args=[old.pk]) not in html  # admins only
    assert 'id="policy"' not in html


def test_admin_sees_erase_and_the_policy_form(client, admin_user):
    old = _added(800, source="applied")
    client.force_login(admin_user)
    html = client.get(reverse("candidates:privacy")).content.decode()
    assert reverse("candidates:erase", args=[old.pk]) in html
    assert 'id="policy"' in html


def test_settings_offer_privacy_to_the_recruiting_team(client, recruiter, employee, settings_labels):
    client.force_login(recruiter)
    assert "Privacy" in settings_labels()
    client.force_login(employee)
    assert "Privacy" not in settings_labels()


# --- Mark notice sent, keep ----------------------------------------------------------------------------


def test_marking_the_notice_sent_takes_them_off_the_list(client, recruiter):
    ada = _added(40, source="sourced")
    client.force_login(recruiter)
    response = client.post(reverse("candidates:privacy_notice_sent", args=[ada.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("candidates:privacy")
    ada.refresh_from_db()
    assert ada.privacy_notice_sent_at is not None
    assert ada.activities.filter(kind=Activity.Kind.PRIVACY, summary="Privacy notice sent").exists()
    assert ada not in notices_due(PrivacyPolicy.current())


def test_marking_sent_twice_keeps_the_first_date(recruiter):
    first = timezone.now() - timedelta(days=3)
    ada = CandidateFactory(privacy_notice_sent_at=first)
    privacy.mark_privacy_notice_sent(candidate=ada, by=recruiter)
    ada.refresh_from_db()
    assert ada.privacy_notice_sent_at == first
    assert not ada.activities.exists()


def test_marking_sent_from_the_profile_goes_back_there(client, recruiter):
    ada = CandidateFactory()
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:privacy_notice_sent", args=[ada.pk]), {"next": ada.get_absolute_url()}
    )
    assert response["Location"] == ada.get_absolute_url()
    evil = client.post(
        reverse("candidates:privacy_notice_sent", args=[ada.pk]), {"next": "https://evil.example/"}
    )
    assert evil["Location"] == reverse("candidates:privacy")


def test_keeping_someone_restarts_the_retention_clock(client, recruiter):
    old = _added(800)
    client.force_login(recruiter)
    assert client.post(reverse("candidates:privacy_keep", args=[old.pk])).status_code == 302
    old.refresh_from_db()
    assert old.retention_reviewed_at is not None
    assert old.activities.get(kind=Activity.Kind.REVIEW).actor == recruiter
    assert old not in retention_due(PrivacyPolicy.current())


# --- Policy --------------------------------------------------------------------------------------------


def test_admin_sets_the_policy(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("candidates:privacy_policy"), {"retention_days": 365, "notice_due_days": 14}
    )
    assert response.status_code == 302
    policy = PrivacyPolicy.current()
    assert (policy.retention_days, policy.notice_due_days) == (365, 14)


def test_policy_with_bad_values_is_refused(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("candidates:privacy_policy"), {"retention_days": 0, "notice_due_days": 45})
    assert response.status_code == 422
    assert set(response.context["policy_form"].errors) == {"retention_days", "notice_due_days"}
    assert PrivacyPolicy.current().retention_days == 730


def test_recruiter_cannot_set_the_policy(client, recruiter):
    client.force_login(recruiter)
    response = client.post(
        reverse("candidates:privacy_policy"), {"retention_days": 100, "notice_due_days": 5}
    )
    assert response.status_code == 403
    assert PrivacyPolicy.current().retention_days == 730


# --- Erase ---------------------------------------------------------------------------------------------


@pytest.fixture
def ada(recruiter):
    ada = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        email="Ada@Example.com",
        linkedin_url="https://www.linkedin.com/in/ada",
        phone="+44 1",
        notes="Prefers mornings",
        industry="Fintech",
        country="GB",
    )
    services.set_skills(ada, ["Python"])
    search_documents.refresh_search_documents([ada.pk])
    services.add_note(candidate=ada, body="Met at PyCon", by=recruiter)
    services.add_to_pool(pool=TalentPoolFactory(), candidates=[ada], by=recruiter)
    ReferralFactory(candidate=ada, reason="She built the analytical engine")
    requisition = RequisitionFactory()
    pipeline_services.add_card(
        pipeline=requisition.pipeline,
        candidate=ada,
        stage=stage_named(requisition, "Final"),
        pitch="Ada is great",
    )
    TouchFactory(enrollment=EnrollmentFactory(candidate=ada), subject="Hi Ada", body="Dear Ada")
    return ada


def test_erase_needs_a_confirmation_and_anonymises(client, admin_user, ada, caplog):
    people = Candidate.objects.count()
    client.force_login(admin_user)
    confirm = client.get(reverse("candidates:erase", args=[ada.pk]))
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.content.decode()
    Candidate.objects.get(pk=ada.pk)  # nothing happened yet

    with caplog.at_level(logging.INFO, logger="candidates.services"):
        response = client.post(reverse("candidates:erase", args=[ada.pk]))

    assert response.status_code == 302
    assert Candidate.objects.count() == people  # counts in reports stay right
    erased = Candidate.objects.get(pk=ada.pk)
    assert erased.erased_at is not None and erased.do_not_contact
    assert (erased.first_name, erased.last_name) == ("Erased", "")
    for field in ("email", "phone", "linkedin_url", "title", "company", "city", "notes", "search_document"):
        assert getattr(erased, field) == "", field
    assert erased.search_vector is None
    assert (erased.industry, erased.country.code) == ("Fintech", "GB")  # kept for reports
    assert not erased.skills.exists()
    assert not PoolMembership.objects.filter(candidate=erased).exists()
    [audit] = erased.activities.all()
    assert audit.kind == Activity.Kind.PRIVACY and audit.actor == admin_user
    assert audit.summary == f"Erased on request by {admin_user.get_full_name()}"
    assert f"Candidate {ada.pk} erased on request by {admin_user.username}" in caplog.text
    referral = Referral.objects.get(candidate=erased)
    assert referral.reason == "" and referral.relationship == ""
    assert Suppression.objects.filter(
        email__iexact="ada@example.com",
        linkedin_url="https://www.linkedin.com/in/ada",
        reason=Suppression.Reason.ERASED,
    ).exists()


def test_erasure_stops_outreach_and_scrubs_boards(admin_user, ada):
    privacy.erase_candidate(candidate=ada, by=admin_user)
    enrollment = Enrollment.objects.get(candidate=ada)
    assert enrollment.status == Enrollment.Status.STOPPED and enrollment.stop_reason == "erased"
    touch = Touch.objects.get(candidate=ada)
    assert touch.status == Touch.Status.CANCELLED and (touch.subject, touch.body) == ("", "")
    assert ada.cards.get().pitch == ""


def test_erased_people_disappear_from_search_profile_and_api(client, admin_user, ada):
    privacy.erase_candidate(candidate=ada, by=admin_user)
    client.force_login(admin_user)
    assert client.get(ada.get_absolute_url()).status_code == 404
    assert ada not in client.get(reverse("candidates:list")).context["page"].object_list
    assert client.get(f"/api/candidates/{ada.pk}/").status_code == 404


def test_erasure_unlinks_possible_duplicates_both_ways(admin_user, ada):
    flagged = CandidateFactory(possible_duplicate_of=ada)
    Candidate.objects.filter(pk=ada.pk).update(possible_duplicate_of=CandidateFactory())
    privacy.erase_candidate(candidate=ada, by=admin_user)
    flagged.refresh_from_db()
    assert flagged.possible_duplicate_of is None
    assert Candidate.objects.get(pk=ada.pk).possible_duplicate_of is None


def test_the_same_person_added_again_is_still_suppressed(admin_user, recruiter, ada):
    privacy.erase_candidate(candidate=ada, by=admin_user)
    again = services.create_candidate(by=recruiter, first_name="Ada", email="ada@example.com")
    assert again.pk != ada.pk
    assert Suppression.objects.filter(email__iexact=again.email, reason=Suppression.Reason.ERASED).exists()


def test_recruiter_cannot_erase(client, recruiter, ada):
    client.force_login(recruiter)
    assert client.get(reverse("candidates:erase", args=[ada.pk])).status_code == 403
    assert client.post(reverse("candidates:erase", args=[ada.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        privacy.erase_candidate(candidate=ada, by=recruiter)
    ada.refresh_from_db()
    assert ada.erased_at is None and ada.email == "Ada@Example.com"


def test_erasing_twice_is_refused(admin_user, ada):
    privacy.erase_candidate(candidate=ada, by=admin_user)
    with pytest.raises(ValidationError):
        privacy.erase_candidate(candidate=ada, by=admin_user)
    assert Suppression.objects.count() == 1
