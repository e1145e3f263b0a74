"""``advisor catalog import``: build or refresh a catalog layer from outside data.

One subcommand per entry of :data:`advisor.importers.registry.IMPORTERS`: each parses, runs the
importer on the file's bytes over the layered catalog, writes the layer atomically (unless
``--dry-run``) and prints a summary; unmatched names go to stderr.
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


def register(catalog_sub: Any) -> None:
    """Add ``import`` and one subcommand per entry of the importer registry to ``advisor catalog``."""
    from advisor.importers.registry import IMPORTERS

    imp = catalog_sub.add_parser(
        "import",
        help="build or refresh a catalog layer from LiteLLM, genai-prices, models.dev or Arena data",
        description="Import prices, metadata or scores into a catalog layer. Names are matched by id or alias "
        "(exact, case-insensitive) against the whole layered catalog: the bundled one, the --catalog layers, "
        "and the file itself; a model known below gets an override entry with only the new figures. Unmatched "
        "names are listed on stderr, never guessed. The file is written atomically, and only when the whole "
        "import succeeded; it is rewritten whole, so keep imported data in its own file, apart from "
        "hand-edited ones.",
        epilog="Example:\n  " + IMPORTERS["arena"].example,
        formatter_class=HELP_FORMATTER,
    )
    imp_sub = imp.add_subparsers(
        dest="import_kind", metavar="FORMAT", parser_class=Parser, title="formats", help="the format to import"
    )
    imp_sub.required = True
    for importer in IMPORTERS.values():
        p = imp_sub.add_parser(
            importer.name,
            help=importer.help,
            description=importer.help[0].upper() + importer.help[1:] + ".",
            epilog="Example:\n  " + importer.example,
            formatter_class=HELP_FORMATTER,
        )
        p.add_argument("source", type=Path, metavar="FILE", help="the file to import")
        p.add_argument(
            "--into", type=Path, required=True, metavar="CATALOG",
            help="catalog layer to write (created if missing; rewritten whole)",
        )  # fmt: skip
        p.add_argument(
            "--catalog", action="append", default=[], metavar="PATH",
            help="a layer between the bundled catalog and --into, matched against too (repeatable)",
        )  # fmt: skip
        p.add_argument("--no-bundled", action="store_true", help="match against --catalog layers and --into only")
        p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
        p.add_argument(
            "--source-key", metavar="KEY", help="key into the catalog's sources (default: from format and date)"
        )
        p.add_argument("--add-new", action="store_true", help="add unmatched names as new models")
        p.add_argument("--json", action="store_true", help="print the import report as JSON")
        if importer.date_help:
            p.add_argument("--date", type=parse_date, metavar="DATE", help=importer.date_help)
        for option in importer.options:
            p.add_argument(
                option.flag, dest=option.dest, help=option.help,
                action="store_false" if option.default else "store_true",
            )  # fmt: skip
        p.set_defaults(func=_run, kind=importer.name)


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
    from advisor._io import refuse_same_file
    from advisor.catalog import check_layer, load_catalog
    from advisor.errors import AdvisorError
    from advisor.importers._common import read_input
    from advisor.importers.registry import IMPORTERS, ImportRequest
    from advisor.writer import write_catalog_file

    importer = IMPORTERS[args.kind]
    refuse_same_file(args.into, {"FILE": args.source, **{f"--catalog {c}": c for c in args.catalog}}, "--into")
    base = _read_or_empty(args.into)
    below = None
    if args.catalog or not args.no_bundled:
        below = load_catalog(*args.catalog, bundled=not args.no_bundled, metrics=importer.metrics)
    date: dt.date | None = getattr(args, "date", None)
    if date is None and importer.date_in_name:
        date = _date_in_name(args.source)
    if date is None and importer.date_required:
        raise AdvisorError(f"{args.source}: no date in the file name; give --date YYYY-MM-DD")
    data, label = read_input(args.source)
    options = {o.dest: getattr(args, o.dest) for o in importer.options}
    request = ImportRequest(
        base=base, data=data, label=label, below=below, date=date, source_key=args.source_key,
        add_new=args.add_new, options=options,
    )  # fmt: skip
    result = importer.run(request)
    if not args.dry_run:
        if below is not None:
            check_layer(result.catalog, args.into, *args.catalog, bundled=not args.no_bundled)
        write_catalog_file(args.into, result.catalog)
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
    if report.retired:
        text += f", retirement dates of {report.retired} model(s)"
    return text


def _list_names(report: ImportReport) -> None:
    from collections import Counter

    from advisor.text import shown

    for title, names in (
        ("unmatched (no id or alias)", report.unmatched),
        ("ambiguous", report.ambiguous),
        ("skipped", report.skipped),
    ):
        if not names:
            continue
        print(f"{len(names)} {title}:", file=sys.stderr)
        counts = Counter(names)  # a name skipped on each category board of a file is listed once
        distinct = list(counts)
        for name in distinct[:_MAX_LISTED]:
            times = f" (x{counts[name]})" if counts[name] > 1 else ""
            print(f"  {shown(name)}{times}", file=sys.stderr)  # names from the file: a newline must not forge a line
        if len(distinct) > _MAX_LISTED:
            print(f"  ... and {len(distinct) - _MAX_LISTED} more (--json lists all)", file=sys.stderr)
