"""``advisor rate``: a leaderboard (and a catalog layer) from your own pairwise battles."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from advisor.cli._common import (
    HELP_FORMATTER,
    add_wide_option,
    fail,
    load_catalog_from_args,
    name,
    number,
    parse_date,
    whole,
)
from advisor.cli._output import num, print_json, table

if TYPE_CHECKING:
    from advisor.ratings import Ratings

_DESCRIPTION = """\
Fit Bradley-Terry ratings on the Elo scale to pairwise battles, as the Chatbot Arena does, with
bootstrap 95% confidence intervals and ranks that only separate models whose intervals do not
overlap (rank = 1 + the number of models statistically better).

FILE is JSON Lines, CSV or Parquet (pip install 'advisor[parquet]') with columns model_a,
model_b, winner (model_a, model_b, tie or "tie (bothbad)"), or pair counts with columns
model_a, model_b, wins_a, wins_b, ties (and optionally ties_bothbad). With --out, the scores
are written as a catalog layer of dated scores for --benchmark, ready for --catalog on the
other commands. --by COLUMN fits one leaderboard per value of that column (e.g. a task
category) and writes each as BENCHMARK/VALUE scores, so --metric team-eval/coding works
downstream.

A model that never lost (or never won) has no finite maximum-likelihood score: that is an
error unless --regularization adds a prior. Groups of models never compared with each other
are always an error."""


def _anchor(text: str) -> float | tuple[str, float]:
    """``MODEL=VALUE`` pins a model; a bare number pins the mean."""
    name, sep, value = text.rpartition("=")
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or (sep and not name.strip()):
        raise argparse.ArgumentTypeError(f"want MODEL=SCORE or a mean score, got {text!r}")
    return (name.strip(), number) if sep else number


def register(sub: Any) -> None:
    p = sub.add_parser(
        "rate",
        help="Arena-style Bradley-Terry scores with 95%% CIs from your own battles",
        description=_DESCRIPTION,
        epilog="Example:\n  advisor rate battles.jsonl --benchmark team-eval --out scores.yaml",
        formatter_class=HELP_FORMATTER,
    )
    p.add_argument("file", metavar="FILE", help="battles (.jsonl, .csv or .parquet) or pair counts")
    p.add_argument(
        "--by",
        metavar="COLUMN",
        help="one leaderboard per value of this column (row-level battles), written as BENCHMARK/VALUE scores",
    )
    p.add_argument("--json", action="store_true", help="print the library's result as JSON")
    add_wide_option(p)
    fit = p.add_argument_group("fit")
    fit.add_argument(
        "--anchor",
        type=_anchor,
        default=1000.0,
        metavar="MODEL=SCORE",
        help="pin a model's score (the Arena uses mixtral-8x7b-instruct-v0.1=1114), "
        "or give a number to pin the mean (default: mean 1000)",
    )
    fit.add_argument(
        "--scale", type=number(above=0), default=400.0, help="Elo points per factor BASE in the odds (400)"
    )
    fit.add_argument("--base", type=number(above=1), default=10.0, help="base of the Elo scale (10)")
    fit.add_argument(
        "--bootstrap", type=whole(at_least=0), default=100, metavar="ROUNDS", help="bootstrap rounds; 0: no CIs (100)"
    )
    fit.add_argument(
        "--seed", type=whole(at_least=0), default=0, help="bootstrap seed; the same seed gives the same CIs (0)"
    )
    fit.add_argument(
        "--ties",
        choices=["half", "ignore"],
        default="half",
        help="a tie is half a win for each side (half, the Arena's choice) or left out (ignore)",
    )
    fit.add_argument(
        "--regularization",
        type=number(at_least=0),
        default=0.0,
        metavar="STRENGTH",
        help="Gaussian prior on ratings (1 ~ four ties against an average model); keeps "
        "models that never lost finite (default 0: plain MLE)",
    )
    fit.add_argument(
        "--drop-if",
        action="append",
        default=[],
        metavar="COLUMN",
        help="leave out battles where COLUMN is true, e.g. identity_revealed (repeatable)",
    )
    out = p.add_argument_group("catalog layer")
    out.add_argument("--out", metavar="FILE", help="write the scores as a catalog layer (YAML)")
    out.add_argument(
        "--benchmark", type=name, metavar="NAME", help="benchmark the scores belong to (required with --out)"
    )
    out.add_argument("--category", type=name, default="overall", help="score category (default: overall)")
    out.add_argument(
        "--as-of",
        type=parse_date,
        metavar="DATE",
        help="date of the scores (default: today); also the date at which --catalog names resolve",
    )
    names = p.add_argument_group("model names")
    names.add_argument(
        "--catalog",
        action="append",
        default=[],
        metavar="PATH",
        help="resolve battle names to catalog ids, with this layer on top of the bundled catalog (repeatable)",
    )
    names.add_argument(
        "--no-resolve",
        action="store_true",
        help="keep the battles' model names as given (default: resolve "
        "them to catalog ids through their aliases, as of --as-of, so the layer loads on the catalog)",
    )
    names.add_argument("--no-bundled", action="store_true", help="resolve against the --catalog files only")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from advisor.battles import catalog_layer, rate

    if args.by is not None:
        return _run_by(args)
    if args.out and not args.benchmark:
        raise fail("--out needs --benchmark NAME (the benchmark the scores belong to)")
    if args.out and not Path(args.out).resolve().parent.is_dir():
        raise fail(f"--out: no such folder: {Path(args.out).parent}")
    if args.out:
        from advisor._io import refuse_same_file

        refuse_same_file(args.out, {"FILE": args.file, **{f"--catalog {c}": c for c in args.catalog}}, "--out")
    as_of: dt.date = args.as_of or dt.date.today()
    catalog = None
    if not args.no_resolve and (args.catalog or not args.no_bundled):
        catalog = load_catalog_from_args(args)
    bar = _Progress(sys.stderr) if not args.json and sys.stderr.isatty() else None
    try:
        ratings = rate(
            args.file,
            drop_if=args.drop_if,
            scale=args.scale,
            base=args.base,
            anchor=args.anchor,
            bootstrap=args.bootstrap,
            seed=args.seed,
            ties=args.ties,
            regularization=args.regularization,
            resolve=catalog.resolve if catalog is not None else None,
            progress=bar,
        )
    finally:
        if bar is not None:
            bar.close()
    if catalog is not None:
        unknown = [m for m in ratings.models if m not in catalog]
        if unknown:
            print(
                f"Warning: {len(unknown)} model(s) not in the catalog, kept as named: {', '.join(unknown)}; "
                "their entries need a provider: to load as new models",
                file=sys.stderr,
            )
    layer = None
    if args.out:
        layer = catalog_layer(
            ratings,
            benchmark=args.benchmark,
            category=args.category,
            as_of=as_of,
            source=f"{args.benchmark}-battles",
            title=f"Bradley-Terry fit of {Path(args.file).name} ({ratings.battles:,} battles)",
            description=f"Bradley-Terry ratings fitted by advisor rate from {Path(args.file).name}",
        )
    if layer is not None:
        from pydantic import TypeAdapter

        from advisor.schema import CatalogFile
        from advisor.writer import write_catalog_file

        write_catalog_file(args.out, TypeAdapter(CatalogFile).validate_python(layer))
        print(
            f"Wrote {args.out}: {len(ratings.models)} scores for benchmark {args.benchmark!r}",
            file=sys.stderr,
        )
    if args.json:
        print_json(ratings)
    else:
        print(_render(ratings))
    return 0


def _run_by(args: argparse.Namespace) -> int:
    """``--by COLUMN``: one leaderboard per value, one layer holding each as ``BENCHMARK/VALUE``."""
    from advisor.battles import catalog_layer
    from advisor.battles_by import rate_by

    if args.category != "overall":
        raise fail("--by and --category do not go together: with --by each value is a category")
    if args.out and not args.benchmark:
        raise fail("--out needs --benchmark NAME (the benchmark the scores belong to)")
    if args.out and not Path(args.out).resolve().parent.is_dir():
        raise fail(f"--out: no such folder: {Path(args.out).parent}")
    as_of: dt.date = args.as_of or dt.date.today()
    catalog = None
    if not args.no_resolve and (args.catalog or not args.no_bundled):
        catalog = load_catalog_from_args(args)
    boards, unlabelled = rate_by(
        args.file,
        args.by,
        drop_if=args.drop_if,
        scale=args.scale,
        base=args.base,
        anchor=args.anchor,
        bootstrap=args.bootstrap,
        seed=args.seed,
        ties=args.ties,
        regularization=args.regularization,
        resolve=catalog.resolve if catalog is not None else None,
    )
    if args.out:
        from pydantic import TypeAdapter

        from advisor.schema import CatalogFile
        from advisor.writer import write_catalog_file

        layer: dict[str, Any] | None = None
        for value, ratings in boards.items():
            part = catalog_layer(
                ratings,
                benchmark=args.benchmark,
                category=value,
                as_of=as_of,
                source=f"{args.benchmark}-battles",
                title=f"Bradley-Terry fit of {Path(args.file).name} per {args.by}",
                description=f"Bradley-Terry ratings per {args.by} fitted by advisor rate from {Path(args.file).name}",
            )
            if layer is None:
                layer = part
                continue
            by_id = {m["id"]: m for m in layer["models"]}
            for m in part["models"]:
                if m["id"] in by_id:
                    by_id[m["id"]]["scores"].extend(m["scores"])
                else:
                    layer["models"].append(m)
                    by_id[m["id"]] = m
        assert layer is not None  # rate_by returns at least one value
        write_catalog_file(args.out, TypeAdapter(CatalogFile).validate_python(layer))
        print(
            f"Wrote {args.out}: {sum(len(r.models) for r in boards.values())} scores for "
            f"{', '.join(f'{args.benchmark}/{v}' for v in boards)}",
            file=sys.stderr,
        )
    if args.json:
        print_json(boards)
        return 0
    for value, ratings in boards.items():
        metric = f"{args.benchmark}/{value}" if args.benchmark else f"{args.by} = {value}"
        print(f"== {metric}")
        print(_render(ratings))
        print()
    if unlabelled:
        print(f"{num(unlabelled)} battles without a value in {args.by!r} left out.")
    return 0


def _render(r: Ratings) -> str:
    rows = []
    for k, model in enumerate(r.models):
        lo, hi, score = float(r.ci_lower[k]), float(r.ci_upper[k]), float(r.scores[k])
        ci = "-" if math.isnan(lo) else f"+{hi - score:.1f}/-{score - lo:.1f}"
        rows.append([str(int(r.ranks[k])), model, f"{score:.1f}", ci, num(int(r.votes[k]))])
    text = table(["rank", "model", "score (Elo)", "95% CI", "votes"], rows, right=[True, False, True, True, True])
    anchor = f"{r.anchor[0]} = {r.anchor[1]:g}" if isinstance(r.anchor, tuple) else f"mean = {r.anchor:g}"
    lines = [
        text,
        "",
        f"{num(r.battles)} battles among {len(r.models)} models; anchor {anchor}; ties {r.ties}.",
        f"95% CI: {r.bootstrap} bootstrap rounds (seed {r.seed}); rank = 1 + models whose CI lies entirely above."
        if r.bootstrap
        else "No bootstrap: no CIs; ranks follow the scores.",
    ]
    if r.dropped:
        lines.append(f"{num(r.dropped)} battles left out as invalid.")
    return "\n".join(lines)


class _Progress:
    """A one-line bootstrap progress bar on a terminal, shown only once fitting takes a moment."""

    delay = 0.5  # seconds before the bar appears

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.start < self.delay and not self.shown:
            return
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(f"\rbootstrap [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
