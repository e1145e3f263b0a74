"""The ``advisor`` command line: each command parses, calls one public library function, renders.

argparse rather than click: it is in the standard library and imports in a few milliseconds, and
the CLI's start-up time is a measured goal (see benchmarks/).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from advisor.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_NOTHING_QUALIFIES,
    EXIT_OK,
    HELP_FORMATTER,
    Parser,
    begin_startup,
    end_startup,
)
from advisor.errors import AdvisorError, NoCandidateError

COMMANDS: dict[str, str] = {
    "models": "catalog_cmds",
    "catalog": "catalog_cmds",
    "cost": "decide",
    "frontier": "decide",
    "recommend": "decide",
    "compare": "decide",
    "rank": "decide",
    "export": "export_cmd",
    "rate": "rate",
    "replay": "replay_cmd",
    "plot": "plot_cmds",
}
"""Each command and the module of ``advisor.cli`` that registers it, in the order ``advisor --help`` lists them."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; command modules register themselves and import heavy code only when run.

    With ``command`` (a name of :data:`COMMANDS`) only the module of that command registers: every
    run pays for building the parser, and one command's options (and what registering them imports)
    are all that run needs. Its parser is built exactly as in the full parser, so its ``--help``,
    usage and errors are the same.
    """
    import importlib

    parser = Parser(
        prog="advisor",
        description="Which LLM should we call, given what we can pay and the quality we need?",
        epilog="Example:\n  advisor recommend --target gpt-4o --as-of 2024-07-24",
        formatter_class=HELP_FORMATTER,
    )
    from advisor import __version__

    parser.add_argument("--version", action="version", version=f"advisor {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=Parser, title="commands", help="the command to run"
    )
    sub.required = True
    modules = [COMMANDS[command]] if command in COMMANDS else dict.fromkeys(COMMANDS.values())
    for module in modules:
        importlib.import_module(f"advisor.cli.{module}").register(sub)
    return parser


FLAGS = {"start": "--from", "end": "--to"}
"""Library argument names whose flag is not simply ``--`` plus the name with dashes."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 nothing qualifies, 2 bad input).

    Every error is one line per problem on stderr (``Error: ...``); with ``--json`` the same error
    is also a JSON object on stdout (see :func:`advisor.errors.describe`).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    parser = build_parser(argv[0] if argv else None)
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "startup_until_catalog", False):
            end_startup()
        from advisor.cli._output import set_wide

        set_wide(bool(getattr(args, "wide", False)))
        code: int = args.func(args)
    except SystemExit as exc:  # --help or --version
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    except AdvisorError as exc:
        return _report(exc, as_json)
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `head`) went away; that is not our error. Point stdout at devnull so
        # the interpreter's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # a file we were asked to read or write; never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        return _report(AdvisorError(f"{where}{(exc.strerror or str(exc)).lower()}"), as_json)
    return code


def _report(exc: AdvisorError, as_json: bool) -> int:
    from advisor.errors import describe, message_for

    code = EXIT_NOTHING_QUALIFIES if isinstance(exc, NoCandidateError) else EXIT_BAD_INPUT
    lines = message_for(exc, FLAGS).splitlines() or [type(exc).__name__]
    for line in lines:
        print(f"Error: {line}", file=sys.stderr)
    if as_json:
        from advisor.cli._output import print_json

        print_json({**describe(exc, FLAGS), "exit_code": code})
    return code


def run() -> None:
    """Console-script entry point: the process is this one command (see :func:`begin_startup`)."""
    begin_startup()
    sys.exit(main())
