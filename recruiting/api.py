"""The REST API's router: each app contributes its viewsets from its own api.py."""

from dataclasses import asdict

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from candidates.api.candidates import CandidateViewSet
from candidates.api.import_jobs import ImportJobViewSet
from candidates.api.pools import TalentPoolViewSet
from candidates.api.referrals import ReferralViewSet
from candidates.api.resumes import ResumeViewSet
from outreach.api.conversation import EngagementEventViewSet, PreferencesViewSet, ReplyViewSet
from outreach.api.enrollments import EnrollmentBatchViewSet, EnrollmentViewSet, TouchViewSet
from outreach.api.sequences import SequenceViewSet, StepViewSet
from pipelines.api.cards import CardViewSet, ShortlistReviewViewSet, TalentReviewViewSet
from pipelines.api.careers import ApplicationViewSet, PublishedRoleViewSet
from pipelines.api.requisitions import RequisitionViewSet, StageViewSet

from . import reports
from .forms import ReportFilterForm
from .webhooks.api import WebhookDeliveryViewSet, WebhookEndpointViewSet

router = DefaultRouter()
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("imports", ImportJobViewSet, basename="importjob")
router.register("pools", TalentPoolViewSet, basename="pool")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("sequences", SequenceViewSet, basename="sequence")
router.register("steps", StepViewSet, basename="step")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("enrollment-batches", EnrollmentBatchViewSet, basename="enrollmentbatch")
router.register("touches", TouchViewSet, basename="touch")
router.register("engagement-events", EngagementEventViewSet, basename="engagementevent")
router.register("replies", ReplyViewSet, basename="reply")
router.register("preferences", PreferencesViewSet, basename="preference")
router.register("requisitions", RequisitionViewSet, basename="requisition")
router.register("stages", StageViewSet, basename="stage")
router.register("cards", CardViewSet, basename="card")
router.register("reviews", ShortlistReviewViewSet, basename="shortlistreview")
router.register("talent-reviews", TalentReviewViewSet, basename="talentreview")
router.register("resumes", ResumeViewSet, basename="resume")
router.register("applications", ApplicationViewSet, basename="application")
router.register("careers/roles", PublishedRoleViewSet, basename="published-role")
router.register("webhooks", WebhookEndpointViewSet, basename="webhookendpoint")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhookdelivery")


@extend_schema(
    parameters=[
        OpenApiParameter(
            "date_from", OpenApiTypes.DATE, description="First day (default: 89 days before date_to)"
        ),
        OpenApiParameter("date_to", OpenApiTypes.DATE, description="Last day (default: today)"),
        OpenApiParameter("requisition", OpenApiTypes.INT),
        OpenApiParameter("recruiter", OpenApiTypes.INT),
        OpenApiParameter("sequence", OpenApiTypes.INT),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
def report(request, name: str) -> Response:
    """One report of the Insights page as JSON (funnel, sequences, conversion, sources, referrals, ready, meetings):
    its rows and totals, computed exactly as on the page. Recruiters and admins only."""
    if not request.user.has_perm("recruiting.view_reports"):
        raise PermissionDenied
    if name not in reports.REPORTS:
        raise NotFound(f"No report named {name!r}; there are {', '.join(reports.REPORTS)}.")
    form = ReportFilterForm(request.query_params, today=timezone.localdate())
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data(escape_html=True))
    filters = form.filters()
    return Response(
        {
            "report": name,
            "filters": asdict(filters),
            **asdict(reports.REPORTS[name](filters)),
        }
    )
