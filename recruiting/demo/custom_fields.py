"""The demo's custom fields: three on candidates (a choice, a number, a multiple choice) and one on
requisitions, each person's values drawn from a generator seeded by their place in the plan."""

import random
from typing import Any

from candidates.custom_fields import define_custom_field
from candidates.models import CustomField

from .state import Demo

CANDIDATE, REQUISITION = CustomField.AppliesTo.CANDIDATE, CustomField.AppliesTo.REQUISITION
Type = CustomField.Type
FIELDS = [
    (CANDIDATE, "Work style", "work_style", Type.CHOICE, ["Remote", "Hybrid", "Office"]),
    (CANDIDATE, "Notice period (days)", "notice_period_days", Type.NUMBER, []),
    (
        CANDIDATE,
        "Languages",
        "languages",
        Type.MULTIPLE_CHOICE,
        ["English", "German", "French", "Spanish", "Dutch"],
    ),
    (REQUISITION, "Budget code", "budget_code", Type.TEXT, []),
]
OTHER_LANGUAGES = {
    "DE": "German",
    "AT": "German",
    "CH": "German",
    "FR": "French",
    "ES": "Spanish",
    "NL": "Dutch",
}


def seed_custom_fields(demo: Demo) -> None:
    """The fields that are missing (by key); an admin's own fields are left alone."""
    existing = set(CustomField.objects.values_list("applies_to", "key"))
    for applies_to, label, key, kind, choices in FIELDS:
        if (applies_to, key) not in existing:
            define_custom_field(applies_to=applies_to, label=label, key=key, type=kind, choices=choices)
            demo.count("custom fields")


def candidate_values(index: int, country: str) -> dict[str, Any]:
    """A person's values: most have a work style and languages (English, and their country's), some a
    notice period."""
    rng = random.Random(f"custom-fields-{index}")
    values: dict[str, Any] = {}
    if rng.random() < 0.8:
        values["work_style"] = rng.choice(["Remote", "Hybrid", "Hybrid", "Office"])
    if rng.random() < 0.5:
        values["notice_period_days"] = rng.choice([0, 14, 30, 30, 60, 90])
    languages = ["English"]
    if country in OTHER_LANGUAGES:
        languages.append(OTHER_LANGUAGES[country])
    elif rng.random() < 0.2:
        languages.append(rng.choice(["German", "French", "Spanish"]))
    values["languages"] = languages
    return values
