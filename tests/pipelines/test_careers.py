"""The public careers page, its branding settings, and who may publish roles on it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pipelines.models import CareersSettings, Requisition
from tests.factories import RequisitionFactory


@pytest.fixture
def published(db):
    return RequisitionFactory(
        title="Platform Engineer",
        location="Lisbon",
        description="Build the platform.\n\nYou will <b>own</b> it.",
        is_published=True,
    )


def test_the_careers_page_lists_published_open_roles_without_login(client, published):
    RequisitionFactory(title="Secret role")  # open, not published
    RequisitionFactory(title="Planned role", status=Requisition.Status.PLANNED, is_published=True)
    RequisitionFactory(title="Closed role", status=Requisition.Status.CLOSED, is_published=True)
    response = client.get(reverse("pipelines:careers"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Platform Engineer" in html and "Lisbon" in html
    assert reverse("pipelines:careers_role", args=[published.pk]) in html
    for hidden in ("Secret role", "Planned role", "Closed role"):
        assert hidden not in html
    assert 'id="privacy-notice"' in html and 'name="viewport"' in html
    assert "sidebar" not in html  # no staff navigation


def test_a_role_page_shows_the_description_escaped_and_the_apply_form(client, published):
    html = client.get(reverse("pipelines:careers_role", args=[published.pk])).content.decode()
    assert "<p>Build the platform.</p>" in html
    assert "&lt;b&gt;own&lt;/b&gt;" in html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    assert 'id="consent-notice"' in html and 'aria-describedby="consent-notice"' in html
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html  # the honeypot, out of reach


@pytest.mark.parametrize(
    "fields",
    [{"is_published": False}, {"status": Requisition.Status.PLANNED, "is_published": True}],
)
def test_unpublished_and_unopened_roles_are_not_found(client, db, fields):
    role = RequisitionFactory(**fields)
    for name in ("careers_role", "careers_thanks"):
        assert client.get(reverse(f"pipelines:{name}", args=[role.pk])).status_code == 404


def test_branding_is_applied(client, published):
    CareersSettings.objects.create(
        pk=1, company_name="Acme & Co", brand_colour="#ffcc00", intro="We make <rockets>.", logo_url=""
    )
    html = client.get(reverse("pipelines:careers")).content.decode()
    assert "--brand: #ffcc00; --brand-text: #111111;" in html  # dark text on a light brand colour
    assert "Acme &amp; Co" in html and "We make &lt;rockets&gt;." in html


def test_brand_colour_and_logo_are_validated():
    with pytest.raises(ValidationError) as error:
        CareersSettings(brand_colour="red; }", logo_url="javascript:alert(1)").full_clean()
    assert {"brand_colour", "logo_url"} <= set(error.value.message_dict)
    assert CareersSettings(brand_colour="#3f51b5").brand_text_colour == "#ffffff"


def test_admin_edits_the_careers_page_settings(client, admin_user, published):
    client.force_login(admin_user)
    url = reverse("pipelines:careers_settings")
    page = client.get(url)
    assert page.status_code == 200 and "Platform Engineer" in page.content.decode()
    bad = client.post(url, {"company_name": "Acme", "brand_colour": "blue", "privacy_notice": "x"})
    assert bad.status_code == 422 and "brand_colour" in bad.context["form"].errors
    saved = client.post(
        url,
        {
            "company_name": "Acme",
            "brand_colour": "#0a7d5a",
            "logo_url": "https://acme.example/logo.svg",
            "intro": "Hello",
            "privacy_notice": "We keep it safe.",
        },
    )
    assert saved.status_code == 302
    assert CareersSettings.current().brand_colour == "#0a7d5a"
    assert "We keep it safe." in client.get(reverse("pipelines:careers")).content.decode()


@pytest.mark.parametrize(("role", "status"), [("recruiter", 403), ("manager", 403), ("employee", 403)])
def test_only_admins_open_the_careers_settings(client, users_by_role, role, status, settings_labels):
    client.force_login(users_by_role[role])
    assert client.get(reverse("pipelines:careers_settings")).status_code == status
    assert "Careers page" not in settings_labels()


def test_admins_find_the_careers_page_in_settings_and_anonymous_must_log_in(
    client, admin_user, settings_labels
):
    response = client.get(reverse("pipelines:careers_settings"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(admin_user)
    assert "Careers page" in settings_labels()


def test_only_admins_publish_roles(client, admin_user, recruiter):
    role = RequisitionFactory(title="Data Engineer")
    url = reverse("pipelines:requisition_edit", args=[role.pk])
    form = {"title": "Data Engineer", "headcount": 1, "is_published": "on"}
    client.force_login(recruiter)
    assert client.post(url, form).status_code == 302
    role.refresh_from_db()
    assert not role.is_published  # the field is disabled for recruiters
    assert "Admins publish roles on the careers page" in client.get(url).content.decode()
    client.force_login(admin_user)
    assert client.post(url, form).status_code == 302
    role.refresh_from_db()
    assert role.is_published


def test_api_publishing_is_for_admins_only(client, admin_user, recruiter):
    role = RequisitionFactory()
    client.force_login(recruiter)
    assert (
        client.patch(
            f"/api/requisitions/{role.pk}/", {"is_published": True}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(admin_user)
    assert (
        client.patch(
            f"/api/requisitions/{role.pk}/", {"is_published": True}, content_type="application/json"
        ).status_code
        == 200
    )


def test_public_api_lists_published_roles_without_internal_fields(client, published):
    RequisitionFactory(title="Hidden")
    response = client.get("/api/careers/roles/")
    assert response.status_code == 200
    roles = response.json()["results"]
    assert [r["title"] for r in roles] == ["Platform Engineer"]
    assert set(roles[0]) == {
        "id",
        "title",
        "department",
        "location",
        "description",
        "opened_at",
        "careers_url",
    }
    assert client.get(f"/api/careers/roles/{published.pk}/").status_code == 200
    assert client.post("/api/careers/roles/", {"title": "x"}).status_code == 405
    hidden = Requisition.objects.get(title="Hidden")
    assert client.get(f"/api/careers/roles/{hidden.pk}/").status_code == 404
