"""A referral's status follows the referred person's cards on role boards; the referrer hears of the outcome."""

import pytest
from django.core import mail

from candidates import services as candidate_services
from candidates.models import Referral
from pipelines import services
from tests.factories import CandidateFactory, ReferralFactory, RequisitionFactory, hired_stage, stage_named


@pytest.fixture
def referral(db):
    return ReferralFactory(
        referrer__email="referrer@example.org",
        first_name="Ada",
        last_name="L.",
        candidate__first_name="Adeline",
    )


def status(referral):
    referral.refresh_from_db()
    return referral.status, referral.from_board


def test_in_process_then_hired_and_the_referrer_is_told(
    referral, recruiter, django_capture_on_commit_callbacks
):
    role = RequisitionFactory(title="Data Engineer")
    with django_capture_on_commit_callbacks(execute=True):
        card = services.add_card(pipeline=role.pipeline, candidate=referral.candidate, by=recruiter)
    assert status(referral) == ("in_process", True)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.move_card(
            card=card, to_stage=stage_named(role, "Screen"), position=0, expected_version=card.version
        )
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.move_card(card=card, to_stage=hired_stage(role), position=0, expected_version=card.version)
    assert status(referral) == ("hired", True)
    (email,) = mail.outbox
    assert email.to == ["referrer@example.org"]
    assert email.subject == "Your referral of Ada L.: hired"
    assert "Ada L., whom you referred, has been hired" in email.body
    assert "Adeline" not in email.body + email.subject  # only the person as the referrer gave them
    assert referral.candidate.activities.filter(summary="Referral status: Hired (from the board)").exists()


def test_turned_down_everywhere_is_not_selected_but_still_in_process_elsewhere_is_not(
    referral, recruiter, django_capture_on_commit_callbacks
):
    first, second = RequisitionFactory(), RequisitionFactory()
    one = services.add_card(pipeline=first.pipeline, candidate=referral.candidate)
    two = services.add_card(pipeline=second.pipeline, candidate=referral.candidate)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_card(card=one, category="timing", by=recruiter)
    assert status(referral) == ("in_process", True)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_card(card=two, category="timing", by=recruiter)
    assert status(referral) == ("not_selected", True)
    (email,) = mail.outbox
    assert email.subject == "Your referral of Ada L.: not selected"


def test_the_talent_board_leaves_referrals_alone(referral):
    services.add_card(pipeline=services.get_or_create_talent_board(), candidate=referral.candidate)
    assert status(referral) == ("new", False)


def test_a_status_set_by_hand_is_no_longer_from_the_board(referral, recruiter):
    services.add_card(pipeline=RequisitionFactory().pipeline, candidate=referral.candidate)
    candidate_services.set_referral_status(referral=referral, status="hired", by=recruiter)
    assert status(referral) == ("hired", False)


def test_the_referrer_sees_hired_on_my_referrals(client, referral):
    role = RequisitionFactory()
    services.add_card(pipeline=role.pipeline, candidate=referral.candidate, stage=hired_stage(role))
    client.force_login(referral.referrer)
    page = client.get("/referrals/mine/").content.decode()
    assert '<span class="badge">Hired</span>' in page


def test_only_the_board_sets_board_statuses(db):
    with pytest.raises(ValueError):
        candidate_services.follow_referrals(candidate=CandidateFactory(), status="interviewing", by=None)
    assert Referral.objects.count() == 0
