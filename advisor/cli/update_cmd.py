"""``advisor catalog update`` and ``advisor catalog status``: thin wrappers over :mod:`advisor.update`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.cli._common import HELP_FORMATTER, number, whole
from advisor.cli._output import print_json, table

if TYPE_CHECKING:
    from advisor.update import CatalogStatus, UpdateReport

_MAX_LISTED = 20

SOURCE_NAMES = ("lmarena", "litellm", "genai-prices", "models-dev")
"""The keys of :data:`advisor.live_sources.SOURCES`, spelled out so that building the parser imports no
network code (a test checks they agree)."""


def _url_override(text: str) -> tuple[str, str]:
    name, sep, url = text.partition("=")
    if not sep or not name or not url:
        raise argparse.ArgumentTypeError(f"want SOURCE=URL, got {text!r}")
    return name.strip(), url.strip()


def register(catalog_sub: Any) -> None:
    """Add ``update`` and ``status`` to the ``advisor catalog`` subcommands."""
    names = ", ".join(SOURCE_NAMES)
    u = catalog_sub.add_parser(
        "update",
        help="fetch current prices and Arena scores from their public sources",
        description="Fetch the live sources, join them to the catalog through its aliases and write an "
        "update layer in the user data folder, which every command then uses on top of the bundled "
        f"catalog (--no-updates to leave it out). Sources: {names}. A source that fails keeps its previous "
        "data and is named on stderr; the exit code is 2 only when no source could be read.",
        epilog="Example:\n  advisor catalog update --dry-run --source litellm",
        formatter_class=HELP_FORMATTER,
    )
    u.add_argument(
        "--source", action="append", choices=list(SOURCE_NAMES), metavar="NAME",
        help=f"update only this source (repeatable; one of {names}; default: all)",
    )  # fmt: skip
    u.add_argument(
        "--url", action="append", type=_url_override, default=[], metavar="SOURCE=URL",
        help="read SOURCE from URL instead of its public address (a mirror; repeatable)",
    )  # fmt: skip
    u.add_argument("--into", type=Path, metavar="PATH", help="the layer file to write (default: in the data folder)")
    u.add_argument("--dry-run", action="store_true", help="fetch and report what would change; write nothing")
    u.add_argument("--force", action="store_true", help="download everything again, ignoring ETags")
    u.add_argument(
        "--timeout", type=number(above=0), default=30.0, metavar="SECONDS",
        help="seconds per network operation (default: 30)",
    )  # fmt: skip
    u.add_argument(
        "--retries", type=whole(at_least=0), default=2, metavar="N",
        help="retries per request after a failure a retry can fix (default: 2)",
    )  # fmt: skip
    u.add_argument("--json", action="store_true", help="print the library's report as JSON")
    u.set_defaults(func=_update)

    s = catalog_sub.add_parser(
        "status",
        help="show the catalog's dates and when each live source was last fetched",
        description="Show the bundled catalog's newest price and score dates, the update layer and the "
        "sources it was built from (when each was fetched and last checked), and how old the newest "
        "prices and scores are.",
        epilog="Example:\n  advisor catalog status --json",
        formatter_class=HELP_FORMATTER,
    )
    s.add_argument("--into", type=Path, metavar="PATH", help="the update layer (default: in the data folder)")
    s.add_argument("--json", action="store_true", help="print the library's result as JSON")
    s.set_defaults(func=_status)


def _update(args: argparse.Namespace) -> int:
    from advisor.update import UpdateError, update_catalog

    try:
        report = update_catalog(
            sources=args.source,
            urls=dict(args.url),
            into=args.into,
            dry_run=args.dry_run,
            timeout=args.timeout,
            retries=args.retries,
            force=args.force,
        )
    except UpdateError as exc:
        if exc.report is not None and not args.json:
            _failures(exc.report)
        if exc.report is not None and args.json:
            print_json(exc.report)
        raise
    if args.json:
        print_json(report)
    else:
        print(render_update(report))
    _failures(report)
    return 0


def _failures(report: UpdateReport) -> None:
    for s in report.sources:
        if s.status == "failed":
            print(f"Warning: {s.name}: {s.reason} ({s.url}); its previous data is kept", file=sys.stderr)


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "-"


def render_update(report: UpdateReport) -> str:
    """The human summary of an update: one line per source, then what changed."""
    from advisor.money import usd

    verb = "Would update" if report.dry_run else ("Updated" if report.written else "Checked")
    lines = [f"{verb} {report.layer}", ""]
    rows = []
    for s in report.sources:
        if s.status == "failed":
            what = f"failed: {s.reason}"
        elif s.status == "unchanged":
            what = "unchanged since the last fetch"
        else:
            what = f"matched {s.matched:,}, added {s.added:,}, updated {s.updated:,}"
            if s.new_models:
                what += f", new models {len(s.new_models):,}"
            if s.unmatched:
                what += f", unmatched {len(s.unmatched):,}"
        rows.append([s.name, s.status, _when(s.fetched_at), str(s.data_date or "-"), f"{s.requests:,}", what])
    lines.append(table(["source", "status", "fetched", "data date", "requests", "details"], rows))
    if report.models_added:
        shown = ", ".join(report.models_added[:_MAX_LISTED])
        more = f" and {len(report.models_added) - _MAX_LISTED:,} more" if len(report.models_added) > _MAX_LISTED else ""
        lines += ["", f"Models added ({len(report.models_added):,}): {shown}{more}"]
    if report.price_changes:
        lines += ["", f"Prices changed ({len(report.price_changes):,}; input / output, USD per 1M tokens):"]
        for c in report.price_changes[:_MAX_LISTED]:
            host = f" at {c.host}" if c.host else ""
            other = [f for f in c.changed if f not in ("input", "output")]
            also = f" ({', '.join(other)} changed)" if other else ""
            lines.append(
                f"  {c.model}{host}: {usd(c.old_input)} / {usd(c.old_output)} -> "
                f"{usd(c.new_input)} / {usd(c.new_output)} from {c.since}{also}"
            )
        if len(report.price_changes) > _MAX_LISTED:
            lines.append(f"  ... and {len(report.price_changes) - _MAX_LISTED:,} more (--json lists all)")
    if report.prices_added:
        lines += ["", f"Prices for models or hosts that had none: {len(report.prices_added):,} (--json lists them)"]
    if report.score_snapshots:
        overall = [s for s in report.score_snapshots if "/" not in s.metric]
        rest = len(report.score_snapshots) - len(overall)
        lines += ["", f"New score snapshots ({len(report.score_snapshots):,}):"]
        lines += [f"  {s.metric} {s.as_of}: {s.models:,} models" for s in overall]
        if rest:
            lines.append(f"  and {rest:,} category snapshots (--json lists them)")
    if not (report.models_added or report.price_changes or report.prices_added or report.score_snapshots):
        lines += ["", "No change to prices or scores."]
    return "\n".join(lines)


def _status(args: argparse.Namespace) -> int:
    from advisor.update import catalog_status

    status = catalog_status(into=args.into)
    if args.json:
        print_json(status)
    else:
        print(render_status(status))
    return 0


def _age(days: int | None) -> str:
    if days is None:
        return "-"
    return "today" if days == 0 else f"{days:,} day{'s' if days != 1 else ''} old"


def render_status(status: CatalogStatus) -> str:
    """The human view of :func:`advisor.catalog_status`."""
    lines = [
        f"Bundled catalog: {status.bundled}",
        f"  newest price from {status.bundled_newest_price or '-'}, newest scores {status.bundled_newest_score or '-'}",
    ]
    if status.layer_present:
        lines.append(f"Update layer: {status.layer}")
    else:
        lines.append(f"Update layer: none yet ({status.layer}); run `advisor catalog update`")
    rows = [
        [s.name, s.license, _when(s.fetched_at), _when(s.checked_at), str(s.data_date or "-"), s.last_error or ""]
        for s in status.sources
    ]
    lines += ["", table(["source", "license", "fetched", "last checked", "data date", "last error"], rows), ""]
    lines.append(
        f"Newest price from {status.newest_price or '-'} ({_age(status.price_age_days)}); "
        f"newest scores {status.newest_score or '-'} ({_age(status.score_age_days)}); "
        f"{status.models:,} models, as of {status.today}."
    )
    share = status.priced_with_context / status.priced if status.priced else 0.0
    lines.append(
        f"Priced on {status.today}: {status.priced:,} models ({status.priced_with_context:,} with a context "
        f"window, {share:.1%}); scored: {status.scored:,} models in {status.metrics} metrics and "
        f"{status.snapshots} dated snapshots; newest price change {status.newest_price_change or '-'}."
    )
    return "\n".join(lines)
