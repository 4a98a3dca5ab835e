import pytest

from outreach.placeholders import TemplateError, links, render_html, render_text, validate

VALUES = {"first_name": "Ada", "company": "Analytical <Engines>", "sender_name": "Rosa Martinez"}


def test_known_placeholders_and_fallbacks_render():
    text = render_text('Hi {{ first_name }} at {{company}}, {{ title | "fellow engineer" }}', VALUES)
    assert text == "Hi Ada at Analytical <Engines>, fellow engineer"


@pytest.mark.parametrize(
    ("template", "named"),
    [
        ("Hi {{ firstname }}", "{{ firstname }}"),
        ("Hi {{ first_name|upper }}", "{{ first_name|upper }}"),
        ("Hi {{ candidate.email }}", "{{ candidate.email }}"),
        ("Hi {{ first_name", "unclosed"),
        ("{% load os %}", "template tags"),
    ],
)
def test_unknown_or_malformed_placeholders_are_named(template, named):
    with pytest.raises(TemplateError) as error:
        validate(template)
    assert named in str(error.value)


def test_valid_template_passes():
    validate('Hi {{ first_name | "there" }}, see [our blog](https://example.com/blog){ml, platform}')


def test_links_carry_topics():
    assert links("[blog](https://example.com/b){ml, data}")[0].topics == ("ml", "data")


def test_html_escapes_values_and_text():
    html = render_html("<b>Hi</b> {{ company }}\n\nBye", VALUES)
    assert html == "<p>&lt;b&gt;Hi&lt;/b&gt; Analytical &lt;Engines&gt;</p>\n<p>Bye</p>"


def test_a_value_cannot_inject_a_link():
    values = {"company": "[click](https://evil.example)"}
    assert "<a " not in render_html("At {{ company }}", values)


def test_links_use_the_tracked_url():
    html = render_html("Read [this](https://example.com/x){ml}", {}, link_url=lambda link: "https://t/1")
    assert html == '<p>Read <a href="https://t/1">this</a></p>'
    assert render_text("Read [this](https://example.com/x)", {}) == "Read this (https://example.com/x)"
