"""Whatever the API stores, it reads back: every object type, made with only its required fields and again with
every optional field empty, answers 200 with JSON in its list and its detail (a stored value that cannot be
serialised used to answer 500: a candidate without a country)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from candidates.api.candidates import CandidateSerializer
from candidates.api.pools import TalentPoolSerializer
from candidates.api.referrals import ReferralSerializer
from candidates.models import Candidate
from outreach.api.conversation import LogReplySerializer
from outreach.api.sequences import SequenceSerializer, StepSerializer
from outreach.models import EngagementEvent
from pipelines.api.cards import CardSerializer
from pipelines.api.requisitions import RequisitionSerializer, StageSerializer
from pipelines.models import Application, Requisition
from tests.factories import (
    CandidateFactory,
    CardFactory,
    RequisitionFactory,
    SequenceFactory,
    StepFactory,
    TalentPoolFactory,
    TouchFactory,
    make_pdf,
)


def empty_optionals(serializer_class: type[serializers.Serializer]) -> dict:
    """Every optional writable field at its emptiest: "" where blank is allowed, null where null is, [] for lists."""
    values = {}
    for name, field in serializer_class().fields.items():
        if field.read_only or field.required:
            continue
        if isinstance(field, serializers.ListField | serializers.ManyRelatedField):
            values[name] = []
        elif getattr(field, "allow_blank", False):
            values[name] = ""
        elif field.allow_null:
            values[name] = None
    return values


def reads_back(api: APIClient, prefix: str, pk: int) -> None:
    listing = api.get(f"/api/{prefix}/")
    assert listing.status_code == 200, listing.content[:500]
    rows = listing.json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert pk in [row["id"] for row in rows]
    detail = api.get(f"/api/{prefix}/{pk}/")
    assert detail.status_code == 200, detail.content[:500]
    assert detail.json()["id"] == pk


def created(response) -> int:
    assert response.status_code == 201, response.content[:500]
    return response.json()["id"]


@pytest.fixture
def api(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


@pytest.fixture
def world(db):
    requisition = RequisitionFactory()
    return {
        "candidate": CandidateFactory(),
        "pipeline": requisition.pipeline.pk,
        "sequence": SequenceFactory(),
    }


def _payloads(world) -> dict[str, tuple[dict, type[serializers.Serializer]]]:
    """For each type the API creates from JSON: its required fields, and the serializer naming its optional ones."""
    candidate = CandidateFactory()
    return {
        "candidates": ({"first_name": "Ada", "email": "ada@example.com"}, CandidateSerializer),
        "pools": ({"name": "Pool"}, TalentPoolSerializer),
        "referrals": (
            {"first_name": "Bo", "email": "bo@example.com", "relationship": "colleague", "reason": "Sharp"},
            ReferralSerializer,
        ),
        "sequences": ({"name": "Nurture"}, SequenceSerializer),
        "steps": ({"sequence": world["sequence"].pk}, StepSerializer),
        "requisitions": ({"title": "Data engineer"}, RequisitionSerializer),
        "stages": ({"pipeline": world["pipeline"], "name": "Phone screen"}, StageSerializer),
        "cards": ({"pipeline": world["pipeline"], "candidate": candidate.pk}, CardSerializer),
        "replies": ({"candidate": world["candidate"].pk, "body": "Thanks!"}, LogReplySerializer),
    }


@pytest.mark.parametrize(
    "prefix",
    ["candidates", "pools", "referrals", "sequences", "steps", "requisitions", "stages", "cards", "replies"],
)
@pytest.mark.parametrize("optionals", ["left out", "empty"])
def test_what_the_api_creates_it_reads_back(api, world, prefix, optionals):
    required, serializer_class = _payloads(world)[prefix]
    payload = required if optionals == "left out" else {**empty_optionals(serializer_class), **required}
    pk = created(api.post(f"/api/{prefix}/", payload, format="json"))
    reads_back(api, prefix, pk)


def test_a_smart_pool_with_an_empty_search_reads_back(api, db):
    pk = created(api.post("/api/pools/", {"name": "Everyone", "kind": "smart", "query": {}}, format="json"))
    reads_back(api, "pools", pk)
    assert api.get(f"/api/pools/{pk}/members/").status_code == 200


def test_a_candidate_without_a_country_reads_back_and_a_country_reads_back_as_its_code(api, db):
    nowhere = CandidateFactory(country="")
    reads_back(api, "candidates", nowhere.pk)
    assert api.get(f"/api/candidates/{nowhere.pk}/").json()["country"] == ""
    pk = created(api.post("/api/candidates/", {"first_name": "Cy", "country": "FR"}, format="json"))
    assert api.get(f"/api/candidates/{pk}/").json()["country"] == "FR"
    assert api.get("/api/pools/").status_code == 200


def test_enrolling_reads_back_the_batch_and_the_enrollment(api, world):
    StepFactory(sequence=world["sequence"], position=0)
    response = api.post(
        "/api/enrollments/enroll/",
        {"sequence": world["sequence"].pk, "candidate_ids": [world["candidate"].pk]},
        format="json",
    )
    batch = created(response)
    assert api.get(f"/api/enrollment-batches/{batch}/").status_code == 200
    enrollment = world["candidate"].enrollments.get()
    reads_back(api, "enrollments", enrollment.pk)


def test_an_attached_resume_reads_back(api, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    upload = SimpleUploadedFile("cv.pdf", make_pdf("Ada"), content_type="application/pdf")
    pk = created(api.post("/api/resumes/", {"candidate": world["candidate"].pk, "file": upload}))
    reads_back(api, "resumes", pk)


def test_an_import_reads_back(api, db):
    upload = SimpleUploadedFile(
        "people.csv", b"First Name,Email\nAda,ada@example.com\n", content_type="text/csv"
    )
    pk = created(api.post("/api/imports/", {"file": upload}))
    reads_back(api, "imports", pk)


def test_reviews_made_by_the_hiring_manager_read_back(world, hiring_manager):
    api = APIClient()
    api.force_authenticate(hiring_manager)
    role = RequisitionFactory(hiring_manager=hiring_manager)
    shortlist = role.pipeline.stages.filter(is_shortlist=True).first()
    card = CardFactory(pipeline=role.pipeline, stage=shortlist)
    review = created(api.post("/api/reviews/", {"card": card.pk, "decision": "advance"}, format="json"))
    reads_back(api, "reviews", review)
    pool = TalentPoolFactory()
    planned = RequisitionFactory(hiring_manager=hiring_manager, status=Requisition.Status.PLANNED)
    planned.pools.add(pool)
    pool.memberships.create(candidate=world["candidate"])
    answer = created(
        api.post(
            "/api/talent-reviews/",
            {"requisition": planned.pk, "candidate": world["candidate"].pk, "answer": "yes"},
            format="json",
        )
    )
    reads_back(api, "talent-reviews", answer)


def test_what_other_doors_store_reads_back(api, world):
    """Touches, engagement, preferences, applications and published roles are made elsewhere; the API reads them
    with every optional field empty."""
    touch = TouchFactory(enrollment__sequence=world["sequence"])
    reads_back(api, "touches", touch.pk)
    event = EngagementEvent.objects.create(
        candidate=world["candidate"], kind=EngagementEvent.Kind.OPENED, occurred_at=timezone.now()
    )
    reads_back(api, "engagement-events", event.pk)
    reads_back(api, "preferences", world["candidate"].pk)
    role = RequisitionFactory(is_published=True, description="")
    applicant = Candidate.objects.create(first_name="Di")
    application = Application.objects.create(
        requisition=role, candidate=applicant, consent_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    reads_back(api, "applications", application.pk)
    reads_back(APIClient(), "careers/roles", role.pk)
