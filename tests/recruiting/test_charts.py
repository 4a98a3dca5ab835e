"""The reports' bar charts: labels that fit (wrapped, never cut to the same text) and counts beside rates."""

from django.template import Context, Template

from recruiting.templatetags.charts import LABEL_CHARS, bar_chart, wrap


def test_long_labels_wrap_and_keep_what_tells_them_apart():
    labels = [f"Active candidate follow-up · step {n}" for n in (1, 2, 3)]
    wrapped = [wrap(label) for label in labels]
    assert wrapped[0] == ["Active candidate follow-up", "· step 1"]
    assert len({tuple(lines) for lines in wrapped}) == 3
    assert wrap("Passive nurture — 6 months · step 1") == ["Passive nurture — 6 months", "· step 1"]
    assert wrap("Sourced") == ["Sourced"]
    longest = wrap("A very long sequence name that goes on and on and on · step 12")
    assert longest[-1].endswith("step 12") and longest[0].endswith("…")
    assert all(len(line) <= LABEL_CHARS for line in longest)


def test_rates_show_their_counts():
    rows = [
        {"label": "Nurture · step 1", "rate": 50.0, "replied": 1, "sent": 2},
        {"label": "Nurture · step 2", "rate": None, "replied": 0, "sent": 0},
    ]
    chart = bar_chart(
        rows, label="label", value="rate", unit="%", count="replied", total="sent", title="Reply rate"
    )
    assert [bar.shown for bar in chart["bars"]] == ["50.0% · 1/2", "—"]
    plain = bar_chart(rows, label="label", value="rate", unit="%", title="Reply rate")
    assert plain["bars"][0].shown == "50.0%"


def test_a_wrapped_label_is_drawn_on_two_lines_in_full():
    rows = [{"label": "Active candidate follow-up · step 2", "rate": 25.0}]
    svg = Template(
        "{% load charts %}{% bar_chart rows label='label' value='rate' unit='%' title='Rates' %}"
    ).render(Context({"rows": rows}))
    assert ">Active candidate follow-up</tspan>" in svg and ">· step 2</tspan>" in svg
    assert "<title>Active candidate follow-up · step 2: 25.0%</title>" in svg
