"""The Replies page and the public careers page read a constant number of queries, whatever the volume."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ReplyFactory, RequisitionFactory


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
