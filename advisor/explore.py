"""The explorable frontier: one self-contained HTML page with a blend slider and a metric menu.

The page carries the library's own numbers and recomputes in the browser only what a control
changes: each point's cost at every blend on the slider is priced here by :func:`advisor.select.pool`
(the page looks it up, so in-page prices are the library's), and the two frontiers and the
recommendation are recomputed in the page by ``explore.js`` with the rules of
:func:`advisor.pareto.pareto_front`, :func:`advisor.pareto.uncertain_pareto_front` and
:func:`advisor.recommend`. A browser test drives the controls and checks the page against the library.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor._chart import provider_colours
from advisor._io import atomic_write_text
from advisor.catalog import DEFAULT_METRIC, Catalog
from advisor.errors import AdvisorError, NoCandidateError
from advisor.money import HEADERS, SIGNIFICANT, UNITS
from advisor.workload import Per, Workload

if TYPE_CHECKING:
    from advisor.select import CostsOf
    from advisor.workload import ModelCost

__all__ = ["BLEND_STOPS", "explorer_data", "explorer_html", "write_explorer"]

BLEND_STOPS: tuple[tuple[int, int], ...] = (
    (1, 10),
    (1, 5),
    (1, 3),
    (1, 2),
    (1, 1),
    (3, 2),
    (2, 1),
    (3, 1),
    (4, 1),
    (5, 1),
    (8, 1),
    (10, 1),
    (20, 1),
    (50, 1),
)
"""Input:output ratios the slider offers (the workload's own is added), at the workload's tokens per request."""

_JS = Path(__file__).with_name("explore.js")


def blend_workloads(workload: Workload) -> list[Workload]:
    """The workloads of the slider: the same tokens per request split at each ratio, ordered by input share."""
    total = workload.input_tokens + workload.output_tokens
    shares = {i / (i + o) for i, o in BLEND_STOPS}
    own = workload.input_tokens / total
    shares.add(own)
    out = []
    for share in sorted(shares):
        if share == own:
            out.append(workload)
        else:
            out.append(dataclasses.replace(workload, input_tokens=total * share, output_tokens=total * (1 - share)))
    return out


def explorer_data(
    catalog: Catalog,
    *,
    metric: str = DEFAULT_METRIC,
    workload: Workload | None = None,
    per: Per = "mtok",
    target: str | None = None,
    min_score: float | None = None,
    budget: float | None = None,
    metrics: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Everything the page draws, as JSON-able data (what :func:`explorer_html` embeds).

    ``metrics`` defaults to every metric of the view with at least two priced and scored models
    (``metric`` first); for each, the models of its pool in pool order, their scores and 95% CIs
    and, per blend of :func:`blend_workloads`, their cost in the unit ``per`` names (None where a
    model is not in the pool at that blend).
    """
    from advisor.select import _pool
    from advisor.workload import model_costs

    view = catalog.view()
    view.check_metric(metric)
    w = workload or Workload()
    blends = blend_workloads(w)
    wanted = [metric, *(m for m in (metrics if metrics is not None else sorted(view.metrics())) if m != metric)]
    target_id = view.resolve(target) if target is not None else None
    models: dict[str, dict[str, Any]] = {}
    out_metrics = []
    # Every model is priced once per blend; each metric's pools take their models' costs from that.
    priced = [{c.id: c for c in model_costs(view.models, b)[0]} for b in blends]

    def costs_of(known: dict[str, ModelCost]) -> CostsOf:
        return lambda ms: (tuple(known[m.id] for m in ms if m.id in known), [m.id for m in ms if m.id not in known])

    for name in wanted:
        benchmark, category = view.check_metric(name)
        bench = view.benchmarks[benchmark]
        pools = [_pool(view, name, b, per, None, costs_of(known)) for b, known in zip(blends, priced, strict=True)]
        in_a_pool = {o.id for p in pools for o in p.options}
        # pool order is the view's order: keep it for ties
        ids: list[str] = list(dict.fromkeys(m.id for m in view.models if m.id in in_a_pool))
        if len(ids) < 2 and name != metric:
            continue
        first: dict[str, Any] = {}
        for p in pools:
            for o in p.options:
                first.setdefault(o.id, o)
        for model_id in ids:
            o = first[model_id]
            models.setdefault(model_id, {"name": o.name, "provider": o.provider or "unknown"})
        costs = []
        for p in pools:
            by_id = {o.id: float(c) for o, c in zip(p.options, p.cost.tolist(), strict=True)}
            costs.append([by_id.get(i) for i in ids])
        out_metrics.append(
            {
                "key": name,
                "label": bench.name if category == "overall" else f"{bench.name}: {category}",
                "axis": f"{bench.name} score ({bench.scale}{'' if bench.higher_is_better else ', lower is better'})",
                "higher": bench.higher_is_better,
                "ids": ids,
                "score": [first[i].score for i in ids],
                "lower": [first[i].ci_lower for i in ids],
                "upper": [first[i].ci_upper for i in ids],
                "cost": costs,
                "as_of": str(pools[0].as_of),
            }
        )
    if not out_metrics or not out_metrics[0]["ids"]:
        raise NoCandidateError(f"nothing to explore: no model has both a price and a {metric} score")
    colours = provider_colours(view)
    providers = sorted({m["provider"] for m in models.values()}, key=lambda p: (p.casefold(), p))
    return {
        "as_of": str(view.date or dt.date.today()),
        "per": per,
        "unit": UNITS[per],
        "unit_short": HEADERS[per],
        "significant": SIGNIFICANT,
        "tokens_per_request": w.input_tokens + w.output_tokens,
        "blends": [
            {"label": b.blend, "input_tokens": b.input_tokens, "output_tokens": b.output_tokens} for b in blends
        ],
        "blend": blends.index(w),
        "models": models,
        "providers": [{"name": p, "colour": colours[p]} for p in providers],
        "metrics": out_metrics,
        "needs": {"target": target_id, "min_score": min_score, "budget": budget},
    }


def explorer_html(catalog: Catalog, *, title: str | None = None, **options: Any) -> str:
    """The explorable frontier as one self-contained HTML page (plotly.js embedded, works offline).

    Takes the options of :func:`explorer_data`. A slider re-prices every point at another
    input:output blend, a menu switches the metric (each Arena category, style control, any
    other benchmark), CI bars switch on and off, a click on a provider in the legend hides or
    shows its models, and both frontiers and the recommended model follow every control.
    """
    if {"target", "min_score"} <= {k for k, v in options.items() if v is not None}:
        raise AdvisorError("give one quality bar: target or min_score")
    data = explorer_data(catalog, **options)
    from plotly.offline import get_plotlyjs

    heading = title if title is not None else f"Explore cost vs quality as of {data['as_of']}"
    # JSON inside <script>: "</" could close the element, so it is escaped (valid JSON still).
    payload = json.dumps(data, ensure_ascii=False, allow_nan=False).replace("</", "<\\/")
    return _PAGE.format(
        title=html.escape(heading),
        plotly=get_plotlyjs(),
        data=payload,
        app=_JS.read_text(encoding="utf-8"),
    )


def write_explorer(catalog: Catalog, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write :func:`explorer_html` to ``path`` (atomically) and return the path; the name must end in .html."""
    target = Path(path)
    if target.suffix.lower() not in {".html", ".htm"}:
        raise AdvisorError(f"the explorable chart is a web page: the name must end in .html, got {str(target)!r}")
    atomic_write_text(target, explorer_html(catalog, **options))
    return target


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  html, body {{ margin: 0; height: 100%; font-family: Inter, "Helvetica Neue", Arial, sans-serif; color: #2b2b2b; }}
  body {{ display: flex; flex-direction: column; }}
  header {{ padding: 10px 16px 0; }}
  h1 {{ font-size: 18px; margin: 0 0 2px; }}
  #subtitle, #recommendation {{ font-size: 13px; color: #555; margin: 2px 0; }}
  #recommendation {{ color: #2b2b2b; }}
  #controls {{ display: flex; flex-wrap: wrap; gap: 6px 22px; align-items: center; padding: 6px 16px;
    font-size: 13px; }}
  #controls label {{ display: inline-flex; flex-wrap: wrap; align-items: center; gap: 6px; max-width: 100%; }}
  #blend {{ width: min(320px, 70vw); }}
  #blend-label {{ min-width: 10em; font-variant-numeric: tabular-nums; }}
  select {{ max-width: 70vw; }}
  #chart {{ flex: 1 1 auto; min-height: 360px; width: 100%; }}
</style>
<script>{plotly}</script>
</head>
<body>
<header>
  <h1 id="title">{title}</h1>
  <p id="subtitle"></p>
  <p id="recommendation" aria-live="polite"></p>
</header>
<div id="controls">
  <label>Input:output blend <input type="range" id="blend" min="0" step="1"><output id="blend-label"></output></label>
  <label>Metric <select id="metric"></select></label>
  <label><input type="checkbox" id="ci" checked> 95% CI bars</label>
  <span>Click a provider in the legend to hide or show it.</span>
</div>
<div id="chart"></div>
<script type="application/json" id="advisor-data">{data}</script>
<script>{app}</script>
</body>
</html>
"""
