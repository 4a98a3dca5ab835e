"""Pages about sending: each user's sending identity (with its test email), and deliverability for admins."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from candidates.roles import is_admin

from . import deliverability, selectors
from .forms import IdentityForm, SelectorForm
from .identities import editable_identities, identity_for, send_test_email, update_identity
from .models import SenderIdentity


def _identity_for_user(request, user_id: int | None) -> SenderIdentity:
    """The identity the request may edit: the user's own, or (admins) any recruiter's or admin's; 404
    otherwise. Created with the owner's name and address on first use."""
    if user_id is None or user_id == request.user.pk:
        owner = request.user
    else:
        owner = get_object_or_404(editable_identities(request.user), pk=user_id)
    identity = identity_for(owner)
    if not request.user.has_perm("outreach.change_senderidentity", identity):
        raise Http404
    return identity


@permission_required("outreach.view_senderidentity", raise_exception=True)
def identity(request, user_id=None):
    identity = _identity_for_user(request, user_id)
    form = IdentityForm(request.POST or None, instance=identity)
    if request.method == "POST" and form.is_valid():
        update_identity(
            identity=identity,
            by=request.user,
            password=form.cleaned_data["smtp_password"],
            forget_password=form.cleaned_data["forget_password"],
            **form.identity_fields(),
        )
        messages.success(request, "Sending identity saved.")
        return redirect("outreach:identity_of", identity.user_id)
    return render(
        request,
        "outreach/identity.html",
        {
            "identity": identity,
            "form": form,
            "team": editable_identities(request.user) if is_admin(request.user) else None,
        },
        status=422 if form.errors else 200,
    )


@require_POST
@permission_required("outreach.change_senderidentity", raise_exception=True)
def identity_test(request, user_id):
    identity = _identity_for_user(request, user_id)
    result = send_test_email(identity=identity, by=request.user)
    return render(request, "outreach/identity.html#test-result", {"identity": identity, "result": result})


@permission_required("outreach.view_deliverability", raise_exception=True)
def deliverability_page(request):
    form = SelectorForm(request.GET or None)
    extra = [form.cleaned_data["selector"]] if form.is_valid() and form.cleaned_data["selector"] else []
    reports = deliverability.check_domains(extra_selectors=extra)
    rates = selectors.sending_rates()
    rows = [
        (identity, rates.senders.get(identity.user_id))
        for identity in SenderIdentity.objects.select_related("user").order_by("display_name")
    ]
    return render(
        request,
        "outreach/deliverability.html",
        {
            "form": form,
            "reports": reports,
            "selectors": [*deliverability.COMMON_DKIM_SELECTORS, *extra],
            "rows": rows,
            "unsubscribe_headers": deliverability.unsubscribe_headers(),
            "rate_days": selectors.RATE_DAYS,
            "site_rates": rates.senders.get(None),
        },
    )
