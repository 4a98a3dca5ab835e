from django.urls import reverse

from candidates.models import SilverMedal
from pipelines import services
from pipelines.models import Card
from tests.factories import CandidateFactory, RequisitionFactory, stage_named


def test_turning_down_from_a_late_stage_makes_a_silver_medalist(client, recruiter):
    requisition = RequisitionFactory(title="Staff Engineer")
    final = stage_named(requisition, "Final")
    ada = services.add_card(
        pipeline=requisition.pipeline, candidate=CandidateFactory(first_name="Ada"), stage=final
    )
    grace = services.add_card(pipeline=requisition.pipeline, candidate=CandidateFactory(), stage=final)
    client.force_login(recruiter)
    response = client.post(
        reverse("pipelines:card_reject", args=[ada.pk]),
        {"category": "timing", "reason": "Wants to finish a launch"},
    )
    assert "silver medalist" in response.content.decode()
    ada.refresh_from_db()
    grace.refresh_from_db()
    assert ada.status == "rejected" and ada.rejection_category == "timing"
    assert list(Card.objects.filter(stage=final, status="active")) == [grace]
    medal = SilverMedal.objects.get(candidate=ada.candidate)
    assert medal.requisition_title == "Staff Engineer" and medal.reason == "timing"
    assert ada.candidate.pools.filter(name="Silver medalists").exists()
    assert ada.candidate.activities.filter(summary__contains="turned down at Final").exists()


def test_turning_down_early_is_not_a_silver_medal(client, recruiter):
    requisition = RequisitionFactory()
    card = services.add_card(pipeline=requisition.pipeline, candidate=CandidateFactory())
    client.force_login(recruiter)
    client.post(reverse("pipelines:card_reject", args=[card.pk]), {"category": "not_qualified"})
    assert not SilverMedal.objects.exists()
    assert (
        client.post(reverse("pipelines:card_reject", args=[card.pk]), {"category": "bogus"}).status_code
        == 400
    )


def test_ready_to_talk_offers_a_role_and_places_the_candidate(client, recruiter):
    talent = services.get_or_create_talent_board()
    requisition = RequisitionFactory(title="Data Engineer")
    card = services.add_card(pipeline=talent, candidate=CandidateFactory(first_name="Ada"))
    ready = talent.stages.get(name="Ready to talk")
    client.force_login(recruiter)
    moved = client.post(
        reverse("pipelines:card_move", args=[card.pk]),
        {"stage": ready.pk, "position": 0, "version": card.version},
    ).content.decode()
    assert "is ready to talk" in moved and "Data Engineer" in moved
    response = client.post(
        reverse("pipelines:card_to_requisition", args=[card.pk]), {"requisition": requisition.pk}
    )
    assert "Added to the Data Engineer board" in response.content.decode()
    assert Card.objects.filter(pipeline=requisition.pipeline, candidate=card.candidate).exists()
    again = client.post(
        reverse("pipelines:card_to_requisition", args=[card.pk]), {"requisition": requisition.pk}
    )
    assert (
        "Not added to the Data Engineer board: already on this board (in Sourced)" in again.content.decode()
    )
