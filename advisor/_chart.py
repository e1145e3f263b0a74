"""Chart layout shared by advisor's figures: style, axes, pixel mapping and label placement.

Kept apart from :mod:`advisor.plot` (which decides what to draw) because placing labels so that
they do not pile up is geometry, not plotting; nothing here imports plotly at module level.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import math
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from advisor.errors import OptionalDependencyError
from advisor.money import usd_tick

WIDTH = 1100
"""Layout size in CSS pixels; labels are placed for it (PNG export doubles it with ``scale=2``)."""
HEIGHT = 680
_MARGIN = {"l": 80, "r": 275, "t": 100, "b": 70}
_FONT = "Inter, Helvetica Neue, Arial, sans-serif"
_CHAR_PX = 7.0  # average glyph width at the 11 px label font, for label boxes
_LABEL_H = 16.0
_INK = "#2b2b2b"
_GRID = "#e6e6e6"
_HIGHLIGHT = "#d62728"
# Glasbey "dark" (colorcet's glasbey_dark, first 48): each colour chosen in turn as far as possible,
# in CAM02-UCS, from the ones before it and from a white background, so any number of providers up
# to 48 stay apart, the most frequent ones with the most distinct colours.
_PALETTE = (
    "#d60000", "#8c3bff", "#018700", "#00acc6", "#e6a500", "#ff7ed1", "#6b004f", "#573b00",
    "#005659", "#15e18c", "#0000dd", "#a17569", "#bcb6ff", "#bf03b8", "#645472", "#790000",
    "#0774d8", "#729a7c", "#ff7752", "#004b00", "#8e7b01", "#f2007b", "#8eba00", "#a57bb8",
    "#5901a3", "#e2afaf", "#a03a52", "#a1c8c8", "#9e4b00", "#546744", "#bac389", "#5e7b87",
    "#60383b", "#8287ff", "#380000", "#e252ff", "#2f5282", "#7ecaff", "#c4668e", "#008069",
    "#919eb6", "#cc7407", "#7e2a8e", "#00bda3", "#2db152", "#4d33ff", "#00e400", "#ff00cd",
)  # fmt: skip


def provider_colours(models: Iterable[Any]) -> dict[str, str]:
    """One colour per provider, the same in every chart of a catalog (no hashing, a fixed order).

    Providers are ordered by how many models of ``models`` (pass the whole catalog, not a view)
    they have, most first, then by name, and take the palette in that order; ``unknown`` stands
    for models without a provider. Beyond 48 providers colours repeat.
    """
    counts: dict[str, int] = {}
    for m in models:
        name = m.provider or "unknown"
        counts[name] = counts.get(name, 0) + 1
    order = sorted(counts, key=lambda name: (-counts[name], name.casefold(), name))
    return {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(order)}


def _article(word: str) -> str:
    """``a`` or ``an`` before a word, by its first letter (``an arena-text score``)."""
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _e(text: object) -> str:
    """Escape a user-provided string for plotly text (which renders a subset of HTML)."""
    return html.escape(str(text), quote=True)


def _go() -> Any:
    try:
        import plotly.graph_objects as go
    except ImportError:  # pragma: no cover - plotly is a dependency
        raise OptionalDependencyError("charts need plotly: pip install plotly") from None
    return go


def _base_layout(title: str, subtitle: str) -> dict[str, Any]:
    return {
        "title": {
            "text": f"<b>{title}</b>",
            "subtitle": {"text": subtitle, "font": {"size": 12, "color": "#555"}},
            "x": 0.01,
            "xanchor": "left",
            "y": 0.97,
            "yanchor": "top",
            "font": {"size": 18},
        },
        "width": WIDTH,
        "height": HEIGHT,
        "margin": _MARGIN,
        "font": {"family": _FONT, "size": 12, "color": _INK},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hoverlabel": {"font": {"family": _FONT, "size": 12}, "align": "left"},
        "legend": {
            "x": 1.02,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "top",
            "font": {"size": 11},
            "bgcolor": "rgba(255,255,255,0.9)",
            "tracegroupgap": 4,
        },
    }


def _axis(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 13}},
        "showgrid": True,
        "gridcolor": _GRID,
        "zeroline": False,
        "showline": True,
        "linecolor": "#999",
        "ticks": "outside",
        "tickcolor": "#999",
        **extra,
    }


# --- frontier -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Pixels:
    """Maps data to pixels inside the plot area (origin top left), for axes with fixed ranges.

    Ranges are as plotly takes them: log10 units on a log axis, day ordinals on a date axis.
    """

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    log_x: bool = False
    log_y: bool = False
    width: float = WIDTH - _MARGIN["l"] - _MARGIN["r"]
    height: float = HEIGHT - _MARGIN["t"] - _MARGIN["b"]

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        xv = math.log10(x) if self.log_x else x
        yv = math.log10(y) if self.log_y else y
        px = (xv - self.x_range[0]) / (self.x_range[1] - self.x_range[0]) * self.width
        py = (self.y_range[1] - yv) / (self.y_range[1] - self.y_range[0]) * self.height
        return px, py

    def step_samples(self, xs: Sequence[float], ys: Sequence[float], every: float = 8.0) -> list[tuple[float, float]]:
        """Pixel points along a horizontal-then-vertical step line, about ``every`` px apart."""
        out: list[tuple[float, float]] = []
        pts = [self(x, y) for x, y in zip(xs, ys, strict=True)]
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            for a, b, c, d in ((x0, y0, x1, y0), (x1, y0, x1, y1)):
                n = max(1, int(math.hypot(c - a, d - b) // every))
                out.extend((a + (c - a) * k / n, b + (d - b) * k / n) for k in range(n + 1))
        return out


def _place_labels(
    labels: Sequence[tuple[float, float, str]],
    obstacles: Sequence[tuple[float, float]],
    px: _Pixels,
    *,
    optional: Collection[int] | None = None,
) -> list[tuple[float, float] | None]:
    """Pixel offsets (ax, ay) of each label's centre from its point, chosen greedily.

    ``labels`` are (x px, y px, text), ``obstacles`` pixel points to keep clear (markers, lines).
    Each label tries offsets on rings around its point and takes the one whose box overlaps the
    fewest already-placed labels and obstacles and stays inside the plot, preferring short arrows
    and positions above the point. A label of ``optional`` (indexes) that can only go where it
    would overlap a label, cross a leader line or leave the plot gets None: the caller numbers
    its point in a key instead, and the space stays free for the labels after it.
    """
    boxes: list[tuple[float, float, float, float]] = []
    angles = (-90, -60, -120, -30, -150, 90, 60, 120, 0, 180, 30, 150, -75, -105, -45, -135, 75, 105, 45, 135)
    candidates = [
        (r * math.cos(math.radians(a)), r * math.sin(math.radians(a))) for r in (30, 52, 78, 108, 140) for a in angles
    ]
    leaders: list[tuple[float, float, float, float]] = []
    placed: list[tuple[float, float] | None] = []
    for k, (x, y, text) in enumerate(labels):
        half_w = (len(text) * _CHAR_PX + 8) / 2
        half_h = _LABEL_H / 2
        best: tuple[float, tuple[float, float]] = (math.inf, candidates[0])
        for i, (dx, dy) in enumerate(candidates):
            cx, cy = x + dx, y + dy
            box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
            cost = i * 0.01
            # Overlapping another label is worse than crossing any number of markers or lines.
            cost += sum(_CLASH + 5.0 * a for a in (_overlap(box, b) for b in boxes) if a > 0)
            # So are leader lines that cross each other or run through a label.
            mine = _leader(x, y, box)
            cost += sum(_CLASH for seg in leaders if _segments_cross(mine, seg))
            cost += sum(_CLASH for seg in leaders if _segment_hits_box(seg, box))
            cost += sum(_CLASH for b in boxes if _segment_hits_box(mine, b))
            cost += sum(
                1.0 for mx, my in obstacles if box[0] - 3 <= mx <= box[2] + 3 and box[1] - 3 <= my <= box[3] + 3
            )
            outside = max(0.0, -box[0]) + max(0.0, box[2] - px.width) + max(0.0, -box[1]) + max(0.0, box[3] - px.height)
            cost += outside * 10.0
            if cost < best[0]:
                best = (cost, (dx, dy))
        if optional is not None and k in optional and best[0] >= _CLASH:
            placed.append(None)
            continue
        dx, dy = best[1]
        cx, cy = x + dx, y + dy
        boxes.append((cx - half_w, cy - half_h, cx + half_w, cy + half_h))
        leaders.append(_leader(x, y, boxes[-1]))
        placed.append((round(dx, 1), round(dy, 1)))
    return placed


_CLASH = 100.0
"""A placement cost this high means the label overlaps another, a leader line crosses, or it leaves the plot."""


def _leader(x: float, y: float, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The visible leader line: from the point to where the line towards the box's centre meets the box."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    dx, dy = cx - x, cy - y
    if dx == 0 and dy == 0:
        return (x, y, x, y)
    half_w, half_h = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    # Fraction of the way to the centre at which the line enters the box.
    t = 1.0 - min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    t = max(0.0, t)
    return (x, y, x + dx * t, y + dy * t)


def _segments_cross(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two segments properly intersect (touching at an end point does not count)."""

    def side(px: float, py: float, qx: float, qy: float, rx: float, ry: float) -> float:
        return (qx - px) * (ry - py) - (qy - py) * (rx - px)

    d1 = side(b[0], b[1], b[2], b[3], a[0], a[1])
    d2 = side(b[0], b[1], b[2], b[3], a[2], a[3])
    d3 = side(a[0], a[1], a[2], a[3], b[0], b[1])
    d4 = side(a[0], a[1], a[2], a[3], b[2], b[3])
    return d1 * d2 < 0 and d3 * d4 < 0


def _segment_hits_box(seg: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> bool:
    """Whether a segment passes through a box (sampled finely: leader lines are short)."""
    x0, y0, x1, y1 = seg
    n = max(2, int(math.hypot(x1 - x0, y1 - y0) // 2))
    return any(
        box[0] < x0 + (x1 - x0) * k / n < box[2] and box[1] < y0 + (y1 - y0) * k / n < box[3] for k in range(n + 1)
    )


def _log_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    """Tick values 1-2-5 per decade between 10**lo and 10**hi, labelled as money."""
    vals: list[float] = []
    for k in range(math.floor(lo), math.ceil(hi) + 1):
        for m in (1, 2, 5):
            v = m * 10.0**k
            if lo <= math.log10(v) <= hi:
                vals.append(v)
    return vals, [usd_tick(v) for v in vals]


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Overlapping area of two boxes, in units of a label's height squared (0 when apart)."""
    gap = 2.0
    w = min(a[2], b[2]) - max(a[0], b[0]) + gap
    h = min(a[3], b[3]) - max(a[1], b[1]) + gap
    return 0.0 if w <= 0 or h <= 0 else (w * h) / (_LABEL_H * _LABEL_H)
