"""Serializer fields the apps' APIs share."""

import zoneinfo
from functools import cache

from rest_framework import serializers


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
