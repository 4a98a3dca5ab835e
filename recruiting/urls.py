from anymail import urls as anymail_urls
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import obtain_auth_token

from candidates import urls as candidate_urls
from outreach.api.conversation import InboundEmailView

from . import api, health, sso_views, views
from .webhooks import views as webhook_views


def api_urls(patterns):
    """DRF authenticates API requests itself (session or token): exempt them from the login redirect."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            api_urls(pattern.url_patterns)
        else:
            pattern.callback = login_not_required(pattern.callback)
    return patterns


# The candidate profile shows pipelines' and outreach's panels, so recruiting composes it; it keeps its name in
# the candidates namespace, where candidate.get_absolute_url() and every link look for it.
candidate_patterns = [
    path("candidates/<int:pk>/", views.candidate_profile, name="detail"),
    *candidate_urls.urlpatterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", health.healthz, name="healthz"),
    # The careers pages' language switcher (POST with CSRF; the django_language cookie), open to anyone.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("metrics", health.metrics, name="metrics"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/settings/", views.insight_settings, name="insight_settings"),
    path("settings/", views.settings_area, name="settings"),
    path("settings/language/", views.my_language, name="my_language"),
    path("accounts/login/", sso_views.LoginView.as_view(), name="login"),
    path("oidc/authenticate/", sso_views.SignInView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", sso_views.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("settings/single-sign-on/", sso_views.sso_settings, name="sso_settings"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/webhooks/", webhook_views.webhook_list, name="webhooks"),
    path("settings/webhooks/<int:pk>/", webhook_views.webhook_detail, name="webhook"),
    path(
        "settings/webhooks/<int:pk>/secret/",
        webhook_views.webhook_rotate_secret,
        name="webhook_rotate_secret",
    ),
    path(
        "settings/webhooks/deliveries/<int:pk>/redeliver/",
        webhook_views.webhook_redeliver,
        name="webhook_redeliver",
    ),
    path("admin/", admin.site.urls),
    path("", include((candidate_patterns, candidate_urls.app_name))),
    path("", include("pipelines.urls")),
    path("", include("outreach.urls")),
    # django-anymail's provider webhooks (/anymail/mailgun/tracking/, /anymail/postmark/inbound/, …): each view
    # authenticates the call itself (ANYMAIL WEBHOOK_SECRET basic auth, the provider's signature), so they are
    # exempt from the login redirect like the API.
    path("anymail/", include((api_urls(list(anymail_urls.urlpatterns)), "anymail"))),
    path(
        "api/",
        include(
            api_urls(
                [
                    *api.router.urls,
                    path("reports/<slug:name>/", api.report, name="api-report"),
                    path("token/", obtain_auth_token, name="api-token"),
                    path("inbound-email/", InboundEmailView.as_view(), name="api-inbound-email"),
                    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
                    path(
                        "docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"
                    ),
                ]
            )
        ),
    ),
]

handler400 = views.bad_request
