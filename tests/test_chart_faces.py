"""What a reader of the static charts sees: colours, labels that do not collide, money on the axes."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import math
import re
from pathlib import Path

import pytest

import advisor
from advisor._chart import _CHAR_PX, _LABEL_H, _PALETTE, _Pixels, provider_colours
from advisor.explore import explorer_data
from advisor.money import usd_tick
from advisor.plot import plot_frontier, plot_history, write_figure

TODAY = dt.date(2025, 8, 4)  # the newest Arena snapshot with prices for most of its models
JULY = dt.date(2024, 7, 24)


def _lab(hex_colour: str) -> tuple[float, float, float]:
    """sRGB -> CIELAB (D65), for colour differences as a reader perceives them."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _delta_e(a: str, b: str) -> float:
    return math.dist(_lab(a), _lab(b))


@pytest.mark.parametrize("day", [JULY, TODAY, None])
def test_provider_colours_are_distinct_on_the_frontier(day: dt.date | None) -> None:
    catalog = advisor.load_catalog()
    view = catalog.as_of(day) if day else catalog.view()
    fig = plot_frontier(view)
    colours = {t.name: t.marker.color for t in fig.data if t.legendgroup == "providers"}
    assert len(set(colours.values())) == len(colours)
    closest = min(_delta_e(a, b) for a, b in itertools.combinations(colours.values(), 2))
    assert closest > 12, closest  # the near-pairs (gold/yellow, red/pink) were under 10
    # and the same provider has the same colour in the explorable chart of that view
    data = explorer_data(view)
    assert {p["name"]: p["colour"] for p in data["providers"] if p["name"] in colours} == {
        html.unescape(k): v for k, v in colours.items()
    }


def test_the_palette_is_far_from_white_and_from_itself() -> None:
    pairs = [_delta_e(a, b) for a, b in itertools.combinations(_PALETTE[:16], 2)]
    assert min(pairs) > 15
    assert min(_delta_e(c, "#ffffff") for c in _PALETTE[:16]) > 15


def test_colour_order_is_fixed_by_model_count_not_by_hash() -> None:
    class M:
        def __init__(self, provider: str | None) -> None:
            self.provider = provider

    models = [M("b"), M("a"), M("b"), M(None), M("c"), M("c"), M("c")]
    assert provider_colours(models) == {"c": _PALETTE[0], "b": _PALETTE[1], "a": _PALETTE[2], "unknown": _PALETTE[3]}


def _label_geometry(fig: object) -> tuple[list[tuple[float, ...]], list[tuple[float, ...]]]:
    """Label boxes and visible leader lines in pixels, from the figure as plotly will draw it."""
    layout = fig.layout  # type: ignore[attr-defined]
    px = _Pixels(tuple(layout.xaxis.range), tuple(layout.yaxis.range), log_x=layout.xaxis.type == "log")
    boxes, leaders = [], []
    for a in layout.annotations:
        if a.xref != "x":
            continue
        text = html.unescape(re.sub(r"<[^>]+>", "", a.text))
        x = 10**a.x if layout.xaxis.type == "log" else a.x
        y = a.y if layout.yaxis.type != "log" else 10**a.y
        if layout.yaxis.type == "log":
            px = _Pixels(
                tuple(layout.xaxis.range), tuple(layout.yaxis.range), log_x=layout.xaxis.type == "log", log_y=True
            )
        if layout.xaxis.type == "date":
            x = dt.date.fromisoformat(a.x).toordinal()
            r = [dt.date.fromisoformat(str(v)[:10]).toordinal() for v in layout.xaxis.range]
            px = _Pixels((r[0], r[1]), tuple(layout.yaxis.range), log_y=True)
        x0, y0 = px(x, y)
        cx, cy = x0 + a.ax, y0 + a.ay
        hw, hh = (len(text) * _CHAR_PX + 8) / 2, _LABEL_H / 2
        box = (cx - hw, cy - hh, cx + hw, cy + hh)
        boxes.append(box)
        # the line runs from the point towards the box's centre and stops at its edge
        t = max(0.0, 1 - min(hw / abs(a.ax) if a.ax else math.inf, hh / abs(a.ay) if a.ay else math.inf))
        leaders.append((x0, y0, x0 + a.ax * t, y0 + a.ay * t))
    return boxes, leaders


def _cross(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    def orient(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    p1, p2, q1, q2 = (a[0], a[1]), (a[2], a[3]), (b[0], b[1]), (b[2], b[3])
    return orient(q1, q2, p1) * orient(q1, q2, p2) < 0 and orient(p1, p2, q1) * orient(p1, p2, q2) < 0


def _through(seg: tuple[float, ...], box: tuple[float, ...]) -> bool:
    n = 200
    return any(
        box[0] < seg[0] + (seg[2] - seg[0]) * k / n < box[2] and box[1] < seg[1] + (seg[3] - seg[1]) * k / n < box[3]
        for k in range(n + 1)
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda c: plot_frontier(c.view()),
        lambda c: plot_frontier(c.as_of(TODAY)),
        lambda c: plot_frontier(c.as_of(JULY), target="gpt-4o"),
        lambda c: plot_frontier(c.view(), budget=1.0),
        lambda c: plot_history(c),
    ],
    ids=["today", "2025-08-04", "july-target", "today-budget", "history"],
)
def test_labels_and_leader_lines_do_not_collide(make: object) -> None:
    fig = make(advisor.load_catalog())  # type: ignore[operator]
    boxes, leaders = _label_geometry(fig)
    assert len(boxes) >= 3
    for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2):
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, f"label boxes {i} and {j} overlap"
    for (i, a), (j, b) in itertools.combinations(enumerate(leaders), 2):
        assert not _cross(a, b), f"leader lines {i} and {j} cross"
    for i, seg in enumerate(leaders):
        for j, box in enumerate(boxes):
            if i != j:
                assert not _through(seg, box), f"leader line {i} runs through label {j}"


def test_subtitle_grammar_and_money_axes() -> None:
    view = advisor.load_catalog().as_of(JULY)
    fig = plot_frontier(view)
    assert "with a price and an arena-text score" in fig.layout.title.subtitle.text
    ticks = fig.layout.xaxis
    assert list(ticks.ticktext) == [usd_tick(v) for v in ticks.tickvals]
    assert all(re.fullmatch(r"\$\d{1,3}(,\d{3})*(\.\d+)?", t) for t in ticks.ticktext)
    wide = plot_frontier(view, per="request")
    assert all(
        "," in t for t, v in zip(wide.layout.xaxis.ticktext, wide.layout.xaxis.tickvals, strict=True) if v >= 1000
    )


def test_html_fills_the_window(tmp_path: Path) -> None:
    fig = plot_frontier(advisor.load_catalog().as_of(JULY))
    page = write_figure(fig, tmp_path / "f.html").read_text(encoding="utf-8")
    assert '"width":1100' not in page.replace(" ", "") and "height:100vh; width:100%" in page
    assert fig.layout.width == 1100  # the figure itself keeps its size for PNG export


@pytest.mark.parametrize("day", [JULY, TODAY])
def test_every_point_is_named_or_numbered_in_a_key(day: dt.date) -> None:
    view = advisor.load_catalog().as_of(day)
    fig = plot_frontier(view, target="gpt-4o")
    labels = {html.unescape(re.sub(r"<[^>]+>", "", a.text)) for a in fig.layout.annotations if a.xref == "x"}
    key = "<br>".join(a.text for a in fig.layout.annotations if a.name == "key").split("<br>")
    entries = dict(line.split(" ", 1) for line in key if line)
    numbered = {}
    for t in fig.data:
        if t.legendgroup == "providers":
            numbered.update({n: y for n, y in zip(t.text, t.y, strict=True) if n})
    assert sorted(entries, key=int) == sorted(numbered, key=int) == [str(i) for i in range(1, len(numbered) + 1)]
    pool = advisor.frontier(view)  # labelled: both frontiers (and the recommendation)
    options = {o.id: o for o in __import__("advisor.select", fromlist=["pool"]).pool(view).options}
    assert len(labels) + len(numbered) == len(options)
    for name in entries.values():
        assert name.rstrip("…") in {html.escape(o.name)[: len(name.rstrip("…"))] for o in options.values()}
    # labels name frontier models only; where a label would clash (today's crowded frontier) the
    # point is numbered in the key instead; in July 2024 every frontier model has its label
    front_names = {pt.option.name for pt in pool.points}
    chosen = advisor.recommend(view, target="gpt-4o").choice.name
    assert labels <= front_names | {chosen} and chosen in labels
    if day == JULY:
        assert front_names <= labels
    else:
        assert len(front_names - labels) >= 1
    # the plot area keeps the size labels were placed for; the key only adds height below it
    assert fig.layout.height - fig.layout.margin.t - fig.layout.margin.b == 680 - 100 - 70
