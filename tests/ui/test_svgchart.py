"""The server-side SVG chart: scaled bars, escaped text, no inline style."""

from portal.web.svgchart import Bar, bar_chart


def test_bars_scale_to_a_round_axis_and_text_is_escaped():
    svg = str(bar_chart("c", "Title <b>", "Desc & more", [Bar("Jan", 5, "5"), Bar("Feb", None, ""),
                                                         Bar("Mar", 10, "10")]))
    assert svg.count('class="chart-bar"') == 2  # no bar for a month without data
    assert "Title &lt;b&gt;" in svg and "Desc &amp; more" in svg
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert ">10</text>" in svg and "style=" not in svg


def test_all_zero_chart_still_draws_an_axis():
    svg = str(bar_chart("z", "t", "d", [Bar("Jan", 0, "0")]))
    assert 'class="chart-grid"' in svg and ">Jan</text>" in svg
