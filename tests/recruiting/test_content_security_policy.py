"""A strict Content-Security-Policy on every page (django-csp): our origin only, no inline script or style, so no
template may carry one (the browser tests report any violation on the pages they open)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import CandidateFactory, RequisitionFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>"), "an inline <script>"),
    (re.compile(r"<style(?![^>]*\bnonce=)[^>]*>"), "a <style> without the CSP nonce"),
    (re.compile(r"\sstyle=[\"']"), "a style attribute"),
    (re.compile(r"\son[a-z]+=[\"']"), "an inline event handler"),
    (re.compile(r"\shx-on[:-]"), "hx-on (evaluated as code)"),
    (re.compile(r"javascript:"), "a javascript: URL"),
]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_no_template_carries_inline_script_or_style(template):
    text = template.read_text()
    for pattern, what in INLINE:
        found = pattern.search(text)
        assert not found, f"{what}: {found.group(0)!r}"


def test_pages_answer_with_a_strict_policy(client, recruiter):
    client.force_login(recruiter)
    requisition = RequisitionFactory()
    for url in (
        reverse("home"),
        reverse("candidates:list"),
        CandidateFactory().get_absolute_url(),
        reverse("pipelines:board", args=[requisition.pk]),
        "/api/docs/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        rules = policy(response)
        assert rules["default-src"] == ["'self'"], url
        assert "script-src" not in rules, url  # scripts: default-src, 'self' only
        assert rules["style-src"][0] == "'self'", url
        assert all(source.startswith("'nonce-") for source in rules["style-src"][1:]), url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy(client.get("/accounts/login/"))["frame-ancestors"] == ["'none'"]


def test_the_careers_page_styles_its_brand_colours_with_the_requests_nonce(client, db):
    response = client.get(reverse("pipelines:careers"))
    nonce = re.search(r'<style nonce="([^"]+)">:root', response.content.decode())
    assert nonce and f"'nonce-{nonce[1]}'" in policy(response)["style-src"]


def test_swagger_ui_loads_its_script_from_a_url_not_inline(client, recruiter):
    client.force_login(recruiter)
    html = client.get("/api/docs/").content.decode()
    assert re.search(r'<script src="[^"]*/api/docs/\?script=?"', html)
