from django.urls import reverse


def test_home_shows_counts_to_recruiter(client, recruiter):
    client.force_login(recruiter)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Passive candidates" in response.content
