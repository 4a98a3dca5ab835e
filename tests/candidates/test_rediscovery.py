"""Silver medalists and rediscovery ("Suggested from your database")."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates import privacy, services
from candidates.models import Activity, PoolMembership, SilverMedal, TalentPool
from candidates.selectors import suggest_from_database
from tests.factories import CandidateFactory, RequisitionFactory, stage_named

pytestmark = pytest.mark.django_db


def _medal(candidate, title, stage, reason, days_ago=0):
    requisition = RequisitionFactory(title=title)
    medal = services.add_silver_medalist(
        candidate=candidate, requisition=requisition, stage=stage_named(requisition, stage), reason=reason
    )
    SilverMedal.objects.filter(pk=medal.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return medal


def _person(**fields):
    defaults = {"title": "Office Manager", "industry": "Retail", "engagement_score": 0}
    candidate = CandidateFactory(**{**defaults, **fields})
    return candidate


def _suggest(**kwargs):
    args = {"title": "Senior Backend Engineer", "skills": [], "industry": "", "exclude_ids": []}
    return suggest_from_database(**{**args, **kwargs})


# --- add_silver_medalist -------------------------------------------------------------------------------


def test_silver_medalist_is_kept_with_progress_pool_and_timeline(recruiter):
    ada = CandidateFactory()
    requisition = RequisitionFactory(title="Senior Backend Engineer")
    medal = services.add_silver_medalist(
        candidate=ada,
        requisition=requisition,
        stage=stage_named(requisition, "Final"),
        reason="timing",
        reason_detail="Vesting in March",
        by=recruiter,
    )
    assert medal.requisition_id == requisition.pk
    assert medal.requisition_title == "Senior Backend Engineer"
    assert medal.stage_name == "Final"
    assert medal.progress == pytest.approx(4 / 6)  # Final is position 4 of the seven default stages
    pool = TalentPool.objects.get(name="Silver medalists")
    assert pool.kind == TalentPool.Kind.STATIC
    membership = PoolMembership.objects.get(pool=pool, candidate=ada)
    assert membership.note == "Senior Backend Engineer: reached Final"
    assert membership.added_by == recruiter
    entry = ada.activities.get(kind=Activity.Kind.POOL)
    assert entry.summary == "Silver medalist for Senior Backend Engineer: reached Final (timing)"
    assert entry.body == "Vesting in March"


def test_silver_medalist_again_for_the_same_role_updates(recruiter):
    ada = CandidateFactory()
    requisition = RequisitionFactory()
    for stage in ("Interview", "Offer"):
        services.add_silver_medalist(
            candidate=ada,
            requisition=requisition,
            stage=stage_named(requisition, stage),
            reason="compensation",
        )
    medal = SilverMedal.objects.get(candidate=ada)
    assert medal.stage_name == "Offer" and medal.progress == pytest.approx(5 / 6)
    assert PoolMembership.objects.filter(candidate=ada).count() == 1


def test_silver_medalist_uses_an_existing_pool():
    pool = TalentPool.objects.create(name="Silver medalists", description="Ours")
    ada = CandidateFactory()
    requisition = RequisitionFactory()
    services.add_silver_medalist(
        candidate=ada, requisition=requisition, stage=stage_named(requisition, "Final"), reason="timing"
    )
    assert list(pool.members.all()) == [ada]
    assert TalentPool.objects.count() == 1


def test_silver_medalist_needs_nothing_from_pipelines_but_the_attributes():
    ada = CandidateFactory()
    stages = SimpleNamespace(count=lambda: 5)
    stage = SimpleNamespace(name="Panel", position=3, pipeline=SimpleNamespace(stages=stages))
    requisition = SimpleNamespace(pk=4711, title="Staff Engineer")
    medal = services.add_silver_medalist(candidate=ada, requisition=requisition, stage=stage, reason="other")
    assert (medal.requisition_id, medal.stage_name, medal.progress) == (4711, "Panel", 0.75)


def test_silver_medalist_with_an_unknown_reason_is_refused():
    requisition = RequisitionFactory()
    with pytest.raises(ValidationError):
        services.add_silver_medalist(
            candidate=CandidateFactory(),
            requisition=requisition,
            stage=stage_named(requisition, "Final"),
            reason="vibes",
        )
    assert not SilverMedal.objects.exists()


# --- suggest_from_database -----------------------------------------------------------------------------


def test_timing_medalist_from_final_outranks_a_not_qualified_one_from_screen():
    timing = _person(title="Backend Engineer")
    not_qualified = _person(title="Backend Engineer")
    _medal(timing, "Senior Backend Engineer", "Final", "timing", days_ago=120)
    _medal(not_qualified, "Senior Backend Engineer", "Screen", "not_qualified", days_ago=120)
    plain = _person(title="Backend Engineer")

    ranked = [s.candidate for s in _suggest()]

    assert ranked == [timing, plain, not_qualified]


def test_old_silver_medals_decay():
    recent, old = _person(title="Backend Engineer"), _person(title="Backend Engineer")
    _medal(recent, "Senior Backend Engineer", "Final", "timing", days_ago=60)
    _medal(old, "Senior Backend Engineer", "Final", "timing", days_ago=3 * 365)
    suggestions = _suggest()
    assert [s.candidate for s in suggestions] == [recent, old]
    assert suggestions[0].score > suggestions[1].score


def test_each_suggestion_says_why():
    ada = _person(title="Platform Engineer", industry="Fintech", engagement_score=72)
    services.set_skills(ada, ["Python", "Django", "Go"])
    _medal(ada, "Senior Backend Engineer", "Final", "timing", days_ago=125)

    [suggestion] = _suggest(skills=["python", "Django", "Rust"], industry="fintech")

    assert suggestion.reasons == [
        "Similar title: Platform Engineer",
        "Reached Final for Senior Backend Engineer 4 months ago",
        "Turned down for timing",
        "Shares Python, Django",
        "Works in Fintech",
        "Engagement 72",
    ]


def test_more_shared_skills_and_engagement_rank_higher():
    strong = _person(engagement_score=90)
    weak = _person(engagement_score=10)
    services.set_skills(strong, ["Python", "Django"])
    services.set_skills(weak, ["Python"])
    assert [s.candidate for s in _suggest(title="Engineer", skills=["Python", "Django"])] == [strong, weak]


def test_no_match_is_not_suggested():
    _person(title="Office Manager", industry="Retail")
    gardener = _person(title="Gardener", industry="Horticulture")
    services.set_skills(gardener, ["Pruning"])
    assert _suggest(skills=["Python"], industry="Fintech") == []
    assert _suggest(title="", skills=[], industry="") == []


def test_erased_do_not_contact_and_excluded_people_are_not_suggested(admin_user):
    shown = _person(title="Backend Engineer")
    _person(title="Backend Engineer", do_not_contact=True)
    on_board = _person(title="Backend Engineer")
    erased = _person(title="Backend Engineer")
    privacy.erase_candidate(candidate=erased, by=admin_user)
    assert [s.candidate for s in _suggest(exclude_ids=[on_board.pk])] == [shown]


def test_a_not_qualified_medal_alone_does_not_make_a_suggestion():
    ada = _person(title="Barista")
    _medal(ada, "Senior Backend Engineer", "Screen", "not_qualified", days_ago=30)
    assert _suggest() == []


def test_suggestions_take_the_same_number_of_queries_for_many_people():
    def people(n):
        for _ in range(n):
            ada = _person(title="Backend Engineer")
            services.set_skills(ada, ["Python"])
            _medal(ada, "Backend Engineer", "Final", "timing", days_ago=10)

    people(2)
    with CaptureQueriesContext(connection) as few:
        assert len(_suggest(skills=["Python"])) == 2
    people(10)
    with CaptureQueriesContext(connection) as many:
        assert len(_suggest(skills=["Python"])) == 12
    assert len(many) == len(few) <= 4
