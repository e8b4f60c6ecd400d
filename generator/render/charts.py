"""The report's charts as static SVG, by pygal: pure Python, no browser or engine
to start, a few milliseconds a chart, and text that stays text (so Chinese and
Cyrillic labels render with the page's fonts and can be found in a PDF).

Every chart is made inline-ready: no script and no tooltip (pygal's are left
out), no comment, and an id from the page's own counter, so that the same page
renders the same way every time.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)  # pygal's configuration for its tooltips
_TOOLTIP = re.compile(r'<desc class="[xy](?:_label)?\b[^"]*">[^<]*</desc>|<title>[^<]*</title>')
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_VALUE = re.compile(r'<text text-anchor="middle" x="([0-9.]+)"([^>]*class="value)')
_ID_ATTRIBUTE = re.compile(r'<svg[^>]*\sid="(chart-\d+)"')
MIN_POINTS = 2  # a sparkline of fewer values is left out: there is no line to see
LARGEST = 1e15  # beyond any real figure; pygal's scale overflows on far larger ones


def _style(colours: Sequence[str], font: str) -> Any:
    from pygal.style import Style

    return Style(background="transparent", plot_background="transparent", colors=tuple(colours),
                 value_colors=("#222222",),
                 font_family=font, label_font_size=11, major_label_font_size=11,
                 value_font_size=11, value_label_font_size=11, title_font_size=12,
                 foreground="#333333", foreground_strong="#333333", foreground_subtle="#BBBBBB")


def _inline(svg: str, ids: Iterator[int]) -> str:
    """The chart as an element of the page: no script, tooltip or comment, an id
    of its own from the page's counter."""
    svg = _TOOLTIP.sub("", _SCRIPT.sub("", _COMMENT.sub("", svg)))
    for found in dict.fromkeys(_ID.findall(svg)):
        svg = svg.replace(found, f"chart-{next(ids)}")
    return svg


def _drawable(values: Sequence[float | None]) -> bool:
    return all(value is None or (math.isfinite(value) and abs(value) < LARGEST)
               for value in values)


def sparkline(values: Sequence[float | None], colour: str, font: str,
              ids: Iterator[int]) -> str | None:
    """Twelve months in a line, gaps where a month has no value; None when fewer
    than two months have one."""
    if sum(value is not None for value in values) < MIN_POINTS or not _drawable(values):
        return None
    import pygal

    chart = pygal.Line(width=190, height=34, show_legend=False, show_x_labels=False,
                       show_y_labels=False, show_x_guides=False, show_y_guides=False, js=[],
                       disable_xml_declaration=True, dots_size=1.5, margin=3, stroke_style={"width": 2},
                       allow_interruptions=True, style=_style([colour], font), tooltip_border_radius=0)
    chart.add("", list(values))
    return _inline(chart.render(is_unicode=True), ids)


def sparklines(series: Mapping[str, Sequence[float | None]], colour: str, font: str,
               ids: Iterator[int]) -> tuple[str, dict[str, str | None]]:
    """A sparkline for each series, and the one stylesheet they share (for the
    page's head: the same 4 KB in each of thirty charts would triple the page).
    The stylesheet is safe inside a <style> element (no "<" in it)."""
    css, charts = "", {}
    for key, values in series.items():
        svg = sparkline(values, colour, font, ids)
        if svg is not None:
            style, root = _STYLE.search(svg), _ID_ATTRIBUTE.search(svg)
            assert style and root, "pygal's chart without its style or id"
            css = css or html.unescape(style[1]).replace(f"#{root[1]}", ".sparkline")
            svg = svg.replace(style[0], "").replace('class="pygal-chart"',
                                                     'class="pygal-chart sparkline"', 1)
        charts[key] = svg
    return css.replace("<", "\\3C "), charts


def bars(labels: Sequence[str], values: Sequence[float | None], colour: str, font: str,
         count: Callable[[float], str], ids: Iterator[int]) -> str | None:
    """Horizontal bars of the entered values, largest first, each with its count
    (written by ``count``) just past its end (the value axis and its guides left
    out: the counts say it); None when no value is entered."""
    pairs = sorted(((label, value) for label, value in zip(labels, values, strict=True)
                    if value is not None), key=lambda pair: -pair[1])
    if not pairs or not _drawable([value for _, value in pairs]):
        return None
    import pygal

    largest = max(max(value for _, value in pairs), 0) or 1
    chart = pygal.HorizontalBar(width=420, height=26 * len(pairs) + 24, show_legend=False, js=[],
                                disable_xml_declaration=True, print_values=True,
                                print_values_position="top", show_x_labels=False,
                                show_y_guides=False, show_x_guides=False, margin=4, spacing=4,
                                range=(min(0, *(value for _, value in pairs)), largest * 1.18),
                                style=_style([colour], font),
                                value_formatter=lambda value: "" if value is None else count(value))
    chart.x_labels = [label for label, _ in pairs][::-1]
    chart.add("", [value for _, value in pairs][::-1])
    svg = chart.render(is_unicode=True)
    # the count after the bar's end rather than across it
    svg = _VALUE.sub(lambda m: f'<text text-anchor="start" x="{float(m[1]) + 4:.2f}"{m[2]}', svg)
    return _inline(svg, ids)
