import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import PoolMembership, TalentPool
from pipelines import selectors
from pipelines.models import ForecastSettings
from tests.factories import CandidateFactory, RequisitionFactory, TalentPoolFactory

TODAY = datetime.date(2030, 1, 15)


def member(pool, **fields):
    candidate = CandidateFactory(**fields)
    PoolMembership.objects.create(pool=pool, candidate=candidate)
    return candidate


@pytest.fixture
def roles(db):
    backend, data = TalentPoolFactory(), TalentPoolFactory()
    both = member(backend, engagement_score=80)
    PoolMembership.objects.create(pool=data, candidate=both)  # in two pools: counted once
    member(backend, engagement_score=60)  # exactly the threshold: warm
    member(backend, engagement_score=59.9)  # not warm
    member(backend, engagement_score=90, seeking_status="active")  # not passive
    member(backend, engagement_score=90, erased_at=timezone.now())  # erased
    member(data, engagement_score=70)
    smart = TalentPool.objects.create(name="Warm Berliners", kind="smart", query={"city": "Berlin"})
    CandidateFactory(engagement_score=75, city="Berlin")
    return {
        "backend": RequisitionFactory(
            title="Backend",
            status="planned",
            headcount=1,
            expected_open_date=datetime.date(2030, 7, 1),
            pools=[backend, data],
        ),
        "data": RequisitionFactory(
            title="Data",
            status="open",
            headcount=2,
            expected_open_date=datetime.date(2030, 2, 1),
            pools=[data, smart],
        ),
        "no_pools": RequisitionFactory(title="Nobody yet", status="planned", expected_open_date=None),
        "closed": RequisitionFactory(title="Closed", status="closed", pools=[backend]),
    }


def test_coverage_counts_distinct_warm_passive_people(roles):
    result = selectors.forecast(ForecastSettings.current(), TODAY)
    by_title = {r.requisition.title: r for r in result}
    assert [r.requisition.title for r in result] == ["Data", "Backend", "Nobody yet"]
    backend, data = by_title["Backend"], by_title["Data"]
    assert (backend.warm, backend.target, backend.months_away) == (3, 5, 5)
    assert (data.warm, data.target, data.months_away) == (3, 10, 0)  # both + the data member + the Berliner
    assert backend.needs_nurturing and not data.needs_nurturing and data.is_low
    assert by_title["Nobody yet"].warm == 0 and by_title["Nobody yet"].months_away is None


def test_settings_change_the_numbers(roles):
    settings = ForecastSettings.current()
    settings.warm_threshold, settings.target_ratio = 75, 1
    result = {r.requisition.title: r for r in selectors.forecast(settings, TODAY)}
    assert (result["Backend"].warm, result["Backend"].target) == (1, 1)
    assert not result["Backend"].is_low and result["Backend"].percent == 100


def test_constant_number_of_queries(roles, django_assert_max_num_queries):
    settings = ForecastSettings.current()
    with django_assert_max_num_queries(3):
        selectors.forecast(settings, TODAY)
    for i in range(10):
        RequisitionFactory(status="planned", pools=[TalentPoolFactory()], title=f"More {i}")
    with django_assert_max_num_queries(3):
        assert len(selectors.forecast(settings, TODAY)) == 13


def test_page_shows_the_nurture_prompt(client, recruiter, roles):
    roles["backend"].expected_open_date = timezone.localdate() + datetime.timedelta(days=150)
    roles["backend"].save()
    client.force_login(recruiter)
    html = client.get(reverse("pipelines:forecast")).content.decode()
    assert "Start nurturing now:</strong> 3 of 5 warm candidates" in html
    assert reverse("outreach:enroll") + f"?pool={roles['backend'].pools.first().pk}" in html
    assert "Save settings" not in html  # only admins change the settings


def test_admin_changes_the_settings(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("pipelines:forecast_settings"), {"warm_threshold": 70, "target_ratio": 3})
    assert response.status_code == 302
    assert (ForecastSettings.current().warm_threshold, ForecastSettings.current().target_ratio) == (70, 3)
    response = client.post(reverse("pipelines:forecast_settings"), {"warm_threshold": 170, "target_ratio": 0})
    assert response.status_code == 422
    assert ForecastSettings.current().warm_threshold == 70


def test_recruiter_cannot_change_the_settings(client, recruiter):
    client.force_login(recruiter)
    response = client.post(reverse("pipelines:forecast_settings"), {"warm_threshold": 10, "target_ratio": 1})
    assert response.status_code == 403


def test_forecast_in_navigation_for_the_recruiting_team_only(client, users_by_role):
    for role, shown in [("admin", True), ("recruiter", True), ("manager", False), ("employee", False)]:
        client.force_login(users_by_role[role])
        assert ('href="/forecast/"' in client.get(reverse("home")).content.decode()) is shown, role
