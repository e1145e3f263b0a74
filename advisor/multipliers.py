"""Output multipliers measured from usage logs: a model's output tokens per request relative to others.

Reasoning and verbose models spend more output tokens on the same request. Where a log holds
comparable traffic on several models, :func:`advisor.replay` measures each model's output per
request against the others on requests of the same input size, uses it in the what-if, and
:func:`measured_layer` turns the measurements into a dated, sourced catalog layer.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np

from advisor.catalog import Catalog
from advisor.errors import AdvisorError, UnknownModelError
from advisor.replay_report import MeasuredMultiplier, ReplayReport
from advisor.traffic import _Stats

__all__ = ["measure", "measured_layer", "multipliers_used", "write_measured_layer"]

MIN_CELL = 20
"""Requests a model needs in an input-size bucket for its output there to count in a measurement."""


def measure(stats: _Stats, view: Catalog) -> dict[str, MeasuredMultiplier]:
    """Output tokens per request of each model relative to the others, on same-size requests."""
    cells = [(m, b, k, stats.cell_out[(m, b)]) for (m, b), k in stats.cells.items() if k >= MIN_CELL]
    cells = [c for c in cells if c[3] > 0]
    by_bucket: dict[int, list[int]] = {}
    for m, b, _, _ in cells:
        by_bucket.setdefault(b, []).append(m)
    shared = {b for b, ms in by_bucket.items() if len(ms) >= 2}
    cells = [c for c in cells if c[1] in shared]
    if not cells:
        return {}
    # Models linked by shared buckets; measure the largest group (others are not comparable).
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ms in (by_bucket[b] for b in shared):
        for other in ms[1:]:
            parent[find(other)] = find(ms[0])
    size: Counter[int] = Counter()
    for m, _, k, _ in cells:
        size[find(m)] += k
    root = size.most_common(1)[0][0]
    cells = [c for c in cells if find(c[0]) == root]
    models = sorted({c[0] for c in cells})
    buckets = sorted({c[1] for c in cells})
    if len(models) < 2:
        return {}
    mi = {m: i for i, m in enumerate(models)}
    bi = {b: i for i, b in enumerate(buckets)}
    a = np.zeros((len(cells) + 1, len(buckets) + len(models)))
    y = np.zeros(len(cells) + 1)
    for r, (m, b, k, o) in enumerate(cells):
        w = math.sqrt(k)
        a[r, bi[b]] = w
        a[r, len(buckets) + mi[m]] = w
        y[r] = w * math.log(o / k)
    a[-1, len(buckets) :] = 1.0  # gauge: the model effects sum to 0
    coef = np.linalg.lstsq(a, y, rcond=None)[0]
    effect = coef[len(buckets) :]
    catalog_mult: dict[int, float | None] = {}
    for m in models:
        try:
            catalog_mult[m] = view.get(stats.models[m]).output_multiplier
        except UnknownModelError:
            catalog_mult[m] = None
    anchored = [m for m in models if catalog_mult[m]]
    if anchored:  # keep the catalog's scale where it has multipliers for measured models
        shift = float(np.mean([math.log(catalog_mult[m] or 1.0) - effect[mi[m]] for m in anchored]))
    else:  # else the median model is the typical one (x1)
        shift = -float(np.median(effect))
    out = {}
    for m in models:
        n = sum(c[2] for c in cells if c[0] == m)
        nb = sum(1 for c in cells if c[0] == m)
        out[stats.models[m]] = MeasuredMultiplier(
            model=stats.models[m],
            multiplier=round(float(math.exp(effect[mi[m]] + shift)), 3),
            requests=int(n),
            buckets=nb,
            catalog_multiplier=catalog_mult[m],
        )
    return out


def multipliers_used(
    stats: _Stats, view: Catalog, measured: Mapping[str, MeasuredMultiplier]
) -> dict[str, tuple[float, str]]:
    """Every model's output multiplier as the what-if uses it, and where it came from."""
    out: dict[str, tuple[float, str]] = {}
    for m in view:
        if m.output_multiplier:
            out[m.id] = (m.output_multiplier, "catalog")
    for model_id, mm in measured.items():
        out[model_id] = (mm.multiplier, f"measured from {mm.requests:,} requests")
    for model_id in stats.models:
        out.setdefault(model_id, (1.0, "assumed (no measurement, none in the catalog)"))
    return out


def measured_layer(report: ReplayReport) -> Any:
    """The measured output multipliers as a catalog layer (``advisor.schema.CatalogFile``).

    Dated and sourced: the source is ``measured from N requests`` of the log's days, retrieved
    on the log's last day. Raises AdvisorError when nothing was measured.
    """
    from advisor.schema import CatalogFile, Model, Source

    if not report.multipliers:
        raise AdvisorError(
            "no output multipliers measured: the log needs comparable traffic (requests of the same "
            f"input size, {MIN_CELL}+ per model) on at least two models"
        )
    n = sum(m.requests for m in report.multipliers)
    day = report.last_day or report.as_of
    key = f"replay-{day.isoformat()}"
    per_model = "; ".join(f"{m.model} x{m.multiplier:g} from {m.requests:,} requests" for m in report.multipliers)
    source = Source(
        title=f"measured from {n:,} requests",
        retrieved=day,
        note=(
            f"Output tokens per request relative to the other models on requests of the same input size, "
            f"measured by advisor replay from {', '.join(report.sources)} "
            f"({report.first_day} to {report.last_day}): {per_model}."
        ),
    )
    models = tuple(Model(id=m.model, output_multiplier=m.multiplier) for m in report.multipliers)
    return CatalogFile(schema_version=1, sources={key: source}, models=models)


def write_measured_layer(report: ReplayReport, path: str | os.PathLike[str]) -> None:
    """Write :func:`measured_layer` to ``path`` atomically (see :mod:`advisor.writer`)."""
    from advisor.writer import write_catalog_file

    write_catalog_file(path, measured_layer(report))
