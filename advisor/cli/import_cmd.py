"""``advisor catalog import``: build or refresh a catalog file from LiteLLM and Arena data.

Each subcommand parses, calls one importer from :mod:`advisor.importers`, writes the catalog
atomically (unless ``--dry-run``) and prints a summary; unmatched names go to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.cli._common import HELP_FORMATTER, Parser, parse_date
from advisor.cli._output import print_json

if TYPE_CHECKING:
    from advisor.importers import ImportReport
    from advisor.schema import CatalogFile

_MAX_LISTED = 50

_KINDS: dict[str, dict[str, str]] = {
    "litellm": {
        "help": "prices, context windows and max output tokens from LiteLLM's "
        "model_prices_and_context_window.json (USD per token)",
        "example": "advisor catalog import litellm model_prices_and_context_window.json "
        "--into prices.yaml --date 2025-09-02",
        "license": "MIT",
        "url": "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json",
    },
    "arena": {
        "help": "scores from an Arena leaderboard CSV (fboulnois/llm-leaderboard-csv columns)",
        "example": "advisor catalog import arena lmsys_arena_2024-07-24.csv --into scores.yaml --add-new",
        "license": "MPL-2.0",
        "url": "https://github.com/fboulnois/llm-leaderboard-csv",
    },
    "arena-hard": {
        "help": "scores from an Arena-Hard-Auto leaderboard CSV (win rate %%, 95%% bounds)",
        "example": "advisor catalog import arena-hard arena_hard_auto_leaderboard_20240731.csv --into scores.yaml",
        "license": "Apache-2.0",
        "url": "https://github.com/lmarena/arena-hard-auto",
    },
    "history": {
        "help": "dated prices from a LiteLLM price history CSV (USD per 1M tokens)",
        "example": "advisor catalog import history litellm_price_history_via_tokencost.derived.csv --into prices.yaml",
        "license": "MIT",
        "url": "https://github.com/AgentOps-AI/tokencost",
    },
}


def register(catalog_sub: Any) -> None:
    """Add ``import`` and its subcommands to the ``advisor catalog`` subparsers."""
    imp = catalog_sub.add_parser(
        "import",
        help="build or refresh a catalog file from LiteLLM or Arena data",
        description="Import prices or scores into a catalog file. Names are matched by id or alias "
        "(exact, case-insensitive); unmatched names are listed on stderr, never guessed. The file is "
        "written atomically, and only when the whole import succeeded.",
        epilog="Example:\n  " + _KINDS["arena"]["example"],
        formatter_class=HELP_FORMATTER,
    )
    imp_sub = imp.add_subparsers(
        dest="import_kind", metavar="FORMAT", parser_class=Parser, title="formats", help="the format to import"
    )
    imp_sub.required = True
    for kind, info in _KINDS.items():
        p = imp_sub.add_parser(
            kind,
            help=info["help"],
            description=info["help"][0].upper() + info["help"][1:] + ".",
            epilog="Example:\n  " + info["example"],
            formatter_class=HELP_FORMATTER,
        )
        p.add_argument("source", type=Path, metavar="FILE", help="the file to import")
        p.add_argument(
            "--into", type=Path, required=True, metavar="CATALOG",
            help="catalog YAML to refresh (created if missing)",
        )  # fmt: skip
        p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
        p.add_argument(
            "--source-key", metavar="KEY", help="key into the catalog's sources (default: from kind and date)"
        )
        p.add_argument("--json", action="store_true", help="print the import report as JSON")
        if kind == "litellm":
            p.add_argument(
                "--date", type=parse_date, metavar="DATE",
                help="day the map's prices are taken to be in force from (default: today)",
            )  # fmt: skip
            p.add_argument(
                "--no-limits", dest="limits", action="store_false",
                help="leave context windows and max output tokens alone (by default a model's own key, "
                "never a host's, replaces them and the model's source becomes the import's)",
            )  # fmt: skip
        elif kind in ("arena", "arena-hard"):
            p.add_argument(
                "--date", type=parse_date, metavar="DATE",
                help="snapshot date (default: the file's date column, or a YYYY-MM-DD in its name)",
            )  # fmt: skip
            p.add_argument("--add-new", action="store_true", help="add unmatched rows as new models")
        p.set_defaults(func=_run, kind=kind)


def _date_in_name(path: Path) -> dt.date | None:
    m = re.search(r"(\d{4})-?(\d{2})-?(\d{2})", path.name)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _read_or_empty(path: Path) -> CatalogFile:
    from advisor.schema import CatalogFile

    if not path.exists():
        return CatalogFile(schema_version=1)
    from advisor.catalog_io import read_catalog_file

    return read_catalog_file(path)


def _run(args: argparse.Namespace) -> int:
    import dataclasses

    from advisor import importers
    from advisor.errors import AdvisorError
    from advisor.importers.arena import BENCHMARKS
    from advisor.schema import Source
    from advisor.writer import write_catalog_file

    kind: str = args.kind
    base = _read_or_empty(args.into)
    date: dt.date | None = getattr(args, "date", None)
    if kind == "arena" and date is None:
        date = _date_in_name(args.source)
        if date is None:
            raise AdvisorError(f"{args.source}: no date in the file name; give --date YYYY-MM-DD")
    if kind == "litellm" and date is None:
        date = dt.date.today()
    if kind == "arena-hard" and date is None:
        date = _date_in_name(args.source)
    default_key = {
        "litellm": f"litellm-{date}",
        "arena": f"arena-{date}",
        "arena-hard": f"arena-hard-auto-{date}" if date else "arena-hard-auto",
        "history": "litellm-history",
    }[kind]
    key: str = args.source_key or default_key
    source = None
    if key not in base.sources:
        info = _KINDS[kind]
        source = Source(title=f"{kind} import of {args.source.name}", url=info["url"], license=info["license"])
    if kind in ("arena", "arena-hard"):
        missing = {k: b for k, b in BENCHMARKS.items() if k not in base.benchmarks}
        if missing:
            base = dataclasses.replace(base, benchmarks={**base.benchmarks, **missing})

    if kind == "litellm":
        assert date is not None
        result = importers.import_litellm(
            base, args.source, as_of=date, source_key=key, source=source, limits=args.limits
        )
    elif kind == "history":
        result = importers.import_price_history(base, args.source, source_key=key, source=source)
    elif kind == "arena":
        assert date is not None
        result = importers.import_arena(
            base, args.source, as_of=date, source_key=key, source=source, add_new=args.add_new
        )
    else:
        result = importers.import_arena_hard(
            base, args.source, as_of=date, source_key=key, source=source, add_new=args.add_new
        )

    if not args.dry_run:
        try:
            write_catalog_file(args.into, result.catalog)
        except OSError as exc:
            raise AdvisorError(f"{args.into}: cannot write: {exc.strerror or exc}") from None
    if args.json:
        print_json(result.report)
    else:
        print(_summary(result.report, args.into, args.dry_run))
    _list_names(result.report)
    return 0


def _summary(report: ImportReport, into: Path, dry_run: bool) -> str:
    verb = "Would import" if dry_run else "Imported"
    text = (
        f"{verb} {report.file} into {into} (source {report.source_key}): matched {report.matched}, "
        f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}"
    )
    if report.new_models:
        text += f", new models {len(report.new_models)}"
    if report.limits:
        text += f", context windows and max output tokens of {report.limits} model(s)"
    return text


def _list_names(report: ImportReport) -> None:
    for title, names in (
        ("unmatched (no id or alias)", report.unmatched),
        ("ambiguous", report.ambiguous),
        ("skipped", report.skipped),
    ):
        if not names:
            continue
        print(f"{len(names)} {title}:", file=sys.stderr)
        for name in names[:_MAX_LISTED]:
            print(f"  {name}", file=sys.stderr)
        if len(names) > _MAX_LISTED:
            print(f"  ... and {len(names) - _MAX_LISTED} more (--json lists all)", file=sys.stderr)
