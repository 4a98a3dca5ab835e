"""The admins' page for custom fields (Settings → Custom fields): the fields of candidates and requisitions, a
new one, and each one's edit page with archive, restore and delete."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import custom_fields
from .custom_field_forms import CustomFieldForm
from .forms import add_service_errors
from .models import CustomField


@permission_required("candidates.view_customfield", raise_exception=True)
def custom_field_list(request):
    """Every field, candidates' then requisitions', archived ones last; POST adds one."""
    form = CustomFieldForm(request.POST or None, initial={"applies_to": request.GET.get("for", "candidate")})
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("candidates.add_customfield"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                field = custom_fields.define_custom_field(
                    applies_to=data["applies_to"],
                    label=data["label"],
                    key=data["key"],
                    type=data["type"],
                    choices=data["choices"],
                    required=data["required"],
                    help_text=data["help_text"],
                    position=data["position"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Field “%(label)s” added.") % {"label": field.label})
                return redirect("candidates:custom_fields")
        status = 422
    fields = list(CustomField.objects.order_by("applies_to", "archived_at", "position", "label", "id"))
    sections = [
        (label, [field for field in fields if field.applies_to == value])
        for value, label in CustomField.AppliesTo.choices
    ]
    return render(
        request, "candidates/custom_fields.html", {"sections": sections, "form": form}, status=status
    )


@permission_required("candidates.change_customfield", raise_exception=True)
def custom_field_edit(request, pk):
    """One field: its label, type, options, required and order (the key stays); how many records hold it."""
    field = get_object_or_404(CustomField, pk=pk)
    form = CustomFieldForm(request.POST or None, field=field)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                custom_fields.update_custom_field(
                    field=field,
                    label=data["label"],
                    type=data["type"],
                    choices=data["choices"],
                    required=data["required"],
                    help_text=data["help_text"],
                    position=data["position"] if data["position"] is not None else field.position,
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Field “%(label)s” saved.") % {"label": data["label"]})
                return redirect("candidates:custom_fields")
        status = 422
        field.refresh_from_db()
    context = {"field": field, "form": form, "in_use": custom_fields.has_values(field)}
    return render(request, "candidates/custom_field_form.html", context, status=status)


@require_POST
@permission_required("candidates.change_customfield", raise_exception=True)
def custom_field_archive(request, pk):
    """Archive a field (hidden everywhere, values kept), or restore it with archived=0."""
    field = get_object_or_404(CustomField, pk=pk)
    archived = request.POST.get("archived", "1") != "0"
    custom_fields.archive_custom_field(field=field, archived=archived, by=request.user)
    if archived:
        messages.success(
            request, _("Field “%(label)s” archived; its values are kept.") % {"label": field.label}
        )
    else:
        messages.success(request, _("Field “%(label)s” restored.") % {"label": field.label})
    return redirect("candidates:custom_fields")


@require_POST
@permission_required("candidates.delete_customfield", raise_exception=True)
def custom_field_delete(request, pk):
    field = get_object_or_404(CustomField, pk=pk)
    try:
        custom_fields.delete_custom_field(field=field, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("candidates:custom_field", field.pk)
    messages.success(request, _("Field “%(label)s” deleted.") % {"label": field.label})
    return redirect("candidates:custom_fields")
