"""Custom fields in forms: an input by type for each field (the candidate and requisition forms, the search
filters), cleaned by custom_fields.clean_value, and the admins' form that defines a field."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .custom_fields import CHOICE_MAX_LENGTH, MAX_CHOICES, TEXT_MAX_LENGTH, active_fields, clean_value
from .models import CustomField

PREFIX = "cf_"  # form fields and search parameters of custom fields are named cf_<key>


def form_name(definition: CustomField) -> str:
    return f"{PREFIX}{definition.key}"


class CustomValueField(forms.Field):
    """One custom field's value, with the input its type calls for; cleaned by the one validation."""

    def __init__(self, definition: CustomField, **kwargs: Any) -> None:
        self.definition = definition
        kind = definition.type
        options = [(option, option) for option in definition.choices]
        widget: forms.Widget
        if kind == CustomField.Type.NUMBER:
            widget = forms.NumberInput(attrs={"step": "any"})
        elif kind == CustomField.Type.DATE:
            widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        elif kind == CustomField.Type.CHOICE:
            widget = forms.Select(choices=[("", "—"), *options])
        elif kind == CustomField.Type.MULTIPLE_CHOICE:
            widget = forms.CheckboxSelectMultiple(choices=options)
        else:
            widget = forms.TextInput(attrs={"maxlength": TEXT_MAX_LENGTH})
        kwargs.setdefault("required", definition.required)
        kwargs.setdefault("label", definition.label)
        kwargs.setdefault("help_text", definition.help_text)
        super().__init__(widget=widget, **kwargs)

    def to_python(self, value: Any) -> Any:
        try:
            return clean_value(self.definition, value)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error

    def prepare_value(self, value: Any) -> Any:
        return value


def add_value_fields(
    form: forms.BaseForm, definitions: Iterable[CustomField], values: Mapping[str, Any]
) -> None:
    """Add an input for each custom field to `form`, filled with the record's `values`."""
    for definition in definitions:
        name = form_name(definition)
        form.fields[name] = CustomValueField(definition)
        if definition.key in values:
            form.initial[name] = values[definition.key]


def values_from(cleaned_data: dict[str, Any], definitions: Iterable[CustomField]) -> dict[str, Any]:
    """The custom values of a valid form, by key, taken out of its cleaned data (None for an emptied one)."""
    return {definition.key: cleaned_data.pop(form_name(definition), None) for definition in definitions}


class CustomValuesMixin:
    """For a record's form (candidate, requisition): an input for each active custom field, after the form's
    own fields; `custom_values()` takes their values out of the cleaned data for the service."""

    applies_to: str
    custom_definitions: list[CustomField]

    def add_custom_fields(self, values: Mapping[str, Any]) -> None:
        assert isinstance(self, forms.BaseForm)
        self.custom_definitions = active_fields(self.applies_to)
        add_value_fields(self, self.custom_definitions, values)

    def standard_fields(self) -> list[forms.BoundField]:
        assert isinstance(self, forms.BaseForm)
        return [self[name] for name in self.fields if not name.startswith(PREFIX)]

    def custom_value_fields(self) -> list[forms.BoundField]:
        assert isinstance(self, forms.BaseForm)
        return [self[form_name(definition)] for definition in self.custom_definitions]

    def custom_values(self) -> dict[str, Any]:
        assert isinstance(self, forms.BaseForm)
        return values_from(self.cleaned_data, self.custom_definitions)


def filter_fields(definitions: Iterable[CustomField]) -> dict[str, forms.Field]:
    """The search filter of each field: one option of a choice field (a multiple choice contains it), the
    value of a number or date, part of a text."""
    fields: dict[str, forms.Field] = {}
    for definition in definitions:
        if definition.is_choice:
            fields[form_name(definition)] = forms.ChoiceField(
                label=definition.label,
                choices=[("", _("Any")), *((o, o) for o in definition.choices)],
                required=False,
            )
        else:
            field = CustomValueField(definition, required=False, help_text="")
            if definition.type == CustomField.Type.TEXT:
                field.help_text = _("Part of the text")
            fields[form_name(definition)] = field
    return fields


class CustomFieldForm(forms.Form):
    """The admins' definition of a field; the key is set once (made from the label when left empty)."""

    label = forms.CharField(label=_("Label"), max_length=80)
    key = forms.SlugField(
        label=_("Key"),
        max_length=40,
        required=False,
        help_text=_(
            "Name in the API, exports and imports; made from the label when empty. It never changes."
        ),
    )
    applies_to = forms.ChoiceField(label=_("For"), choices=CustomField.AppliesTo.choices)
    type = forms.ChoiceField(label=_("Type"), choices=CustomField.Type.choices)
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a choice field: one option a line (at most %(count)d, each up to %(length)d characters)."
        )
        % {"count": MAX_CHOICES, "length": CHOICE_MAX_LENGTH},
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=200, required=False)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, required=False)

    def __init__(self, *args: Any, field: CustomField | None = None, **kwargs: Any) -> None:
        self.field = field
        if field is not None:
            kwargs.setdefault(
                "initial",
                {
                    "label": field.label,
                    "key": field.key,
                    "applies_to": field.applies_to,
                    "type": field.type,
                    "choices": "\n".join(field.choices),
                    "required": field.required,
                    "help_text": field.help_text,
                    "position": field.position,
                },
            )
        super().__init__(*args, **kwargs)
        if field is not None:  # the key and what it applies to are set once
            for name in ("key", "applies_to"):
                self.fields[name].disabled = True

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]
