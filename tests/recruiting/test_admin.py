"""The Django admin site: the settings rows and résumés are there for admins, read-only where they must be."""

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse

from candidates.models import Activity, Resume, Suppression
from outreach.models import PlannedRoleCampaign, Reply
from recruiting.models import InsightSettings
from tests.factories import CandidateFactory, CardFactory, SequenceFactory, make_pdf


@pytest.fixture
def resume(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    candidate = CandidateFactory(first_name="Ada", last_name="Lovelace")
    resume = Resume(
        candidate=candidate,
        original_name="ada-cv.pdf",
        kind=Resume.Kind.PDF,
        size=2048,
        sha256="0" * 64,
        text_status=Resume.TextStatus.EXTRACTED,
        text="Analytical engines",
    )
    resume.file.save("x.pdf", ContentFile(make_pdf("Ada")), save=True)
    return resume


@pytest.mark.parametrize("model", [Resume, InsightSettings, Reply, PlannedRoleCampaign])
def test_models_are_registered(model):
    assert admin.site.is_registered(model)


def test_admin_sees_resumes_read_only_without_the_file(client, admin_user, resume):
    client.force_login(admin_user)
    listing = client.get(reverse("admin:candidates_resume_changelist"))
    assert listing.status_code == 200 and "ada-cv.pdf" in listing.content.decode()
    page = client.get(reverse("admin:candidates_resume_change", args=[resume.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "ada-cv.pdf" in html and "Text extracted" in html and "2048" in html
    assert resume.file.name not in html and "Analytical engines" not in html
    assert 'name="_save"' not in html  # read-only: nothing to save
    assert client.get(reverse("admin:candidates_resume_add")).status_code == 403
    assert client.post(reverse("admin:candidates_resume_delete", args=[resume.pk])).status_code == 403
    assert Resume.objects.filter(pk=resume.pk).exists()


def test_recruiters_do_not_reach_the_admin_site(client, recruiter, resume):
    client.force_login(recruiter)
    response = client.get(reverse("admin:candidates_resume_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_insight_settings_are_one_row_admins_edit_but_never_add_twice_or_delete(client, admin_user):
    settings_row = InsightSettings.current()
    client.force_login(admin_user)
    change = reverse("admin:recruiting_insightsettings_change", args=[settings_row.pk])
    response = client.post(
        change,
        {
            "stale_after_days": 45,
            "unsubscribe_alert_percent": 3,
            "bounce_alert_percent": 6,
            "complaint_alert_percent": "0.3",
        },
    )
    assert response.status_code == 302
    settings_row.refresh_from_db()
    assert (settings_row.stale_after_days, settings_row.unsubscribe_alert_percent) == (45, 3)
    assert client.get(reverse("admin:recruiting_insightsettings_add")).status_code == 403
    assert (
        client.post(reverse("admin:recruiting_insightsettings_delete", args=[settings_row.pk])).status_code
        == 403
    )


def test_admins_see_candidates_read_only(client, admin_user):
    ada = CandidateFactory(first_name="Ada", email="ada@example.com")
    client.force_login(admin_user)
    page = client.get(reverse("admin:candidates_candidate_change", args=[ada.pk]))
    assert page.status_code == 200 and "ada@example.com" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert (
        client.post(reverse("admin:candidates_candidate_change", args=[ada.pk]), {"email": ""}).status_code
        == 403
    )
    assert client.get(reverse("admin:candidates_candidate_add")).status_code == 403
    assert client.post(reverse("admin:candidates_candidate_delete", args=[ada.pk])).status_code == 403
    ada.refresh_from_db()
    assert ada.email == "ada@example.com"


def test_the_erase_action_is_the_audited_erase(client, admin_user):
    ada = CandidateFactory(first_name="Ada", email="ada@example.com")
    client.force_login(admin_user)
    changelist = reverse("admin:candidates_candidate_changelist")
    response = client.post(changelist, {"action": "erase", "_selected_action": [ada.pk]}, follow=True)
    assert response.status_code == 200 and "1 erased." in response.content.decode()
    ada.refresh_from_db()
    assert ada.erased_at is not None and ada.email == ""
    assert Suppression.objects.filter(email="ada@example.com", reason=Suppression.Reason.ERASED).exists()
    assert [a.kind for a in ada.activities.all()] == [Activity.Kind.PRIVACY]


def test_sequences_and_cards_cannot_be_edited_in_the_admin(client, admin_user):
    card = CardFactory()
    sequence = SequenceFactory()
    client.force_login(admin_user)
    for url in (
        reverse("admin:pipelines_card_change", args=[card.pk]),
        reverse("admin:outreach_sequence_change", args=[sequence.pk]),
    ):
        assert client.get(url).status_code == 200
        assert client.post(url, {}).status_code == 403
    assert client.get(reverse("admin:outreach_touch_add")).status_code == 403
