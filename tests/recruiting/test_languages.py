"""Languages of the staff pages: a signed-in user's own choice (Your language, kept in UserPreferences and
copied into their session at sign-in) wins over their browser's Accept-Language; without one, the browser's."""

import pytest
from django.urls import reverse

from recruiting.models import UserPreferences

pytestmark = pytest.mark.django_db


def test_without_a_choice_the_staff_pages_follow_the_browser(client, recruiter):
    client.force_login(recruiter)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response["Content-Language"] == "fr"
    assert ">Se déconnecter</button>" in response.content.decode()
    assert ">Candidats</a>" in response.content.decode()  # the navigation


def test_a_users_own_language_wins_over_the_browser(client, recruiter):
    client.force_login(recruiter)
    url = reverse("my_language")
    assert client.get(url).context["form"]["language"].value() == ""
    response = client.post(url, {"language": "de"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302 and response["Location"] == url
    assert UserPreferences.objects.get(user=recruiter).language == "de"
    saved = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Ihre Sprache ist gespeichert." in saved.content.decode()  # the message, in the new language
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert home["Content-Language"] == "de"
    assert ">Abmelden</button>" in home.content.decode()
    assert ">Kandidaten</a>" in home.content.decode()


def test_the_choice_follows_the_user_to_their_next_sign_in(client, recruiter):
    UserPreferences.objects.create(user=recruiter, language="fr")
    client.post(reverse("login"), {"username": recruiter.username, "password": "longlist"})
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de")
    assert response.wsgi_request.user == recruiter
    assert response["Content-Language"] == "fr"


def test_back_to_the_browsers_language(client, recruiter):
    UserPreferences.objects.create(user=recruiter, language="fr")
    client.force_login(recruiter)
    assert client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de")["Content-Language"] == "fr"
    client.post(reverse("my_language"), {"language": ""})
    assert client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de")["Content-Language"] == "de"


def test_an_unknown_language_is_refused(client, recruiter):
    client.force_login(recruiter)
    response = client.post(reverse("my_language"), {"language": "xx"})
    assert response.status_code == 422
    assert not UserPreferences.objects.filter(user=recruiter).exists()


def test_another_users_language_is_not_this_ones(client, recruiter, admin_user):
    UserPreferences.objects.create(user=admin_user, language="fr")
    client.force_login(recruiter)
    assert client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de")["Content-Language"] == "de"


def test_the_sidebar_links_to_the_language_page(client, employee):
    client.force_login(employee)
    assert f'href="{reverse("my_language")}"' in client.get(reverse("home")).content.decode()


def test_english_stays_the_default(client, recruiter):
    client.force_login(recruiter)
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "en"
    assert ">Sign out</button>" in response.content.decode()


@pytest.mark.parametrize(
    ("accept_language", "title"),
    [("de", "Nicht gefunden"), ("fr", "Page introuvable"), ("en", "Not found")],
)
def test_a_candidates_error_page_speaks_their_language(client, accept_language, title):
    response = client.get(
        reverse("outreach:book", args=["not-a-signed-link"]), HTTP_ACCEPT_LANGUAGE=accept_language
    )
    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in response.content.decode()
