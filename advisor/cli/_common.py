"""Options shared by the commands that read the catalog, and turning them into library calls."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from advisor.errors import AdvisorError, UsageError

if TYPE_CHECKING:
    from advisor.catalog import Catalog


_gc_paused = False


def begin_startup() -> None:
    """Pause the cyclic garbage collector for a console run's start-up (see :func:`end_startup`).

    Importing the engine and numpy, building the parser and decoding the catalog allocate a few
    hundred thousand objects that all live until the process exits: a collection then finds no
    garbage, and the collections a start-up triggers cost about 5% of a warm run. Only the
    console entry point calls this (the process ends with the command), never a library call.
    """
    global _gc_paused
    if gc.isenabled():
        gc.disable()
        _gc_paused = True


def end_startup() -> None:
    """Start-up is over: leave what it allocated out of every later collection (``gc.freeze``: it lives
    to the end of the run) and resume collecting, for the command's own work. Idempotent; a no-op
    unless :func:`begin_startup` paused the collector."""
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        gc.freeze()
        gc.enable()


def starts_by_loading_the_catalog(p: argparse.ArgumentParser) -> None:
    """Mark a command whose first work is :func:`load_catalog_from_args`: its start-up ends when the
    catalog is loaded (any other command's ends once its arguments are parsed)."""
    p.set_defaults(startup_until_catalog=True)


class HelpFormatter(argparse.HelpFormatter):
    """Wraps one-paragraph descriptions to the terminal; keeps text with line breaks (examples) as is.

    argparse %-formats option help but not descriptions, so a text written for both (``95%% CI``)
    is unescaped here too: no ``%%`` reaches the reader.
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        text = text.replace("%%", "%")
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


HELP_FORMATTER = HelpFormatter
EXIT_OK = 0
EXIT_NOTHING_QUALIFIES = 1
EXIT_BAD_INPUT = 2


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        if self._subparsers is not None and message.startswith("the following arguments are required:"):
            commands = [a for a in self._subparsers._group_actions if isinstance(a, argparse._SubParsersAction)]
            if commands and str(commands[0].metavar) in message:
                # A bare group (`advisor`, `advisor plot`): show what it offers, not just what is missing.
                self.print_help(sys.stderr)
                self.exit(EXIT_BAD_INPUT, f"\nError: {self.prog}: choose a {str(commands[0].metavar).lower()}\n")
        from advisor.text import shown

        raise UsageError(f"{self.prog}: {shown(message)}")  # arguments are echoed: escape what they hide


def parse_date(text: str) -> dt.date:
    """argparse type for ``YYYY-MM-DD``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (want YYYY-MM-DD): {text!r}") from None


def number(*, above: float | None = None, at_least: float | None = None) -> Callable[[str], float]:
    """argparse type for a finite number (never NaN or infinity), with an optional lower bound
    (``above`` strict, ``at_least`` not)."""
    if above is not None:
        bound = f" > {above:g}"
    elif at_least is not None:
        bound = f" >= {at_least:g}"
    else:
        bound = ""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        ok = math.isfinite(value) and ((above is None or value > above) and (at_least is None or value >= at_least))
        if not ok:
            raise argparse.ArgumentTypeError(f"must be a finite number{bound}, got {text!r}")
        return value

    return parse


def whole(*, at_least: int, at_most: int | None = None) -> Callable[[str], int]:
    """argparse type for a whole number from ``at_least`` (to ``at_most``)."""

    def parse(text: str) -> int:
        if len(text) > 40:
            raise argparse.ArgumentTypeError(f"not a whole number of a sensible size: {text[:20]!r}...")
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < at_least:
            raise argparse.ArgumentTypeError(f"must be at least {at_least}, got {text!r}")
        if at_most is not None and value > at_most:
            raise argparse.ArgumentTypeError(f"must be at most {at_most:,}, got {text!r}")
        return value

    return parse


def name(text: str) -> str:
    """argparse type for a name: not empty, no control, bidirectional or zero-width characters."""
    from advisor.text import hidden_char

    value = text.strip()
    if not value:
        raise argparse.ArgumentTypeError("must not be empty")
    why = hidden_char(value)
    if why is not None:
        raise argparse.ArgumentTypeError(f"{value!r} {why}")
    return value


def add_catalog_options(p: argparse.ArgumentParser) -> None:
    """``--catalog`` (repeatable layers on the bundled catalog), ``--no-bundled``, ``--no-updates``, ``--as-of``."""
    g = p.add_argument_group("catalog")
    g.add_argument(
        "--catalog",
        action="append",
        default=[],
        metavar="PATH",
        help="a catalog file layered on top of the bundled one (repeatable, later wins)",
    )
    g.add_argument("--no-bundled", action="store_true", help="use only the --catalog files")
    g.add_argument(
        "--no-updates",
        action="store_true",
        help="leave out the layer `advisor catalog update` wrote (use the bundled catalog as shipped)",
    )
    g.add_argument(
        "--as-of",
        type=parse_date,
        metavar="DATE",
        help="the catalog as it stood on DATE (prices in force, newest scores not after it); default: today",
    )


def add_filter_options(p: argparse.ArgumentParser) -> None:
    """``--provider``, ``--open-weights``, ``--min-context`` (``models`` and the decision commands)."""
    g = p.add_argument_group("filters")
    g.add_argument("--provider", type=name, action="append", metavar="NAME", help="only this provider (repeatable)")
    g.add_argument("--open-weights", action="store_true", default=None, help="only models whose weights are public")
    g.add_argument(
        "--min-context", type=whole(at_least=0), metavar="TOKENS", help="only models with at least this context window"
    )


def add_wide_option(p: argparse.ArgumentParser) -> None:
    """``--wide`` on commands that print a table (tables otherwise fit the terminal's width)."""
    p.add_argument(
        "--wide", action="store_true", help="show every column in full, however wide (default: fit the terminal)"
    )


def load_catalog_from_args(args: argparse.Namespace, *, every_metric: bool = False) -> Catalog:
    """Load the layered catalog the options describe, print its warnings, and apply ``--as-of``.

    Only the score table of the command's ``--metric`` is read (the bundled catalog has dozens);
    ``every_metric`` reads them all, for commands that list or offer every metric.
    """
    from advisor.catalog import DEFAULT_METRIC, load_catalog

    metric = getattr(args, "metric", None) or DEFAULT_METRIC
    catalog = load_catalog(
        *args.catalog,
        bundled=not args.no_bundled,
        updates=not getattr(args, "no_updates", False),
        metrics=None if every_metric else [metric],
    )
    end_startup()
    for warning in catalog.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    day = args.as_of or dt.date.today()
    view = catalog.as_of(day)
    if not len(view) and len(catalog):
        first = catalog.first_date()
        since = f"; its data starts on {first}" if first else ""
        raise AdvisorError(f"no model in the catalog as of {day}{since}")
    return view


def fail(message: str) -> AdvisorError:
    """An error for a bad combination of options (exit code 2)."""
    return AdvisorError(message)
