"""The Replies page, the public careers page and the candidate profile read a constant number of queries,
whatever the volume."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates import services
from pipelines import services as pipeline_services
from tests.factories import (
    CandidateFactory,
    EnrollmentFactory,
    ReplyFactory,
    RequisitionFactory,
    SequenceFactory,
    TalentPoolFactory,
    stage_named,
)


def queries_for(client, url: str) -> int:
    client.get(url)  # once first: one-time work (the careers settings row, say) is not what is measured
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_replies_page_reads_as_many_queries_for_15_replies_as_for_3(client, recruiter):
    client.force_login(recruiter)
    ReplyFactory.create_batch(2)
    ReplyFactory(candidate=None)
    few = queries_for(client, reverse("outreach:replies"))
    ReplyFactory.create_batch(10)
    ReplyFactory.create_batch(2, candidate=None)
    assert queries_for(client, reverse("outreach:replies")) == few


def test_the_careers_page_reads_as_many_queries_for_8_roles_as_for_1(client, db):
    def publish():
        RequisitionFactory(status="open", is_published=True, description="Build things.")

    publish()
    few = queries_for(client, reverse("pipelines:careers"))
    for _ in range(7):
        publish()
    assert queries_for(client, reverse("pipelines:careers")) == few


def _give_history(candidate, recruiter, n):
    """n of everything the profile shows: boards, sequences, pools, silver medals and notes."""
    for i in range(n):
        requisition = RequisitionFactory(title=f"Backend Engineer {i}")
        pipeline_services.add_card(
            pipeline=requisition.pipeline, candidate=candidate, stage=stage_named(requisition, "Screen")
        )
        EnrollmentFactory(candidate=candidate, sequence=SequenceFactory())
        services.add_to_pool(pool=TalentPoolFactory(), candidates=[candidate], by=recruiter)
        other = RequisitionFactory(title=f"Platform Engineer {i}")
        services.add_silver_medalist(
            candidate=candidate,
            requisition=other,
            stage=stage_named(other, "Final"),
            reason="timing",
            by=recruiter,
        )
        services.add_note(candidate=candidate, body=f"Note {i}", by=recruiter)


def test_the_candidate_profile_reads_as_many_queries_for_5_boards_and_sequences_as_for_1(client, recruiter):
    few, many = CandidateFactory(), CandidateFactory()
    _give_history(few, recruiter, 1)
    _give_history(many, recruiter, 5)
    client.force_login(recruiter)

    html = client.get(many.get_absolute_url()).content.decode()
    boards = html[html.index('id="boards"') : html.index('id="sequences"')]
    sequences = html[html.index('id="sequences"') : html.index('id="resumes"')]
    assert boards.count('class="badge">Screen<') == 5
    links = [reverse("outreach:sequence", args=[e.sequence_id]) for e in many.enrollments.all()]
    assert len(links) == 5 and all(link in sequences for link in links)
    assert queries_for(client, many.get_absolute_url()) == queries_for(client, few.get_absolute_url())


def test_pages_never_read_djangos_permission_tables_roles_decide(client, recruiter):
    """Roles (django-rules) are the only permissions: a check that says no does not fall through to Django's
    user and group permission tables, and a permission granted there gives nothing."""
    from django.contrib.auth.models import Permission

    recruiter.user_permissions.add(Permission.objects.get(codename="change_insightsettings"))
    client.force_login(recruiter)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    assert not [q for q in captured.captured_queries if "auth_permission" in q["sql"]]
    assert not recruiter.has_perm("recruiting.change_insightsettings")
