"""Apps import only downwards (recruiting → outreach → pipelines → candidates), and their templates link so too:
a page that shows a higher app's data or links is composed by the higher app."""

import re
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import URLResolver, get_resolver

ORDER = ["candidates", "pipelines", "outreach", "recruiting"]
URL_TAG = re.compile(r"""{%\s*url\s+['"]([\w:-]+)['"]""")
LOAD_TAG = re.compile(r"{%\s*load\s+([\w\s]+?)\s*%}")
PERMS = re.compile(r"\bperms\.(\w+)\.")


def _templates_of(app: str) -> list[Path]:
    folder = Path(settings.BASE_DIR) / "templates" / app
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _apps_of_unnamespaced_urls() -> dict[str, str]:
    """'home' -> 'recruiting': the package of the view behind each URL name that has no namespace."""
    apps = {}

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace is None:
                    walk(pattern.url_patterns)
            elif pattern.name:
                apps[pattern.name] = pattern.callback.__module__.split(".")[0]

    walk(get_resolver().url_patterns)
    return apps


def _higher(app: str, other: str | None) -> bool:
    return other in ORDER and ORDER.index(other) > ORDER.index(app)


def _upward_references(app: str) -> list[str]:
    url_apps = _apps_of_unnamespaced_urls()
    libraries = engines[
        "django"
    ].engine.libraries  # {"conversation": "outreach.templatetags.conversation", ...}
    found = []
    for path in _templates_of(app):
        text = path.read_text()
        for name in URL_TAG.findall(text):
            namespace, _, _ = name.rpartition(":")
            if _higher(app, namespace or url_apps.get(name)):
                found.append(f"{path.name}: url {name}")
        for loaded in LOAD_TAG.findall(text):
            for library in loaded.split():
                if _higher(app, libraries.get(library, "").split(".")[0]):
                    found.append(f"{path.name}: load {library}")
        for other in PERMS.findall(text):
            if _higher(app, other):
                found.append(f"{path.name}: perms.{other}")
    return found


def test_candidates_templates_neither_link_to_nor_load_from_higher_apps():
    assert _upward_references("candidates") == []


def test_pipelines_templates_neither_link_to_nor_load_from_higher_apps():
    assert _upward_references("pipelines") == []


def test_the_check_sees_an_upward_link(tmp_path, settings):
    (tmp_path / "templates" / "candidates").mkdir(parents=True)
    (tmp_path / "templates" / "candidates" / "page.html").write_text(
        "{% load conversation %}{% url 'outreach:enroll' %}{% url 'reports' %}{% if perms.pipelines.view_board %}"
    )
    settings.BASE_DIR = tmp_path
    assert _upward_references("candidates") == [
        "page.html: url outreach:enroll",
        "page.html: url reports",
        "page.html: load conversation",
        "page.html: perms.pipelines",
    ]
