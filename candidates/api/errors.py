"""What the API modules share: a service's ValidationError answered as a 400."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers


@contextmanager
def as_drf_errors() -> Iterator[None]:
    """A service's ValidationError becomes a 400 with the same messages."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError(
            error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        ) from error
