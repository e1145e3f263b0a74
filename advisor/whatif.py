"""The what-if of a replay: each model's traffic moved to the rule's choice and re-priced.

The choice is :func:`advisor.select.recommend`'s, as of the decision date, at each model's own
workload, once per context-window class so that no request goes to a model whose context window
it exceeds. The second pass re-prices the spilled first-pass numbers on the choice, each request
on its own date, with output tokens scaled by the models' output multipliers.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from advisor.catalog import Catalog
from advisor.errors import AdvisorError, NoCandidateError, UnknownModelError
from advisor.replay_report import WhatIf, WhatIfChoice
from advisor.traffic import _periods, _price, _Resolver, _Stats
from advisor.workload import PER_UNITS, Per, Workload, rate_table

__all__ = ["what_if"]


def what_if(
    stats: _Stats,
    view: Catalog,
    catalog: Catalog,
    spill: Any,
    *,
    windows: np.ndarray,
    metric: str,
    target: str | None,
    min_score: float | None,
    budget: float | None,
    mix: float | None,
    per: Per,
    multipliers: Mapping[str, tuple[float, str]],
    as_of_day: int,
) -> tuple[str, tuple[WhatIf, ...]]:
    from advisor.catalog import score_of
    from advisor.select import recommend

    benchmark, category = view.check_metric(metric)
    if mix is not None:
        vs = view.resolve(target) if target is not None else "the model itself"
        rule = f"the cheapest mix of at most two models with expected P(beats {vs}) >= {mix:g} on {metric}"
    elif min_score is not None:
        rule = f"the cheapest model with {metric} >= {min_score:g}"
    elif target is not None:
        rule = f"the cheapest model not statistically worse than {view.resolve(target)} on {metric}"
    elif budget is not None:
        rule = f"the best {metric} model"
    else:
        rule = f"the cheapest model not statistically worse than the model itself on {metric}"
    if budget is not None:
        rule += f" within {budget:g} {PER_UNITS[per]} at each model's workload"
    mults = {k: v[0] for k, v in multipliers.items()}
    choice_ids: list[str] = []
    choice_index: dict[str, int] = {}
    # plan[(model slot, class)] -> [(index into choice_ids, share), ...]; empty: the traffic stays
    plan: dict[tuple[int, int], list[tuple[int, float]]] = {}
    statements: dict[int, list[WhatIfChoice]] = collections.defaultdict(list)
    criteria: dict[int, str] = {}
    for (slot, cls), sums in sorted(stats.classes.items()):
        model_id = stats.models[slot]
        requests = int(sums[0])
        if cls >= len(windows) and len(windows):
            statements[slot].append(
                WhatIfChoice(model_id, requests, None, None, None, None, "exceeds every known context window: stays")
            )
            plan[(slot, cls)] = []
            continue
        need = int(windows[cls]) if cls > 0 else None
        pool_view = view.filter(min_context=need) if need is not None else view
        mean_in, mean_cached, mean_out = sums[1] / requests, sums[2] / requests, sums[4] / requests
        mult_src = mults.get(model_id, 1.0)
        try:
            workload = Workload(
                input_tokens=mean_in,
                output_tokens=mean_out / mult_src,
                cached_share=min(1.0, mean_cached / mean_in) if mean_in > 0 else 0.0,
                output_multipliers=mults,
            )
        except ValueError:
            plan[(slot, cls)] = []
            statements[slot].append(WhatIfChoice(model_id, requests, need, None, None, None, "no tokens: stays"))
            continue
        ref = target if target is not None else (model_id if min_score is None and budget is None else None)
        if mix is not None:
            try:
                parts = _mix_parts(pool_view, view, mix, ref or model_id, metric, workload, per)
            except AdvisorError as exc:
                plan[(slot, cls)] = []
                statements[slot].append(WhatIfChoice(model_id, requests, need, None, None, None, f"stays: {exc}"))
                continue
            plan[(slot, cls)] = []
            for part_id, share, score, lo, hi, why in parts:
                idx = choice_index.get(part_id)
                if idx is None:
                    idx = choice_index[part_id] = len(choice_ids)
                    choice_ids.append(part_id)
                plan[(slot, cls)].append((idx, share))
                ratio = round(mults.get(part_id, 1.0) / mult_src, 4)
                statements[slot].append(WhatIfChoice(part_id, round(requests * share), need, score, lo, hi, why, ratio))
            criteria[slot] = rule
            continue
        try:
            rec = recommend(
                pool_view, metric=metric, workload=workload, per=per, target=ref, min_score=min_score, budget=budget
            )
        except NoCandidateError as exc:
            plan[(slot, cls)] = []
            statements[slot].append(WhatIfChoice(model_id, requests, need, None, None, None, f"stays: {exc}"))
            continue
        except AdvisorError as exc:
            plan[(slot, cls)] = []
            statements[slot].append(WhatIfChoice(model_id, requests, need, None, None, None, f"stays: {exc}"))
            continue
        criteria[slot] = rec.criteria
        c = rec.choice
        if c.id == model_id:
            plan[(slot, cls)] = []
            statements[slot].append(
                WhatIfChoice(c.id, requests, need, c.score, c.ci_lower, c.ci_upper, f"stays: already {rec.criteria}")
            )
            continue
        idx = choice_index.get(c.id)
        if idx is None:
            idx = choice_index[c.id] = len(choice_ids)
            choice_ids.append(c.id)
        plan[(slot, cls)] = [(idx, 1.0)]
        ratio = mults.get(c.id, 1.0) / mult_src
        statements[slot].append(
            WhatIfChoice(c.id, requests, need, c.score, c.ci_lower, c.ci_upper, rec.criteria, round(ratio, 4))
        )

    totals = _second_pass(stats, view, catalog, spill, plan, choice_ids, mults, as_of_day)
    out = []
    for slot, model_id in enumerate(stats.models):
        try:
            s = score_of(view.get(model_id), benchmark, category)
        except UnknownModelError:
            s = None
        actual = float(stats.usd[slot])
        what_if_usd, moved, at_as_of = totals.get(slot, (actual, 0, 0))
        saved = actual - what_if_usd
        out.append(
            WhatIf(
                model=model_id,
                criteria=criteria.get(slot, rule),
                metric=metric,
                score_as_of=s.as_of if s else None,
                score=s.value if s else None,
                ci_lower=(s.ci_lower if s.ci_lower is not None else s.value) if s else None,
                ci_upper=(s.ci_upper if s.ci_upper is not None else s.value) if s else None,
                choices=_merged(statements.get(slot, [])),
                actual_usd=actual,
                what_if_usd=what_if_usd,
                savings_usd=saved,
                savings_pct=saved / actual * 100.0 if actual > 0 else None,
                moved_requests=moved,
                kept_requests=int(stats.requests[slot]) - moved,
                priced_at_as_of=at_as_of,
            )
        )
    return rule, tuple(out)


def _mix_parts(
    pool_view: Catalog, view: Catalog, p: float, vs: str, metric: str, workload: Workload, per: Per
) -> list[tuple[str, float, float, float, float, str]]:
    """(model, share, score, CI) of the cheapest mix reaching P(beats ``vs``) >= ``p``."""
    from advisor.catalog import parse_metric, score_of
    from advisor.mix import recommend_mix

    m = recommend_mix(pool_view, min_win_rate=p, vs=vs, metric=metric, workload=workload, per=per)
    benchmark, category = parse_metric(metric)
    out = []
    for part in m.parts:
        s = score_of(view.get(part.id), benchmark, category)
        lo = s.ci_lower if s is not None and s.ci_lower is not None else part.score
        hi = s.ci_upper if s is not None and s.ci_upper is not None else part.score
        why = f"{part.share:.0%} of the requests: a mix with expected P(beats {m.vs}) {m.win_rate:.3f} >= {p:g}"
        out.append((part.id, part.share, part.score, lo, hi, why))
    return out


def _merged(choices: Sequence[WhatIfChoice]) -> tuple[WhatIfChoice, ...]:
    """One line per destination and reason: context classes that went the same way are summed,
    with the smallest context window they needed."""
    out: dict[tuple[str, str], WhatIfChoice] = {}
    for c in choices:
        prev = out.get((c.model, c.reason))
        if prev is None:
            out[(c.model, c.reason)] = c
            continue
        need = None if prev.min_context is None or c.min_context is None else min(prev.min_context, c.min_context)
        out[(c.model, c.reason)] = dataclasses.replace(prev, requests=prev.requests + c.requests, min_context=need)
    return tuple(sorted(out.values(), key=lambda c: -c.requests))


def _load(spill: Any) -> Iterator[tuple[np.ndarray, ...]]:
    spill.seek(0)
    while True:
        try:
            parts = tuple(np.load(spill, allow_pickle=False) for _ in range(5))
        except (EOFError, ValueError):
            return
        yield parts


def _second_pass(
    stats: _Stats,
    view: Catalog,
    catalog: Catalog,
    spill: Any,
    plan: Mapping[tuple[int, int], Sequence[tuple[int, float]]],
    choice_ids: Sequence[str],
    mults: Mapping[str, float],
    as_of_day: int,
) -> dict[int, tuple[float, int, int]]:
    """Re-price the spilled requests on their plan's destinations, each on its own date.

    A plan entry is up to two (destination, share) pairs (a mix sends each request to one of them
    at random: its expected cost is the share-weighted cost on each); empty means the traffic stays.
    """
    resolver = _Resolver(catalog)
    fallback = [tuple(rate_table(p) for p in _periods(view.get(c), view)) for c in choice_ids]
    n_slots = len(stats.models)
    n_classes = 1 + max((cls for _, cls in plan), default=0)
    dest = np.full((2, n_slots, n_classes), -1, dtype=np.int64)
    share = np.zeros((2, n_slots, n_classes))
    for (owner, klass), parts in plan.items():
        for k, (d_index, d_share) in enumerate(parts):
            dest[k, owner, klass] = d_index
            share[k, owner, klass] = d_share
    src_mult = np.array([mults.get(m, 1.0) for m in stats.models])
    dst_mult = np.array([mults.get(c, 1.0) for c in choice_ids] or [1.0])
    what_if = np.zeros(n_slots)
    moved = np.zeros(n_slots, dtype=np.int64)
    at_as_of = np.zeros(n_slots, dtype=np.int64)
    for s, d, cls, t, usd in _load(spill):
        s = s.astype(np.int64)
        go = dest[0, s, cls] >= 0
        new = usd.copy()
        if go.any():
            idx = np.flatnonzero(go)
            new[idx] = 0.0
            tf = t[:, idx].astype(np.float64)
            days = d[idx].astype(np.int64)
            late = np.zeros(len(idx), dtype=bool)
            for k in range(2):
                dk = dest[k, s[idx], cls[idx]]
                wk = share[k, s[idx], cls[idx]]
                part = np.flatnonzero(dk >= 0)
                if not len(part):
                    continue
                out = tf[4, part] * dst_mult[dk[part]] / src_mult[s[idx][part]]
                key = dk[part] * (1 << 32) + days[part]
                ukeys, inv = np.unique(key, return_inverse=True)
                inv = inv.reshape(-1)
                for j, code in enumerate(ukeys.tolist()):
                    c, day = code >> 32, code & 0xFFFFFFFF
                    _, tables, _ = resolver(choice_ids[c], day)
                    sel = part[inv == j]
                    if not tables:
                        tables = fallback[c]
                        late[sel] = True
                    full = np.vstack([tf[:4, sel], out[inv == j][None, :]])
                    new[idx[sel]] += wk[sel] * _price(tables, full)[0]
            moved += np.bincount(s[idx], minlength=n_slots)
            at_as_of += np.bincount(s[idx], weights=late, minlength=n_slots).astype(np.int64)
        what_if += np.bincount(s, weights=new, minlength=n_slots)
        ud, dinv = np.unique(d, return_inverse=True)
        dsum = np.bincount(dinv.reshape(-1), weights=new)
        for day, u in zip(ud.tolist(), dsum.tolist(), strict=True):
            stats.days[day][2] += u
    return {i: (float(what_if[i]), int(moved[i]), int(at_as_of[i])) for i in range(n_slots)}
