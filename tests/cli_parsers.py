"""Every parser of an ``advisor`` parser tree, for tests of the command line (help, usage, options)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator


def every_parser(
    parser: argparse.ArgumentParser, path: str = "advisor"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """``parser`` and each sub-parser below it (groups such as ``advisor plot`` included), by command line."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from every_parser(child, f"{path} {name}")
