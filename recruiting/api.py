"""The REST API's router: each app contributes its viewsets from its own api.py."""

from rest_framework.routers import DefaultRouter

from candidates.api import CandidateViewSet

router = DefaultRouter()
router.register("candidates", CandidateViewSet, basename="candidate")
