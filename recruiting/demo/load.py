"""Apply the demo plan, subject by subject, in one transaction."""

from datetime import datetime

from django.db import transaction

from candidates.models import Candidate

from . import custom_fields, history, meetings, people, pools, referrals, requisitions, sequences, timeline
from .plan import build_plan
from .state import Demo


def load_demo(now: datetime) -> Demo:
    """Create whatever of the demo is missing; the returned Demo says what was created."""
    demo = Demo(plan=build_plan(), now=now)
    with transaction.atomic():
        existing = set(Candidate.objects.values_list("pk", flat=True))
        people.seed_users(demo)
        custom_fields.seed_custom_fields(demo)
        people.seed_candidates(demo)
        pools.seed_pools(demo)
        requisitions.seed_requisitions(demo)
        requisitions.seed_silver_medals(demo)
        requisitions.seed_talent_board(demo)
        referrals.seed_referrals(demo)
        sequences.seed_sequences(demo)
        meetings.seed_meetings(demo)
        sequences.seed_enrollments(demo)
        history.seed_history(demo)
        sequences.seed_conversation(demo)
        timeline.settle(demo, sorted(set(Candidate.objects.values_list("pk", flat=True)) - existing))
    return demo
