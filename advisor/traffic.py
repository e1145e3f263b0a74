"""Your own traffic: what it cost, and what it would have cost on another model, from usage logs.

:func:`replay` streams usage records (see :mod:`advisor.usage` for the formats) and prices each
request as the catalog priced it on the request's own date: long-context tiers and cache prices
apply per request, through the same pricing rule as every other command
(:func:`advisor.workload.request_costs`). Requests are grouped per (model, price periods in force)
so each group is priced as numpy arrays. Model names resolve through the catalog's names as of
each request's date; names that do not resolve, and models without a price that day, are listed
with their requests and tokens, never priced at 0.

The what-if moves each model's traffic to the model :func:`advisor.select.recommend` chooses for
it (by default the cheapest model not statistically worse on the metric) as of ``as_of``, one
choice per context-window class so that no request goes to a model whose context window it
exceeds, and re-prices the same requests on the choice. Where the log holds comparable traffic on
several models, each model's output tokens per request are measured relative to the others and
the what-if scales output tokens by them.

Memory does not grow with the log: per-model histograms (exact below 1,024 tokens, within 0.6%
above) give the percentiles, and the what-if's second pass reads a compact temporary spill of the
first pass rather than the log again.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import math
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from advisor.catalog import DEFAULT_METRIC, Catalog
from advisor.errors import AdvisorError, UnknownModelError
from advisor.periods import in_force
from advisor.replay_report import (
    DailyCost,
    MeasuredMultiplier,
    ModelUsage,
    Profile,
    ReplayReport,
    Tokens,
    Unpriced,
    WhatIf,
)
from advisor.schema import Model, PricePeriod
from advisor.usage import TOKEN_FIELDS, Chunk, read_usage, records_chunks
from advisor.workload import Per, RateTable, rate_table, request_costs

__all__ = ["replay"]

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_EXACT = 1024
_PER_OCTAVE = 64
_NBINS = _EXACT + 54 * _PER_OCTAVE  # up to 2^64 tokens


# --- reading ---------------------------------------------------------------------------------------


def _sources(records_or_paths: Any, format: str | None) -> tuple[list[str], Iterator[Chunk]]:
    """Labels of the sources and one stream of their chunks."""
    if isinstance(records_or_paths, (str, os.PathLike)):
        items: list[Any] = [records_or_paths]
    elif isinstance(records_or_paths, Iterable):
        it = iter(records_or_paths)
        first = next(it, None)
        if first is None:
            raise AdvisorError("no usage logs or records given")
        if not isinstance(first, (str, os.PathLike)):
            stream = records_chunks(_prepend(first, it), format=format)
            return ["<records>"], stream
        items = [first, *it]
    else:
        raise TypeError(f"records_or_paths must be paths or records, not {type(records_or_paths).__name__}")
    for x in items:
        if not isinstance(x, (str, os.PathLike)):
            raise TypeError(f"a list of paths holds a {type(x).__name__}")
    from advisor.usage import _redact

    labels = [_redact(os.fspath(x)) for x in items]

    def chain() -> Iterator[Chunk]:
        for x in items:
            yield from read_usage(x, format=format)

    return labels, chain()


def _prepend(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


# --- pricing ---------------------------------------------------------------------------------------


def _periods(model: Model, view: Catalog) -> tuple[PricePeriod, ...]:
    """The price periods a model pays in a view: its own, or its base model's for a reasoning mode."""
    if model.prices or model.mode_of is None:
        return model.prices
    try:
        return view.get(model.mode_of).prices
    except UnknownModelError:
        return ()


def _price(
    tables: Sequence[RateTable], t: np.ndarray, output: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """USD of each request (columns of ``t``, rows as :data:`TOKEN_FIELDS`) at the cheapest of the
    tables (hosts), and whether a long-context tier priced it."""
    out = t[4] if output is None else output
    best: np.ndarray | None = None
    tier = np.zeros(t.shape[1], dtype=bool)
    for table in tables:
        k = table.rows(t[0])
        usd = request_costs(
            table.input[k],
            table.output[k],
            table.cached[k],
            input_tokens=t[0],
            output_tokens=out,
            cached_tokens=t[1],
            cache_write_rate=table.cache_write[k],
            cache_write_1h_rate=table.cache_write_1h[k],
            cache_write_tokens=t[2],
            cache_write_1h_tokens=t[3],
        )
        if best is None:
            best, tier = usd, k > 0
        else:
            cheaper = usd < best
            best = np.where(cheaper, usd, best)
            tier = np.where(cheaper, k > 0, tier)
    assert best is not None
    return best, tier


def _bins(x: np.ndarray) -> np.ndarray:
    """Histogram bin of each token count: exact below 1,024, 64 bins per doubling above."""
    x = np.asarray(x, dtype=np.float64)
    big = x >= _EXACT
    out = x.astype(np.int64)
    if big.any():
        octave = np.floor((np.log2(x[big]) - 10.0) * _PER_OCTAVE).astype(np.int64)
        out[big] = _EXACT + octave
    return out


def _bin_value(b: int) -> float:
    if b < _EXACT:
        return float(b)
    lo = 2.0 ** (10 + (b - _EXACT) / _PER_OCTAVE)
    hi = 2.0 ** (10 + (b - _EXACT + 1) / _PER_OCTAVE)
    return float(round(math.sqrt(lo * hi)))


def _percentile(hist: np.ndarray, q: float) -> float:
    """The smallest value whose cumulative share reaches ``q`` (numpy's ``inverted_cdf``)."""
    total = hist.sum()
    if total == 0:
        return math.nan
    cum = np.cumsum(hist)
    b = int(np.searchsorted(cum, q * total, side="left"))
    return _bin_value(min(b, len(hist) - 1))


class _Stats:
    """Running sums of one replay, growing with models and days, never with records."""

    def __init__(self) -> None:
        self.models: list[str] = []
        self.index: dict[str, int] = {}
        self.names: list[set[str]] = []
        self.requests = np.zeros(0, dtype=np.int64)
        self.tokens = np.zeros((len(TOKEN_FIELDS), 0))
        self.usd = np.zeros(0)
        self.tier = np.zeros(0, dtype=np.int64)
        self.first = np.zeros(0, dtype=np.int64)
        self.last = np.zeros(0, dtype=np.int64)
        self.hist_in = np.zeros((0, _NBINS), dtype=np.int64)
        self.hist_out = np.zeros((0, _NBINS), dtype=np.int64)
        self.cells: collections.Counter[tuple[int, int]] = collections.Counter()
        self.cell_out: collections.Counter[tuple[int, int]] = collections.Counter()
        self.classes: dict[tuple[int, int], np.ndarray] = {}  # (model, class) -> [n, input, cached, write, output]
        self.days: dict[int, list[float]] = {}  # day -> [requests, actual, what-if]

    def slot(self, model_id: str) -> int:
        i = self.index.get(model_id)
        if i is not None:
            return i
        i = self.index[model_id] = len(self.models)
        self.models.append(model_id)
        self.names.append(set())
        self.requests = np.append(self.requests, 0)
        self.tokens = np.concatenate([self.tokens, np.zeros((len(TOKEN_FIELDS), 1))], axis=1)
        self.usd = np.append(self.usd, 0.0)
        self.tier = np.append(self.tier, 0)
        self.first = np.append(self.first, np.iinfo(np.int64).max)
        self.last = np.append(self.last, np.iinfo(np.int64).min)
        self.hist_in = np.concatenate([self.hist_in, np.zeros((1, _NBINS), dtype=np.int64)])
        self.hist_out = np.concatenate([self.hist_out, np.zeros((1, _NBINS), dtype=np.int64)])
        return i


@dataclasses.dataclass
class _Unpriced:
    model: str | None
    reason: str
    first: int
    last: int
    requests: int = 0
    tokens: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(len(TOKEN_FIELDS)))


class _Resolver:
    """(name, day) -> (model id, price tables, why not priced), through the catalog's dated names
    (:meth:`advisor.catalog.Catalog.get` on the day) and the price periods in force that day."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.cache: dict[tuple[str, int], tuple[str | None, tuple[RateTable, ...], str]] = {}

    def __call__(self, name: str, day: int) -> tuple[str | None, tuple[RateTable, ...], str]:
        key = (name, day)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = self._resolve(name, dt.date.fromordinal(day))
        return hit

    def _resolve(self, name: str, day: dt.date) -> tuple[str | None, tuple[RateTable, ...], str]:
        try:
            model = self.catalog.get(name, on=day)
        except UnknownModelError:
            return None, (), ("names several models on its date" if name in self.catalog else "unknown model")
        periods = tuple(p for p in model.prices if in_force(p, day))
        if not periods and model.mode_of is not None:
            try:
                base = self.catalog.get(model.mode_of, on=day)
            except UnknownModelError:
                base = None
            periods = tuple(p for p in base.prices if in_force(p, day)) if base is not None else ()
        if not periods:
            return model.id, (), "no price on its date"
        return model.id, tuple(rate_table(p) for p in periods), ""


def _days(chunk: Chunk, default_day: int) -> tuple[np.ndarray, int]:
    s = chunk.seconds
    undated = np.isnan(s)
    days = np.where(undated, 0.0, np.floor(s / 86400.0)).astype(np.int64) + _EPOCH_ORDINAL
    n_undated = int(undated.sum())
    if n_undated:
        days[undated] = default_day
    return days, n_undated


# --- the replay ------------------------------------------------------------------------------------


def replay(
    records_or_paths: Any,
    catalog: Catalog,
    *,
    format: str | None = None,
    as_of: dt.date | None = None,
    metric: str = DEFAULT_METRIC,
    what_if: bool = True,
    target: str | None = None,
    min_score: float | None = None,
    budget: float | None = None,
    mix: float | None = None,
    per: Per = "mtok",
    measure: bool = True,
) -> ReplayReport:
    """Price the requests of usage logs as the catalog priced them, and what they would cost instead.

    Args:
        records_or_paths: a path, a list of paths (JSON Lines or CSV of a known format; a
            ``postgresql://`` URL reads LiteLLM's spend-log table), or records in memory
            (:class:`advisor.usage.Usage` objects or dicts of a JSON format).
        catalog: the full catalog (``load_catalog()``), not a dated view: each request is priced
            on its own date.
        format: a name from :data:`advisor.usage.FORMATS`; None detects it per source.
        as_of: the date the what-if chooses on (scores and prices), and the date of records
            without a timestamp; default today.
        metric: the quality metric of the target rule.
        what_if: False skips the what-if (a single pass over the logs).
        target: every model's traffic moves to the cheapest model not statistically worse than
            this model (default: than the model itself).
        min_score: instead, the cheapest model scoring at least this.
        budget: the best model costing at most this, in the unit ``per`` names, at each model's
            observed workload; with ``target`` or ``min_score``, the cheapest meeting both.
        mix: instead, the cheapest mix of at most two models whose expected Bradley-Terry
            P(beats the model, or ``target``) is at least this (:func:`advisor.mix.recommend_mix`);
            each request of the class goes to one part at random, so its what-if cost is the
            share-weighted cost on each part.
        per: the budget's unit (``mtok``: USD per 1M blended tokens; ``request``).
        measure: measure output multipliers where the log allows (else use the catalog's).

    Raises:
        advisor.errors.InputFileError: a bad record, naming the file (or table) and line (or row).
        advisor.errors.AdvisorError: a bad option, or a dated view passed as the catalog.
    """
    if catalog.date is not None:
        raise AdvisorError(
            "replay prices each request on its own date: pass the full catalog (load_catalog()), "
            "not a dated view, and the decision date as as_of"
        )
    if per not in ("mtok", "request"):
        raise AdvisorError(f"per must be mtok or request for a replay, got {per!r}")
    if mix is not None and (min_score is not None or budget is not None):
        raise AdvisorError("a mix has its own bar: give mix without min_score or budget")
    if mix is not None:
        from advisor.mix import check_win_rate

        mix = check_win_rate(mix, "mix")
    if target is not None and min_score is not None:
        raise AdvisorError("give one quality bar: target or min_score")
    day_of_decision = as_of or dt.date.today()
    decision_view = catalog.as_of(day_of_decision)
    if what_if:
        decision_view.check_metric(metric)
    labels, stream = _sources(records_or_paths, format)
    stats = _Stats()
    resolver = _Resolver(catalog)
    windows = np.array(sorted({m.context_window for m in decision_view if m.context_window}), dtype=np.int64)
    unpriced: dict[tuple[str, str], _Unpriced] = {}
    skipped: collections.Counter[str] = collections.Counter()
    formats: dict[str, str] = {}
    undated = 0
    default_day = day_of_decision.toordinal()
    # The what-if's second pass reads this compact spill of the first, not the logs again.
    spill = tempfile.TemporaryFile(prefix="advisor-replay-") if what_if else None  # noqa: SIM115
    try:
        for chunk in stream:
            skipped.update(chunk.skipped)
            formats.setdefault(chunk.source, chunk.format)
            if not len(chunk):
                continue
            days, n_undated = _days(chunk, default_day)
            undated += n_undated
            kept = _first_pass(chunk, days, stats, resolver, unpriced, windows)
            if spill is not None and kept is not None:
                for arr in kept:
                    np.save(spill, arr, allow_pickle=False)
        from advisor.multipliers import measure as measure_multipliers
        from advisor.multipliers import multipliers_used
        from advisor.whatif import what_if as run_what_if

        measured = measure_multipliers(stats, decision_view) if measure else {}
        multipliers = multipliers_used(stats, decision_view, measured)
        whatifs: tuple[WhatIf, ...] = ()
        rule = None
        if what_if and stats.models:
            rule, whatifs = run_what_if(
                stats,
                decision_view,
                catalog,
                spill,
                windows=windows,
                metric=metric,
                target=target,
                min_score=min_score,
                mix=mix,
                budget=budget,
                per=per,
                multipliers=multipliers,
                as_of_day=default_day,
            )
    finally:
        if spill is not None:
            spill.close()
    return _report(
        labels,
        formats,
        stats,
        unpriced,
        skipped,
        undated,
        measured,
        multipliers,
        whatifs,
        rule,
        metric,
        day_of_decision,
        what_if,
    )


def _first_pass(
    chunk: Chunk,
    days: np.ndarray,
    stats: _Stats,
    resolver: _Resolver,
    unpriced: dict[tuple[str, str], _Unpriced],
    windows: np.ndarray,
) -> tuple[np.ndarray, ...] | None:
    """Price one chunk and add it to the sums; return what the what-if's pass needs of it."""
    names = chunk.names
    local: dict[str, int] = {}
    for name in dict.fromkeys(names):
        local[name] = len(local)
    code = np.fromiter(map(local.__getitem__, names), dtype=np.int64, count=len(names))
    key = (code << 32) | days
    ukeys, inverse = np.unique(key, return_inverse=True)
    inverse = inverse.reshape(-1)
    by_code = list(local)
    t = chunk.tokens
    tf = t.astype(np.float64)
    n = len(names)
    slot_of_key = np.full(len(ukeys), -1, dtype=np.int64)
    tables_of_key: list[tuple[RateTable, ...]] = []
    for j, k in enumerate(ukeys.tolist()):
        name = by_code[k >> 32]
        day = k & 0xFFFFFFFF
        model_id, tables, reason = resolver(name, day)
        tables_of_key.append(tables)
        if tables:
            owner = stats.slot(model_id or name)
            slot_of_key[j] = owner
            stats.names[owner].add(name)
        else:
            mask = inverse == j
            entry = unpriced.get((name, reason))
            if entry is None:
                entry = unpriced[(name, reason)] = _Unpriced(model_id, reason, day, day)
            entry.requests += int(mask.sum())
            entry.tokens += tf[:, mask].sum(axis=1)
            entry.first = min(entry.first, day)
            entry.last = max(entry.last, day)
    slot = slot_of_key[inverse]
    priced = slot >= 0
    usd = np.zeros(n)
    tier = np.zeros(n, dtype=bool)
    # One numpy pricing per distinct set of price tables (a model's periods in force).
    groups: dict[tuple[int, ...], list[int]] = {}
    for j, tables in enumerate(tables_of_key):
        if tables:
            groups.setdefault(tuple(id(x) for x in tables), []).append(j)
    for js in groups.values():
        mask = np.isin(inverse, js) if len(js) > 1 else inverse == js[0]
        usd[mask], tier[mask] = _price(tables_of_key[js[0]], tf[:, mask])
    if not priced.any():
        return None
    s = slot[priced]
    tp = tf[:, priced]
    m = len(stats.models)
    stats.requests += np.bincount(s, minlength=m)
    for row in range(len(TOKEN_FIELDS)):
        stats.tokens[row] += np.bincount(s, weights=tp[row], minlength=m)
    stats.usd += np.bincount(s, weights=usd[priced], minlength=m)
    stats.tier += np.bincount(s, weights=tier[priced], minlength=m).astype(np.int64)
    d = days[priced]
    np.minimum.at(stats.first, s, d)
    np.maximum.at(stats.last, s, d)
    stats.hist_in += np.bincount(s * _NBINS + _bins(tp[0]), minlength=m * _NBINS).reshape(m, _NBINS)
    stats.hist_out += np.bincount(s * _NBINS + _bins(tp[4]), minlength=m * _NBINS).reshape(m, _NBINS)
    # Output per (model, input-size bucket), for the multipliers.
    bucket = np.floor(np.log2(tp[0] + 1.0)).astype(np.int64)
    cell = s * 128 + bucket
    ucell, cinv = np.unique(cell, return_inverse=True)
    cinv = cinv.reshape(-1)
    counts = np.bincount(cinv)
    outs = np.bincount(cinv, weights=tp[4])
    for c, k, o in zip(ucell.tolist(), counts.tolist(), outs.tolist(), strict=True):
        stats.cells[(c >> 7, c & 127)] += k
        stats.cell_out[(c >> 7, c & 127)] += o
    # Sums per (model, context-window class), for the what-if's workloads.
    need = tp[0] + tp[4]
    cls = np.searchsorted(windows, need, side="left") if len(windows) else np.zeros(len(need), dtype=np.int64)
    ckey = s * 4096 + cls
    uck, ckinv = np.unique(ckey, return_inverse=True)
    ckinv = ckinv.reshape(-1)
    sums = [np.bincount(ckinv)] + [np.bincount(ckinv, weights=tp[r]) for r in (0, 1, 2, 4)]
    for j, ck in enumerate(uck.tolist()):
        cur = stats.classes.setdefault((ck // 4096, ck % 4096), np.zeros(5))
        cur += [x[j] for x in sums]
    # Daily sums.
    ud, dinv = np.unique(d, return_inverse=True)
    dinv = dinv.reshape(-1)
    dn = np.bincount(dinv)
    dusd = np.bincount(dinv, weights=usd[priced])
    for day, k, u in zip(ud.tolist(), dn.tolist(), dusd.tolist(), strict=True):
        cur_day = stats.days.setdefault(day, [0.0, 0.0, 0.0])
        cur_day[0] += k
        cur_day[1] += u
    narrow = np.int32 if tp.max(initial=0) < 2**31 else np.int64
    return (
        s.astype(np.int32),
        d.astype(np.int32),
        cls.astype(np.int32),
        t[[0, 1, 2, 3, 4]][:, priced].astype(narrow),
        usd[priced],
    )


# --- assembling the report ------------------------------------------------------------------------------


def _profile(requests: int, tok: np.ndarray, hist_in: np.ndarray, hist_out: np.ndarray) -> Profile:
    """The profile of requests with token sums ``tok`` (rows as TOKEN_FIELDS) and size histograms."""
    n = max(requests, 1)
    return Profile(
        input_p50=_percentile(hist_in, 0.5),
        input_p90=_percentile(hist_in, 0.9),
        input_p99=_percentile(hist_in, 0.99),
        output_p50=_percentile(hist_out, 0.5),
        output_p90=_percentile(hist_out, 0.9),
        output_p99=_percentile(hist_out, 0.99),
        mean_input=float(tok[0] / n),
        mean_output=float(tok[4] / n),
        input_output_ratio=float(tok[0] / tok[4]) if tok[4] > 0 else None,
        cached_share=float(tok[1] / tok[0]) if tok[0] > 0 else 0.0,
        cache_write_share=float(tok[2] / tok[0]) if tok[0] > 0 else 0.0,
    )


def _report(
    labels: list[str],
    formats: Mapping[str, str],
    stats: _Stats,
    unpriced: Mapping[tuple[str, str], _Unpriced],
    skipped: Mapping[str, int],
    undated: int,
    measured: Mapping[str, MeasuredMultiplier],
    multipliers: Mapping[str, tuple[float, str]],
    whatifs: tuple[WhatIf, ...],
    rule: str | None,
    metric: str,
    as_of: dt.date,
    what_if: bool,
) -> ReplayReport:
    models = []
    for slot, model_id in enumerate(stats.models):
        mult, origin = multipliers.get(model_id, (1.0, "assumed"))
        models.append(
            ModelUsage(
                model=model_id,
                names=tuple(sorted(stats.names[slot])),
                requests=int(stats.requests[slot]),
                tokens=Tokens.of(stats.tokens[:, slot]),
                usd=float(stats.usd[slot]),
                long_context_requests=int(stats.tier[slot]),
                first_day=dt.date.fromordinal(int(stats.first[slot])),
                last_day=dt.date.fromordinal(int(stats.last[slot])),
                profile=_profile(
                    int(stats.requests[slot]), stats.tokens[:, slot], stats.hist_in[slot], stats.hist_out[slot]
                ),
                output_multiplier=mult,
                multiplier_source=origin,
            )
        )
    models.sort(key=lambda m: (-m.usd, m.model))
    order = {m.model: i for i, m in enumerate(models)}
    whatifs = tuple(sorted(whatifs, key=lambda w: order[w.model]))
    lost = []
    for (name, reason), u in unpriced.items():
        span = dt.date.fromordinal(u.first).isoformat()
        if u.last != u.first:
            span += f" to {dt.date.fromordinal(u.last).isoformat()}"
        why = reason if reason == "unknown model" else f"{reason} ({span})"
        lost.append(Unpriced(name, u.model, why, u.requests, Tokens.of(u.tokens)))
    lost.sort(key=lambda u: (-u.requests, u.name))
    all_days = sorted(stats.days)
    total_tokens = stats.tokens.sum(axis=1) + sum((u.tokens for u in unpriced.values()), np.zeros(len(TOKEN_FIELDS)))
    priced = int(stats.requests.sum())
    usd = float(stats.usd.sum())
    wi_usd = sum(w.what_if_usd for w in whatifs) if what_if and whatifs else None
    saved = usd - wi_usd if wi_usd is not None else None
    return ReplayReport(
        sources=tuple(labels),
        formats=dict(formats),
        as_of=as_of,
        first_day=dt.date.fromordinal(all_days[0]) if all_days else None,
        last_day=dt.date.fromordinal(all_days[-1]) if all_days else None,
        requests=priced + sum(u.requests for u in unpriced.values()),
        priced_requests=priced,
        undated_requests=undated,
        skipped=dict(sorted(skipped.items())),
        tokens=Tokens.of(total_tokens),
        profile=_profile(priced, stats.tokens.sum(axis=1), stats.hist_in.sum(axis=0), stats.hist_out.sum(axis=0)),
        usd=usd,
        models=tuple(models),
        unpriced=tuple(lost),
        multipliers=tuple(sorted(measured.values(), key=lambda m: m.model)),
        metric=metric,
        rule=rule,
        what_if=whatifs,
        what_if_usd=wi_usd,
        savings_usd=saved,
        savings_pct=(saved / usd * 100.0) if saved is not None and usd > 0 else None,
        daily=tuple(
            DailyCost(
                dt.date.fromordinal(day),
                int(stats.days[day][0]),
                stats.days[day][1],
                stats.days[day][2] if wi_usd is not None else None,
            )
            for day in all_days
        ),
    )
