"""Every new page of the profile, merge and privacy work for every role (200 / 403), GET and POST."""

import pytest
from django.urls import reverse

from candidates.models import Candidate
from tests.factories import CandidateFactory

ROLES = ["admin", "recruiter", "manager", "employee"]

# (url name, needs (candidate, other), method, expected status for admin, recruiter, manager, employee)
PAGES = [
    ("candidates:merge", 1, "get", (200, 200, 403, 403)),
    ("candidates:merge_confirm", 2, "get", (200, 200, 403, 403)),
    ("candidates:erase", 1, "get", (200, 403, 403, 403)),
    ("candidates:privacy", 0, "get", (200, 200, 403, 403)),
    ("candidates:privacy_notice_sent", 1, "post", (302, 302, 403, 403)),
    ("candidates:privacy_keep", 1, "post", (302, 302, 403, 403)),
    ("candidates:privacy_policy", 0, "post", (302, 403, 403, 403)),
    ("candidates:merge_confirm", 2, "post", (302, 302, 403, 403)),
    ("candidates:erase", 1, "post", (302, 403, 403, 403)),
]
POST_DATA = {"candidates:privacy_policy": {"retention_days": 365, "notice_due_days": 30}}


@pytest.mark.parametrize(
    ("url_name", "args", "method", "role", "expected"),
    [
        pytest.param(name, n, method, role, expected[i], id=f"{name}-{method}-{role}")
        for name, n, method, expected in PAGES
        for i, role in enumerate(ROLES)
    ],
)
def test_access_by_role(client, users_by_role, url_name, args, method, role, expected):
    people = [CandidateFactory() for _ in range(args)]
    client.force_login(users_by_role[role])
    url = reverse(url_name, args=[p.pk for p in people])
    response = getattr(client, method)(url, POST_DATA.get(url_name, {}))
    assert response.status_code == expected
    if expected == 403:
        assert Candidate.objects.filter(pk__in=[p.pk for p in people], erased_at=None).count() == args


@pytest.mark.parametrize(("url_name", "args", "method"), [(n, a, m) for n, a, m, _ in PAGES])
def test_anonymous_is_sent_to_login(client, db, url_name, args, method):
    people = [CandidateFactory() for _ in range(args)]
    response = getattr(client, method)(reverse(url_name, args=[p.pk for p in people]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("url_name", ["candidates:privacy_notice_sent", "candidates:privacy_keep"])
def test_privacy_actions_are_post_only(client, recruiter, url_name):
    client.force_login(recruiter)
    assert client.get(reverse(url_name, args=[CandidateFactory().pk])).status_code == 405
