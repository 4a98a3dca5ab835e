"""Actions of higher apps on a set of candidates reach the search, pool and forecast pages, for those allowed."""

from django.contrib.auth.models import Group
from django.urls import reverse

from candidates.roles import HIRING_MANAGER, RECRUITER, is_recruiting_team, role_names
from recruiting.context_processors import candidate_actions
from tests.factories import TalentPoolFactory


def test_search_offers_enrolling_the_selection_and_a_pool_enrolling_itself(client, recruiter):
    pool = TalentPoolFactory()
    enroll = reverse("outreach:enroll")
    client.force_login(recruiter)

    search = client.get(reverse("candidates:list")).content.decode()
    pool_page = client.get(pool.get_absolute_url()).content.decode()

    selection = f'href="{enroll}" data-selection-link="candidate_ids" data-selection-param="candidates">'
    assert selection + "Enroll selected…</a>" in search
    assert f'href="{enroll}?pool={pool.pk}">Enroll in a sequence</a>' in pool_page


def test_no_enroll_action_for_people_who_may_not_enroll(rf, hiring_manager, employee):
    for user in (hiring_manager, employee):
        request = rf.get("/")
        request.user = user
        assert candidate_actions(request) == {"candidate_actions": []}


def test_role_names_read_the_groups_once_with_the_other_role_checks(django_assert_num_queries, recruiter):
    recruiter.groups.add(Group.objects.get(name=HIRING_MANAGER))
    with django_assert_num_queries(1):
        assert is_recruiting_team(recruiter)
        assert role_names(recruiter) == [RECRUITER, HIRING_MANAGER]
