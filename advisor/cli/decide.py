"""The decision commands: cost, frontier, recommend, compare, rank."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from advisor.cli._common import (
    HELP_FORMATTER,
    add_catalog_options,
    add_filter_options,
    add_wide_option,
    load_catalog_from_args,
    number,
    starts_by_loading_the_catalog,
    whole,
)
from advisor.cli._output import num, print_json, table, usd

if TYPE_CHECKING:
    from advisor.catalog import Catalog
    from advisor.freshness import Freshness
    from advisor.select import LeftOut, Option
    from advisor.workload import ModelCost, Workload

_AT_LEAST_0 = number(at_least=0)
_UNIT_HEADER = {"mtok": "$/1M tok (blended)", "request": "$/request", "month": "$/month"}


def _multiplier(text: str) -> tuple[str, float]:
    name, sep, value = text.rpartition("=")
    try:
        factor = float(value)
    except ValueError:
        factor = float("nan")
    if not sep or not name or not factor > 0:
        raise argparse.ArgumentTypeError(f"want MODEL=FACTOR with FACTOR > 0, got {text!r}")
    return name, factor


def _common(p: argparse.ArgumentParser, *, per: bool = True, requests: bool = True, workload: bool = True) -> None:
    """Catalog, filter, metric and output options, and the workload options the command uses.

    ``workload=False`` for commands the workload does not change, ``requests=False`` where no cost
    per month is shown, ``per=False`` where the cost unit is fixed. Options a command would ignore
    are not offered.
    """
    add_catalog_options(p)
    starts_by_loading_the_catalog(p)
    add_filter_options(p)
    p.add_argument("--exclude", action="append", default=[], metavar="MODEL", help="leave this model out (repeatable)")
    p.add_argument("--metric", default="arena-text", help="quality metric, benchmark[/category] (default: arena-text)")
    p.add_argument("--json", action="store_true", help="print the library's result as JSON")
    if workload:
        _workload_options(p, per=per, requests=requests)


def _workload_options(p: argparse.ArgumentParser, *, per: bool, requests: bool) -> None:
    w = p.add_argument_group("workload (default: 3,000 input + 1,000 output tokens per request, the 3:1 blend)")
    w.add_argument("--input-tokens", type=_AT_LEAST_0, default=3000.0, metavar="N", help="input tokens per request")
    w.add_argument("--output-tokens", type=_AT_LEAST_0, default=1000.0, metavar="N", help="output tokens per request")
    w.add_argument(
        "--cached-share", type=_AT_LEAST_0, default=0.0, metavar="F", help="share of input read from cache, 0-1"
    )
    w.add_argument(
        "--cache-write-share",
        type=_AT_LEAST_0,
        default=0.0,
        metavar="F",
        help="share of input written to the prompt cache, 0-1 (at the cache-write price of --cache-ttl)",
    )
    w.add_argument(
        "--cache-ttl", choices=["5m", "1h"], default="5m", help="lifetime of cache writes: 5m (default) or 1h"
    )
    w.add_argument("--batch", action="store_true", help="use batch-API prices where they exist")
    w.add_argument(
        "--service-tier",
        choices=["standard", "flex", "priority"],
        default="standard",
        help="price at this service tier where a model sells it (flex: slower, cheaper; priority: faster)",
    )
    if requests:
        w.add_argument("--requests", type=_AT_LEAST_0, metavar="N", help="requests per month (for monthly cost)")
    w.add_argument(
        "--output-multiplier",
        type=_multiplier,
        action="append",
        default=[],
        metavar="MODEL=FACTOR",
        help="output tokens this model spends relative to a typical one (repeatable)",
    )
    if per:
        w.add_argument(
            "--per",
            choices=["mtok", "request", "month"],
            default="mtok",
            help="unit of cost and budget: USD per 1M blended tokens (default), per request, per month",
        )


def _workload(args: argparse.Namespace, catalog: Catalog) -> Workload:
    from advisor.workload import Workload

    multipliers = {catalog.resolve(name): factor for name, factor in args.output_multiplier}
    try:
        return Workload(
            input_tokens=args.input_tokens,
            output_tokens=args.output_tokens,
            cached_share=args.cached_share,
            cache_write_share=args.cache_write_share,
            cache_ttl=args.cache_ttl,
            batch=args.batch,
            service_tier=args.service_tier,
            requests_per_month=getattr(args, "requests", None),
            output_multipliers=multipliers,
        )
    except ValueError as exc:
        from advisor.errors import AdvisorError

        raise AdvisorError(str(exc)) from None


def _view(args: argparse.Namespace, *, every_metric: bool = False) -> Catalog:
    catalog = load_catalog_from_args(args, every_metric=every_metric)
    return catalog.filter(
        provider=args.provider,
        open_weights=args.open_weights,
        min_context=args.min_context,
        exclude=args.exclude,
    )


def _parser(sub: Any, name: str, help_text: str, description: str, example: str) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help_text,
        description=description,
        epilog=f"Example:\n  {example}",
        formatter_class=HELP_FORMATTER,
    )
    return p


def register(sub: Any) -> None:
    p = _parser(
        sub,
        "cost",
        "what a workload costs per model (USD)",
        "The cost of a workload on each model: blended USD per 1M tokens, per request, per month. "
        "Long-context tiers re-price the whole request once the prompt passes their threshold.",
        "advisor cost gpt-4o-mini gpt-4o --input-tokens 2000 --output-tokens 500 --requests 100000",
    )
    p.add_argument("models", nargs="*", metavar="MODEL", help="models to price (default: all priced models)")
    _common(p, per=False)
    add_wide_option(p)
    p.set_defaults(func=_cost)

    p = _parser(
        sub,
        "frontier",
        "the cost-quality Pareto frontier",
        "Models on the cost-quality Pareto frontier, cheapest first, and the uncertainty-aware "
        "frontier: models no cheaper-or-equal model beats statistically (95% CIs apart).",
        "advisor frontier --as-of 2024-07-24",
    )
    _common(p)
    add_wide_option(p)
    p.set_defaults(func=_frontier)

    p = _parser(
        sub,
        "recommend",
        "cheapest model meeting a bar, or best within a budget",
        "Cheapest model meeting a quality bar (--target, --min-score, or --min-win-rate with --vs), "
        "best model within a budget (--budget), or the cheapest meeting the bar within the budget. "
        "Exit code 1 when nothing qualifies.",
        "advisor recommend --target gpt-4o --as-of 2024-07-24",
    )
    g = p.add_argument_group("what you need")
    g.add_argument("--target", metavar="MODEL", help="not statistically worse than this model")
    g.add_argument("--min-score", type=number(), metavar="SCORE", help="score at least this")
    g.add_argument("--min-win-rate", type=number(), metavar="P", help="Bradley-Terry P(beats --vs) at least this")
    g.add_argument("--vs", metavar="MODEL", help="the model --min-win-rate is measured against")
    g.add_argument("--budget", type=number(at_least=0), metavar="USD", help="the most you pay, in the unit --per names")
    g.add_argument(
        "--fallbacks",
        type=whole(at_least=0),
        default=0,
        metavar="N",
        help="also list N routes to retry elsewhere that meet the same bar (other providers and hosts first)",
    )
    g.add_argument(
        "--mix",
        action="store_true",
        help="with --min-win-rate and --vs: the cheapest mix of two models reaching that expected win rate",
    )
    _common(p)
    p.set_defaults(func=_recommend)

    p = _parser(
        sub,
        "compare",
        "two models side by side",
        "Price ratio at the workload, score gap and whether it is significant, P(A beats B), tie-aware ranks.",
        "advisor compare gpt-4o-mini gpt-3.5-turbo-0125 --as-of 2024-07-24",
    )
    p.add_argument("a", metavar="A", help="the first model (id or alias)")
    p.add_argument("b", metavar="B", help="the model A is measured against (id or alias)")
    _common(p, per=False, requests=False)
    add_wide_option(p)
    p.set_defaults(func=_compare)

    p = _parser(
        sub,
        "rank",
        "the leaderboard with tie-aware ranks",
        "The leaderboard with tie-aware ranks: rank = 1 + number of models statistically better.",
        "advisor rank --as-of 2024-07-24",
    )
    p.add_argument("--top", type=whole(at_least=1), metavar="N", help="show only the first N rows")
    _common(p, per=False, requests=False)
    add_wide_option(p)
    p.set_defaults(func=_rank)


# --- renderers ------------------------------------------------------------------------------------


def _header(kind: str, as_of: object, metric: str | None, w: Workload, scope: Sequence[str] = ()) -> str:
    pricing = w.pricing
    return (
        f"{kind} as of {as_of}"
        + (f", metric {metric}" if metric else "")
        + (f", among {'; '.join(scope)}" if scope else "")
        + f", workload {num(w.input_tokens)} input + {num(w.output_tokens)} output tokens per request ({w.blend})"
        + (f", {pricing}" if pricing else "")
    )


def _freshness(f: Freshness | None) -> None:
    if f is not None:
        for line in f.lines():
            print(line)


def _multipliers(costs: Sequence[ModelCost], w: Workload, limit: int = 6) -> None:
    """Say which output multipliers were applied and which output-token counts are unknown."""
    applied = [c for c in costs if c.output_multiplier != 1.0]
    if applied:
        parts = [
            f"{c.id} x{c.output_multiplier:g}" + (" (--output-multiplier)" if c.id in w.output_multipliers else "")
            for c in applied
        ]
        print(f"Output multipliers applied (output tokens spent vs a typical model): {_names(parts, limit)}")
    unknown = [c.id for c in costs if c.output_tokens_unknown]
    if unknown:
        print(
            "Output tokens unknown (reasoning modes priced at 1x output, a lower bound; "
            f"give --output-multiplier MODEL=FACTOR): {_names(unknown, limit)}"
        )


def _mark(c: ModelCost, text: str) -> str:
    return text + ("*" if c.missing or c.output_tokens_unknown else "")


def _marks(costs: Sequence[ModelCost], limit: int = 6) -> None:
    """The footnote for cost cells marked ``*``: what each marked model lacks."""
    by_note: dict[str, list[str]] = {}
    for c in costs:
        for note in c.missing:
            by_note.setdefault(note, []).append(c.id)
    for note, ids in by_note.items():
        print(f"* {note}: {_names(ids, limit)}")
    unknown = [c.id for c in costs if c.output_tokens_unknown]
    if unknown:
        print(f"* output tokens unknown, cost is a lower bound: {_names(unknown, limit)}")


def _ci(o: Option) -> str:
    return f"+{o.ci_upper - o.score:.0f}/-{o.score - o.ci_lower:.0f}"


_KIND_LABEL = {
    "unscored": "priced, no {metric} score",
    "retired": "retired",
    "too-large": "request too large",
    "unpriced": "no price",
}


def _left_out(left: Sequence[LeftOut], metric: str | None = None, limit: int = 8) -> None:
    """Left-out models by kind, in the library's order (the ones a user would miss first)."""
    by_kind: dict[str, list[LeftOut]] = {}
    for x in left:
        by_kind.setdefault(x.kind, []).append(x)
    for kind, items in by_kind.items():
        label = _KIND_LABEL.get(kind, kind).format(metric=metric or "metric")
        if kind in ("unscored", "unpriced"):
            names = [x.id for x in items]
        elif kind == "retired":
            names = [f"{x.id} {x.reason.removeprefix('retired ')}" for x in items]
        else:
            names = [f"{x.id} ({x.reason})" for x in items]
        print(f"Left out ({label}): {_names(names, limit)}")


def _names(ids: Sequence[str], limit: int = 8) -> str:
    more = f", ... and {len(ids) - limit} more (--json lists all)" if len(ids) > limit else ""
    return f"{len(ids)}: " + ", ".join(ids[:limit]) + more


def _cost(args: argparse.Namespace) -> int:
    from advisor.workload import cost

    catalog = _view(args)
    report = cost(catalog, args.models, workload=_workload(args, catalog))
    if args.json:
        print_json(report)
        return 0
    print(_header("Cost", report.as_of, None, report.workload, catalog.scope))
    _freshness(report.freshness)
    _multipliers(report.costs, report.workload)
    monthly = report.workload.requests_per_month is not None
    headers = ["model", "host", "input ($/1M tok)", "output ($/1M tok)", "blended ($/1M tok)", "$/request"]
    if monthly:
        headers.append("$/month")
    rows = []
    for c in report.costs:
        row = [
            c.id,
            c.host or "-",
            usd(c.input_rate),
            usd(c.output_rate),
            _mark(c, usd(c.blended_usd_per_mtok)),
            _mark(c, usd(c.usd_per_request)),
        ]
        if monthly:
            row.append(_mark(c, usd(c.usd_per_month)))
        rows.append(row)
    print(table(headers, rows, right=[False, False, True, True, True, True, True][: len(headers)]))
    _marks(report.costs)
    if report.unpriced:
        print(f"No price in the catalog (not priced at 0): {', '.join(report.unpriced)}")
    _left_out(report.left_out)
    return 0


def _frontier(args: argparse.Namespace) -> int:
    from advisor.select import frontier

    catalog = _view(args)
    result = frontier(catalog, metric=args.metric, workload=_workload(args, catalog), per=args.per)
    if args.json:
        print_json(result)
        return 0
    print(_header("Frontier", result.as_of, result.metric, result.workload, result.scope))
    _freshness(result.freshness)
    costs = [pt.option.cost for pt in result.points]
    _multipliers(costs, result.workload)
    headers = [
        "model",
        "provider",
        _UNIT_HEADER[args.per],
        f"{result.metric} (score)",
        "95% CI",
        "votes",
        "Pareto",
        "statistical",
    ]
    rows = [
        [
            pt.option.id,
            pt.option.provider or "-",
            _mark(pt.option.cost, usd(pt.option.cost.amount(args.per))),
            num(pt.option.score, 0),
            _ci(pt.option),
            num(pt.option.votes),
            "yes" if pt.pareto else "-",
            "yes" if pt.statistical else "-",
        ]
        for pt in result.points
    ]
    print(table(headers, rows, right=[False, False, True, True, False, True, False, False]))
    _marks(costs)
    print(
        f"\nPareto: no model is both cheaper and better. Statistical: no cheaper-or-equal model is "
        f"better beyond the 95% CIs. Costs in {result.per}."
    )
    _left_out(result.left_out, result.metric)
    return 0


def _recommend(args: argparse.Namespace) -> int:
    from advisor.errors import NoCandidateError
    from advisor.select import Nearest, recommend

    if args.mix:
        return _mix(args)
    catalog = _view(args)
    w = _workload(args, catalog)
    try:
        rec = recommend(
            catalog,
            metric=args.metric,
            workload=w,
            per=args.per,
            target=args.target,
            min_score=args.min_score,
            min_win_rate=args.min_win_rate,
            vs=args.vs,
            budget=args.budget,
            fallbacks=args.fallbacks,
        )
    except NoCandidateError as exc:
        if not args.json and isinstance(exc.nearest, Nearest):
            print(_header("Recommendation", catalog.date, args.metric, w, catalog.scope))
            _freshness(exc.nearest.freshness)
            print("  nothing qualifies (see the error below)")
            _left_out(exc.nearest.left_out, args.metric)
        raise
    if args.json:
        print_json(rec)
        return 0
    c = rec.choice
    print(_header("Recommendation", rec.as_of, rec.metric, rec.workload, rec.scope))
    _freshness(rec.freshness)
    _multipliers([c.cost] + ([rec.reference.cost] if rec.reference else []), rec.workload)
    print(f"  {c.id} ({c.provider or 'unknown provider'}{', via ' + c.host if c.host else ''})")
    print(
        f"  score  {c.score:g} (95% CI {c.ci_lower:g} to {c.ci_upper:g}"
        f"{', ' + num(c.votes) + ' votes' if c.votes else ''})"
    )
    cost_line = (
        f"  cost   {usd(c.cost.blended_usd_per_mtok)} per 1M tokens blended, {usd(c.cost.usd_per_request)} per request"
    )
    if c.cost.usd_per_month is not None:
        cost_line += f", {usd(c.cost.usd_per_month)} per month"
    print(cost_line)
    for note in c.cost.marks:
        print(f"         {note}")
    print(f"  meets  {rec.criteria}")
    if rec.reference is not None and rec.price_ratio is not None and rec.savings_pct is not None:
        r = rec.reference
        print(
            f"  vs {r.id}: 1/{rec.price_ratio:.1f} of the price ({rec.savings_pct:.1f}% cheaper) at "
            f"{rec.blend} ({usd(c.cost.blended_usd_per_mtok)} vs {usd(r.cost.blended_usd_per_mtok)} per 1M tokens); "
            f"score {c.score:g} vs {r.score:g}"
        )
    if rec.tied:
        print(f"  statistically tied with the top score, but dearer: {', '.join(o.id for o in rec.tied)}")
    if args.fallbacks:
        print(f"  fallbacks (each meets the bar; other providers and hosts first): {len(rec.fallbacks)}")
        for k, alt in enumerate(rec.fallbacks, 1):
            where = f", via {alt.host}" if alt.host else ""
            print(
                f"    {k}. {alt.id} ({alt.provider or 'unknown provider'}{where}): {usd(alt.usd_per_mtok)} per 1M "
                f"tokens blended, score {alt.score:g} (95% CI {alt.ci_lower:g} to {alt.ci_upper:g}), "
                f"LiteLLM {alt.litellm_model or '-'}"
            )
    print(f"  {rec.qualifying} of {rec.considered} priced and scored models qualify.")
    _left_out(rec.left_out, rec.metric)
    return 0


def _mix(args: argparse.Namespace) -> int:
    from advisor.errors import AdvisorError
    from advisor.mix import recommend_mix

    if args.min_win_rate is None or args.vs is None:
        raise AdvisorError("--mix needs --min-win-rate and --vs (the expected win rate against one model)")
    if args.target is not None or args.min_score is not None or args.budget is not None or args.fallbacks:
        raise AdvisorError("--mix takes only --min-win-rate and --vs as its bar (no --target, --min-score, --budget)")
    catalog = _view(args)
    result = recommend_mix(
        catalog,
        min_win_rate=args.min_win_rate,
        vs=args.vs,
        metric=args.metric,
        workload=_workload(args, catalog),
        per=args.per,
    )
    if args.json:
        print_json(result)
        return 0
    print(_header("Mix", result.as_of, result.metric, _workload(args, catalog), catalog.scope))
    for part in result.parts:
        where = f", via {part.host}" if part.host else ""
        print(
            f"  {part.share:6.1%} {part.id} ({part.provider or 'unknown provider'}{where}): "
            f"{usd(part.cost, args.per)}, P(beats {result.vs}) {part.win_rate:.3f}"
        )
    print(f"  expected: {usd(result.cost, args.per)}, P(beats {result.vs}) {result.win_rate:.3f}")
    if result.single is not None and result.savings_pct is not None:
        s = result.single
        print(
            f"  the cheapest single model reaching it, {s.id}, costs {usd(s.cost, args.per)} "
            f"(P {s.win_rate:.3f}): the mix is {result.savings_pct:.1f}% cheaper"
        )
    print(f"  assumption: {result.assumption}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from advisor.leaderboard import compare

    catalog = _view(args)
    cmp = compare(catalog, args.a, args.b, metric=args.metric, workload=_workload(args, catalog))
    if args.json:
        print_json(cmp)
        return 0
    w = _workload(args, catalog)
    pricing = w.pricing
    print(
        f"Compare as of {cmp.as_of}, metric {cmp.metric}"
        + (f", ranks among {'; '.join(cmp.scope)}" if cmp.scope else "")
        + f", at {cmp.blend}"
        + (f", {pricing}" if pricing else "")
    )
    _freshness(cmp.freshness)
    priced = [c for c in (cmp.cost_a, cmp.cost_b) if c is not None]
    _multipliers(priced, w)
    headers = ["", cmp.a, cmp.b]
    rows = [
        [
            "blended ($/1M tok)",
            _mark(cmp.cost_a, usd(cmp.cost_a.blended_usd_per_mtok)) if cmp.cost_a else "-",
            _mark(cmp.cost_b, usd(cmp.cost_b.blended_usd_per_mtok)) if cmp.cost_b else "-",
        ],
        [
            "$/request",
            _mark(cmp.cost_a, usd(cmp.cost_a.usd_per_request)) if cmp.cost_a else "-",
            _mark(cmp.cost_b, usd(cmp.cost_b.usd_per_request)) if cmp.cost_b else "-",
        ],
        [f"{cmp.metric} (score)", num(cmp.score_a), num(cmp.score_b)],
        ["95% CI", _pair(cmp.ci_a), _pair(cmp.ci_b)],
        ["rank (tie-aware)", num(cmp.rank_a), num(cmp.rank_b)],
    ]
    print(table(headers, rows, right=[False, True, True]))
    _marks(priced)
    for note in cmp.notes:
        print(f"Note: {note}; decisions leave it out.")
    if cmp.price_ratio is not None:
        pct = (1 - cmp.price_ratio) * 100
        word = "cheaper" if pct >= 0 else "dearer"
        print(f"Price: {cmp.a} costs {cmp.price_ratio:.3g}x {cmp.b} ({abs(pct):.1f}% {word}).")
    else:
        print("Price: not comparable (a model has no price in the catalog).")
    if cmp.score_gap is not None:
        sig = "significant (95% CIs apart)" if cmp.significant else "not significant (95% CIs overlap)"
        print(f"Score gap: {cmp.score_gap:+g} points, {sig}.")
    if cmp.p_a_beats_b is not None:
        print(f"P({cmp.a} beats {cmp.b}) = {cmp.p_a_beats_b:.3f} (Bradley-Terry).")
    return 0


def _pair(ci: tuple[float, float] | None) -> str:
    return "-" if ci is None else f"{ci[0]:g} to {ci[1]:g}"


def _rank(args: argparse.Namespace) -> int:
    from advisor.leaderboard import rank

    catalog = _view(args)
    board = rank(catalog, metric=args.metric, workload=_workload(args, catalog))
    rows_data = board.rows[: args.top] if args.top else board.rows
    if args.json:
        print_json(board)
        return 0
    within = f", ranks computed among {'; '.join(board.scope)} only" if board.scope else ""
    print(f"Leaderboard as of {board.as_of}, metric {board.metric}{within} (rank = 1 + models statistically better)")
    _freshness(board.freshness)
    headers = [
        "rank",
        "model",
        "provider",
        f"{board.metric} (score)",
        "95% CI",
        "votes",
        "blended ($/1M tok)",
    ]
    rows = [
        [
            str(r.rank),
            r.id,
            r.provider or "-",
            num(r.score),
            f"+{r.ci_upper - r.score:.0f}/-{r.score - r.ci_lower:.0f}",
            num(r.votes),
            usd(r.blended_usd_per_mtok),
        ]
        for r in rows_data
    ]
    print(table(headers, rows, right=[True, False, False, True, False, True, True]))
    if board.unscored:
        print(f"Not ranked (no score for {board.metric} as of {board.as_of}): {_names(board.unscored)}")
    _left_out([x for x in board.left_out if x.kind in ("retired", "too-large")], board.metric)
    return 0
