"""``advisor models`` and the ``advisor catalog`` group (validate, import)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from advisor.cli._common import HELP_FORMATTER, Parser, add_catalog_options, load_catalog_from_args
from advisor.cli._output import num, print_json, table, usd


def add_filter_options(p: argparse.ArgumentParser) -> None:
    """``--provider``, ``--open-weights``, ``--min-context`` (shared with the decision commands)."""
    g = p.add_argument_group("filters")
    g.add_argument("--provider", action="append", metavar="NAME", help="only this provider (repeatable)")
    g.add_argument("--open-weights", action="store_true", default=None, help="only models whose weights are public")
    g.add_argument("--min-context", type=int, metavar="TOKENS", help="only models with at least this context window")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "models",
        help="list models with prices (USD per 1M tokens) and scores",
        description="List the catalog's models with their price and score, best score first.",
        epilog="Example:\n  advisor models --as-of 2024-07-24 --provider OpenAI",
        formatter_class=HELP_FORMATTER,
    )
    add_catalog_options(p)
    add_filter_options(p)
    p.add_argument("--exclude", action="append", default=[], metavar="MODEL", help="leave this model out (repeatable)")
    p.add_argument("--metric", default="arena-text", help="quality metric, benchmark[/category] (default: arena-text)")
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
    from advisor.cli import import_cmd

    import_cmd.register(cat_sub)


def _models(args: argparse.Namespace) -> int:
    from advisor.listing import models

    catalog = load_catalog_from_args(args)
    if args.exclude:
        catalog = catalog.filter(exclude=args.exclude)
    rows = models(
        catalog,
        metric=args.metric,
        provider=args.provider,
        open_weights=args.open_weights,
        min_context=args.min_context,
    )
    if args.json:
        print_json(rows)
        return 0
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
    print(table(headers, body, right=[False, False, True, True, True, True, False, True]))
    unpriced = sum(r.input_usd_per_mtok is None for r in rows)
    unscored = sum(r.score is None for r in rows)
    print(
        f"\n{len(rows)} models as of {catalog.date}; {unpriced} without a price, "
        f"{unscored} without a score for {args.metric}. Prices: USD per 1M tokens."
    )
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
