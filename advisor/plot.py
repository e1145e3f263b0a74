"""Charts of the decisions, as plotly figures, and writing them to HTML, PNG or SVG.

plotly is imported inside the functions only, so ``import advisor.plot`` stays cheap. Every
string that comes from a catalog file (model names, providers, source titles, benchmark names)
goes through :func:`html.escape` before it reaches plotly, because plotly.js renders a subset of
HTML in titles, labels and hover text: a model named ``<img src=x onerror=...>`` shows as text.

The figures only draw what the engine decides (:func:`advisor.frontier`,
:func:`advisor.recommend`, :func:`advisor.rank`, :func:`advisor.cost_of_quality`); no ranking
is done here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor._chart import (
    _HIGHLIGHT,
    _INK,
    _MARGIN,
    _article,
    _axis,
    _base_layout,
    _e,
    _go,
    _log_ticks,
    _Pixels,
    _place_labels,
    provider_colours,
)
from advisor._io import atomic_write_bytes, atomic_write_text
from advisor.catalog import DEFAULT_METRIC, Catalog, score_of
from advisor.errors import AdvisorError, NoCandidateError, OptionalDependencyError
from advisor.freshness import STALE_AFTER_DAYS
from advisor.money import usd
from advisor.workload import PER_UNITS, Per, Workload

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

    from advisor.history import CostOfQuality
    from advisor.select import Option, Pool, Recommendation

__all__ = ["plot_frontier", "plot_history", "plot_winrates", "write_figure"]

HTML_CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True}
"""plotly.js config of written HTML: no plotly logo; the modebar's PNG download works offline."""


def plot_frontier(
    catalog: Catalog,
    *,
    metric: str = DEFAULT_METRIC,
    workload: Workload | None = None,
    per: Per = "mtok",
    target: str | None = None,
    min_score: float | None = None,
    budget: float | None = None,
    title: str | None = None,
    mix_vs: str | None = None,
) -> Figure:
    """Score against cost for every priced and scored model, with both frontiers and the choice.

    The cost axis is logarithmic in the unit ``per`` names, at the workload's blend; error bars
    are 95% confidence intervals; the point Pareto frontier is a step line (the best score money
    can buy up to each cost) and models on the uncertainty-aware frontier (not beaten beyond the
    CIs by any cheaper-or-equal model) are ringed. Colours are providers. ``target`` (a model)
    draws its 95% CI as a band, ``min_score`` a line, ``budget`` (in the unit ``per`` names) a
    vertical line; with any of them the model :func:`advisor.recommend` chooses is highlighted.
    ``title`` is plain text. Models with a cost of 0 are drawn at the left edge of the log axis.
    ``mix_vs`` (a model, Bradley-Terry metrics) draws the cheapest two-model mixes by their expected
    win rate against it (see :mod:`advisor.mix`), as the score of a single model winning as often.
    """
    from advisor.select import frontier, pool, recommend

    go = _go()
    view = catalog.view()
    w = workload or Workload()
    p = pool(view, metric=metric, workload=w, per=per)
    if not p.options:
        raise NoCandidateError(f"nothing to plot: no model has both a price and a {metric} score as of {p.as_of}")
    front = frontier(view, metric=metric, workload=w, per=per)
    status = {pt.option.id: pt for pt in front.points}
    rec: Recommendation | None = None
    rec_note = ""
    if target is not None or min_score is not None or budget is not None:
        try:
            rec = recommend(view, metric=metric, workload=w, per=per, target=target, min_score=min_score, budget=budget)
        except NoCandidateError as exc:
            rec_note = f"nothing qualifies: {exc}"
    benchmark, category = view.check_metric(metric)
    bench = view.benchmarks[benchmark]
    unit = PER_UNITS[per]

    costs = [float(o.cost.amount(per) or 0.0) for o in p.options]
    positive = [c for c in costs if c > 0]
    floor = (min(positive) if positive else 1e-3) / 3.0
    xs = [c if c > 0 else floor for c in costs]
    x_of = {o.id: x for o, x in zip(p.options, xs, strict=True)}

    # Axis ranges are set here (not autoranged) so label placement knows where every pixel is.
    x_lo, x_hi = min(xs), max(xs)
    if budget is not None and budget > 0:
        x_lo, x_hi = min(x_lo, budget), max(x_hi, budget)
    x_range = [math.log10(x_lo) - 0.25, math.log10(x_hi) + 0.3]
    lows = [o.ci_lower for o in p.options]
    highs = [o.ci_upper for o in p.options]
    ref = rec.reference if rec is not None and target is not None else None
    if ref is None and target is not None:
        ref = next((o for o in p.options if o.id == view.resolve(target)), None)
    if ref is not None:
        lows.append(ref.ci_lower)
        highs.append(ref.ci_upper)
    if min_score is not None:
        lows.append(min_score)
        highs.append(min_score)
    y_lo, y_hi = min(lows), max(highs)
    pad = max(y_hi - y_lo, 1e-9)
    y_range = [y_lo - 0.06 * pad, y_hi + 0.12 * pad]
    if not p.higher_is_better:
        y_range.reverse()  # up is always better

    fig = go.Figure()
    providers = sorted({o.provider or "unknown" for o in p.options}, key=str.casefold)
    colour = provider_colours(view)
    sources = _score_sources(view, [o.id for o in p.options], benchmark, category)
    # The frontier's models (and the recommendation) are named beside their points where a label
    # fits clear of the others; best scores first: they take the free space above the frontier.
    pareto = sorted(front.pareto, key=lambda o: x_of[o.id])
    step_x = [x_of[o.id] for o in pareto] + [max(xs)]
    step_y = [o.score for o in pareto] + [pareto[-1].score]
    labelled = list({pt.option.id: pt.option for pt in front.points}.values())
    if rec is not None and rec.choice.id not in {o.id for o in labelled}:
        labelled.append(rec.choice)
    labelled.sort(key=lambda o: (-o.score if p.higher_is_better else o.score, x_of[o.id]))
    px = _Pixels((x_range[0], x_range[1]), (y_range[0], y_range[1]), log_x=True)
    obstacles = [px(x_of[o.id], o.score) for o in p.options] + px.step_samples(step_x, step_y)
    placed = _place_labels(
        [(*px(x_of[o.id], o.score), o.name) for o in labelled],
        obstacles,
        px,
        optional={i for i, o in enumerate(labelled) if rec is None or o.id != rec.choice.id},
    )
    # Every other point gets a number, cheapest first, and a key below the chart names them:
    # a reader of the PNG (no hover) can tell every point apart.
    named = {o.id for o, at in zip(labelled, placed, strict=True) if at is not None}
    unnamed = sorted((o for o in p.options if o.id not in named), key=lambda o: (x_of[o.id], -o.score, o.id))
    number = {o.id: i for i, o in enumerate(unnamed, 1)}
    for prov in providers:
        group = [o for o in p.options if (o.provider or "unknown") == prov]
        on = [o.id in status and status[o.id].pareto for o in group]
        fig.add_trace(
            go.Scatter(
                x=[x_of[o.id] for o in group],
                y=[o.score for o in group],
                mode="markers+text",
                text=[str(number[o.id]) if o.id in number else "" for o in group],
                textposition="middle right",
                textfont={"size": 8, "color": "#555"},
                name=_e(prov),
                legendgroup="providers",
                legendgrouptitle={"text": "Provider"} if prov == providers[0] else None,
                marker={
                    "color": colour[prov],
                    "size": [11 if f else 8 for f in on],
                    "opacity": [1.0 if o.id in status else 0.65 for o in group],
                    "line": {"color": "white", "width": 0.8},
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [o.ci_upper - o.score for o in group],
                    "arrayminus": [o.score - o.ci_lower for o in group],
                    "color": colour[prov],
                    "thickness": 1.2,
                    "width": 0,
                },
                hovertext=[_hover(o, per, w, status.get(o.id), sources.get(o.id)) for o in group],
                hoverinfo="text",
            )
        )

    fig.add_trace(
        go.Scatter(
            x=step_x,
            y=step_y,
            mode="lines",
            line={"shape": "hv", "color": _INK, "width": 2},
            name="Pareto frontier (point scores)",
            legendgroup="frontier",
            legendgrouptitle={"text": "Frontier"},
            hoverinfo="skip",
        )
    )
    stat = sorted(front.statistical, key=lambda o: x_of[o.id])
    fig.add_trace(
        go.Scatter(
            x=[x_of[o.id] for o in stat],
            y=[o.score for o in stat],
            mode="markers",
            marker={"symbol": "circle-open", "size": 19, "color": _INK, "line": {"width": 1.6}},
            name="Uncertainty-aware frontier<br>(not beaten beyond 95% CIs<br>by a cheaper model)",
            legendgroup="frontier",
            hoverinfo="skip",
        )
    )

    if mix_vs is not None:
        hull_x, hull_y, ref_id = _mix_curve(p, view, mix_vs, x_of)
        fig.add_trace(
            go.Scatter(
                x=hull_x,
                y=hull_y,
                mode="lines",
                line={"color": "#6a3d9a", "width": 2, "dash": "dash"},
                name=f"Cheapest two-model mixes vs {_e(ref_id)}<br>(expected win rate, as an equal score)",
                legendgroup="frontier",
                hoverinfo="skip",
            )
        )
    if budget is not None:
        fig.add_trace(
            go.Scatter(
                x=[budget, budget],
                y=sorted(y_range),
                mode="lines",
                line={"color": "#b15928", "width": 2, "dash": "dash"},
                name=f"Budget {_e(usd(budget, per))}",
                legendgroup="needs",
                legendgrouptitle={"text": "What you need"},
                hoverinfo="skip",
            )
        )
    if ref is not None:
        x0, x1 = 10 ** x_range[0], 10 ** x_range[1]
        fig.add_trace(
            go.Scatter(
                x=[x0, x1, x1, x0, x0],
                y=[ref.ci_lower, ref.ci_lower, ref.ci_upper, ref.ci_upper, ref.ci_lower],
                mode="lines",
                fill="toself",
                fillcolor="rgba(31,120,180,0.13)",
                line={"width": 0},
                name=f"Target: {_e(ref.name)}<br>(its 95% CI; a model qualifies<br>if its CI reaches the band)",
                legendgroup="needs",
                legendgrouptitle=None if budget is not None else {"text": "What you need"},
                hoverinfo="skip",
            )
        )
    if min_score is not None:
        x0, x1 = 10 ** x_range[0], 10 ** x_range[1]
        fig.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[min_score, min_score],
                mode="lines",
                line={"color": "#1f78b4", "width": 2, "dash": "dot"},
                name=f"Minimum score {min_score:g}",
                legendgroup="needs",
                legendgrouptitle=None if budget is not None else {"text": "What you need"},
                hoverinfo="skip",
            )
        )
    if rec is not None:
        c = rec.choice
        fig.add_trace(
            go.Scatter(
                x=[x_of[c.id]],
                y=[c.score],
                mode="markers",
                marker={"symbol": "star", "size": 22, "color": "#ffd92f", "line": {"color": _HIGHLIGHT, "width": 2}},
                name=f"Recommended: {_e(c.name)}",
                legendgroup="needs",
                hovertext=[_hover(c, per, w, status.get(c.id), sources.get(c.id), recommended=True)],
                hoverinfo="text",
            )
        )

    annotations = []
    for o, at in zip(labelled, placed, strict=True):
        if at is None:
            continue
        ax, ay = at
        chosen = rec is not None and o.id == rec.choice.id
        annotations.append(
            {
                "x": math.log10(x_of[o.id]),
                "y": o.score,
                "xref": "x",
                "yref": "y",
                "text": f"<b>{_e(o.name)}</b>" if chosen else _e(o.name),
                "showarrow": True,
                "arrowhead": 0,
                "arrowwidth": 1,
                "arrowcolor": "#888",
                "ax": ax,
                "ay": ay,
                "standoff": 4,
                "font": {"size": 11, "color": _HIGHLIGHT if chosen else _INK},
                "bgcolor": "rgba(255,255,255,0.85)",
                "borderpad": 1,
            }
        )

    heading = title if title is not None else f"Cost vs {bench.name} as of {p.as_of}"
    workload_text = (
        f"{w.input_tokens:,.0f} input + {w.output_tokens:,.0f} output tokens per request ({w.blend})"
        + (", batch prices" if w.batch else "")
        + (f", {w.cached_share:.0%} of input cached" if w.cached_share else "")
    )
    subtitle = (
        f"{len(p.options)} models with a price and {_article(_e(metric))} score; {len(p.left_out)} left out "
        f"(no price, no score, retired or too small). Workload: {workload_text}. Error bars: 95% CI."
        f"<br>{_e(p.freshness.caption())}"
    )
    if rec is not None:
        subtitle += f"<br>Recommended: <b>{_e(rec.choice.id)}</b>, {_e(rec.criteria)}"
        if rec.reference is not None and rec.price_ratio is not None and rec.reference.id != rec.choice.id:
            subtitle += f"; 1/{rec.price_ratio:.1f} of the price of {_e(rec.reference.id)}"
    elif rec_note:
        subtitle += f"<br>{_e(rec_note)}"
    cost_title = f"Cost, {_e(unit)}" + (f" (blended at {_e(w.blend)})" if per == "mtok" else "") + ", log scale"
    direction = "" if p.higher_is_better else ", lower is better"
    layout = _base_layout(_e(heading), subtitle)
    tickvals, ticktext = _log_ticks(*x_range)
    layout["xaxis"] = _axis(cost_title, type="log", range=x_range, tickvals=tickvals, ticktext=ticktext)
    layout["yaxis"] = _axis(f"{_e(bench.name)} score ({_e(bench.scale)}{direction})", range=y_range)
    key_rows = _number_key(annotations, unnamed, number)
    layout["annotations"] = annotations
    extra = key_rows * _KEY_LINE_PX + 24 if key_rows else 0
    layout["margin"] = {**_MARGIN, "t": 136 if rec is not None or rec_note else 118, "b": _MARGIN["b"] + extra}
    # The plot area keeps its size (labels were placed for it); the key adds height below it.
    layout["height"] = layout["height"] + extra + (layout["margin"]["t"] - _MARGIN["t"])
    fig.update_layout(**layout)
    return fig


_KEY_COLUMNS = 4
_KEY_LINE_PX = 12
_KEY_NAME_CHARS = 30


def _number_key(annotations: list[dict[str, Any]], unnamed: Sequence[Option], number: dict[str, int]) -> int:
    """Add the key of numbered points below the plot (columns, cheapest first); return its rows."""
    if not unnamed:
        return 0
    rows = math.ceil(len(unnamed) / _KEY_COLUMNS)
    for c in range(_KEY_COLUMNS):
        chunk = unnamed[c * rows : (c + 1) * rows]
        if not chunk:
            continue
        lines = []
        for o in chunk:
            name = o.name if len(o.name) <= _KEY_NAME_CHARS else o.name[: _KEY_NAME_CHARS - 1] + "…"
            lines.append(f"{number[o.id]} {_e(name)}")
        annotations.append(
            {
                "xref": "paper",
                "yref": "paper",
                "x": c / _KEY_COLUMNS,
                "y": 0,
                "yshift": -_MARGIN["b"] + 4,
                "xanchor": "left",
                "yanchor": "top",
                "align": "left",
                "showarrow": False,
                "text": "<br>".join(lines),
                "font": {"size": 9, "color": "#444"},
                "name": "key",
            }
        )
    return rows


def _score_sources(view: Catalog, ids: Sequence[str], benchmark: str, category: str) -> dict[str, str]:
    """Model id -> title of the source of its score (for hover text)."""
    out = {}
    for model_id in ids:
        s = score_of(view.get(model_id), benchmark, category)
        if s is not None:
            src = view.sources.get(s.source)
            out[model_id] = src.title if src is not None else s.source
    return out


def _hover(o: Option, per: Per, w: Workload, point: Any, source: str | None, *, recommended: bool = False) -> str:
    c = o.cost
    lines = [f"<b>{_e(o.name)}</b>" + (" (recommended)" if recommended else ""), _e(o.id)]
    who = _e(o.provider or "unknown provider") + (f", via {_e(o.host)}" if o.host else "")
    lines.append(who)
    lines.append(f"input {usd(c.input_rate)} / output {usd(c.output_rate, 'mtok')}")
    lines.append(f"blended {usd(c.blended_usd_per_mtok, 'mtok')} ({_e(w.blend)})")
    if per != "mtok":
        lines.append(usd(c.amount(per), per))
    lines.append(
        f"score {o.score:g} +{o.ci_upper - o.score:g}/-{o.score - o.ci_lower:g} "
        f"(95% CI {o.ci_lower:g} to {o.ci_upper:g})"
    )
    lines.append(f"votes {o.votes:,}" if o.votes is not None else "votes: not published")
    lines.append(f"source: {_e(source or 'unknown')}, as of {o.score_as_of}")
    if point is None:
        lines.append("not on a frontier")
    else:
        kinds = [k for k, on in (("Pareto", point.pareto), ("uncertainty-aware", point.statistical)) if on]
        lines.append(f"on the {' and '.join(kinds)} frontier")
    return "<br>".join(lines)


# --- cost of quality over time --------------------------------------------------------------------


def plot_history(
    catalog: Catalog,
    *,
    metric: str = DEFAULT_METRIC,
    bar: str | float | None = None,
    dates: Sequence[dt.date] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    workload: Workload | None = None,
    title: str | None = None,
) -> Figure:
    """The cheapest price that reached a fixed quality bar at each date, on a log scale.

    Arguments are those of :func:`advisor.cost_of_quality` (``bar`` defaults to its default);
    the bar model's own price is drawn beside the curve when the bar is a model.
    """
    from advisor.history import DEFAULT_BAR, cost_of_quality

    data = cost_of_quality(
        catalog,
        metric=metric,
        bar=DEFAULT_BAR if bar is None else bar,
        dates=dates,
        start=start,
        end=end,
        workload=workload,
    )
    return history_figure(data, catalog, title=title, as_of=end)


def history_figure(
    data: CostOfQuality, catalog: Catalog, *, title: str | None = None, as_of: dt.date | None = None
) -> Figure:
    """Draw a :class:`~advisor.history.CostOfQuality` (see :func:`plot_history`); ``as_of`` (default
    today) is the date the subtitle measures the newest snapshot's age from."""
    go = _go()
    found = data.priced
    if not found:
        raise NoCandidateError(f"nothing to plot: no model reached the bar ({data.bar}) on any date")
    benchmark = data.metric.partition("/")[0]
    bench = catalog.benchmarks[benchmark]
    w = data.workload
    fig = go.Figure()
    if data.bar_model is not None:
        own = [p for p in data.points if p.bar_usd_per_mtok is not None]
        fig.add_trace(
            go.Scatter(
                x=[p.date for p in own],
                y=[p.bar_usd_per_mtok for p in own],
                mode="lines+markers",
                line={"color": "#999", "width": 2, "dash": "dash", "shape": "hv"},
                marker={"size": 6},
                name=f"{_e(data.bar_model)}'s own price",
                hovertext=[
                    f"<b>{_e(data.bar_model)}</b><br>{p.date}"
                    f"<br>{usd(p.bar_usd_per_mtok, 'mtok')} ({_e(w.blend)})"
                    f"<br>score {p.bar_score:g} (the bar)"
                    for p in own
                ],
                hoverinfo="text",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[p.date for p in found],
            y=[p.usd_per_mtok for p in found],
            mode="lines+markers",
            line={"color": "#0072B2", "width": 3, "shape": "hv"},
            marker={"size": 10, "color": "#0072B2", "line": {"color": "white", "width": 1}},
            name="Cheapest model reaching the bar",
            hovertext=[
                f"<b>{_e(p.name)}</b><br>{_e(p.model)} ({_e(p.provider or 'unknown provider')})<br>{p.date}"
                f"<br>{usd(p.usd_per_mtok, 'mtok')} ({_e(w.blend)})"
                f"<br>score {p.score:g} vs bar {p.bar_score:g}"
                f"<br>{p.qualifying} of {p.considered} priced and scored models reach the bar"
                for p in found
            ],
            hoverinfo="text",
        )
    )
    values = [float(p.usd_per_mtok or 0) for p in found] + [
        float(p.bar_usd_per_mtok) for p in data.points if p.bar_usd_per_mtok is not None
    ]
    values = [v for v in values if v > 0] or [1.0]
    y_range = (math.log10(min(values)) - 0.45, math.log10(max(values)) + 0.3)
    first, last = found[0].date, found[-1].date
    margin = dt.timedelta(days=max(20, (last - first).days // 12))
    x_range = (first - margin, last + margin)
    px = _Pixels((x_range[0].toordinal(), x_range[1].toordinal()), y_range, log_y=True)
    step_x = [p.date.toordinal() for p in found]
    step_y = [float(p.usd_per_mtok or 1.0) for p in found]
    obstacles = px.step_samples(step_x, step_y) + [px(x, y) for x, y in zip(step_x, step_y, strict=True)]
    if data.bar_model is not None:
        own_x = [p.date.toordinal() for p in data.points if p.bar_usd_per_mtok is not None]
        own_y = [float(p.bar_usd_per_mtok or 1.0) for p in data.points if p.bar_usd_per_mtok is not None]
        obstacles += px.step_samples(own_x, own_y)
    changes = [p for i, p in enumerate(found) if i == 0 or p.model != found[i - 1].model]
    texts = [f"{p.name} {usd(p.usd_per_mtok)}" for p in changes]
    placed = _place_labels(
        [(*px(p.date.toordinal(), float(p.usd_per_mtok or 1.0)), t) for p, t in zip(changes, texts, strict=True)],
        obstacles,
        px,
    )
    annotations = [
        {
            "x": p.date.isoformat(),
            "y": math.log10(float(p.usd_per_mtok or 1.0)),
            "xref": "x",
            "yref": "y",
            "text": f"{_e(p.name)} <b>{usd(p.usd_per_mtok)}</b>",
            "showarrow": True,
            "arrowhead": 0,
            "arrowcolor": "#888",
            "ax": ax,
            "ay": ay,
            "standoff": 5,
            "font": {"size": 11},
            "bgcolor": "rgba(255,255,255,0.85)",
        }
        for p, (ax, ay) in zip(changes, (at for at in placed if at is not None), strict=True)
    ]
    fall = data.fall_pct
    span = f"{found[0].date} to {found[-1].date}"
    reference = data.bar_model or data.bar
    heading = (
        title
        if title is not None
        else (
            f"Cheapest price reaching {reference} on {bench.name}"
            + (f": {_fall_words(fall)} from {span}" if fall is not None else "")
        )
    )
    subtitle = (
        f"Bar: {_e(data.bar)}"
        + (" = its own score in each snapshot (Arena scales drift between snapshots)" if data.bar_model else "")
        + f". Point scores; blended at {_e(w.blend)}."
    )
    day = as_of or dt.date.today()
    newest = data.points[-1].date
    age = (day - newest).days
    subtitle += (
        f"<br>Snapshots {data.points[0].date} to {newest} (the newest {age:,} days before {day}), "
        "each with the prices in force that day."
        + (f" Over {STALE_AFTER_DAYS} days old: see `advisor catalog update`." if age > STALE_AFTER_DAYS else "")
    )
    if data.fall_from_bar_pct is not None:
        subtitle += (
            f"<br>Against {_e(data.bar_model)}'s own price on {data.points[0].date}: "
            f"{_fall_words(data.fall_from_bar_pct)}."
        )
    layout = _base_layout(_e(heading), subtitle)
    tickvals, ticktext = _log_ticks(*y_range)
    layout["yaxis"] = _axis(
        f"Cheapest qualifying cost, USD per 1M tokens (blended at {_e(w.blend)}), log scale",
        type="log",
        range=list(y_range),
        tickvals=tickvals,
        ticktext=ticktext,
    )
    layout["xaxis"] = _axis(
        "Date of the snapshot (prices in force that day)",
        type="date",
        range=[x_range[0].isoformat(), x_range[1].isoformat()],
    )
    layout["annotations"] = annotations
    layout["margin"] = {**_MARGIN, "t": 128}
    fig.update_layout(**layout)
    return fig


def _fall_words(pct: float) -> str:
    return f"down {pct:.1f}%" if pct >= 0 else f"up {-pct:.1f}%"


# --- head to head ---------------------------------------------------------------------------------


def plot_winrates(
    catalog: Catalog,
    *,
    metric: str = DEFAULT_METRIC,
    top: int = 10,
    models: Sequence[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Expected win probabilities between the top ``top`` models (or ``models``), as a heatmap.

    Cell (row A, column B) is P(A beats B) under the Bradley-Terry model of the metric (ties as
    half wins), from point ratings; the hover text says whether the two 95% CIs overlap. Models
    are in leaderboard order (:func:`advisor.rank`). Needs a Bradley-Terry metric.
    """
    from advisor.leaderboard import rank
    from advisor.ratings import win_probability

    if isinstance(top, bool) or not isinstance(top, int) or top < 2:
        raise AdvisorError(f"top must be an integer >= 2, got {top!r}")
    go = _go()
    view = catalog.view()
    benchmark, _ = view.check_metric(metric)
    bench = view.benchmarks[benchmark]
    if not bench.elo_scale:
        raise AdvisorError(f"metric {metric!r} is not a Bradley-Terry rating; win rates need one")
    board = rank(view, metric=metric)
    if models is not None:
        wanted = [view.resolve(m) for m in models]
        by_id = {r.id: r for r in board.rows}
        missing = [m for m in wanted if m not in by_id]
        if missing:
            raise AdvisorError(f"no {metric} score as of {board.as_of} for: {', '.join(missing)}")
        rows = [r for r in board.rows if r.id in set(wanted)]
    else:
        rows = list(board.rows[:top])
    if len(rows) < 2:
        raise NoCandidateError(f"win rates need at least two models with a {metric} score as of {board.as_of}")
    sign = 1.0 if bench.higher_is_better else -1.0
    scores = [sign * r.score for r in rows]
    prob = win_probability([[s] for s in scores], scores, scale=bench.elo_scale, base=bench.elo_base)
    # Catalog ids on both axes (what the CLI and --models take); display names are in the hover text.
    labels = [_e(r.id) for r in rows]
    n = len(rows)
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    for i, a in enumerate(rows):
        z.append([None if i == j else float(prob[i][j]) for j in range(n)])
        text.append(["" if i == j else f"{prob[i][j] * 100:.0f}%" for j in range(n)])
        row_hover = []
        for j, b in enumerate(rows):
            if i == j:
                row_hover.append(f"<b>{_e(a.name)}</b><br>score {a.score:g} (95% CI {a.ci_lower:g} to {a.ci_upper:g})")
                continue
            apart = a.ci_lower > b.ci_upper or b.ci_lower > a.ci_upper
            row_hover.append(
                f"P(<b>{_e(a.name)}</b> beats <b>{_e(b.name)}</b>) = {prob[i][j]:.3f}"
                f"<br>{_e(a.id)}: {a.score:g} (95% CI {a.ci_lower:g} to {a.ci_upper:g})"
                f"<br>{_e(b.id)}: {b.score:g} (95% CI {b.ci_lower:g} to {b.ci_upper:g})"
                + ("<br>95% CIs apart: a significant difference" if apart else "<br>95% CIs overlap: not significant")
            )
        hover.append(row_hover)
    # Colours span the data's own range around 50% (the numbers in the cells carry the values).
    deviation = max(abs(v - 0.5) for row in z for v in row if v is not None)
    spread = max(0.05, math.ceil(deviation * 20) / 20)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hoverinfo="text",
            colorscale="RdBu",
            zmin=0.5 - spread,
            zmax=0.5 + spread,
            xgap=2,
            ygap=2,
            # The title beside the bar, turned, so it never sits on a tick label.
            colorbar={"title": {"text": "P(row beats column)", "side": "right"}, "tickformat": ".0%", "len": 0.8},
            name="P(row beats column)",
        )
    )
    heading = title if title is not None else f"Head to head on {bench.name} as of {board.as_of}"
    subtitle = (
        f"Expected share of {_e(metric)} battles the row model wins against the column model "
        f"(Bradley-Terry, ties as half wins), top {n} by tie-aware rank."
        f"<br>{_e(board.freshness.caption())}"
    )
    layout = _base_layout(_e(heading), subtitle)
    layout["xaxis"] = _axis("Opponent (column)", type="category", showgrid=False, tickangle=-35, side="bottom")
    layout["yaxis"] = _axis("Model (row)", type="category", showgrid=False, autorange="reversed")
    layout["margin"] = {"l": 230, "r": 40, "t": 118, "b": 190}
    layout["width"] = max(760, 230 + 40 + 62 * n + 90)
    layout["height"] = max(560, 100 + 190 + 46 * n)
    fig.update_layout(**layout)
    return fig


# --- writing --------------------------------------------------------------------------------------

_FORMATS = {".html": "HTML", ".htm": "HTML", ".png": "PNG", ".svg": "SVG"}
PNG_FIX = "pip install 'advisor[png]'"


def write_figure(fig: Figure, path: str | os.PathLike[str], *, scale: float = 2.0) -> Path:
    """Write a figure to ``path``: ``.html`` (self-contained), ``.png`` or ``.svg``; return the path.

    HTML embeds plotly.js and references no CDN, so it opens offline. PNG and SVG go through
    plotly's static export (kaleido, which drives a Chrome or Chromium); without them this
    raises :class:`~advisor.errors.OptionalDependencyError` naming the fix. ``scale`` multiplies
    the PNG's pixel size. The file is replaced atomically: a failure leaves any old file as it was.
    """
    target = Path(path)
    kind = _FORMATS.get(target.suffix.lower())
    if kind is None:
        raise AdvisorError(f"cannot tell the format of {str(target)!r}: the name must end in .html, .png or .svg")
    if kind == "HTML":
        atomic_write_text(target, _responsive_html(fig))
    else:
        atomic_write_bytes(target, _static_image(fig, kind.lower(), scale))
    return target


def _responsive_html(fig: Figure) -> str:
    """The page fills the window and follows its size (labels keep their pixel offsets)."""
    go = _go()
    page = go.Figure(fig)
    page.update_layout(width=None, height=None, autosize=True)
    text: str = page.to_html(
        include_plotlyjs=True, full_html=True, config=HTML_CONFIG, default_width="100%", default_height="100vh"
    )
    return text.replace("<head>", "<head><style>html, body { margin: 0; height: 100%; overflow: hidden; }</style>", 1)


def _static_image(fig: Figure, fmt: str, scale: float) -> bytes:
    try:
        import kaleido  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        raise OptionalDependencyError(
            f"PNG and SVG export need kaleido and a Chrome or Chromium: {PNG_FIX} (HTML needs neither)"
        ) from None
    import plotly.io as pio

    try:
        data: bytes = pio.to_image(fig, format=fmt, scale=scale if fmt == "png" else 1.0)
    except RuntimeError as exc:
        text = str(exc)
        if "Chrome" in text:
            raise OptionalDependencyError(
                "PNG and SVG export need a Chrome or Chromium for kaleido: install one "
                "(e.g. apt-get install chromium, or run plotly_get_chrome), or set BROWSER_PATH to it"
            ) from None
        if "Kaleido" in text:
            raise OptionalDependencyError(f"PNG and SVG export need kaleido 1.0 or later: {PNG_FIX}") from None
        raise
    return data


def _mix_curve(p: Pool, view: Catalog, vs: str, x_of: dict[str, float]) -> tuple[list[float], list[float], str]:
    """The upper hull of mixes in (cost, expected P(beats vs)), mapped back to cost and score axes."""
    import numpy as np

    from advisor.mix import upper_hull
    from advisor.ratings import win_probability
    from advisor.select import _index_in

    if p.elo is None:
        raise AdvisorError(f"metric {p.metric!r} is not a Bradley-Terry rating; mixes need one")
    ref = _index_in(p, view, vs)
    scale, base = p.elo
    win = np.asarray(win_probability(p.score, p.score[ref], scale=scale, base=base))
    xs = np.array([x_of[o.id] for o in p.options])
    hull = upper_hull(xs, win).tolist()
    sign = 1.0 if p.higher_is_better else -1.0
    out_x: list[float] = []
    out_y: list[float] = []
    for a, b in itertools.pairwise(hull) if len(hull) > 1 else [(hull[0], hull[0])]:
        for share in np.linspace(0.0, 1.0, 16):
            w = (1 - share) * win[a] + share * win[b]
            out_x.append(float((1 - share) * xs[a] + share * xs[b]))
            equal = p.score[ref] + scale / math.log(base) * math.log(w / (1 - w))
            out_y.append(float(sign * equal))
    return out_x, out_y, p.options[ref].id
