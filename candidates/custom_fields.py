"""Custom fields: the admins' definitions (define, change, archive, delete) and the one validation of their
values, which every write path calls (the candidate and requisition forms and services, the API, the CSV
import).

Values live in the record's ``custom_fields`` JSON column by the field's key: text as a string, a number as a
JSON number, a date as "YYYY-MM-DD", a single choice as the option's text and a multiple choice as a list of
option texts in the definition's order. An empty value is no key at all, so "has a value" is "has the key".
The search filters on them with JSON containment (``@>``), which a GIN index serves on PostgreSQL; SQLite has
no containment and compares the value at the key instead (``value_filter``).
"""

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Model, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Candidate, CustomField

TEXT_MAX_LENGTH = 500
MAX_CHOICES = 100
CHOICE_MAX_LENGTH = 100
KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
# Multiple-choice values written as text (a CSV cell, a form) list their options split by these.
MULTIPLE_SEPARATORS = re.compile(r"[;,]")
# The models whose rows hold custom fields, by AppliesTo; pipelines registers Requisition (it may not be
# imported here: apps import downwards only).
HOLDERS: dict[str, type[Model]] = {CustomField.AppliesTo.CANDIDATE: Candidate}


def register_holder(applies_to: str, model: type[Model]) -> None:
    HOLDERS[applies_to] = model


# --- Reading the definitions ----------------------------------------------------------------------------


def active_fields(applies_to: str) -> list[CustomField]:
    """The fields people fill in and filter on, in the admins' order (one query)."""
    return list(CustomField.objects.filter(applies_to=applies_to, archived_at__isnull=True))


def shown_values(definitions: Iterable[CustomField], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value as text) of each active field with a value, for a profile or a requisition page."""
    shown = []
    for definition in definitions:
        value = values.get(definition.key)
        if value in (None, "", []):
            continue
        shown.append((definition.label, as_text(definition, value)))
    return shown


def as_text(definition: CustomField, value: Any) -> str:
    """A stored value as one cell of text (a page, the CSV export): multiple choices joined by "; "."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- Validating values ----------------------------------------------------------------------------------


def clean_value(definition: CustomField, raw: Any) -> Any:
    """One value, as typed or sent, cleaned to what is stored (None for empty). Raises ValidationError with a
    message that names nothing but the problem (the caller says which field)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None
    kind = definition.type
    if kind == CustomField.Type.TEXT:
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            raise ValidationError(_("Enter text."), code="invalid")
        text = str(raw).strip()
        if len(text) > TEXT_MAX_LENGTH:
            raise ValidationError(
                _("Use at most %(limit)d characters.") % {"limit": TEXT_MAX_LENGTH}, code="max_length"
            )
        return text
    if kind == CustomField.Type.NUMBER:
        return _number(raw)
    if kind == CustomField.Type.DATE:
        return _date(raw)
    if kind == CustomField.Type.CHOICE:
        if not isinstance(raw, str):
            raise ValidationError(_("Choose one of the options."), code="invalid_choice")
        return _option(definition, raw)
    items = MULTIPLE_SEPARATORS.split(raw) if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)) or not all(isinstance(item, str) for item in items):
        raise ValidationError(_("Give a list of the options."), code="invalid_list")
    chosen = {_option(definition, item) for item in items if item.strip()}
    return [option for option in definition.choices if option in chosen] or None


def _number(raw: Any) -> int | float:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise ValidationError(_("Enter a number."), code="invalid_number")
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError(
            _("“%(value)s” is not a number.") % {"value": str(raw)[:40]}, code="invalid_number"
        ) from None
    if not number.is_finite() or abs(number) >= Decimal("1e15"):
        raise ValidationError(_("Enter a number."), code="invalid_number")
    return int(number) if number == number.to_integral_value() else float(number)


def _date(raw: Any) -> str:
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip()).isoformat()
        except ValueError:
            pass
    raise ValidationError(
        _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31.") % {"value": str(raw)[:40]},
        code="invalid_date",
    )


def _option(definition: CustomField, raw: str) -> str:
    """The option whose text this is, whatever its case."""
    wanted = raw.strip().casefold()
    for option in definition.choices:
        if option.casefold() == wanted:
            return option
    raise ValidationError(
        _("“%(value)s” is not one of the options (%(options)s).")
        % {"value": raw.strip()[:60], "options": ", ".join(definition.choices)},
        code="invalid_choice",
    )


def clean_custom_values(
    *,
    applies_to: str,
    values: Mapping[str, Any],
    current: Mapping[str, Any] | None = None,
    partial: bool = False,
    definitions: Iterable[CustomField] | None = None,
) -> dict[str, Any]:
    """The record's custom values after writing ``values`` (by key) over ``current``: the one validation of
    custom values, for every write path.

    Keys left out of ``values`` keep their value, and so do archived fields' values. Unless ``partial``,
    every required field must then have a value (a page's form or an API create sends them all; a PATCH or
    an import row sends some). Raises ValidationError with a message list per key.
    """
    fields = {f.key: f for f in (active_fields(applies_to) if definitions is None else definitions)}
    result = dict(current or {})
    errors: dict[str, list[str]] = {}
    for key, raw in values.items():
        definition = fields.get(key)
        if definition is None and result.get(key) == raw:
            continue  # an archived field's value sent back as it was (an API client's PUT of what it read)
        if definition is None:
            errors[key] = [_("There is no custom field with this key.")]
            continue
        try:
            value = clean_value(definition, raw)
        except ValidationError as error:
            errors[key] = error.messages
            continue
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    for key, definition in fields.items():
        missing = definition.required and key not in errors and result.get(key) in (None, "", [])
        if missing and (not partial or key in values):
            errors[key] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    return result


def custom_values_error(error: ValidationError, definitions: Iterable[CustomField]) -> ValidationError:
    """A clean_custom_values error as one `custom_fields` error of a model-like service: "Label: message"."""
    labels = {f.key: f.label for f in definitions}
    return ValidationError(
        {
            "custom_fields": [
                f"{labels.get(key, key)}: {message}"
                for key, messages in error.message_dict.items()
                for message in messages
            ]
        }
    )


def write_custom_values(
    *, record: Model, applies_to: str, values: Mapping[str, Any], partial: bool = False
) -> dict[str, Any]:
    """Validate ``values`` over the record's own and set the result on it (not saved): what the candidate
    and requisition services call. Raises a ValidationError on ``custom_fields``."""
    definitions = active_fields(applies_to)
    try:
        cleaned = clean_custom_values(
            applies_to=applies_to,
            values=values,
            current=record.custom_fields,  # type: ignore[attr-defined]
            partial=partial,
            definitions=definitions,
        )
    except ValidationError as error:
        raise custom_values_error(error, definitions) from error
    record.custom_fields = cleaned  # type: ignore[attr-defined]
    return cleaned


# --- Filtering on values --------------------------------------------------------------------------------


def value_filter(model: type[Model], definition: CustomField, value: Any) -> Q:
    """Records whose field holds ``value`` (an already clean value): the field equals it, or for a multiple
    choice contains it; a text field contains the text, in any case. On PostgreSQL every test but text is
    one JSON containment (``custom_fields @> {"key": value}``) that the GIN index answers."""
    key = definition.key
    if definition.type == CustomField.Type.TEXT:
        return Q(**{f"custom_fields__{key}__icontains": value})
    if definition.type == CustomField.Type.MULTIPLE_CHOICE:
        options = value if isinstance(value, list) else [value]
        if connection.vendor == "postgresql":
            return Q(custom_fields__contains={key: options})
        table = connection.ops.quote_name(model._meta.db_table)
        tests = [
            Q(
                RawSQL(
                    f"EXISTS (SELECT 1 FROM json_each({table}.custom_fields, %s) WHERE json_each.value = %s)",
                    (f"$.{key}", option),
                    output_field=BooleanField(),
                )
            )
            for option in options
        ]
        combined = tests[0]
        for test in tests[1:]:
            combined &= test
        return combined
    if connection.vendor == "postgresql":
        return Q(custom_fields__contains={key: value})
    return Q(**{f"custom_fields__{key}": value})


def has_values(definition: CustomField) -> int:
    """How many records hold a value of this field (archived records included)."""
    model = HOLDERS[definition.applies_to]
    return model._default_manager.filter(custom_fields__has_key=definition.key).count()


def _option_in_use(definition: CustomField, option: str) -> bool:
    model = HOLDERS[definition.applies_to]
    return model._default_manager.filter(value_filter(model, definition, option)).exists()


# --- Changing the definitions (admins) ------------------------------------------------------------------


def unused_key(applies_to: str, label: str) -> str:
    """A key made from the label ("Notice period" -> "notice_period"), numbered when taken."""
    base = slugify(label).replace("-", "_")[:36].strip("_") or "field"
    if not base[0].isalpha():
        base = f"f_{base}"[:36]
    taken = set(CustomField.objects.filter(applies_to=applies_to).values_list("key", flat=True))
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def _clean_choices(kind: str, choices: Iterable[str]) -> list[str]:
    options: dict[str, str] = {}
    for option in choices:
        if option := option.strip():
            options.setdefault(option.casefold(), option)
    result = list(options.values())
    if kind not in CustomField.CHOICE_TYPES:
        return []
    if not result:
        raise ValidationError({"choices": _("Give the options, one a line.")})
    if len(result) > MAX_CHOICES:
        raise ValidationError({"choices": _("Give at most %(limit)d options.") % {"limit": MAX_CHOICES}})
    if any(len(option) > CHOICE_MAX_LENGTH for option in result):
        raise ValidationError(
            {"choices": _("Each option has at most %(limit)d characters.") % {"limit": CHOICE_MAX_LENGTH}}
        )
    if kind == CustomField.Type.MULTIPLE_CHOICE and any(MULTIPLE_SEPARATORS.search(o) for o in result):
        raise ValidationError(
            {"choices": _("Options of a multiple choice may not contain “,” or “;” (they separate options).")}
        )
    return result


@transaction.atomic
def define_custom_field(
    *,
    applies_to: str,
    label: str,
    type: str,
    key: str = "",
    choices: Iterable[str] = (),
    required: bool = False,
    help_text: str = "",
    position: int | None = None,
    by: User | None = None,
) -> CustomField:
    """A new custom field; without a key, one is made from the label. Last in the order unless placed."""
    key = key.strip() or unused_key(applies_to, label)
    if not KEY.fullmatch(key):
        raise ValidationError(
            {"key": _("Use lowercase letters, digits and “_”, starting with a letter (at most 40).")}
        )
    if CustomField.objects.filter(applies_to=applies_to, key=key).exists():
        raise ValidationError({"key": _("Another field already uses this key.")})
    if position is None:
        last = CustomField.objects.filter(applies_to=applies_to).order_by("-position").first()
        position = last.position + 1 if last else 0
    field = CustomField(
        applies_to=applies_to,
        label=label.strip(),
        key=key,
        type=type,
        choices=_clean_choices(type, choices),
        required=required,
        help_text=help_text.strip(),
        position=position,
    )
    field.full_clean()
    field.save()
    return field


@transaction.atomic
def update_custom_field(
    *,
    field: CustomField,
    by: User | None = None,
    **changes: Any,
) -> CustomField:
    """Change a field's label, type, options, required, help text or order. The key never changes, so the
    values stay with a renamed field. The type does not change while records hold values of it, and an
    option in use is not removed (either would leave values the field no longer accepts)."""
    changes.pop("key", None)
    changes.pop("applies_to", None)
    field = CustomField.objects.select_for_update().get(pk=field.pk)
    new_type = changes.get("type", field.type)
    if new_type != field.type and (count := has_values(field)):
        raise ValidationError(
            {
                "type": ngettext(
                    "%(count)d record has a value of this field: its type cannot change. "
                    "Archive it and add a new field instead.",
                    "%(count)d records have a value of this field: its type cannot change. "
                    "Archive it and add a new field instead.",
                    count,
                )
                % {"count": count}
            }
        )
    if "choices" in changes or new_type != field.type:
        choices = _clean_choices(new_type, changes.get("choices", field.choices))
        if new_type == field.type and field.is_choice:
            kept = {option.casefold() for option in choices}
            in_use = [o for o in field.choices if o.casefold() not in kept and _option_in_use(field, o)]
            if in_use:
                raise ValidationError(
                    {
                        "choices": _("These options are in use and cannot be removed: %(options)s.")
                        % {"options": ", ".join(in_use)}
                    }
                )
        changes["choices"] = choices
    for name in ("label", "help_text"):
        if name in changes:
            changes[name] = changes[name].strip()
    for name, value in changes.items():
        setattr(field, name, value)
    field.full_clean()
    field.save()
    return field


@transaction.atomic
def archive_custom_field(*, field: CustomField, archived: bool = True, by: User | None = None) -> CustomField:
    """Hide a field from forms, pages, search, import and export, keeping its values (or show it again)."""
    field.archived_at = timezone.now() if archived else None
    field.save(update_fields=["archived_at"])
    return field


@transaction.atomic
def delete_custom_field(*, field: CustomField, by: User | None = None) -> None:
    """Delete a field nobody has a value of; one with values is archived instead (refused here)."""
    if count := has_values(field):
        raise ValidationError(
            ngettext(
                "%(count)d record has a value of this field: archive it instead, which keeps the values.",
                "%(count)d records have a value of this field: archive it instead, which keeps the values.",
                count,
            )
            % {"count": count}
        )
    field.delete()
