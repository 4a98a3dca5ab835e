"""The careers page in a phone's browser: a visitor applies with a PDF résumé; the recruiter finds the card on
the role's board and the person by a word that appears only in the résumé.

Text extraction and the two notification emails are Celery tasks queued when the application commits; here
they run eagerly, in the live server's thread (``task_always_eager``), where a worker would run them in
production.
"""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from pipelines.models import CareersSettings
from recruiting.celery import app as celery_app
from tests.e2e.conftest import login, screenshot
from tests.factories import RecruiterFactory, RequisitionFactory, make_pdf

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
RESUME_ONLY_WORD = "quetzalcoatlus"


@pytest.fixture(autouse=True)
def _eager_extraction_and_private_media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_visitor_applies_on_a_phone_and_the_recruiter_finds_them(phone, page, live_server, tmp_path):
    CareersSettings.objects.create(
        pk=1,
        company_name="Northwind Labs",
        brand_colour="#0f766e",
        intro="We build logistics software used by 4,000 warehouses. Small teams, real ownership, remote-friendly.",
    )
    recruiter = RecruiterFactory(username="e2e-recruiter", email="recruiter@northwind.example")
    role = RequisitionFactory(
        title="Senior Data Engineer",
        department="Data",
        location="Lisbon or remote (EU)",
        description=(
            "You will own the pipelines that move a billion events a day.\n\n"
            "- Python and SQL you are proud of\n- Calm on call\n- Curious about warehouses"
        ),
        recruiter=recruiter,
        is_published=True,
    )
    RequisitionFactory(title="Internal only", is_published=False)
    resume = tmp_path / "Maya Okafor CV.pdf"
    resume.write_bytes(
        make_pdf("Maya Okafor", "Data engineer", f"Built the {RESUME_ONLY_WORD} streaming platform at Acme")
    )

    # The visitor, on a phone, without an account.
    phone.goto(f"{live_server.url}/careers/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Northwind Labs")
    expect(phone.locator("#roles")).to_contain_text("Senior Data Engineer")
    expect(phone.locator("#roles")).not_to_contain_text("Internal only")
    expect(phone.locator("#privacy-notice")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    screenshot(phone, "careers-1-list-phone")

    phone.get_by_role("link", name=re.compile("Senior Data Engineer")).click()
    expect(phone.get_by_role("heading", name="Senior Data Engineer")).to_be_visible()
    phone.get_by_label("First name").fill("Maya")
    phone.get_by_label("Last name").fill("Okafor")
    phone.get_by_label("Email", exact=True).fill("maya@example.org")
    phone.get_by_label(re.compile("^Phone")).fill("+351 912 345 678")
    phone.get_by_label("Résumé", exact=True).set_input_files(str(resume))
    phone.get_by_label("A short message").fill("I have run pipelines at this scale before.")
    phone.get_by_role("button", name="Send application").click()  # consent forgotten: explained, focused
    expect(phone.locator("#form-errors")).to_contain_text("Please check the 1 field marked below")
    expect(phone.locator("#id_consent_error")).to_contain_text("Please agree to the privacy notice")
    expect(phone.get_by_label(re.compile("I agree"))).to_be_focused()
    expect(phone.get_by_label("First name")).to_have_value("Maya")  # what was typed is kept
    screenshot(phone, "careers-2-role-form-error-phone")
    phone.get_by_label(re.compile("I agree")).check()
    phone.get_by_label("Résumé", exact=True).set_input_files(str(resume))  # browsers drop a chosen file
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "careers-3-role-form-phone")
    phone.get_by_role("button", name="Send application").click()
    expect(phone.get_by_role("heading", name="Thank you for applying")).to_be_visible()
    expect(phone).to_have_url(re.compile(rf"/careers/{role.pk}/thanks/$"))
    # The emails leave the request as tasks queued on commit; run eagerly here, they have gone by now.
    assert [message.to for message in mail.outbox] == [["maya@example.org"], ["recruiter@northwind.example"]]
    screenshot(phone, "careers-4-thanks-phone")

    # The recruiter, at a desk: the card is on the role's board, and a résumé-only word finds her.
    login(page, live_server, "e2e-recruiter")
    page.goto(f"{live_server.url}/requisitions/{role.pk}/board/")
    sourced = page.locator(".column").filter(has_text="Sourced").first
    expect(sourced).to_contain_text("Maya Okafor")
    screenshot(page, "careers-5-recruiter-board")
    page.goto(f"{live_server.url}/candidates/?q={RESUME_ONLY_WORD}")
    expect(page.locator("#results")).to_contain_text("Maya Okafor")
    expect(page.locator("#result-count")).to_contain_text("1 candidate")
    page.get_by_role("link", name="Maya Okafor").first.click()
    expect(page.locator("#resumes")).to_contain_text("Maya Okafor CV.pdf")
    expect(page.locator("#resumes")).to_contain_text("Text extracted")
    screenshot(page, "careers-6-recruiter-profile")
    assert Path(tmp_path / "media" / "resumes").exists()
