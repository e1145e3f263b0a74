"""``advisor export TARGET``: a gateway config (LiteLLM, OpenRouter) from a recommendation or the frontier."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from advisor.cli._common import HELP_FORMATTER, number, whole
from advisor.cli._output import print_json


def register(sub: Any) -> None:
    from advisor.cli.decide import _common
    from advisor.export import TARGETS

    p = sub.add_parser(
        "export",
        help="a gateway config (LiteLLM, OpenRouter) with the chosen models and fallbacks",
        description=(
            "Write a gateway config from a recommendation (a quality bar and/or a budget: one tier, the "
            "choice and its fallbacks) or from the frontier (no bar: --tiers quality tiers, each falling "
            "back to the better ones). Targets: "
            + "; ".join(f"{t.name}: {t.description}" for t in TARGETS.values())
            + ". Only routes the gateway can call are chosen (a host it names, a model name it takes); a "
            "reference model it cannot call is listed as skipped."
        ),
        epilog="Example:\n  advisor export litellm --target gpt-4o --fallbacks 3 -o litellm_config.yaml",
        formatter_class=HELP_FORMATTER,
    )
    p.add_argument("gateway", choices=list(TARGETS), metavar="TARGET", help=f"one of: {', '.join(TARGETS)}")
    g = p.add_argument_group("what you need (none: quality tiers along the frontier)")
    g.add_argument("--target", metavar="MODEL", help="not statistically worse than this model")
    g.add_argument("--min-score", type=number(), metavar="SCORE", help="score at least this")
    g.add_argument("--min-win-rate", type=number(), metavar="P", help="Bradley-Terry P(beats --vs) at least this")
    g.add_argument("--vs", metavar="MODEL", help="the model --min-win-rate is measured against")
    g.add_argument("--budget", type=number(at_least=0), metavar="USD", help="the most you pay, in the unit --per names")
    o = p.add_argument_group("the config")
    o.add_argument(
        "--fallbacks", type=whole(at_least=0), default=3, metavar="N", help="fallbacks per tier (default: 3)"
    )
    o.add_argument(
        "--tiers", type=whole(at_least=1), default=3, metavar="N", help="tiers from the frontier (default: 3)"
    )
    o.add_argument("--name", default="advisor", help="the model group name (tiers: NAME-1 ... NAME-N)")
    o.add_argument("-o", "--output", metavar="FILE", help="write the config here (default: print it)")
    _common(p)
    p.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    from advisor._io import atomic_write_text
    from advisor.cli.decide import _view, _workload
    from advisor.export import export_config

    catalog = _view(args)
    cfg = export_config(
        catalog,
        args.gateway,
        metric=args.metric,
        workload=_workload(args, catalog),
        per=args.per,
        target_model=args.target,
        min_score=args.min_score,
        min_win_rate=args.min_win_rate,
        vs=args.vs,
        budget=args.budget,
        fallbacks=args.fallbacks,
        tiers=args.tiers,
        name=args.name,
    )
    if args.json:
        print_json(cfg)
    elif args.output is None:
        sys.stdout.write(cfg.text)
    if args.output is not None:
        atomic_write_text(args.output, cfg.text)
        routes = sum(len(t.routes) for t in cfg.plan.tiers)
        print(f"Wrote {args.output}: {len(cfg.plan.tiers)} tier(s), {routes} route(s)", file=sys.stderr)
    if cfg.skipped:
        print(f"Left out (no {cfg.target} name in the catalog): {', '.join(cfg.skipped)}", file=sys.stderr)
    return 0
