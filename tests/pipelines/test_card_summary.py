"""A hiring manager reads a summary of everyone on their own role's board, not only the shortlisted."""

import pytest
from django.urls import reverse

from candidates.services import record_activity
from pipelines import services
from tests.factories import CandidateFactory, RequisitionFactory, attach_resume, stage_named


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def role(hiring_manager):
    return RequisitionFactory(title="Data Engineer", hiring_manager=hiring_manager)


def test_the_role_page_lists_everyone_in_process_with_a_link_to_their_summary(
    client, hiring_manager, role, django_assert_max_num_queries
):
    cards = [
        services.add_card(pipeline=role.pipeline, candidate=CandidateFactory(first_name=name), stage=stage)
        for name, stage in (("Ada", stage_named(role, "Interview")), ("Bo", role.pipeline.stages.first()))
    ]
    client.force_login(hiring_manager)
    url = reverse("pipelines:requisition", args=[role.pk])
    page = client.get(url).content.decode()
    for card in cards:
        assert reverse("pipelines:card_summary", args=[card.pk]) in page
    assert page.index("Bo ") < page.index("Ada ")  # stage by stage

    for name in ("Cy", "Di", "Ed"):
        services.add_card(pipeline=role.pipeline, candidate=CandidateFactory(first_name=name))
    with django_assert_max_num_queries(len(cards) + 20):
        client.get(url)


def test_the_summary_shows_the_person_resume_and_shared_notes_but_no_decision_outside_the_shortlist(
    client, hiring_manager, recruiter, role
):
    person = CandidateFactory(
        first_name="Ada", title="Data engineer", linkedin_url="https://www.linkedin.com/in/ada"
    )
    card = services.add_card(pipeline=role.pipeline, candidate=person, stage=role.pipeline.stages.first())
    attach_resume(person)
    record_activity(
        candidate=person,
        kind="note",
        actor=recruiter,
        summary="Note",
        body="Great at SQL",
        data={"shareable": True},
    )
    record_activity(candidate=person, kind="note", actor=recruiter, summary="Note", body="Private hunch")

    client.force_login(hiring_manager)
    page = client.get(reverse("pipelines:card_summary", args=[card.pk])).content.decode()
    assert reverse("pipelines:card_resume", args=[card.pk]) in page
    assert 'href="https://www.linkedin.com/in/ada"' in page
    assert "Great at SQL" in page and "Private hunch" not in page
    assert "Your decision" not in page
