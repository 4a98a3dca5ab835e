"""A German visitor: the careers page appears in German (the browser's locale, de-DE), they apply in German, and
the application's acknowledgement email reaches them in German; the header's switcher turns the page French.

The confirmation email is a Celery task queued when the application commits; here it runs eagerly, in the live
server's thread (``task_always_eager``), and lands in mail.outbox.
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from candidates.models import Candidate
from pipelines.models import CareersSettings
from recruiting.celery import app as celery_app
from tests.e2e.conftest import VIEWPORT, login, screenshot
from tests.factories import RecruiterFactory, RequisitionFactory, make_pdf

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _eager_tasks_and_private_media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def german_page(browser):
    """A browser set up for Germany: it sends Accept-Language: de-DE."""
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_a_german_visitor_sees_the_careers_page_and_their_acknowledgement_in_german(
    german_page, live_server, tmp_path
):
    page = german_page
    CareersSettings.objects.create(pk=1, company_name="Northwind Labs", brand_colour="#0f766e")
    recruiter = RecruiterFactory(username="e2e-recruiter", email="recruiter@northwind.example")
    RequisitionFactory(
        title="Data Engineer", location="Berlin", recruiter=recruiter, is_published=True, description=""
    )
    resume = tmp_path / "Lebenslauf.pdf"
    resume.write_bytes(make_pdf("Jonas Weber", "Data engineer"))

    page.goto(f"{live_server.url}/careers/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbeiten Sie mit uns bei Northwind Labs")
    expect(page.locator("#roles-heading")).to_contain_text("Offene Stellen")
    expect(page.locator("#roles")).to_contain_text("Ansehen und bewerben")
    expect(page.locator("#privacy-heading")).to_have_text("Wie wir Ihre Daten verwenden")
    expect(page.locator("#language-switcher button.current")).to_have_text(re.compile("^DE"))
    screenshot(page, "translations-1-careers-de")

    page.get_by_role("link", name=re.compile("Data Engineer")).click()
    expect(page.locator("#apply-heading")).to_have_text("Auf diese Stelle bewerben")
    page.get_by_label("Vorname").fill("Jonas")
    page.get_by_label("Nachname").fill("Weber")
    page.get_by_label("E-Mail", exact=True).fill("jonas@example.org")
    page.get_by_label("Lebenslauf", exact=True).set_input_files(str(resume))
    page.get_by_role("button", name="Bewerbung senden").click()  # consent forgotten: explained in German
    expect(page.locator("#form-errors")).to_contain_text("Bitte prüfen Sie das unten markierte Feld.")
    expect(page.locator("#id_consent_error")).to_contain_text("Bitte stimmen Sie dem Datenschutzhinweis zu")
    screenshot(page, "translations-2-form-error-de")
    page.get_by_label(re.compile("Ich bin damit einverstanden")).check()
    page.get_by_label("Lebenslauf", exact=True).set_input_files(str(resume))
    page.get_by_role("button", name="Bewerbung senden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Bewerbung")
    screenshot(page, "translations-3-thanks-de")

    # The applicant is known to speak German from now on, and their acknowledgement is in German.
    assert Candidate.objects.get(email="jonas@example.org").language == "de"
    (acknowledgement,) = [message for message in mail.outbox if message.to == ["jonas@example.org"]]
    assert acknowledgement.subject == "Ihre Bewerbung für Data Engineer ist eingegangen"
    assert acknowledgement.body.startswith("Hallo Jonas,\n\nvielen Dank für Ihre Bewerbung als Data Engineer")
    assert "Northwind Labs" in acknowledgement.body
    # The recruiter's note stays in the default language.
    (note,) = [message for message in mail.outbox if message.to == ["recruiter@northwind.example"]]
    assert note.subject == "New application: Jonas Weber for Data Engineer"

    # The header's switcher: French, kept for the next pages (the django_language cookie).
    page.locator("#language-switcher button[value=fr]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre candidature")
    page.goto(f"{live_server.url}/careers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Travaillez avec nous chez Northwind Labs")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    screenshot(page, "translations-4-careers-fr")


def test_a_recruiter_chooses_german_for_themselves_over_their_english_browser(page, live_server):
    RecruiterFactory(username="e2e-recruiter", first_name="Rita")
    login(page, live_server, "e2e-recruiter")
    expect(page.locator("#sidebar")).to_contain_text("Sign out")
    page.get_by_role("link", name="Your language").click()
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_have_text("Ihre Sprache ist gespeichert.")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Schön, Sie zu sehen, Rita")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link", name="Kandidaten")).to_be_visible()
    expect(page.locator("#sidebar")).to_contain_text("Abmelden")
    screenshot(page, "translations-5-home-de")
    page.get_by_role("link", name="Kandidaten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kandidaten")
    expect(page.locator("#search-form")).to_contain_text("Stichwörter")
    screenshot(page, "translations-6-candidates-de")
