"""``advisor plot``: the frontier, cost-of-quality and head-to-head charts, written to a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.cli._common import HELP_FORMATTER, Parser, number, parse_date, whole
from advisor.cli._output import print_json
from advisor.cli.decide import _common, _view, _workload
from advisor.errors import AdvisorError

if TYPE_CHECKING:
    from advisor.catalog import Catalog

_FORMATS = {
    ".html": "self-contained HTML, opens offline",
    ".htm": "self-contained HTML, opens offline",
    ".png": "PNG",
    ".svg": "SVG",
}


def _out_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() not in _FORMATS:
        raise argparse.ArgumentTypeError(f"the file name must end in .html, .png or .svg, got {text!r}")
    return path


def _bar(text: str) -> str | float:
    try:
        return float(text)
    except ValueError:
        return text


def _parser(sub: Any, name: str, help_text: str, description: str, example: str) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, description=description, epilog=f"Example:\n  {example}", formatter_class=HELP_FORMATTER
    )
    p.add_argument(
        "--out",
        type=_out_path,
        required=True,
        metavar="FILE",
        help="where to write the chart: .html (self-contained, works offline), .png or .svg (need kaleido)",
    )
    p.add_argument("--title", metavar="TEXT", help="the chart's title (plain text)")
    return p


def register(sub: Any) -> None:
    """Add ``advisor plot`` and its charts to the ``advisor`` parser."""
    top = sub.add_parser(
        "plot",
        help="charts: frontier, cost of quality over time, head to head",
        description="Charts written to a file: self-contained HTML (plotly.js embedded, opens offline), "
        "or PNG/SVG through plotly's static export (pip install 'advisor[png]').",
        epilog="Example:\n  advisor plot frontier --as-of 2024-07-24 --target gpt-4o --out frontier.html",
        formatter_class=HELP_FORMATTER,
    )
    charts = top.add_subparsers(
        dest="chart", metavar="CHART", parser_class=Parser, title="charts", help="the chart to draw"
    )
    charts.required = True

    p = _parser(
        charts,
        "frontier",
        "score against cost with both frontiers and your needs",
        "Every priced and scored model: score (95% CI error bars) against cost at the workload on a log "
        "axis, the Pareto frontier as a step line, the uncertainty-aware frontier ringed, colours by "
        "provider. --target, --min-score and --budget draw what you need and highlight the model "
        "`advisor recommend` would choose.",
        "advisor plot frontier --as-of 2024-07-24 --target gpt-4o --out frontier.html",
    )
    g = p.add_argument_group("what you need")
    g.add_argument(
        "--target", metavar="MODEL", help="draw this model's 95%% CI band; not statistically worse qualifies"
    )
    g.add_argument("--min-score", type=number(), metavar="SCORE", help="draw a minimum score line")
    g.add_argument("--budget", type=number(at_least=0), metavar="USD", help="draw the budget, in the unit --per names")
    g.add_argument(
        "--mix-vs",
        metavar="MODEL",
        help="draw the cheapest two-model mixes by their expected win rate against MODEL (Bradley-Terry)",
    )
    _common(p)
    p.set_defaults(func=_frontier)

    p = _parser(
        charts,
        "explore",
        "an explorable frontier: blend slider, metric menu (one HTML page)",
        "The frontier chart as one self-contained web page (opens offline, no server): a slider "
        "re-prices every model at another input:output blend (same tokens per request), a menu "
        "switches the metric (each Arena category, style control, every benchmark in the catalog), "
        "CI bars switch on and off, a click on a provider in the legend hides its models, and both "
        "frontiers and the recommended model follow the controls. --out must end in .html.",
        "advisor plot explore --target gpt-4o --budget 5 --out explore.html",
    )
    g = p.add_argument_group("what you need")
    g.add_argument("--target", metavar="MODEL", help="not statistically worse than this model qualifies (band)")
    g.add_argument("--min-score", type=float, metavar="SCORE", help="a minimum score (line)")
    g.add_argument("--budget", type=float, metavar="USD", help="the most you pay, in the unit --per names (line)")
    _common(p)
    p.set_defaults(func=_explore)

    p = _parser(
        charts,
        "history",
        "the cheapest price that reached a quality bar, over time",
        "For each dated snapshot of the metric, the cheapest model whose point score reached the bar, "
        "on a log scale. A model bar (default gpt-4-0613) is that model's own score in each snapshot, "
        "because Arena scales drift between snapshots; a number is an absolute score. --as-of is the "
        "same as --to.",
        "advisor plot history --bar gpt-4-0613 --out cost-of-quality.html",
    )
    g = p.add_argument_group("bar and dates")
    g.add_argument("--bar", type=_bar, metavar="MODEL|SCORE", help="the quality bar (default: gpt-4-0613)")
    g.add_argument("--from", dest="start", type=parse_date, metavar="DATE", help="leave out snapshots before DATE")
    g.add_argument("--to", dest="end", type=parse_date, metavar="DATE", help="leave out snapshots after DATE")
    _common(p, per=False, requests=False)
    p.set_defaults(func=_history)

    p = _parser(
        charts,
        "winrates",
        "expected win probabilities between the top models (Bradley-Terry)",
        "A heatmap of P(row beats column) under the Bradley-Terry model between the top N models by "
        "tie-aware rank (or the models named), from the metric's point ratings.",
        "advisor plot winrates --as-of 2024-07-24 --top 8 --out winrates.html",
    )
    p.add_argument("models", nargs="*", metavar="MODEL", help="models to compare (default: the top --top)")
    p.add_argument("--top", type=whole(at_least=2), default=10, metavar="N", help="how many top models (default: 10)")
    _common(p, workload=False)
    p.set_defaults(func=_winrates)

    from advisor.cli.replay_cmd import register_plot

    register_plot(charts, _parser)


def _done(args: argparse.Namespace, fig: Any, chart: str) -> int:
    from advisor.plot import write_figure

    path = write_figure(fig, args.out)
    if args.json:
        print(fig.to_json())
    else:
        print(f"Wrote {path} ({chart} chart, {_FORMATS[path.suffix.lower()]})")
    return 0


def _frontier(args: argparse.Namespace) -> int:
    from advisor.plot import plot_frontier

    catalog = _view(args)
    fig = plot_frontier(
        catalog,
        metric=args.metric,
        workload=_workload(args, catalog),
        per=args.per,
        target=args.target,
        min_score=args.min_score,
        budget=args.budget,
        title=args.title,
        mix_vs=args.mix_vs,
    )
    return _done(args, fig, "frontier")


def _explore(args: argparse.Namespace) -> int:
    from advisor.explore import explorer_data, write_explorer

    catalog = _view(args, every_metric=True)  # the page offers every metric
    options = {
        "metric": args.metric,
        "workload": _workload(args, catalog),
        "per": args.per,
        "target": args.target,
        "min_score": args.min_score,
        "budget": args.budget,
    }
    path = write_explorer(catalog, args.out, title=args.title, **options)
    if args.json:
        print_json(explorer_data(catalog, **options))
    else:
        print(f"Wrote {path} (explorable frontier, self-contained HTML, opens offline)")
    return 0


def _history(args: argparse.Namespace) -> int:
    from advisor.plot import plot_history

    end = args.end or args.as_of
    if args.start is not None and end is not None and args.start > end:
        flag = "--to" if args.end else "--as-of"
        raise AdvisorError(f"--from {args.start} is after {flag} {end}; give --from on or before it")
    catalog = _full(args)
    fig = plot_history(
        catalog,
        metric=args.metric,
        bar=args.bar,
        start=args.start,
        end=end,
        workload=_workload(args, catalog),
        title=args.title,
    )
    return _done(args, fig, "cost-of-quality")


def _winrates(args: argparse.Namespace) -> int:
    from advisor.plot import plot_winrates

    catalog = _view(args)
    fig = plot_winrates(catalog, metric=args.metric, top=args.top, models=args.models or None, title=args.title)
    return _done(args, fig, "win-rate")


def _full(args: argparse.Namespace) -> Catalog:
    """The filtered catalog with its whole history (the history chart makes its own dated views)."""
    from advisor.catalog import load_catalog

    catalog = load_catalog(*args.catalog, bundled=not args.no_bundled, updates=not getattr(args, "no_updates", False))
    for warning in catalog.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    return catalog.filter(
        provider=args.provider, open_weights=args.open_weights, min_context=args.min_context, exclude=args.exclude
    )
