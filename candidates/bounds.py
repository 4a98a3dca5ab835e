"""Bounds on free text that filters a query: every word of a search or filter becomes one or more LIKE or
full-text terms, so its length and word count are capped before any query runs (forms and serializers alike)."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.deconstruct import deconstructible

SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 12
# The error codes of a value over its bounds: a request carrying one is answered 400 and not searched.
OVER_BOUNDS = ("max_length", "max_words")
# Days a date filter may name: the day after the last one is still a date (9999-12-31 is not), and a mistyped
# year is refused rather than searched.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


@deconstructible
class TextBounds:
    """At most `max_length` characters and `max_words` whitespace-separated words, with one clear message
    (a validator for Django forms and DRF serializers alike)."""

    def __init__(self, max_length: int = SEARCH_MAX_LENGTH, max_words: int = SEARCH_MAX_WORDS) -> None:
        self.max_length = max_length
        self.max_words = max_words

    @property
    def message(self) -> str:
        return f"Keep this to at most {self.max_words} words and {self.max_length} characters."

    def __call__(self, value: Any) -> None:
        text = str(value)
        if len(text) > self.max_length:
            raise ValidationError(self.message, code="max_length")
        if len(text.split()) > self.max_words:
            raise ValidationError(self.message, code="max_words")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextBounds) and (other.max_length, other.max_words) == (
            self.max_length,
            self.max_words,
        )


class BoundedText(forms.CharField):
    """An optional free-text filter within TextBounds (the input also carries maxlength)."""

    def __init__(
        self, *, max_length: int = SEARCH_MAX_LENGTH, max_words: int = SEARCH_MAX_WORDS, **kwargs: Any
    ) -> None:
        kwargs.setdefault("required", False)
        self.bounds = TextBounds(max_length, max_words)  # before Field.__init__, which asks widget_attrs
        super().__init__(**kwargs)
        self.validators.append(self.bounds)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs["maxlength"] = str(self.bounds.max_length)
        return attrs


class DateFilter(forms.DateField):
    """A day between FIRST_DAY and LAST_DAY."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        message = f"Choose a day between {FIRST_DAY:%Y} and {LAST_DAY:%Y}."
        self.validators += [
            MinValueValidator(FIRST_DAY, message),
            MaxValueValidator(LAST_DAY, message),
        ]


def over_bounds(form: forms.Form) -> bool:
    """Whether the bound form refused a value for being longer than its field allows."""
    return any(form.has_error(name, code) for name in form.errors for code in OVER_BOUNDS)
