"""Every new pipelines page, for each role: who gets it, who is refused (403) and who never sees it (404)."""

import pytest
from django.urls import reverse

from tests.factories import RequisitionFactory, stage_named

PAGES = {
    # name: (args, {role: status})
    "requisition_create": (lambda r: [], {"admin": 200, "recruiter": 200, "manager": 403, "employee": 403}),
    "requisition_edit": (lambda r: [r.pk], {"admin": 200, "recruiter": 200, "manager": 403, "employee": 404}),
    "stages": (lambda r: [r.pk], {"admin": 200, "recruiter": 403, "manager": 403, "employee": 404}),
    "talent_review": (lambda r: [r.pk], {"admin": 403, "recruiter": 403, "manager": 200, "employee": 404}),
    "forecast": (lambda r: [], {"admin": 200, "recruiter": 200, "manager": 403, "employee": 403}),
}


@pytest.mark.parametrize("role", ["admin", "recruiter", "manager", "employee"])
@pytest.mark.parametrize("name", PAGES)
def test_page_access_by_role(client, users_by_role, name, role):
    requisition = RequisitionFactory(status="planned", hiring_manager=users_by_role["manager"])
    args, expected = PAGES[name]
    client.force_login(users_by_role[role])
    assert client.get(reverse(f"pipelines:{name}", args=args(requisition))).status_code == expected[role]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("requisition_edit", lambda r: [r.pk]),
        ("requisition_status", lambda r: [r.pk]),
        ("stages", lambda r: [r.pk]),
        ("stage_delete", lambda r: [r.pk, stage_named(r, "Offer").pk]),
        ("talent_review", lambda r: [r.pk]),
        ("talent_review_answer", lambda r: [r.pk, 1]),
    ],
)
def test_another_managers_requisition_is_404(client, hiring_manager, name, args):
    other = RequisitionFactory(status="planned")
    client.force_login(hiring_manager)
    url = reverse(f"pipelines:{name}", args=args(other))
    assert client.get(url).status_code in (404, 405)
    assert client.post(url).status_code == 404


def test_anonymous_is_sent_to_login(client, db):
    requisition = RequisitionFactory()
    for name, args in [("forecast", []), ("stages", [requisition.pk]), ("requisition_create", [])]:
        response = client.get(reverse(f"pipelines:{name}", args=args))
        assert response.status_code in (302, 403)
