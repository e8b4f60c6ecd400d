"""The report's charts as static SVG, by pygal: pure Python, no browser or engine
to start, a few milliseconds a chart, and text that stays text (so Chinese and
Cyrillic labels render with the page's fonts and can be found in a PDF).

Every chart is made inline-ready: no script (pygal's tooltips are left out), no
comment, an id of its own that does not change from run to run.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)  # pygal's configuration for its tooltips
_TOOLTIP = re.compile(r'<desc class="[xy]\b[^"]*">[^<]*</desc>|<title>Pygal</title>')
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_VALUE = re.compile(r'<text text-anchor="middle" x="([0-9.]+)"([^>]*class="value)')
_ID_ATTRIBUTE = re.compile(r'<svg[^>]*\sid="(chart-\d+)"')
_counter = itertools.count(1)
MIN_POINTS = 2  # a sparkline of fewer values is left out: there is no line to see


def _style(colours: Sequence[str], font: str) -> Any:
    from pygal.style import Style

    return Style(background="transparent", plot_background="transparent", colors=tuple(colours),
                 value_colors=("#222222",),
                 font_family=font, label_font_size=11, major_label_font_size=11,
                 value_font_size=11, value_label_font_size=11, title_font_size=12,
                 foreground="#333333", foreground_strong="#333333", foreground_subtle="#BBBBBB")


def _inline(svg: str) -> str:
    """The chart as an element of the page: no script, no comment, a stable id of
    its own."""
    svg = _TOOLTIP.sub("", _SCRIPT.sub("", _COMMENT.sub("", svg)))
    ids = dict.fromkeys(_ID.findall(svg))
    for found in ids:
        svg = svg.replace(found, f"chart-{next(_counter)}")
    return svg


def sparkline(values: Sequence[float | None], colour: str, font: str) -> str | None:
    """Twelve months in a line, gaps where a month has no value; None when fewer
    than two months have one."""
    if sum(value is not None for value in values) < MIN_POINTS:
        return None
    import pygal

    chart = pygal.Line(width=190, height=34, show_legend=False, show_x_labels=False,
                       show_y_labels=False, show_x_guides=False, show_y_guides=False, js=[],
                       disable_xml_declaration=True, dots_size=1.5, margin=3, stroke_style={"width": 2},
                       allow_interruptions=True, style=_style([colour], font), tooltip_border_radius=0)
    chart.add("", list(values))
    return _inline(chart.render(is_unicode=True))


def sparklines(series: Mapping[str, Sequence[float | None]], colour: str,
               font: str) -> tuple[str, dict[str, str | None]]:
    """A sparkline for each series, and the one stylesheet they share (for the
    page's head: the same 4 KB in each of thirty charts would triple the page)."""
    css, charts = "", {}
    for key, values in series.items():
        svg = sparkline(values, colour, font)
        if svg is not None:
            style, root = _STYLE.search(svg), _ID_ATTRIBUTE.search(svg)
            assert style and root, "pygal's chart without its style or id"
            css = css or html.unescape(style[1]).replace(f"#{root[1]}", ".sparkline")
            svg = svg.replace(style[0], "").replace('class="pygal-chart"',
                                                     'class="pygal-chart sparkline"', 1)
        charts[key] = svg
    return css, charts


def bars(labels: Sequence[str], values: Sequence[float | None], colour: str, font: str) -> str:
    """Horizontal bars, largest first, each with its count just past its end (the
    value axis and its guides left out: the counts say it)."""
    import pygal

    pairs = sorted(zip(labels, values, strict=True), key=lambda pair: -(pair[1] or 0))
    largest = max((value or 0 for _, value in pairs), default=0) or 1
    chart = pygal.HorizontalBar(width=420, height=26 * len(pairs) + 24, show_legend=False, js=[],
                                disable_xml_declaration=True, print_values=True,
                                print_values_position="top", show_x_labels=False,
                                show_y_guides=False, show_x_guides=False, margin=4, spacing=4,
                                range=(0, largest * 1.18), style=_style([colour], font),
                                value_formatter=_count)
    chart.x_labels = [label for label, _ in pairs][::-1]
    chart.add("", [value for _, value in pairs][::-1])
    svg = chart.render(is_unicode=True)
    # the count after the bar's end rather than across it
    svg = _VALUE.sub(lambda m: f'<text text-anchor="start" x="{float(m[1]) + 4:.2f}"{m[2]}', svg)
    return _inline(svg)


def _count(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"
