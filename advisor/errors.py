"""Exceptions raised by advisor; the CLI turns them into one-line messages and exit codes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


def close_matches(word: str, options: Sequence[str], n: int, cutoff: float) -> list[str]:
    """The options most like ``word`` (``difflib.get_close_matches``), for "did you mean" hints;
    difflib is imported only when a message needs it."""
    import difflib

    return difflib.get_close_matches(word, options, n=n, cutoff=cutoff)


class AdvisorError(ValueError):
    """Base class of every error advisor raises on bad input."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, located as precisely as the input allows."""

    file: str
    message: str
    line: int | None = None
    model: str | None = None
    field: str | None = None
    loc: tuple[str | int, ...] | None = None
    """Where in the file's data the problem is (keys and indices), used to find the line."""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.model is not None:
            parts.append(f"model {self.model!r}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        return ": ".join(parts) + f": {self.message}"


class ArgumentError(AdvisorError):
    """An argument of a library call is out of range; ``argument`` names it, ``reason`` says why.

    The message names the argument as the library spells it (``min_context must be >= 0``); the
    CLI shows the same error under the flag's name (``--min-context``).
    """

    def __init__(self, argument: str, reason: str) -> None:
        self.argument = argument
        self.reason = reason
        super().__init__(f"{argument} {reason}")


class CatalogError(AdvisorError):
    """A catalog file cannot be used; ``problems`` lists every problem found, one per line.

    ``partial`` is the part of the file that passed every check (an ``advisor.catalog_io.LoadedFile``),
    when there is one, so checks across files can still run on it.
    """

    def __init__(self, problems: Iterable[Problem], *, partial: object = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.partial = partial
        super().__init__("\n".join(str(p) for p in self.problems))


class InputFileError(AdvisorError):
    """A data file (battles, import source) is malformed; the message names file and line."""


class WriteError(AdvisorError):
    """A file cannot be written (or must not be); ``path`` is the path as given, ``reason`` why."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: cannot write: {reason}")


class UnknownModelError(AdvisorError, KeyError):
    """A model name matches no id or alias in the catalog."""

    def __init__(self, name: str, candidates: Iterable[str] = (), *, suggestions: Iterable[str] | None = None) -> None:
        self.name = name
        if suggestions is None:
            close = close_matches(name, list(dict.fromkeys(candidates)), n=3, cutoff=0.6)
        else:
            close = list(suggestions)
        self.matches: tuple[str, ...] = tuple(close)
        """The close matches offered ("did you mean"), best first."""
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        super().__init__(f"unknown model {name!r}{hint}")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class UnknownMetricError(AdvisorError, KeyError):
    """A metric names no benchmark/category present in the catalog."""

    def __init__(self, metric: str, known: Iterable[str] = (), *, note: str | None = None) -> None:
        known = sorted(known)
        self.metric = metric
        self.matches: tuple[str, ...] = ()
        if note is not None:
            super().__init__(f"{note} (is the date before the benchmark's first snapshot?)")
            return
        close = close_matches(metric, known, n=3, cutoff=0.5)
        self.matches = tuple(close)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        listing = f" (known: {', '.join(known)})" if known and not close else ""
        super().__init__(f"unknown metric {metric!r}{hint}{listing}")

    def __str__(self) -> str:
        return str(self.args[0])


class NoCandidateError(AdvisorError):
    """No model satisfies a request; carries the nearest options so callers can explain."""

    def __init__(self, message: str, nearest: object = None) -> None:
        self.nearest = nearest
        super().__init__(message)


class UsageError(AdvisorError):
    """The command line itself is wrong (an unknown flag, a flag's value of the wrong kind)."""


def describe(exc: AdvisorError, flags: Mapping[str, str] | None = None) -> dict[str, object]:
    """An error as data (what ``--json`` prints on failure): its kind, its one-line ``message``,
    ``problems`` located by file, line, model and field, and what it carries (close ``matches``,
    the ``nearest`` options when nothing qualifies, the ``argument`` at fault).

    ``flags`` maps library argument names to the flags that set them, so that the message names
    what the caller typed.
    """
    out: dict[str, object] = {"error": type(exc).__name__, "message": message_for(exc, flags)}
    if isinstance(exc, CatalogError):
        out["problems"] = [
            {"file": p.file, "line": p.line, "model": p.model, "field": p.field, "message": p.message}
            for p in exc.problems
        ]
    if isinstance(exc, ArgumentError):
        out["argument"] = (flags or {}).get(exc.argument, exc.argument)
    for attribute in ("matches", "nearest", "path"):
        if hasattr(exc, attribute):
            out[attribute] = getattr(exc, attribute)
    return out


def message_for(exc: AdvisorError, flags: Mapping[str, str] | None = None) -> str:
    """The error's text, with an argument named as ``flags`` spells it (``--min-context``)."""
    if isinstance(exc, ArgumentError) and flags is not None:
        flag = flags.get(exc.argument) or "--" + exc.argument.replace("_", "-")
        return f"argument {flag}: {exc.reason}"
    return str(exc)


class OptionalDependencyError(AdvisorError, ImportError):
    """An optional package needed for this feature is missing; the message says how to install it."""
