"""The REST API's router: each app contributes its viewsets from its own api.py."""

from rest_framework.routers import DefaultRouter

from candidates.api import CandidateViewSet, ImportJobViewSet, ReferralViewSet, TalentPoolViewSet
from outreach.api import EnrollmentBatchViewSet, EnrollmentViewSet, SequenceViewSet, StepViewSet, TouchViewSet
from pipelines.api import (
    CardViewSet,
    RequisitionViewSet,
    ShortlistReviewViewSet,
    StageViewSet,
    TalentReviewViewSet,
)

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
router.register("requisitions", RequisitionViewSet, basename="requisition")
router.register("stages", StageViewSet, basename="stage")
router.register("cards", CardViewSet, basename="card")
router.register("reviews", ShortlistReviewViewSet, basename="shortlistreview")
router.register("talent-reviews", TalentReviewViewSet, basename="talentreview")
