"""A hiring manager reads the résumé of someone on their own role's board in the shortlist page, and only that."""

import pytest
from django.urls import reverse

from pipelines import services
from tests.factories import (
    CandidateFactory,
    HiringManagerFactory,
    RequisitionFactory,
    attach_resume,
    stage_named,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def card(hiring_manager):
    role = RequisitionFactory(title="Data Engineer", hiring_manager=hiring_manager)
    person = CandidateFactory(first_name="Ada", linkedin_url="https://www.linkedin.com/in/ada")
    return services.add_card(pipeline=role.pipeline, candidate=person, stage=stage_named(role, "Interview"))


def test_the_shortlist_shows_linkedin_and_the_resume_in_the_page(client, hiring_manager, card):
    attach_resume(card.candidate)
    client.force_login(hiring_manager)
    page = client.get(reverse("pipelines:shortlist", args=[card.pipeline.requisition.pk])).content.decode()
    url = reverse("pipelines:card_resume", args=[card.pk])
    assert f'<iframe class="resume-frame" src="{url}"' in page
    assert "Ada&#x27;s CV&lt;script&gt;.pdf" in page
    assert 'href="https://www.linkedin.com/in/ada"' in page


def test_a_pdf_is_served_inline_under_a_strict_policy(client, hiring_manager, card):
    attach_resume(card.candidate)
    client.force_login(hiring_manager)
    response = client.get(reverse("pipelines:card_resume", args=[card.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Disposition"] == 'inline; filename="Ada_s CV_script.pdf"'
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_docx_is_shown_as_its_text(client, recruiter, card):
    attach_resume(card.candidate, kind="docx", text="Analytical engines <b>since 1843</b>")
    client.force_login(recruiter)
    response = client.get(reverse("pipelines:card_resume", args=[card.pk]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == "inline"
    assert response.content.decode() == "Analytical engines <b>since 1843</b>"
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("recruiter", 200), ("manager", 200), ("other_manager", 404), ("employee", 403)],
)
def test_who_may_read_it(client, users_by_role, card, who, status):
    attach_resume(card.candidate)
    user = HiringManagerFactory() if who == "other_manager" else users_by_role[who]
    client.force_login(user)
    assert client.get(reverse("pipelines:card_resume", args=[card.pk])).status_code == status


def test_no_resume_or_a_talent_board_card_is_not_found(client, hiring_manager, recruiter, card):
    client.force_login(hiring_manager)
    assert client.get(reverse("pipelines:card_resume", args=[card.pk])).status_code == 404
    talent = services.add_card(pipeline=services.get_or_create_talent_board(), candidate=card.candidate)
    attach_resume(card.candidate)
    client.force_login(recruiter)
    assert client.get(reverse("pipelines:card_resume", args=[talent.pk])).status_code == 404
    assert client.post(reverse("pipelines:card_resume", args=[card.pk])).status_code == 405


def test_the_shortlist_shows_the_notes_marked_shareable_and_no_others(
    client, recruiter, hiring_manager, card
):
    client.force_login(recruiter)
    url = reverse("candidates:add_note", args=[card.candidate.pk])
    client.post(url, {"body": "Strong <b>Rust</b>, wants remote", "shareable": "on"})
    client.post(url, {"body": "Private: salary expectations high"})
    profile = client.get(card.candidate.get_absolute_url()).content.decode()
    assert profile.count("Shared with the hiring manager</span>") == 1
    client.force_login(hiring_manager)
    page = client.get(reverse("pipelines:shortlist", args=[card.pipeline.requisition.pk])).content.decode()
    assert "Strong &lt;b&gt;Rust&lt;/b&gt;, wants remote" in page
    assert "salary" not in page
