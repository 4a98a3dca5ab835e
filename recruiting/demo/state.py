"""What one demo load shares: the plan's shapes, the state of the run, and per-person randomness."""

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.hashers import make_password

from candidates.models import Candidate, SeekingStatus, TalentPool
from outreach.models import Sequence
from pipelines.models import Requisition

SEED = 20250611


@dataclass
class CandidateSpec:
    index: int
    family: str
    fields: dict[str, Any]
    skills: list[str]
    keenness: float
    open_to_relocation: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def email(self) -> str:
        return self.fields["email"]

    @property
    def linkedin_url(self) -> str:
        return self.fields["linkedin_url"]

    @property
    def passive(self) -> bool:
        return self.fields["seeking_status"] == SeekingStatus.PASSIVE


@dataclass
class Plan:
    candidates: list[CandidateSpec]
    pools: dict[str, list[int]]
    # requisition title -> [(candidate index, stage name, pitch)]
    cards: dict[str, list[tuple[int, str, str]]]
    talent_cards: list[tuple[int, str]]
    # (candidate index, requisition title, stage name, reason, reason detail, days ago)
    silver_medals: list[tuple[int, str, str, str, str, int]]
    # (sequence name, candidate index, days ago, fraction of that day, progress draws)
    enrollments: list[tuple[str, int, int, float, tuple[float, float]]]
    existing_referral: int
    # talent board people who reached Ready to talk after a nurture that began weeks earlier
    ready: list[int]
    # (sequence name, candidate index) enrolled weeks ago, with their sends and engagement
    past_enrollments: list[tuple[str, int]]
    # passive people in the planned role's pools who engaged in recent weeks, enough to count as warm
    warm: list[int]


def person_rng(candidate: Candidate, purpose: str) -> random.Random:
    """A generator of its own for one person and purpose: the same draws on every run, in any order."""
    return random.Random(f"{SEED}:{purpose}:{candidate.email or candidate.linkedin_url}")


@dataclass
class Demo:
    """One run of the demo loader: its plan and clock, what exists so far by natural key, and what it made."""

    plan: Plan
    now: datetime
    created: dict[str, int] = field(default_factory=dict)
    existing_users: list[str] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)
    candidates: dict[int, Candidate] = field(default_factory=dict)
    pools: dict[str, TalentPool] = field(default_factory=dict)
    requisitions: dict[str, Requisition] = field(default_factory=dict)
    sequences: dict[str, Sequence] = field(default_factory=dict)
    _password_hash: str = ""

    def password_hash(self, password: str) -> str:
        # One hash for all demo users: hashing is the slowest step and the password is public anyway.
        if not self._password_hash:
            self._password_hash = make_password(password)
        return self._password_hash

    def count(self, what: str, n: int = 1) -> None:
        if n:
            self.created[what] = self.created.get(what, 0) + n
