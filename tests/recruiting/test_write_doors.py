"""One door per state change: every write the API or the Django admin offers reaches the models through the
service for its use case, never through DRF's or Django's generic save and delete.

The test walks the API router and the admin registry, so a new viewset, serializer or admin that writes directly
fails here without anyone having to remember to add it.
"""

import dis
import inspect
import re
from types import CodeType, FunctionType, ModuleType, SimpleNamespace

import pytest
from django.contrib import admin
from django.test import RequestFactory
from rest_framework import mixins, serializers
from rest_framework.views import APIView

from candidates.models import Candidate, PrivacyPolicy
from outreach.models import Topic
from pipelines.models import CareersSettings, ForecastSettings
from recruiting.api import router
from recruiting.models import InsightSettings
from recruiting.urls import urlpatterns
from tests.factories import AdminFactory

APPS = ("candidates", "pipelines", "outreach", "recruiting")
# Modules of our apps that hold no writes: reading, presenting, wiring. Everything else is a service module.
NOT_SERVICES = {
    "admin",
    "api",
    "apps",
    "careers_views",
    "export",
    "forms",
    "models",
    "normalize",
    "placeholders",
    "roles",
    "rules",
    "search",
    "selectors",
    "signals",
    "templatetags",
    "timing",
    "tokens",
    "urls",
    "views",
}
# Pure settings, edited as such in the admin (and on their pages): one row each, and the names topics show as.
SETTINGS_MODELS = {PrivacyPolicy, ForecastSettings, CareersSettings, InsightSettings, Topic}
STATUS_LIKE = re.compile(r"(^|_)(status|state)$|_at$")
# A candidate's own attribute (active / passive), edited with the rest of the profile by update_candidate.
NOT_A_STATE = {"seeking_status"}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def is_service_module(name: str) -> bool:
    parts = name.split(".")
    return parts[0] in APPS and not NOT_SERVICES.intersection(parts[1:])


def _names(code: CodeType) -> set[str]:
    names = {i.argval for i in dis.get_instructions(code) if isinstance(i.argval, str)}
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _names(const)
    return names


def services_called(func) -> set[str]:
    """The service functions a function refers to by name (module.function or an imported function)."""
    func = inspect.unwrap(func)
    if not isinstance(func, FunctionType):
        return set()
    names = _names(func.__code__)
    found = set()
    for name in names:
        value = func.__globals__.get(name)
        if isinstance(value, ModuleType) and is_service_module(value.__name__):
            found |= {
                f"{value.__name__}.{attr}"
                for attr in names
                if inspect.isfunction(getattr(value, attr, None))
                and is_service_module(getattr(value, attr).__module__)
            }
        elif inspect.isfunction(value) and is_service_module(value.__module__):
            found.add(f"{value.__module__}.{name}")
    return found


def _overrides(cls, name: str, default_owner) -> bool:
    return getattr(cls, name) is not getattr(default_owner, name)


@pytest.fixture
def superuser(db):
    return AdminFactory(is_superuser=True, is_staff=True)


def serializer_for(viewset, action: str, user):
    view = viewset(
        action=action, request=SimpleNamespace(user=user, method="POST"), format_kwarg=None, kwargs={}
    )
    return view.get_serializer_class()


def write_doors(superuser):
    """(route, function that performs the write) for every write the router offers."""
    for prefix, viewset, _ in router.registry:
        for route in router.get_routes(viewset):
            for method, action in route.mapping.items():
                if method not in WRITE_METHODS or not hasattr(viewset, action):
                    continue
                label = f"{method.upper()} /api/{prefix}/ ({action})"
                if action == "create" and not _overrides(viewset, "create", mixins.CreateModelMixin):
                    door = (
                        viewset.perform_create
                        if _overrides(viewset, "perform_create", mixins.CreateModelMixin)
                        else serializer_for(viewset, action, superuser).create
                    )
                elif action in ("update", "partial_update") and not _overrides(
                    viewset, action, mixins.UpdateModelMixin
                ):
                    door = (
                        viewset.perform_update
                        if _overrides(viewset, "perform_update", mixins.UpdateModelMixin)
                        else serializer_for(viewset, action, superuser).update
                    )
                elif action == "destroy" and not _overrides(viewset, "destroy", mixins.DestroyModelMixin):
                    door = viewset.perform_destroy
                else:
                    door = getattr(viewset, action)
                yield label, door


def test_every_api_write_goes_through_a_service(superuser):
    direct = [label for label, door in write_doors(superuser) if not services_called(door)]
    assert direct == [], f"API writes that reach the models without a service: {direct}"


def test_the_walk_sees_the_api_writes(superuser):
    """The walk finds the writes it guards (so an empty list above means something)."""
    doors = dict(write_doors(superuser))
    assert "candidates.privacy.erase_candidate" in services_called(doors["DELETE /api/candidates/ (destroy)"])
    assert services_called(doors["POST /api/sequences/ (status)"]) == {
        "outreach.sequences.set_sequence_status"
    }
    assert not services_called(serializers.ModelSerializer.update)
    assert not services_called(mixins.DestroyModelMixin.perform_destroy)


def test_api_views_outside_the_router_write_through_a_service():
    api = next(p for p in urlpatterns if str(p.pattern) == "api/")
    for pattern in api.url_patterns:
        view = getattr(pattern.callback, "cls", None)
        if view is None or not issubclass(view, APIView) or hasattr(pattern.callback, "actions"):
            continue
        if view.__module__.split(".")[0] not in APPS:
            continue
        for method in WRITE_METHODS & set(dir(view)):
            assert services_called(getattr(view, method)), (
                f"{view.__name__}.{method} writes without a service"
            )


def _our_model_serializers():
    pending = [serializers.ModelSerializer]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.split(".")[0] in APPS:
            yield cls


def test_no_serializer_writes_a_status():
    writable = {
        cls.__name__: sorted(name for name, field in cls().fields.items() if not field.read_only)
        for cls in _our_model_serializers()
    }
    assert "CandidateSerializer" in writable and "SequenceSerializer" in writable
    states = {
        name: [field for field in fields if STATUS_LIKE.search(field) and field not in NOT_A_STATE]
        for name, fields in writable.items()
    }
    assert {name: fields for name, fields in states.items() if fields} == {}


def _domain_admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in APPS and model not in SETTINGS_MODELS:
            yield model, model_admin


def test_domain_models_are_read_only_in_the_admin_unless_an_action_calls_a_service(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert len(list(_domain_admins())) > 10
    writable = []
    for model, model_admin in _domain_admins():
        name = model.__name__
        for what, allowed in (
            ("add", model_admin.has_add_permission(request)),
            ("change", model_admin.has_change_permission(request)),
            ("delete", model_admin.has_delete_permission(request)),
        ):
            if allowed:
                writable.append(f"{name}: {what}")
        for inline in model_admin.get_inline_instances(request):
            if inline.has_add_permission(request, None) or inline.has_change_permission(request):
                writable.append(f"{name}: inline {inline.model.__name__}")
        for action, (func, _, _) in model_admin.get_actions(request).items():
            if not services_called(func):
                writable.append(f"{name}: action {action}")
    assert writable == []


def test_the_admin_erases_a_candidate_through_the_service(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    actions = admin.site._registry[Candidate].get_actions(request)
    assert services_called(actions["erase"][0]) == {"candidates.privacy.erase_candidate"}


@pytest.mark.parametrize("path", ["/admin/candidates/candidate/", "/admin/candidates/candidatealias/"])
def test_the_admin_search_is_held_to_the_search_bounds(client, superuser, path):
    client.force_login(superuser)
    assert client.get(path, {"q": "ada lovelace"}).status_code == 200
    too_many_words = client.get(path, {"q": " ".join(["word"] * 13)})
    assert too_many_words.status_code == 400
    assert "at most 12 words" in too_many_words.content.decode()
    assert client.get(path, {"q": "x" * 201}).status_code == 400
