"""Schemathesis reads /api/schema/ and sends every operation a few generated requests, valid and invalid, as an
admin, on the WSGI app inside the test's transaction: no request may answer a server error (5xx).

Path ids point at real objects made for each test, so detail routes and their actions run against data, not 404s.
"""

import uuid

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from candidates.models import ImportJob, Resume
from outreach.models import EngagementEvent, Enrollment, EnrollmentBatch
from pipelines.models import Application, Requisition
from recruiting.models import WebhookDelivery, WebhookEndpoint
from tests.factories import (
    AdminFactory,
    CandidateFactory,
    CardFactory,
    ReferralFactory,
    ReplyFactory,
    RequisitionFactory,
    SequenceFactory,
    StepFactory,
    TalentPoolFactory,
    TouchFactory,
    make_pdf,
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def objects(db, settings, tmp_path):
    """One object of each kind the API addresses by id, keyed by the first segment of its path."""
    settings.MEDIA_ROOT = str(tmp_path)
    candidate = CandidateFactory(country="")
    requisition = RequisitionFactory(is_published=True)
    planned = RequisitionFactory(status=Requisition.Status.PLANNED)
    pool = TalentPoolFactory()
    pool.memberships.create(candidate=candidate)
    planned.pools.add(pool)
    card = CardFactory(pipeline=requisition.pipeline, candidate=candidate)
    sequence = SequenceFactory()
    step = StepFactory(sequence=sequence, position=0)
    enrollment = Enrollment.objects.create(sequence=sequence, candidate=candidate)
    touch = TouchFactory(enrollment=enrollment, channel="linkedin_connect", status="task_open")
    resume = Resume(
        candidate=candidate, original_name="cv.pdf", kind=Resume.Kind.PDF, size=10, sha256="0" * 64
    )
    resume.file.save("cv.pdf", ContentFile(make_pdf("Ada")), save=True)
    review = card.reviews.create(reviewer=requisition.hiring_manager, decision="hold")
    webhook = WebhookEndpoint.objects.create(
        url="https://93.184.215.14/hooks", secret="s", events=["card.moved"]
    )
    return {
        "candidates": candidate.pk,
        "pools": pool.pk,
        "referrals": ReferralFactory(candidate=CandidateFactory()).pk,
        "imports": ImportJob.objects.create(original_name="people.csv").pk,
        "requisitions": requisition.pk,
        "stages": card.stage_id,
        "cards": card.pk,
        "reviews": review.pk,
        "talent-reviews": planned.talent_reviews.create(
            candidate=candidate, reviewer=planned.hiring_manager, answer="yes"
        ).pk,
        "sequences": sequence.pk,
        "steps": step.pk,
        "enrollments": enrollment.pk,
        "enrollment-batches": EnrollmentBatch.objects.create(sequence=sequence).pk,
        "touches": touch.pk,
        "engagement-events": EngagementEvent.objects.create(
            candidate=candidate, kind="opened", occurred_at=touch.due_at
        ).pk,
        "replies": ReplyFactory(candidate=candidate).pk,
        "preferences": candidate.pk,
        "resumes": resume.pk,
        "applications": Application.objects.create(
            requisition=requisition, candidate=candidate, consent_at=touch.due_at
        ).pk,
        "careers": requisition.pk,
        "webhooks": webhook.pk,
        "webhook-deliveries": WebhookDelivery.objects.create(
            endpoint=webhook, event_id=uuid.uuid4(), event_type="card.moved", payload={}, status="failed"
        ).pk,
    }


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """The WSGI app closes the database connection at the end of each request when it is inside a transaction, as
    a test's is; Django's test client keeps it open the same way, so the test's data and transaction survive."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db):
    return Token.objects.create(user=AdminFactory()).key


@schema.parametrize()
@settings(
    max_examples=6,
    phases=[Phase.generate],
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_operation_answers_a_server_error(case, objects, token):
    if case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = objects[case.operation.path.split("/")[2]]
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error])
