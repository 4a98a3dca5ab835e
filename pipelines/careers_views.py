"""The public careers page (roles, apply form, thank-you) and its settings page for admins."""

import logging
import time

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET, require_http_methods

from candidates.forms import add_service_errors

from . import applications, selectors
from .forms import ApplicationForm, CareersSettingsForm
from .models import CareersSettings

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The visitor's address: the one our own reverse proxy appended to X-Forwarded-For when BEHIND_PROXY=1
    (also what login throttling counts by: AXES_CLIENT_IP_CALLABLE)."""
    if django_settings.BEHIND_PROXY and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _over_rate_limit(request) -> bool:
    """Counts this attempt; True past CAREERS_APPLY_RATE_LIMIT sent forms from one address in the clock hour."""
    key = f"careers-apply:{client_ip(request)}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        attempts = 1
    return attempts > django_settings.CAREERS_APPLY_RATE_LIMIT


def _careers_context(**extra) -> dict:
    return {"careers": CareersSettings.current(), **extra}


@login_not_required
@require_GET
def careers(request):
    return render(request, "pipelines/careers.html", _careers_context(roles=selectors.published_roles()))


@login_not_required
@require_http_methods(["GET", "POST"])
def careers_role(request, pk):
    """A published role with its apply form. A POST applies: 429 past the rate limit, a quiet thank-you for a
    filled honeypot (bots learn nothing; nothing is created), 422 with the errors, else on to the thank-you."""
    requisition = get_object_or_404(selectors.published_roles(), pk=pk)
    form = ApplicationForm()
    status = 200
    if request.method == "POST":
        if _over_rate_limit(request):
            return render(
                request,
                "pipelines/careers_role.html",
                _careers_context(role=requisition, form=form, rate_limited=True),
                status=429,
            )
        form = ApplicationForm(request.POST, request.FILES)
        if form.is_spam:
            logger.info("Careers honeypot filled for role %s; nothing created", requisition.pk)
            return redirect("pipelines:careers_thanks", requisition.pk)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            try:
                applications.submit_application(
                    requisition=requisition, language=translation.get_language() or "", **data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("pipelines:careers_thanks", requisition.pk)
        status = 422
    return render(
        request, "pipelines/careers_role.html", _careers_context(role=requisition, form=form), status=status
    )


@login_not_required
@require_GET
def careers_thanks(request, pk):
    requisition = get_object_or_404(selectors.published_roles(), pk=pk)
    return render(request, "pipelines/careers_thanks.html", _careers_context(role=requisition))


@permission_required("pipelines.change_careerssettings", raise_exception=True)
def careers_settings(request):
    form = CareersSettingsForm(request.POST or None, instance=CareersSettings.current())
    if form.is_valid():
        applications.update_careers_settings(**form.cleaned_data)
        messages.success(request, "Careers page saved.")
        return redirect("pipelines:careers_settings")
    return render(
        request,
        "pipelines/careers_settings.html",
        {"form": form, "roles": selectors.published_roles()},
        status=422 if form.errors else 200,
    )
