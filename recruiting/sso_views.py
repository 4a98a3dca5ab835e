"""The sign-in pages: the login page (with the provider's button, and the local form unless LOCAL_LOGIN is off),
the start of the OpenID Connect flow and its callback, and the admins' Single sign-on settings page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import services, sso
from .forms import SingleSignOnSettingsForm
from .models import SingleSignOnSettings


class LoginView(auth_views.LoginView):
    """Django's login page, offering the provider's button when single sign-on is set up. With LOCAL_LOGIN off
    the username and password form shows only at ?local=1 (for a superuser; everyone else is refused)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            sso_enabled=sso.is_enabled(),
            sso_provider_name=settings.OIDC_PROVIDER_NAME,
            local_login=settings.LOCAL_LOGIN or "local" in self.request.GET or self.request.method == "POST",
            local_login_only_superusers=not settings.LOCAL_LOGIN,
        )
        return context


@method_decorator(login_not_required, name="dispatch")
class SignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with a state, a nonce and a PKCE challenge (kept in the session)."""

    def __init__(self, **kwargs):
        View.__init__(
            self, **kwargs
        )  # the endpoints are read when someone signs in, not when the view is made

    def get(self, request):
        if not sso.is_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.provider().authorization_endpoint
        except sso.ProviderUnavailable:
            messages.error(request, "The sign-in service cannot be reached just now. Try again in a moment.")
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code: the backend checks the state, exchanges the code,
    verifies the ID token and signs the person in; any refusal goes back to the login page with a message."""

    def get(self, request):
        if not sso.is_enabled():
            raise Http404
        if request.GET.get("state") not in request.session.get("oidc_states", {}):
            return self.login_failure()  # a state this browser was never given: a forged or replayed answer
        return super().get(request)

    def login_failure(self):
        messages.error(
            self.request,
            f"Signing in with {settings.OIDC_PROVIDER_NAME} did not work. Try again, or ask an admin for access.",
        )
        return redirect("login")


@permission_required("recruiting.change_singlesignonsettings", raise_exception=True)
def sso_settings(request):
    """Admins map the provider's groups or roles to Longlist roles; the page also shows what to register at the
    provider."""
    current = SingleSignOnSettings.current()
    form = SingleSignOnSettingsForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.update_sso_settings(**form.cleaned_data)
            messages.success(request, "Single sign-on settings saved.")
            return redirect("sso_settings")
        status = 422
    context = {
        "form": form,
        "enabled": sso.is_enabled(),
        "issuer": settings.OIDC_ISSUER or settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "callback_url": request.build_absolute_uri(reverse("oidc_authentication_callback")),
        "local_login": settings.LOCAL_LOGIN,
        "provider_name": settings.OIDC_PROVIDER_NAME,
    }
    return render(request, "recruiting/sso_settings.html", context, status=status)
