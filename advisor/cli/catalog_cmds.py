"""``advisor models`` and the ``advisor catalog`` group (validate, import, update, status)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from advisor.cli._common import (
    HELP_FORMATTER,
    Parser,
    add_catalog_options,
    add_filter_options,
    add_wide_option,
    load_catalog_from_args,
    starts_by_loading_the_catalog,
)
from advisor.cli._output import num, print_json, table, usd

if TYPE_CHECKING:
    from advisor.listing import MetricInfo, ModelRow


def register(sub: Any) -> None:
    p = sub.add_parser(
        "models",
        help="list models with prices (USD per 1M tokens) and scores",
        description="List the catalog's models with their price and score, best score first; retired models "
        "and reasoning modes are marked. With --metrics: every metric --metric accepts, with its newest "
        "snapshot's date and size.",
        epilog="Example:\n  advisor models --as-of 2024-07-24 --provider OpenAI",
        formatter_class=HELP_FORMATTER,
    )
    add_catalog_options(p)
    starts_by_loading_the_catalog(p)
    add_filter_options(p)
    p.add_argument("--exclude", action="append", default=[], metavar="MODEL", help="leave this model out (repeatable)")
    p.add_argument("--metric", default="arena-text", help="quality metric, benchmark[/category] (default: arena-text)")
    p.add_argument("--metrics", action="store_true", help="list the metrics (benchmark/category) instead of the models")
    add_wide_option(p)
    p.add_argument("--json", action="store_true", help="print the library's result as JSON")
    p.set_defaults(func=_models)

    cat = sub.add_parser(
        "catalog",
        help="check and build catalog files",
        description="Check catalog files, or build them from LiteLLM and Arena data.",
        epilog="Example:\n  advisor catalog validate my-prices.yaml",
        formatter_class=HELP_FORMATTER,
    )
    cat_sub = cat.add_subparsers(
        dest="catalog_command", metavar="COMMAND", parser_class=Parser, title="commands", help="the command to run"
    )
    cat_sub.required = True
    v = cat_sub.add_parser(
        "validate",
        help="check catalog files and print every problem",
        description="Check each file, then the files layered in order on the bundled catalog. "
        "Prints every problem as FILE:LINE: model: field: message; exit code 2 if any.",
        epilog="Example:\n  advisor catalog validate my-prices.yaml my-evals.yaml",
        formatter_class=HELP_FORMATTER,
    )
    v.add_argument("files", nargs="+", metavar="FILE", help="catalog files (YAML), layered in this order")
    v.add_argument("--no-bundled", action="store_true", help="check the files without the bundled catalog below")
    v.add_argument("--json", action="store_true", help="print the library's report as JSON")
    v.set_defaults(func=_validate)
    from advisor.cli import import_cmd, update_cmd

    import_cmd.register(cat_sub)
    update_cmd.register(cat_sub)


def _models(args: argparse.Namespace) -> int:
    from advisor.cli.decide import _freshness
    from advisor.listing import metrics, models

    catalog = load_catalog_from_args(args, every_metric=args.metrics)
    if args.exclude:
        catalog = catalog.filter(exclude=args.exclude)
    if args.metrics:
        return _metrics(args, metrics(catalog))
    listing = models(
        catalog,
        metric=args.metric,
        provider=args.provider,
        open_weights=args.open_weights,
        min_context=args.min_context,
    )
    if args.json:
        print_json(listing)
        return 0
    rows = listing.rows
    if listing.scope:
        print(f"Models as of {listing.as_of} among {'; '.join(listing.scope)}")
    _freshness(listing.freshness)
    headers = [
        "model",
        "provider",
        "context (tokens)",
        "input ($/1M tok)",
        "output ($/1M tok)",
        f"{args.metric} (score)",
        "95% CI",
        "votes",
    ]
    notes = [_row_notes(r) for r in rows]
    body = [
        [
            r.id,
            r.provider or "-",
            num(r.context_window),
            usd(r.input_usd_per_mtok),
            usd(r.output_usd_per_mtok),
            num(r.score),
            _ci(r.score, r.ci_lower, r.ci_upper),
            num(r.votes),
        ]
        for r in rows
    ]
    right = [False, False, True, True, True, True, False, True]
    if any(notes):
        headers.append("notes")
        right.append(False)
        for row, note in zip(body, notes, strict=True):
            row.append(note)
    print(table(headers, body, right=right))
    unpriced = sum(r.input_usd_per_mtok is None for r in rows)
    unscored = sum(r.score is None for r in rows)
    retired = sum(r.retired is not None for r in rows)
    print(
        f"\n{len(rows)} models as of {listing.as_of}; {unpriced} without a price, "
        f"{unscored} without a score for {args.metric}"
        + (f", {retired} retired (decisions leave them out)" if retired else "")
        + ". Prices: USD per 1M tokens."
    )
    return 0


def _row_notes(r: ModelRow) -> str:
    parts = []
    if r.retired is not None:
        parts.append(f"retired on {r.retired}" + (f" (successor: {r.successor})" if r.successor else ""))
    if r.mode_of is not None:
        parts.append(f"mode of {r.mode_of}, its prices")
    if r.output_tokens_unknown:
        parts.append("output tokens unknown")
    elif r.output_multiplier is not None and r.output_multiplier != 1:
        parts.append(f"output x{r.output_multiplier:g}")
    return "; ".join(parts)


def _metrics(args: argparse.Namespace, found: Sequence[MetricInfo]) -> int:
    if args.json:
        print_json(found)
        return 0
    headers = ["metric", "benchmark", "newest snapshot", "models", "snapshots", "age (days)"]
    body = [[m.metric, m.benchmark, str(m.as_of), num(m.models), num(m.snapshots), num(m.age_days)] for m in found]
    print(table(headers, body, right=[False, False, False, True, True, True]))
    day = args.as_of or dt.date.today()
    print(f"\n{len(found)} metrics with scores as of {day}; use one with --metric.")
    return 0


def _ci(value: float | None, lo: float | None, hi: float | None) -> str:
    if value is None or lo is None or hi is None:
        return "-"
    return f"+{hi - value:.0f}/-{value - lo:.0f}"


def _validate(args: argparse.Namespace) -> int:
    from advisor.catalog import validate_catalog

    report = validate_catalog(*args.files, bundled=not args.no_bundled)
    if args.json:
        print_json(report)
        return 0 if report.ok else 2
    for w in report.warnings:
        print(f"Warning: {w}", file=sys.stderr)
    for p in report.problems:
        print(f"Error: {p}", file=sys.stderr)
    if not report.ok:
        return 2
    print(f"ok: {len(report.files)} file(s), {report.models} models")
    return 0
