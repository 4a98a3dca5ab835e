"""Serializer fields the apps' APIs share."""

import zoneinfo
from collections.abc import Mapping
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..custom_fields import clean_custom_values


class SkillNamesField(serializers.ListField):
    child = serializers.CharField(max_length=80)

    def to_representation(self, data):
        return [skill.name for skill in data.all()]


@cache
def _timezone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class TimezoneNameField(serializers.CharField):
    """An IANA timezone name such as Europe/London (as the pages and the CSV import accept), or blank."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("help_text", "IANA timezone, e.g. Europe/London")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        name = super().to_internal_value(data)
        if name and name not in _timezone_names():
            raise serializers.ValidationError(f"Unknown timezone {name!r}: use a name such as Europe/London.")
        return name


@extend_schema_field(
    {
        "type": "object",
        "description": "Values of the admins' custom fields by their key (Settings → Custom fields): text as a "
        "string, a number, a date as YYYY-MM-DD, a single choice as the option's text, a multiple choice as a "
        'list of options. Keys left out keep their value; null or "" empties one. Required fields must have '
        "a value (on create and PUT). Errors are given by key.",
        "additionalProperties": {
            "nullable": True,
            "oneOf": [
                {"type": "string"},
                {"type": "number"},
                {"type": "array", "items": {"type": "string"}},
            ],
        },
        "example": {"notice_period": 30, "work_style": "Hybrid", "languages": ["English", "German"]},
    }
)
class CustomValuesField(serializers.DictField):
    """A record's custom values, validated by custom_fields.clean_custom_values (see `check`)."""

    child = serializers.JSONField(allow_null=True)

    def __init__(self, *, applies_to: str, **kwargs: Any) -> None:
        self.applies_to = applies_to
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def check(self, values: Mapping[str, Any], *, instance: Model | None, partial: bool) -> None:
        """A 400 naming each bad key when these values may not be written over the record's own (the service
        they then go to validates them the same way, and answers for the whole record)."""
        try:
            clean_custom_values(
                applies_to=self.applies_to,
                values=values,
                current=getattr(instance, "custom_fields", None),
                partial=partial,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError({"custom_fields": error.message_dict}) from error
