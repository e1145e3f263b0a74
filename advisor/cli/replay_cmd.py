"""``advisor replay``: a team's own bill from its usage logs, and what it would cost on another model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.cli._common import HELP_FORMATTER, add_wide_option
from advisor.cli._output import num, print_json, table
from advisor.money import usd

if TYPE_CHECKING:
    from advisor.replay_report import ReplayReport

_DESCRIPTION = """\
Read usage logs and price every request as the catalog priced it on the request's own date
(long-context tiers and cache prices per request), per model and in total, with the workload's
profile (token percentiles, input:output ratio, cached share). Then the what-if: each model's
traffic moves to the cheapest model not statistically worse than it on --metric (or --target,
--min-score, --budget), chosen as of --as-of, never to a model whose context window a request
exceeds, and the same requests are re-priced on the choice.

LOG is JSON Lines of API responses or their usage objects (OpenAI Chat Completions, OpenAI
Responses, Anthropic Messages, OpenTelemetry GenAI span attributes), a LiteLLM spend-log CSV
export, or a postgresql:// URL of a LiteLLM proxy database (or --db). The format is detected per
file unless --format names it. Model names resolve through the catalog's aliases as of each
request's date; names that do not are listed with their requests and tokens, never priced at 0.

Where the log holds comparable traffic on several models, their output tokens per request are
measured against each other and the what-if uses them; --out writes them as a catalog layer."""


def _formats() -> list[str]:
    from advisor.usage import FORMATS

    return [f.name for f in FORMATS]


def add_log_options(p: argparse.ArgumentParser) -> None:
    """The log arguments and catalog options that ``replay`` and ``plot replay`` share."""
    from advisor.cli._common import add_catalog_options

    p.add_argument("logs", nargs="*", metavar="LOG", help="usage logs (files, or postgresql:// URLs)")
    p.add_argument(
        "--db", action="append", default=[], metavar="URL", help="a LiteLLM proxy database (postgresql://...)"
    )
    p.add_argument("--format", choices=_formats(), help="the logs' format (default: detected per file)")
    add_catalog_options(p)
    p.add_argument("--metric", default="arena-text", help="quality metric of the target rule (default: arena-text)")
    rule = p.add_argument_group("target rule (default: not statistically worse than each model itself)")
    rule.add_argument("--target", metavar="MODEL", help="not statistically worse than this model, for all traffic")
    rule.add_argument("--min-score", type=float, metavar="SCORE", help="the cheapest model scoring at least this")
    rule.add_argument("--budget", type=float, metavar="USD", help="the best model costing at most this (unit: --per)")
    rule.add_argument(
        "--mix",
        type=float,
        metavar="P",
        help="the cheapest mix of at most two models with expected P(beats the model, or --target) >= P",
    )
    rule.add_argument(
        "--per",
        choices=["mtok", "request"],
        default="mtok",
        help="unit of --budget: USD per 1M blended tokens at each model's workload (default), or per request",
    )
    rule.add_argument("--no-what-if", action="store_true", help="only price the log (one pass)")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "replay",
        help="your bill from usage logs, and what it would cost on the frontier",
        description=_DESCRIPTION,
        epilog="Example:\n  advisor replay usage.jsonl --as-of 2025-11-01 --out measured.yaml",
        formatter_class=HELP_FORMATTER,
    )
    add_log_options(p)
    p.add_argument("--out", type=Path, metavar="FILE", help="write the measured output multipliers as a catalog layer")
    p.add_argument("--json", action="store_true", help="print the library's result as JSON")
    add_wide_option(p)
    p.set_defaults(func=_replay)


def run_replay(args: argparse.Namespace) -> ReplayReport:
    """Load the catalog the options name and replay the logs (shared with ``plot replay``)."""
    import datetime as dt

    from advisor.catalog import load_catalog
    from advisor.cli._common import fail
    from advisor.traffic import replay

    sources = [*args.logs, *args.db]
    if not sources:
        raise fail("give at least one LOG (or --db URL)")
    for url in args.db:
        if not url.startswith(("postgresql://", "postgres://")):
            raise fail(f"--db wants a postgresql:// URL, got {url.split('://')[0]!r}")
    catalog = load_catalog(*args.catalog, bundled=not args.no_bundled, updates=not getattr(args, "no_updates", False))
    for warning in catalog.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    return replay(
        sources,
        catalog,
        format=args.format,
        as_of=args.as_of or dt.date.today(),
        metric=args.metric,
        what_if=not args.no_what_if,
        target=args.target,
        min_score=args.min_score,
        budget=args.budget,
        mix=args.mix,
        per=args.per,
    )


def _replay(args: argparse.Namespace) -> int:
    from advisor.multipliers import measured_layer

    report = run_replay(args)
    layer = measured_layer(report) if args.out is not None else None
    if layer is not None:
        from advisor.writer import write_catalog_file

        write_catalog_file(args.out, layer)
    if args.json:
        print_json(report)
        return 0
    render(report)
    if layer is not None:
        print(f"Wrote {args.out} (output multipliers of {len(report.multipliers)} models, a catalog layer)")
    return 0


def _tok(x: float) -> str:
    return num(x)


def render(r: ReplayReport) -> None:
    """The human report: cost per model, profile, what-if, what could not be priced."""
    span = f"{r.first_day} to {r.last_day}" if r.first_day else "no dated requests"
    files = ", ".join(f"{Path(s).name if '://' not in s else s} ({r.formats.get(s, '-')})" for s in r.sources)
    print(f"Replay of {r.requests:,} requests, {span}, from {files}; each priced on its own date")
    rows = [
        [
            m.model,
            num(m.requests),
            _tok(m.tokens.input),
            _tok(m.tokens.cached),
            _tok(m.tokens.cache_write),
            _tok(m.tokens.output),
            _tok(m.tokens.reasoning),
            usd(m.usd),
        ]
        for m in r.models
    ]
    priced_tokens = [
        sum(getattr(m.tokens, f) for m in r.models) for f in ("input", "cached", "cache_write", "output", "reasoning")
    ]
    rows.append(["total", num(r.priced_requests), *(_tok(x) for x in priced_tokens), usd(r.usd)])
    headers = [
        "model",
        "requests",
        "input (tok)",
        "cached (tok)",
        "cache write (tok)",
        "output (tok)",
        "reasoning (tok)",
        "cost ($)",
    ]
    print(table(headers, rows, right=[False, *([True] * 7)]))
    print()
    print("Workload profile (tokens per request: 50th / 90th / 99th percentile)")
    prow = []
    for m in r.models:
        p = m.profile
        prow.append(
            [
                m.model,
                f"{num(p.input_p50)} / {num(p.input_p90)} / {num(p.input_p99)}",
                f"{num(p.output_p50)} / {num(p.output_p90)} / {num(p.output_p99)}",
                f"{p.input_output_ratio:.1f}:1" if p.input_output_ratio is not None else "-",
                f"{p.cached_share:.0%}",
                f"x{m.output_multiplier:g} ({m.multiplier_source})",
            ]
        )
    t = r.profile
    prow.append(
        [
            "all",
            f"{num(t.input_p50)} / {num(t.input_p90)} / {num(t.input_p99)}",
            f"{num(t.output_p50)} / {num(t.output_p90)} / {num(t.output_p99)}",
            f"{t.input_output_ratio:.1f}:1" if t.input_output_ratio is not None else "-",
            f"{t.cached_share:.0%}",
            "",
        ]
    )
    print(
        table(
            ["model", "input (tok)", "output (tok)", "input:output", "cached", "output multiplier"],
            prow,
            right=[False, True, True, True, True, False],
        )
    )
    if r.rule is not None:
        _render_what_if(r)
    if r.unpriced:
        print()
        print("Not priced (never priced at 0):")
        for u in r.unpriced:
            what = f" ({u.model})" if u.model and u.model != u.name else ""
            print(
                f"  {u.name}{what}: {u.reason}; {num(u.requests)} requests, "
                f"{num(u.tokens.input)} input + {num(u.tokens.output)} output tokens"
            )
    extras = []
    if r.undated_requests:
        extras.append(f"{num(r.undated_requests)} requests without a timestamp priced as of {r.as_of}")
    extras.extend(f"{num(n)} records {why}, not priced" for why, n in r.skipped.items())
    for line in extras:
        print(line)


def _render_what_if(r: ReplayReport) -> None:
    """Where each model's traffic goes (with the quality statement), then what it saves."""
    dates = sorted({str(w.score_as_of) for w in r.what_if if w.score_as_of})
    print()
    print(f"What-if as of {r.as_of}: each model's traffic on {r.rule}")
    score_head = f"{r.metric} (95% CI)"
    rows = []
    for w in r.what_if:
        first = True
        for c in w.choices:
            stays = c.model == w.model or c.score is None
            rows.append(
                [
                    w.model if first else "",
                    _score(w.score, w.ci_lower, w.ci_upper) if first else "",
                    "(stays)" if stays else c.model,
                    "" if stays else _score(c.score, c.ci_lower, c.ci_upper),
                    num(c.requests),
                    f">= {num(c.min_context)}" if c.min_context else "-",
                    "" if stays else f"x{c.output_ratio:.2f}",
                ]
            )
            first = False
    print(
        table(
            ["model", score_head, "moves to", score_head, "requests", "context window (tok)", "output tokens"],
            rows,
            right=[False, True, False, True, True, True, True],
        )
    )
    print(f"Scores: {r.metric} as of {', '.join(dates) or '-'}. Chosen per context-window class: a request only")
    print("moves to a model whose context window holds it. Output tokens: the destination's per the original's")
    print("(the ratio of their output multipliers, as in the profile above; x1 where neither is known).")
    notes = []
    for w in r.what_if:
        for c in w.choices:
            if c.reason.startswith(("stays:", "exceeds")) and not c.reason.startswith("stays: already"):
                notes.append(f"{w.model}: {num(c.requests)} requests {c.reason}")
        if w.priced_at_as_of:
            notes.append(
                f"{w.model}: {num(w.priced_at_as_of)} moved requests priced at {r.as_of} prices "
                "(the choice had no price on their date)"
            )
    for line in notes:
        print(line)
    print()
    srows = [
        [
            w.model,
            usd(w.actual_usd),
            usd(w.what_if_usd),
            usd(w.savings_usd),
            f"{w.savings_pct:.1f}%" if w.savings_pct is not None else "-",
        ]
        for w in r.what_if
    ]
    srows.append(
        [
            "total",
            usd(r.usd),
            usd(r.what_if_usd),
            usd(r.savings_usd),
            f"{r.savings_pct:.1f}%" if r.savings_pct is not None else "-",
        ]
    )
    print(
        table(["model", "actual ($)", "what-if ($)", "savings ($)", "savings (%)"], srows, right=[False, *[True] * 4])
    )


def _score(score: float | None, lo: float | None, hi: float | None) -> str:
    if score is None:
        return "-"
    if lo is None or hi is None:
        return f"{score:,.0f}"
    return f"{score:,.0f} ({lo:,.0f} to {hi:,.0f})"


def register_plot(charts: Any, parser: Any) -> None:
    """Add ``advisor plot replay`` (called by the ``plot`` command's registration)."""
    p = parser(
        charts,
        "replay",
        "cost per day of your logs, actual against the what-if",
        "Cost per day of the requests in usage logs, as the catalog priced each on its date, against "
        "the what-if of `advisor replay` (same options).",
        "advisor plot replay usage.jsonl --as-of 2025-11-01 --out replay.html",
    )
    add_log_options(p)
    p.add_argument("--json", action="store_true", help="print the figure as plotly JSON")
    p.set_defaults(func=_plot)


def _plot(args: argparse.Namespace) -> int:
    from advisor.plot import write_figure
    from advisor.replay_plot import plot_replay

    report = run_replay(args)
    fig = plot_replay(report, title=args.title)
    path = write_figure(fig, args.out)
    if args.json:
        print(fig.to_json())
    else:
        print(f"Wrote {path} (replay chart)")
    return 0
