"""The careers pages follow the visitor's browser (Accept-Language) or the language they chose in the header; an
application records that language on a new applicant (and on a known one who had none), and the
acknowledgement email is in it. No language known: English."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from candidates.models import Candidate
from pipelines.models import CareersSettings
from tests.factories import CandidateFactory, RequisitionFactory
from tests.pipelines.test_applications import form


@pytest.fixture(autouse=True)
def _isolated(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    CareersSettings.objects.create(pk=1, company_name="Northwind Labs")
    yield
    cache.clear()


@pytest.fixture
def role(db):
    return RequisitionFactory(title="Data Engineer", is_published=True)


def apply(client, role, accept_language: str = "", **overrides):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    return client.post(reverse("pipelines:careers_role", args=[role.pk]), form(**overrides), **headers)


def heading(response) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)[1].strip()


@pytest.mark.parametrize(
    ("accept_language", "lang", "title", "cta"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "de", "Arbeiten Sie mit uns bei Northwind Labs", "Ansehen und bewerben"),
        ("fr-CH, fr;q=0.9, en;q=0.8", "fr", "Travaillez avec nous chez Northwind Labs", "Voir et postuler"),
        ("en-GB,en;q=0.9", "en", "Work with us at Northwind Labs", "View and apply"),
        ("pt-BR", "en", "Work with us at Northwind Labs", "View and apply"),  # not shipped: the default
    ],
)
def test_the_careers_page_speaks_the_browsers_language(client, role, accept_language, lang, title, cta):
    response = client.get(reverse("pipelines:careers"), HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 200
    assert response["Content-Language"] == lang
    assert f'<html lang="{lang}">' in response.content.decode()
    assert heading(response) == title
    assert cta in response.content.decode()


def test_the_role_page_and_its_form_errors_are_german_for_a_german_browser(client, role):
    response = client.post(
        reverse("pipelines:careers_role", args=[role.pk]), {"first_name": "Jonas"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Bitte prüfen Sie die 4 unten markierten Felder." in page
    assert "Dieses Feld ist zwingend erforderlich." in page  # Django's own catalogue
    assert "Bitte stimmen Sie dem Datenschutzhinweis zu" in page
    assert ">Nachname</label>" in page and "Bewerbung senden" in page


def test_the_switcher_keeps_the_chosen_language_over_the_browsers(client, role):
    careers = reverse("pipelines:careers")
    response = client.post(reverse("set_language"), {"language": "fr", "next": careers})
    assert response.status_code == 302 and response["Location"] == careers
    assert (
        heading(client.get(careers, HTTP_ACCEPT_LANGUAGE="de")) == "Travaillez avec nous chez Northwind Labs"
    )


def test_the_switcher_needs_the_csrf_token(role):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("set_language"), {"language": "fr"}).status_code == 403
    page = client.get(reverse("pipelines:careers")).content.decode()
    assert 'id="language-switcher"' in page and 'name="csrfmiddlewaretoken"' in page


def test_a_german_application_makes_a_german_applicant_acknowledged_in_german(
    client, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, role, "de")
    assert response.status_code == 302
    assert Candidate.objects.get(email="maya.okafor@example.com").language == "de"
    (acknowledgement,) = [message for message in mail.outbox if message.to == ["maya.okafor@example.com"]]
    assert acknowledgement.subject == "Ihre Bewerbung für Data Engineer ist eingegangen"
    assert acknowledgement.body == (
        "Hallo Maya,\n\n"
        "vielen Dank für Ihre Bewerbung als Data Engineer bei Northwind Labs. Unser Recruiting-Team liest jede "
        "Bewerbung und meldet sich bei Ihnen.\n\n"
        "Sie können auf diese E-Mail antworten, um zu erfahren, welche Daten wir über Sie gespeichert haben, um sie "
        "berichtigen oder löschen zu lassen.\n\n"
        "Northwind Labs\n"
    )


def test_an_applicant_with_no_known_language_is_acknowledged_in_english(
    client, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, role)
    assert Candidate.objects.get(email="maya.okafor@example.com").language == "en"
    (acknowledgement,) = [message for message in mail.outbox if message.to == ["maya.okafor@example.com"]]
    assert acknowledgement.subject == "We received your application for Data Engineer"
    assert acknowledgement.body.startswith(
        "Hello Maya,\n\nThank you for applying for Data Engineer at Northwind Labs."
    )


def test_a_known_person_keeps_their_language_and_one_without_gets_the_pages(client, role):
    french = CandidateFactory(email="maya.okafor@example.com", language="fr")
    assert apply(client, role, "de").status_code == 302
    french.refresh_from_db()
    assert french.language == "fr"
    unknown = CandidateFactory(email="jonas@example.org", language="")
    assert apply(client, role, "de", email="jonas@example.org").status_code == 302
    unknown.refresh_from_db()
    assert unknown.language == "de"


def test_the_default_privacy_notice_is_shown_in_the_visitors_language_and_the_admins_own_as_written(
    client, role
):
    page = client.get(
        reverse("pipelines:careers_role", args=[role.pk]), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Wir verwenden die Angaben und den Lebenslauf, die Sie uns senden, ausschließlich" in page
    CareersSettings.objects.filter(pk=1).update(privacy_notice="Unsere eigenen Worte zum Datenschutz.")
    page = client.get(
        reverse("pipelines:careers_role", args=[role.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert page.count("Unsere eigenen Worte zum Datenschutz.") == 2  # the footer and next to the consent box
