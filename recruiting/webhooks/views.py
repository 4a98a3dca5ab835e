"""The admins' pages for outgoing webhooks (Settings → Webhooks): endpoints, their delivery log, redeliver."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from candidates.forms import add_service_errors

from ..models import WebhookDelivery, WebhookEndpoint
from . import endpoints, selectors
from .forms import WebhookEndpointForm


@permission_required("recruiting.view_webhookendpoint", raise_exception=True)
def webhook_list(request):
    """The endpoints with their counts; POST registers a new one."""
    form = WebhookEndpointForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("recruiting.add_webhookendpoint"):
            raise PermissionDenied
        if form.is_valid():
            try:
                endpoint = endpoints.create_endpoint(**form.cleaned_data, by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Endpoint added. Its signing secret is on its page.")
                return redirect(endpoint)
        status = 422
    context = {"endpoints": selectors.endpoints_with_counts(), "form": form}
    return render(request, "recruiting/webhooks.html", context, status=status)


@permission_required("recruiting.view_webhookendpoint", raise_exception=True)
def webhook_detail(request, pk):
    """One endpoint: its settings and secret, and its delivery log (filtered by status); POST saves changes."""
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    form = WebhookEndpointForm(request.POST or None, instance=endpoint)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("recruiting.change_webhookendpoint", endpoint):
            raise PermissionDenied
        if form.is_valid():
            try:
                endpoints.update_endpoint(endpoint=endpoint, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Endpoint saved.")
                return redirect(endpoint)
        status = 422
        endpoint.refresh_from_db()
    shown = request.GET.get("status", "")
    if shown not in WebhookDelivery.Status.values:
        shown = ""
    context = {
        "endpoint": endpoint,
        "form": form,
        "deliveries": selectors.delivery_log(endpoint, status=shown),
        "statuses": WebhookDelivery.Status.choices,
        "shown": shown,
    }
    return render(request, "recruiting/webhook.html", context, status=status)


@require_POST
@permission_required("recruiting.change_webhookendpoint", raise_exception=True)
def webhook_rotate_secret(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    endpoints.rotate_secret(endpoint=endpoint)
    messages.success(request, "New secret made: update the receiver, which must verify with it from now on.")
    return redirect(endpoint)


@require_POST
@permission_required("recruiting.change_webhookdelivery", raise_exception=True)
def webhook_redeliver(request, pk):
    """Send a delivered or failed delivery again (same event id), in the log's row."""
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=pk)
    try:
        delivery = endpoints.redeliver(delivery=delivery)
    except endpoints.NotRedeliverable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The delivery will be sent again in a moment.")
    return redirect(f"{delivery.endpoint.get_absolute_url()}#delivery-{delivery.pk}")
