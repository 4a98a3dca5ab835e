"""Dedup and merge: the service loses nothing, the pages and the API guard it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from candidates import merge, privacy, selectors, services
from candidates.filling import fill_empty_fields
from candidates.imports import jobs
from candidates.models import Activity, Candidate, PoolMembership, Referral, SilverMedal, Suppression
from outreach import conversation
from outreach.models import EngagementEvent, Enrollment, Touch
from pipelines import services as pipeline_services
from pipelines.models import Card, ShortlistReview, StageChange
from tests.factories import (
    CandidateFactory,
    CardFactory,
    EmployeeFactory,
    EnrollmentFactory,
    ReferralFactory,
    RequisitionFactory,
    SequenceFactory,
    TalentPoolFactory,
    TouchFactory,
    stage_named,
)

MODELS = {
    "activities": Activity,
    "pool memberships": PoolMembership,
    "referrals": Referral,
    "silver medals": SilverMedal,
    "cards": Card,
    "reviews": ShortlistReview,
    "enrollments": Enrollment,
    "touches": Touch,
    "engagement events": EngagementEvent,
}


def _counts():
    return {name: model.objects.count() for name, model in MODELS.items()}


@pytest.fixture
def pair(recruiter):
    """Two records of one person, with overlapping and separate history of every kind."""
    primary = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        company="Analytical Engines",
        email="ada@example.com",
        phone="",
        title="Engineer",
    )
    duplicate = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        company="Analytical Engines",
        email="ada.lovelace@example.org",
        linkedin_url="https://www.linkedin.com/in/ada",
        phone="+44 20 7946 0000",
        title="Analyst",
        engagement_score=72,
    )
    services.set_skills(primary, ["Python"])
    services.set_skills(duplicate, ["python", "Go"])
    for body in ("First call", "Second call"):
        services.add_note(candidate=primary, body=body, by=recruiter)
    for body in ("Met at PyCon", "Sent the blog post", "Replied: maybe in spring"):
        services.add_note(candidate=duplicate, body=body, by=recruiter)

    shared, only_duplicate, only_primary = TalentPoolFactory(), TalentPoolFactory(), TalentPoolFactory()
    services.add_to_pool(pool=shared, candidates=[primary, duplicate], by=recruiter)
    services.add_to_pool(pool=only_duplicate, candidates=[duplicate], by=recruiter)
    services.add_to_pool(pool=only_primary, candidates=[primary], by=recruiter)

    both_referred = EmployeeFactory()
    ReferralFactory(referrer=both_referred, candidate=primary, reason="Brilliant")
    ReferralFactory(referrer=both_referred, candidate=duplicate, reason="Brilliant too")
    ReferralFactory(candidate=duplicate)

    past = RequisitionFactory(title="Data Engineer")
    other_past = RequisitionFactory(title="Analytics Engineer")
    services.add_silver_medalist(
        candidate=primary, requisition=past, stage=stage_named(past, "Interview"), reason="timing"
    )
    services.add_silver_medalist(
        candidate=duplicate, requisition=past, stage=stage_named(past, "Final"), reason="timing"
    )
    services.add_silver_medalist(
        candidate=duplicate, requisition=other_past, stage=stage_named(other_past, "Final"), reason="location"
    )

    same_board = RequisitionFactory(title="Senior Backend Engineer")
    primary_card = pipeline_services.add_card(
        pipeline=same_board.pipeline, candidate=primary, stage=stage_named(same_board, "Screen"), by=recruiter
    )
    ShortlistReview.objects.create(card=primary_card, reviewer=same_board.hiring_manager, decision="hold")
    further = pipeline_services.add_card(
        pipeline=same_board.pipeline,
        candidate=duplicate,
        stage=stage_named(same_board, "Final"),
        by=recruiter,
    )
    other_board = RequisitionFactory(title="Platform Engineer")
    pipeline_services.add_card(pipeline=other_board.pipeline, candidate=duplicate, by=recruiter)
    pipeline_services.add_card(
        pipeline=pipeline_services.get_or_create_talent_board(), candidate=primary, by=recruiter
    )

    nurture, events = SequenceFactory(name="Nurture"), SequenceFactory(name="Events")
    primary_nurture = EnrollmentFactory(candidate=primary, sequence=nurture)
    TouchFactory(enrollment=primary_nurture)
    duplicate_nurture = EnrollmentFactory(candidate=duplicate, sequence=nurture)
    sent = TouchFactory(enrollment=duplicate_nurture, status=Touch.Status.SENT, sent_at=timezone.now())
    TouchFactory(enrollment=duplicate_nurture, status=Touch.Status.SCHEDULED)
    TouchFactory(enrollment=duplicate_nurture, status=Touch.Status.TASK_OPEN, channel="linkedin_connect")
    EngagementEvent.objects.create(
        candidate=duplicate, touch=sent, kind=EngagementEvent.Kind.OPENED, occurred_at=timezone.now()
    )
    TouchFactory(enrollment=EnrollmentFactory(candidate=duplicate, sequence=events))
    return {
        "primary": primary,
        "duplicate": duplicate,
        "same_board": same_board,
        "further_card": further,
        "nurture": nurture,
        "duplicate_nurture": duplicate_nurture,
        "past": past,
    }


def test_merge_loses_nothing(pair, recruiter):
    primary, duplicate = pair["primary"], pair["duplicate"]
    before = _counts()
    duplicate_timeline = set(duplicate.activities.values_list("pk", flat=True))
    people = Candidate.objects.count()

    merged = merge.merge_candidates(primary=primary, duplicate=duplicate, by=recruiter)

    after = _counts()
    # Documented conflict resolutions: two pools both are in (one of them "Silver medalists"), one referrer
    # who referred both, one role both have a silver medal for, one board both are on; three new timeline
    # entries record the merge and the conflicts.
    assert after == {
        **before,
        "activities": before["activities"] + 3,
        "pool memberships": before["pool memberships"] - 2,
        "referrals": before["referrals"] - 1,
        "silver medals": before["silver medals"] - 1,
        "cards": before["cards"] - 1,
    }
    assert Candidate.objects.count() == people - 1
    assert not Candidate.objects.filter(pk=duplicate.pk).exists()
    assert duplicate_timeline <= set(merged.activities.values_list("pk", flat=True))
    for model in MODELS.values():
        if hasattr(model, "candidate"):
            assert not model.objects.filter(candidate_id=duplicate.pk).exists(), model


def test_merge_keeps_primary_values_and_fills_the_empty_ones(pair, recruiter):
    primary, duplicate = pair["primary"], pair["duplicate"]
    merged = merge.merge_candidates(primary=primary, duplicate=duplicate, by=recruiter)
    merged.refresh_from_db()
    assert merged.email == "ada@example.com"
    assert merged.title == "Engineer"
    assert merged.phone == "+44 20 7946 0000"
    assert merged.linkedin_url == "https://www.linkedin.com/in/ada"
    assert merged.engagement_score == 72
    assert sorted(s.name for s in merged.skills.all()) == ["Go", "Python"]
    record = merged.activities.get(kind=Activity.Kind.MERGE)
    assert record.summary == "Merged with Ada Lovelace (ada.lovelace@example.org)"
    assert record.data["email"] == "ada.lovelace@example.org"
    assert record.data["aliases"] == {"email": "ada.lovelace@example.org"}
    assert record.data["not_kept"] == {"title": "Analyst"}
    assert record.body.splitlines() == [
        "Kept as an alias, email: ada.lovelace@example.org",
        "Not kept from the duplicate, title: Analyst",
    ]
    assert record.data["referrals_folded"][0]["reason"] == "Brilliant too"
    assert "python" in merged.search_document and "met at pycon" in merged.search_document


def test_merge_keeps_the_card_further_along_with_its_history(pair, recruiter):
    primary, duplicate = pair["primary"], pair["duplicate"]
    further = pair["further_card"]
    merge.merge_candidates(primary=primary, duplicate=duplicate, by=recruiter)
    kept = Card.objects.get(pipeline=pair["same_board"].pipeline)
    assert kept.pk == further.pk and kept.candidate == primary and kept.stage.name == "Final"
    assert StageChange.objects.filter(card=kept).exists()
    assert kept.reviews.count() == 1  # the manager's review of the other card moved over
    note = primary.activities.get(summary__startswith="Merged two cards")
    assert "kept the one in Final" in note.summary and "Screen" in note.summary
    assert "added → Screen" in note.body
    assert primary.cards.count() == 3


def test_merge_stops_the_duplicates_enrollment_in_a_shared_sequence(pair, recruiter):
    primary, duplicate = pair["primary"], pair["duplicate"]
    merge.merge_candidates(primary=primary, duplicate=duplicate, by=recruiter)
    stopped = Enrollment.objects.get(pk=pair["duplicate_nurture"].pk)
    assert stopped.candidate == primary
    assert stopped.status == Enrollment.Status.STOPPED and stopped.stop_reason == "merged"
    assert stopped.ended_at is not None
    statuses = sorted(stopped.touches.values_list("status", flat=True))
    assert statuses == ["cancelled", "cancelled", "sent"]
    live = primary.enrollments.filter(status__in=Enrollment.LIVE_STATUSES)
    assert sorted(e.sequence.name for e in live) == ["Events", "Nurture"]
    assert primary.engagement_events.count() == 1


def test_merge_keeps_the_silver_medal_that_got_further(pair, recruiter):
    primary, duplicate = pair["primary"], pair["duplicate"]
    merge.merge_candidates(primary=primary, duplicate=duplicate, by=recruiter)
    medal = primary.silver_medals.get(requisition_id=pair["past"].pk)
    assert medal.stage_name == "Final"
    assert primary.silver_medals.count() == 2


def test_merge_moves_the_earlier_first_contact_and_privacy_facts(recruiter):
    primary = CandidateFactory(email="")
    duplicate = CandidateFactory(
        email="ada@example.com",
        do_not_contact=True,
        privacy_notice_sent_at=timezone.now() - timedelta(days=3),
    )
    Candidate.objects.filter(pk=duplicate.pk).update(created_at=timezone.now() - timedelta(days=400))
    duplicate.refresh_from_db()
    merged = merge.merge_candidates(primary=primary, duplicate=duplicate, by=recruiter)
    merged.refresh_from_db()
    assert merged.email == "ada@example.com"  # freed by the duplicate before the primary takes it
    assert merged.do_not_contact is True
    assert merged.privacy_notice_sent_at == duplicate.privacy_notice_sent_at
    assert merged.created_at == duplicate.created_at


def test_merge_with_itself_is_refused(recruiter):
    ada = CandidateFactory()
    with pytest.raises(ValidationError, match="cannot be merged with themselves"):
        merge.merge_candidates(primary=ada, duplicate=ada, by=recruiter)


def test_merge_with_an_erased_candidate_is_refused(recruiter, admin_user):
    ada, gone = CandidateFactory(), CandidateFactory()
    privacy.erase_candidate(candidate=gone, by=admin_user)
    with pytest.raises(ValidationError, match="Erased candidates cannot be merged"):
        merge.merge_candidates(primary=ada, duplicate=gone, by=recruiter)
    assert Candidate.objects.filter(pk=gone.pk).exists()


# --- Pages ---------------------------------------------------------------------------------------------


def test_merge_page_finds_the_other_record_by_name_or_email(client, recruiter):
    ada = CandidateFactory(first_name="Ada", last_name="Lovelace")
    other = CandidateFactory(first_name="Augusta", last_name="King", email="augusta@example.org")
    CandidateFactory(first_name="Grace", last_name="Hopper")
    client.force_login(recruiter)
    response = client.get(reverse("candidates:merge", args=[ada.pk]), {"q": "augusta@example"})
    assert response.status_code == 200
    assert response.context["matches"] == [other]
    assert reverse("candidates:merge_confirm", args=[ada.pk, other.pk]) in response.content.decode()
    assert client.get(reverse("candidates:merge", args=[ada.pk]), {"q": "Lovelace"}).context["matches"] == []


def test_confirmation_shows_both_records_and_what_is_kept(client, recruiter):
    primary = CandidateFactory(first_name="Ada", last_name="Lovelace", phone="", title="Engineer")
    duplicate = CandidateFactory(first_name="Ada", last_name="Lovelace", phone="+44 1", title="Analyst")
    services.set_skills(primary, ["Python"])
    services.set_skills(duplicate, ["Go"])
    client.force_login(recruiter)
    response = client.get(reverse("candidates:merge_confirm", args=[primary.pk, duplicate.pk]))
    assert response.status_code == 200
    rows = {row.label: row for row in response.context["rows"]}
    assert rows["Phone"].kept == "+44 1" and rows["Phone"].note == "filled in"
    assert rows["Title"].kept == "Engineer" and rows["Title"].lost
    assert rows["Skills"].kept == "Go, Python" and rows["Skills"].note == "combined"
    html = response.content.decode()
    assert "filled in" in html and "Analyst" in html
    assert reverse("candidates:merge_confirm", args=[duplicate.pk, primary.pk]) in html  # swap


def test_posting_the_confirmation_merges_and_opens_the_primary(client, recruiter):
    primary, duplicate = CandidateFactory(), CandidateFactory()
    client.force_login(recruiter)
    response = client.post(reverse("candidates:merge_confirm", args=[primary.pk, duplicate.pk]))
    assert response.status_code == 302
    assert response["Location"] == primary.get_absolute_url()
    assert not Candidate.objects.filter(pk=duplicate.pk).exists()
    assert primary.activities.filter(kind=Activity.Kind.MERGE).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_merging_with_itself_or_an_erased_record_says_why(client, recruiter, admin_user, method):
    ada, gone = CandidateFactory(), CandidateFactory()
    privacy.erase_candidate(candidate=gone, by=admin_user)
    client.force_login(recruiter)
    send = getattr(client, method)
    same = send(reverse("candidates:merge_confirm", args=[ada.pk, ada.pk]))
    assert same.status_code == 422
    assert "cannot be merged with themselves" in same.content.decode()
    erased = send(reverse("candidates:merge_confirm", args=[ada.pk, gone.pk]))
    assert erased.status_code == 422
    assert "Erased candidates cannot be merged" in erased.content.decode()
    assert Candidate.objects.filter(pk__in=[ada.pk, gone.pk]).count() == 2


# --- API -----------------------------------------------------------------------------------------------


def test_api_merge(recruiter):
    api = APIClient()
    api.force_authenticate(recruiter)
    primary, duplicate = CandidateFactory(phone=""), CandidateFactory(phone="+44 1")
    response = api.post(f"/api/candidates/{primary.pk}/merge/", {"duplicate_id": duplicate.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == "+44 1"
    assert not Candidate.objects.filter(pk=duplicate.pk).exists()


def test_api_merge_bad_input_is_a_400(recruiter, admin_user):
    api = APIClient()
    api.force_authenticate(recruiter)
    ada, gone = CandidateFactory(), CandidateFactory()
    privacy.erase_candidate(candidate=gone, by=admin_user)
    url = f"/api/candidates/{ada.pk}/merge/"
    itself = api.post(url, {"duplicate_id": ada.pk}, format="json")
    assert itself.status_code == 400
    assert "cannot be merged with themselves" in str(itself.json())
    erased = api.post(url, {"duplicate_id": gone.pk}, format="json")
    assert erased.status_code == 400
    assert "Erased candidates cannot be merged" in str(erased.json())
    assert api.post(url, {"duplicate_id": 999_999}, format="json").status_code == 400
    assert api.post(url, {}, format="json").status_code == 400
    assert (
        api.post(f"/api/candidates/{gone.pk}/merge/", {"duplicate_id": ada.pk}, format="json").status_code
        == 404
    )


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_api_merge_is_for_the_recruiting_team(users_by_role, role):
    api = APIClient()
    api.force_authenticate(users_by_role[role])
    primary, duplicate = CandidateFactory(), CandidateFactory()
    response = api.post(f"/api/candidates/{primary.pk}/merge/", {"duplicate_id": duplicate.pk}, format="json")
    assert response.status_code in (403, 404)
    assert Candidate.objects.filter(pk=duplicate.pk).exists()


# --- Merge loses nothing: preferences and the merged-away addresses ----------------------------------------


@pytest.mark.parametrize(
    ("primary_values", "duplicate_values", "kept"),
    [
        ({}, {"unsubscribed_at": timezone.now()}, lambda c: c.unsubscribed_at is not None),
        ({}, {"do_not_contact": True}, lambda c: c.do_not_contact),
        ({}, {"fewer_messages": True}, lambda c: c.fewer_messages),
        (
            {"snoozed_until": timezone.localdate() + timedelta(days=30)},
            {"snoozed_until": timezone.localdate() + timedelta(days=90)},
            lambda c: c.snoozed_until == timezone.localdate() + timedelta(days=90),
        ),
        (
            {"snoozed_until": timezone.localdate() + timedelta(days=90)},
            {"snoozed_until": None},
            lambda c: c.snoozed_until == timezone.localdate() + timedelta(days=90),
        ),
        (
            {"topics": ["python", "remote"]},
            {"topics": ["Remote", "ml"]},
            lambda c: c.topics == ["python", "remote", "ml"],
        ),
        ({"interests": ["data"]}, {"interests": ["data", "go"]}, lambda c: c.interests == ["data", "go"]),
    ],
    ids=[
        "unsubscribed",
        "do-not-contact",
        "fewer-emails",
        "later-snooze",
        "primary-snooze",
        "topics",
        "interests",
    ],
)
def test_merge_keeps_the_stricter_preference(recruiter, primary_values, duplicate_values, kept):
    primary = CandidateFactory(**primary_values)
    duplicate = CandidateFactory(**duplicate_values)
    merged = merge.merge_candidates(primary=primary, duplicate=duplicate, by=recruiter)
    merged.refresh_from_db()
    assert kept(merged)


@pytest.fixture
def merged_away(recruiter):
    """Ada's second record (another email, her LinkedIn) merged into the first; returns (kept, old addresses)."""
    kept = CandidateFactory(email="ada@example.com", linkedin_url="")
    duplicate = CandidateFactory(email="ada.old@example.org", linkedin_url="https://www.linkedin.com/in/ada")
    merge.merge_candidates(primary=kept, duplicate=duplicate, by=recruiter)
    kept.refresh_from_db()
    return kept


def test_the_merged_away_email_stays_as_an_alias(merged_away):
    assert merged_away.email == "ada@example.com"
    assert merged_away.linkedin_url == "https://www.linkedin.com/in/ada"  # filled in: not an alias
    assert list(merged_away.aliases.values_list("email", flat=True)) == ["ada.old@example.org"]
    assert selectors.find_existing_candidate(email="ADA.OLD@example.org") == merged_away


def test_an_import_of_the_merged_away_email_matches_the_kept_person(merged_away, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people = Candidate.objects.count()
    job, _ = jobs.create_import(
        upload=ContentFile(b"First Name,Email,Title\nAda,Ada.Old@example.org,CTO\n", name="people.csv")
    )
    job = jobs.start_import(job, inline=True)
    assert (job.created_count, job.matched_count) == (0, 1)
    assert Candidate.objects.count() == people
    merged_away.refresh_from_db()
    assert merged_away.email == "ada@example.com"
    assert merged_away.activities.filter(kind=Activity.Kind.IMPORT).exists()


def test_a_referral_of_the_merged_away_email_finds_the_kept_person(merged_away):
    referral = services.submit_referral(
        referrer=EmployeeFactory(),
        first_name="Ada",
        email="ada.old@example.org",
        relationship="Former colleague",
        reason="Great engineer",
    )
    assert referral.candidate == merged_away


def test_inbound_email_from_the_merged_away_address_matches_the_kept_person(merged_away):
    reply, _ = conversation.receive_inbound_email(
        from_address="Ada <ada.old@example.org>",
        subject="Re: hello",
        body="Happy to talk",
        message_id="<reply-1@example.org>",
    )
    assert reply.candidate == merged_away


def test_nobody_else_can_take_a_merged_away_address(merged_away):
    other = CandidateFactory(email="", linkedin_url="")
    assert fill_empty_fields(other, {"email": "ada.old@example.org"}) == []
    with pytest.raises(ValidationError):
        services.create_candidate(first_name="Someone", email="Ada.Old@example.org")


def test_erasing_the_kept_person_suppresses_their_aliases_too(merged_away, admin_user):
    privacy.erase_candidate(candidate=merged_away, by=admin_user)
    assert Suppression.objects.filter(email="ada.old@example.org").exists()
    assert not merged_away.aliases.exists()


def test_the_merge_preview_counts_what_every_app_would_move(db):
    duplicate = CandidateFactory()
    CardFactory(candidate=duplicate)
    CardFactory(candidate=duplicate)
    EnrollmentFactory(candidate=duplicate)
    ReferralFactory(candidate=duplicate)
    moves = selectors.merge_moves(duplicate)
    assert (moves["boards"], moves["sequences"], moves["referrals"], moves["pools"]) == (2, 1, 1, 0)
