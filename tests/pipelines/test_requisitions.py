import pytest
from django.urls import reverse

from pipelines import services
from pipelines.models import Requisition
from tests.factories import HiringManagerFactory, RequisitionFactory, TalentPoolFactory

Status = Requisition.Status


def test_recruiter_creates_a_planned_requisition_with_its_board(client, recruiter, hiring_manager):
    pool = TalentPoolFactory()
    client.force_login(recruiter)
    response = client.post(
        reverse("pipelines:requisition_create"),
        {
            "title": "Head of Data",
            "department": "Data",
            "headcount": 2,
            "expected_open_date": "2031-03-01",
            "hiring_manager": hiring_manager.pk,
            "recruiter": recruiter.pk,
            "pools": [pool.pk],
            "skills": "Python, sql, python",
        },
    )
    requisition = Requisition.objects.get(title="Head of Data")
    assert response.status_code == 302 and response.url == requisition.get_absolute_url()
    assert requisition.status == Status.PLANNED and requisition.headcount == 2
    assert list(requisition.pools.all()) == [pool]
    assert sorted(s.name for s in requisition.skills.all()) == ["Python", "sql"]
    assert requisition.pipeline.stages.count() == 7


def test_requisition_form_validates(client, recruiter, employee):
    client.force_login(recruiter)
    response = client.post(
        reverse("pipelines:requisition_create"),
        {"title": "", "headcount": 0, "hiring_manager": employee.pk},  # an employee cannot be the manager
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"title", "headcount", "hiring_manager"} <= set(errors)
    assert not Requisition.objects.exists()


def test_recruiter_edits_details_and_the_board_keeps_the_title(client, recruiter):
    requisition = RequisitionFactory(title="Old title")
    other_manager = HiringManagerFactory()
    client.force_login(recruiter)
    url = reverse("pipelines:requisition_edit", args=[requisition.pk])
    assert "Old title" in client.get(url).content.decode()
    response = client.post(
        url, {"title": "New title", "headcount": 3, "hiring_manager": other_manager.pk, "skills": "Go"}
    )
    assert response.status_code == 302
    requisition.refresh_from_db()
    assert (requisition.title, requisition.headcount, requisition.hiring_manager) == (
        "New title",
        3,
        other_manager,
    )
    assert requisition.pipeline.name == "New title"
    assert [s.name for s in requisition.skills.all()] == ["Go"]
    assert requisition.status == Status.OPEN  # the form does not touch the status


def test_hiring_manager_cannot_edit_their_own_requisition(client, hiring_manager):
    requisition = RequisitionFactory(hiring_manager=hiring_manager)
    client.force_login(hiring_manager)
    assert client.get(reverse("pipelines:requisition_edit", args=[requisition.pk])).status_code == 403
    assert (
        client.post(
            reverse("pipelines:requisition_status", args=[requisition.pk]), {"status": "closed"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("path", "opened", "closed"),
    [
        ([Status.OPEN], True, False),
        ([Status.CLOSED], False, True),
        ([Status.OPEN, Status.ON_HOLD, Status.OPEN, Status.FILLED], True, True),
        ([Status.OPEN, Status.CLOSED, Status.OPEN], True, False),
    ],
)
def test_valid_status_transitions_stamp_the_dates(db, path, opened, closed):
    requisition = RequisitionFactory(status=Status.PLANNED)
    for status in path:
        services.change_requisition_status(requisition, status)
    requisition.refresh_from_db()
    assert requisition.status == path[-1]
    assert (requisition.opened_at is not None, requisition.closed_at is not None) == (opened, closed)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.PLANNED, Status.FILLED),
        (Status.PLANNED, Status.ON_HOLD),
        (Status.FILLED, Status.OPEN),
        (Status.CLOSED, Status.FILLED),
        (Status.OPEN, Status.PLANNED),
        (Status.OPEN, Status.OPEN),
    ],
)
def test_invalid_status_transitions_are_refused(db, start, target):
    requisition = RequisitionFactory(status=start)
    with pytest.raises(services.InvalidTransition):
        services.change_requisition_status(requisition, target)
    requisition.refresh_from_db()
    assert requisition.status == start


def test_status_buttons_and_a_clear_message_when_refused(client, recruiter):
    requisition = RequisitionFactory(status=Status.PLANNED)
    client.force_login(recruiter)
    page = client.get(requisition.get_absolute_url()).content.decode()
    assert 'value="open">Open the role' in page and 'value="closed">Close' in page
    assert 'value="filled"' not in page
    url = reverse("pipelines:requisition_status", args=[requisition.pk])
    response = client.post(url, {"status": "filled"}, follow=True)
    assert "is planned, so it cannot become filled. From planned it can only become open or closed." in (
        response.content.decode()
    )
    response = client.post(url, {"status": "open"}, follow=True)
    requisition.refresh_from_db()
    assert requisition.status == Status.OPEN and "is now open" in response.content.decode()


def test_list_filters_by_status(client, recruiter):
    RequisitionFactory(title="Planned one", status=Status.PLANNED)
    RequisitionFactory(title="Open one", status=Status.OPEN)
    client.force_login(recruiter)
    page = client.get(reverse("pipelines:requisitions"), {"status": "planned"}).content.decode()
    assert "Planned one" in page and "Open one" not in page
    page = client.get(reverse("pipelines:requisitions"), {"status": "bogus"}).content.decode()
    assert "Planned one" in page and "Open one" in page
    assert "New requisition" in page
