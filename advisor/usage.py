"""Usage records from API responses and gateway logs: a registry of formats, read as columnar chunks.

Every format turns one record into the same numbers, whatever the provider calls them:

- ``input``: the whole prompt, cache reads and cache writes included (OpenAI's ``prompt_tokens``;
  Anthropic's ``input_tokens + cache_creation_input_tokens + cache_read_input_tokens``);
- ``cached``: prompt tokens read from the provider's cache;
- ``cache_write``: prompt tokens written to the cache (all lifetimes), ``cache_write_1h`` the part
  written with a 1-hour lifetime;
- ``output``: answer tokens, reasoning included; ``reasoning``: the reasoning part, where reported.

Files are read in chunks of :data:`CHUNK_RECORDS` records, so memory does not grow with the file.
A record that is not usage, a count that is negative or not a whole number, a timestamp that does
not parse, a line of another format than the file's first record: each is an
:class:`~advisor.errors.InputFileError` naming the file (or table) and the line (or row).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from advisor.errors import InputFileError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CHUNK_RECORDS", "FORMATS", "TOKEN_FIELDS", "Chunk", "Usage", "UsageFormat", "read_usage"]

TOKEN_FIELDS = ("input", "cached", "cache_write", "cache_write_1h", "output", "reasoning")
"""The token counts of every record, in the order of :attr:`Chunk.tokens`' rows."""
CHUNK_RECORDS = 1 << 16
"""Records per chunk: big enough for numpy to pay, small enough to keep memory flat."""
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@dataclasses.dataclass(frozen=True)
class Usage:
    """One request's usage, for records built in code (``advisor.replay([Usage(...), ...])``).

    ``input_tokens`` is the whole prompt; ``cached_tokens`` and ``cache_write_tokens`` are parts of
    it (``cache_write_1h_tokens`` a part of the writes); ``reasoning_tokens`` a part of the output.
    ``timestamp``: a date, a datetime (naive = UTC), an ISO-8601 string or epoch seconds; None
    prices the request on the replay's ``as_of`` date.
    """

    model: str
    input_tokens: int
    output_tokens: int
    timestamp: dt.date | dt.datetime | str | float | None = None
    cached_tokens: int = 0
    cache_write_tokens: int = 0
    cache_write_1h_tokens: int = 0
    reasoning_tokens: int = 0


@dataclasses.dataclass(frozen=True, eq=False)
class Chunk:
    """Up to :data:`CHUNK_RECORDS` validated records, as columns.

    Attributes:
        source: the file, table or ``<records>`` they came from.
        names: each record's model name as written.
        seconds: UTC epoch seconds of each record, NaN when it has no timestamp.
        tokens: int64 array, one row per :data:`TOKEN_FIELDS` entry, one column per record.
        lines: each record's line (files), row (tables) or position (records), for messages.
        format: the registry name of the records' format.
        skipped: records read but not billed by the provider, by reason (proxy cache hits, failures).
    """

    source: str
    names: list[str]
    seconds: np.ndarray
    tokens: np.ndarray
    lines: Sequence[int]
    format: str
    skipped: Mapping[str, int] = dataclasses.field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.names)


class _NotUsage(Exception):
    """A record lacks what its format needs; ``field`` names what, ``other`` a format it looks like."""

    def __init__(self, field: str, message: str = "missing") -> None:
        self.field = field
        self.message = message
        super().__init__(field)


_Row = tuple[Any, Any, Any, Any, Any, Any, Any, Any]
"""(model, timestamp, input, cached, cache_write, cache_write_1h, output, reasoning) as found."""


@dataclasses.dataclass(frozen=True)
class UsageFormat:
    """One entry of the format registry.

    Attributes:
        name: what ``--format`` takes.
        title: what messages call it.
        kind: ``jsonl`` (one JSON object a line), ``csv`` (a header row) or ``database`` (a URL).
        detect: for ``jsonl`` a parsed record, for ``csv`` the header's column names, for
            ``database`` the URL: True when this format is it.
        extract: ``jsonl`` only: one record to a :data:`_Row` (raises ``_NotUsage``).
        read: ``csv`` and ``database``: the source's chunks.
    """

    name: str
    title: str
    kind: str
    detect: Callable[[Any], bool]
    extract: Callable[[dict[str, Any]], _Row] | None = None
    read: Callable[[str, str], Iterator[Chunk]] | None = None


# --- JSON record formats --------------------------------------------------------------------------


def _unwrap(rec: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """The response inside a log wrapper (``{"timestamp": ..., "response": {...}}``, OpenAI batch
    output's ``response.body``) and the wrapper's timestamp."""
    inner = rec.get("response")
    if isinstance(inner, dict) and "usage" not in rec:
        body = inner.get("body")
        when = _first(rec, ("timestamp", "created", "created_at", "time"))
        return (body if isinstance(body, dict) else inner), when
    return rec, None


def _first(rec: Mapping[str, Any], keys: Sequence[str]) -> Any:
    for k in keys:
        v = rec.get(k)
        if v is not None:
            return v
    return None


def _usage_of(rec: dict[str, Any]) -> dict[str, Any]:
    u = rec.get("usage")
    return u if isinstance(u, dict) else rec


def _model(rec: Mapping[str, Any]) -> Any:
    model = rec.get("model")
    if model is None:
        raise _NotUsage("model")
    return model


def _details(u: Mapping[str, Any], key: str, field: str) -> Any:
    d = u.get(key)
    return d.get(field, 0) if isinstance(d, dict) else 0


def _is_chat(rec: dict[str, Any]) -> bool:
    rec, _ = _unwrap(rec)
    u = _usage_of(rec)
    return "prompt_tokens" in u and "completion_tokens" in u


def _chat(rec: dict[str, Any]) -> _Row:
    u = rec.get("usage")
    if u.__class__ is dict:  # the common case, kept lean: a response with its usage object
        when = rec.get("created")
        if when is None:
            when = rec.get("timestamp")
    else:
        rec, when = _unwrap(rec)
        u = _usage_of(rec)
        if when is None:
            when = rec.get("created", rec.get("timestamp"))
    try:
        prompt = u["prompt_tokens"]
        out = u["completion_tokens"]
    except KeyError as exc:
        raise _NotUsage(f"usage.{exc.args[0]}") from None
    pd = u.get("prompt_tokens_details")
    cached = written = reasoning = 0
    if pd:
        cached = pd.get("cached_tokens") or 0
        written = pd.get("cache_write_tokens") or 0
    cd = u.get("completion_tokens_details")
    if cd:
        reasoning = cd.get("reasoning_tokens") or 0
    model = rec.get("model")
    if model is None:
        raise _NotUsage("model")
    return model, when, prompt, cached, written, 0, out, reasoning


def _is_responses(rec: dict[str, Any]) -> bool:
    rec, _ = _unwrap(rec)
    u = _usage_of(rec)
    return "input_tokens" in u and ("input_tokens_details" in u or rec.get("object") == "response")


def _responses(rec: dict[str, Any]) -> _Row:
    rec, when = _unwrap(rec)
    u = _usage_of(rec)
    try:
        prompt = u["input_tokens"]
        out = u["output_tokens"]
        details = u["input_tokens_details"]
    except KeyError as exc:
        raise _NotUsage(f"usage.{exc.args[0]}") from None
    if "cache_read_input_tokens" in u:
        raise _NotUsage("usage.cache_read_input_tokens", "not a field of this format")
    cached = details.get("cached_tokens") or 0 if isinstance(details, dict) else 0
    when = when if when is not None else rec.get("created_at", rec.get("timestamp"))
    reasoning = _details(u, "output_tokens_details", "reasoning_tokens") or 0
    return _model(rec), when, prompt, cached, 0, 0, out, reasoning


def _is_anthropic(rec: dict[str, Any]) -> bool:
    rec, _ = _unwrap(rec)
    u = _usage_of(rec)
    return "input_tokens" in u and (
        rec.get("type") == "message" or "cache_read_input_tokens" in u or "cache_creation_input_tokens" in u
    )


def _anthropic(rec: dict[str, Any]) -> _Row:
    rec, when = _unwrap(rec)
    u = _usage_of(rec)
    try:
        fresh = u["input_tokens"]
        out = u["output_tokens"]
    except KeyError as exc:
        raise _NotUsage(f"usage.{exc.args[0]}") from None
    if "input_tokens_details" in u:
        raise _NotUsage("usage.input_tokens_details", "not a field of this format")
    read = u.get("cache_read_input_tokens") or 0
    written = u.get("cache_creation_input_tokens") or 0
    by_ttl = u.get("cache_creation")
    written_1h = by_ttl.get("ephemeral_1h_input_tokens") or 0 if isinstance(by_ttl, dict) else 0
    try:
        prompt = fresh + read + written
    except TypeError:
        raise _NotUsage("usage.input_tokens", "not a whole number") from None
    when = when if when is not None else _first(rec, ("timestamp", "created_at", "created"))
    return _model(rec), when, prompt, read, written, written_1h, out, 0


_OTEL_MODEL = ("gen_ai.response.model", "gen_ai.request.model")
_OTEL_TIME = ("startTimeUnixNano", "start_time", "startTime", "timestamp", "time")


def _otel_attributes(rec: dict[str, Any]) -> Mapping[str, Any]:
    attrs = rec.get("attributes")
    if isinstance(attrs, dict):
        return attrs
    if isinstance(attrs, list):  # OTLP JSON: [{"key": ..., "value": {"intValue": "12"}}]
        out: dict[str, Any] = {}
        for a in attrs:
            if isinstance(a, dict) and isinstance(a.get("value"), dict) and a["value"]:
                kind, value = next(iter(a["value"].items()))
                out[str(a.get("key"))] = int(value) if kind == "intValue" and isinstance(value, str) else value
        return out
    return rec


def _is_otel(rec: dict[str, Any]) -> bool:
    a = _otel_attributes(rec)
    return "gen_ai.usage.input_tokens" in a or "gen_ai.usage.output_tokens" in a


def _otel(rec: dict[str, Any]) -> _Row:
    a = _otel_attributes(rec)
    model = _first(a, _OTEL_MODEL)
    if model is None:
        raise _NotUsage("gen_ai.request.model")
    try:
        prompt = a["gen_ai.usage.input_tokens"]
        out = a["gen_ai.usage.output_tokens"]
    except KeyError as exc:
        raise _NotUsage(str(exc.args[0])) from None
    cached = a.get("gen_ai.usage.cache_read.input_tokens") or 0
    written = a.get("gen_ai.usage.cache_creation.input_tokens") or 0
    when = _first(rec, _OTEL_TIME)
    if isinstance(when, str) and when.isdigit():
        when = int(when)
    return model, when, prompt, cached, written, 0, out, 0


# --- LiteLLM spend logs (CSV export and the Postgres table) ---------------------------------------

LITELLM_TABLE = "LiteLLM_SpendLogs"
"""LiteLLM proxy's spend-log table (``schema.prisma``); its column names are used as written."""
LITELLM_COLUMNS = ("request_id", "startTime", "model", "prompt_tokens", "completion_tokens", "metadata")
"""The columns advisor reads (``status`` and ``cache_hit`` too, where present)."""


def _litellm_row(
    start: Any, model: Any, prompt: Any, completion: Any, metadata: Any, status: Any, cache_hit: Any
) -> _Row | str:
    """One spend-log row as a :data:`_Row`, or why it is not a billed request."""
    if isinstance(status, str) and status.strip().lower() == "failure":
        return "failed requests"
    if cache_hit is True or (isinstance(cache_hit, str) and cache_hit.strip().lower() == "true"):
        return "answered from the proxy's cache (not billed)"
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata) if metadata.strip() else {}
        except ValueError:
            raise _NotUsage("metadata", "not JSON") from None
    cached = written = reasoning = 0
    if isinstance(metadata, dict):
        extra: dict[str, Any] = {}
        for key in ("additional_usage_values", "usage_object"):
            found = metadata.get(key)
            if isinstance(found, dict):
                extra = found
                break
        pd = extra.get("prompt_tokens_details")
        pd = pd if isinstance(pd, dict) else {}
        cached = extra.get("cache_read_input_tokens") or pd.get("cached_tokens") or 0
        written = extra.get("cache_creation_input_tokens") or pd.get("cache_write_tokens") or 0
        reasoning = _details(extra, "completion_tokens_details", "reasoning_tokens") or 0
    return model, start, _whole_text(prompt), cached, written, 0, _whole_text(completion), reasoning


def _whole_text(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return int(text)
        if text.startswith("-") and text[1:].isdigit():
            return int(text)
    return value


def _is_litellm_csv(header: Sequence[str]) -> bool:
    return {"startTime", "model", "prompt_tokens", "completion_tokens"} <= set(header)


def _read_litellm_csv(path: str, label: str) -> Iterator[Chunk]:
    with _open_text(path, label) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise InputFileError(f"{label}: no usage records (the file is empty)") from None
        except csv.Error as exc:
            raise InputFileError(f"{label}:1: not CSV: {exc}") from None
        col = {name: i for i, name in enumerate(header)}
        missing = [c for c in ("startTime", "model", "prompt_tokens", "completion_tokens") if c not in col]
        if missing:
            raise InputFileError(
                f"{label}:1: no column {missing[0]!r} (LiteLLM spend logs have {', '.join(LITELLM_COLUMNS)})"
            )
        get = {name: col.get(name) for name in ("metadata", "status", "cache_hit")}
        builder = _Builder(label, "litellm-csv")
        seen = False
        try:
            for row in reader:
                lineno = reader.line_num  # physical line: a quoted cell may span lines
                if not row:
                    continue
                seen = True
                if len(row) != len(header):
                    raise InputFileError(f"{label}:{lineno}: {len(row)} fields, the header has {len(header)}")

                def cell(name: str, row: list[str] = row) -> Any:
                    i = get[name]
                    return None if i is None else row[i]

                try:
                    out = _litellm_row(
                        row[col["startTime"]],
                        row[col["model"]],
                        row[col["prompt_tokens"]],
                        row[col["completion_tokens"]],
                        cell("metadata"),
                        cell("status"),
                        cell("cache_hit"),
                    )
                except _NotUsage as exc:
                    raise InputFileError(f"{label}:{lineno}: column {exc.field!r}: {exc.message}") from None
                if isinstance(out, str):
                    builder.skip(out)
                    continue
                builder.add(lineno, out)
                if builder.full():
                    yield builder.flush()
        except csv.Error as exc:
            raise InputFileError(f"{label}:{reader.line_num}: not CSV: {exc}") from None
        if not seen:
            raise InputFileError(f"{label}: no usage records (only a header)")
        if builder.rows or builder.skipped:
            yield builder.flush()


def _is_database(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def _read_database(url: str, label: str) -> Iterator[Chunk]:
    from advisor.usage_db import read_spend_logs

    return read_spend_logs(url)


FORMATS: tuple[UsageFormat, ...] = (
    UsageFormat("openai-chat", "OpenAI Chat Completions", "jsonl", _is_chat, extract=_chat),
    UsageFormat("openai-responses", "OpenAI Responses", "jsonl", _is_responses, extract=_responses),
    UsageFormat("anthropic", "Anthropic Messages", "jsonl", _is_anthropic, extract=_anthropic),
    UsageFormat("otel", "OpenTelemetry GenAI span attributes", "jsonl", _is_otel, extract=_otel),
    UsageFormat("litellm-csv", "LiteLLM spend logs (CSV export)", "csv", _is_litellm_csv, read=_read_litellm_csv),
    UsageFormat(
        "litellm-postgres", "LiteLLM spend logs (Postgres table)", "database", _is_database, read=_read_database
    ),
)
"""The usage-log formats, in detection order. Adding a format is adding an entry."""

_BY_NAME = {f.name: f for f in FORMATS}


def format_named(name: str) -> UsageFormat:
    """The registry entry called ``name``; an error listing the known names otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InputFileError(f"unknown log format {name!r} (known: {', '.join(_BY_NAME)})") from None


# --- building chunks ------------------------------------------------------------------------------


class _Builder:
    """Collects rows and turns them into a validated :class:`Chunk`."""

    def __init__(self, label: str, format: str) -> None:
        self.label = label
        self.format = format
        self.rows: list[tuple[Any, ...]] = []  # (line, *row)
        self.skipped: dict[str, int] = {}

    def add(self, line: int, row: _Row) -> None:
        self.rows.append((line, *row))

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def full(self) -> bool:
        return len(self.rows) >= CHUNK_RECORDS

    def flush(self) -> Chunk:
        chunk = build_chunk(self.label, self.format, self.rows, self.skipped)
        self.rows = []
        self.skipped = {}
        return chunk


def build_chunk(
    label: str, format: str, rows: Sequence[Sequence[Any]], skipped: Mapping[str, int] | None = None
) -> Chunk:
    """Validate rows of (line, model, timestamp, input, cached, write, write_1h, output, reasoning)."""
    import numpy as np  # lazily: the CLI lists the formats without numpy

    if not rows:
        empty = np.zeros((len(TOKEN_FIELDS), 0), dtype=np.int64)
        return Chunk(label, [], np.zeros(0), empty, [], format, dict(skipped or {}))
    lines, names, when, *counts = zip(*rows, strict=True)
    _check_names(label, lines, names)
    tokens = np.empty((len(TOKEN_FIELDS), len(lines)), dtype=np.int64)
    for k, column in enumerate(counts):
        tokens[k] = _whole(label, lines, column, _FIELD_WORDS[k])
    _check_parts(label, lines, tokens)
    return Chunk(label, list(names), _seconds(label, lines, when), tokens, lines, format, dict(skipped or {}))


_FIELD_WORDS = (
    "input tokens",
    "cached tokens",
    "cache-write tokens",
    "1-hour cache-write tokens",
    "output tokens",
    "reasoning tokens",
)


def _bad(label: str, line: int, message: str) -> InputFileError:
    return InputFileError(f"{label}:{line}: {message}")


def _check_names(label: str, lines: Sequence[int], names: Sequence[Any]) -> None:
    if set(map(type, names)) == {str} and "" not in names:
        return
    for line, name in zip(lines, names, strict=True):
        if not isinstance(name, str) or not name.strip():
            raise _bad(label, line, f"field 'model': want a model name, got {name!r}")


def _whole(label: str, lines: Sequence[int], column: Sequence[Any], what: str) -> np.ndarray:
    """Token counts as int64, or the first line whose count is not a whole number >= 0."""
    import numpy as np  # lazily: the CLI lists the formats without numpy

    types = set(map(type, column))
    if types <= {int}:
        arr = np.array(column, dtype=np.int64) if column else np.zeros(0, dtype=np.int64)
        if not (arr < 0).any():
            return arr
    elif types <= {int, float}:
        f = np.array(column, dtype=np.float64)
        if np.isfinite(f).all() and (f == np.floor(f)).all() and not (f < 0).any() and (f < 2**62).all():
            return f.astype(np.int64)
    for line, v in zip(lines, column, strict=True):
        ok = (type(v) is int or (type(v) is float and math.isfinite(v) and v.is_integer())) and v >= 0
        if not ok:
            kind = (
                "negative"
                if isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0
                else "not a whole number"
            )
            raise _bad(label, line, f"{what}: {kind}: {v!r}")
    raise AssertionError("unreachable")  # pragma: no cover


def _check_parts(label: str, lines: Sequence[int], t: np.ndarray) -> None:
    import numpy as np  # lazily: the CLI lists the formats without numpy

    inp, cached, written, written_1h, out, reasoning = t
    for bad, message in (
        (cached + written > inp, "cached tokens ({1}) + cache-write tokens ({2}) exceed the input's {0} tokens"),
        (written_1h > written, "1-hour cache-write tokens ({3}) exceed the cache-write tokens ({2})"),
        (reasoning > out, "reasoning tokens ({5}) exceed the output's {4} tokens"),
    ):
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise _bad(label, lines[i], message.format(*(int(x) for x in t[:, i])))


def _seconds(label: str, lines: Sequence[int], when: Sequence[Any]) -> np.ndarray:
    """UTC epoch seconds (NaN for no timestamp); numbers are seconds, milliseconds, microseconds
    or nanoseconds since 1970 (told apart by size: logs of any of them land after 1973)."""
    import numpy as np  # lazily: the CLI lists the formats without numpy

    types = set(map(type, when))
    if types <= {int, float, type(None)}:
        try:
            out = np.array(when, dtype=np.float64)
        except (ValueError, TypeError, OverflowError):
            out = None
        if out is not None:
            return _epoch_units(label, lines, out)
    out = np.empty(len(when))
    for i, (line, v) in enumerate(zip(lines, when, strict=True)):
        out[i] = _one_second(label, line, v)
    return _epoch_units(label, lines, out)


def _epoch_units(label: str, lines: Sequence[int], s: np.ndarray) -> np.ndarray:
    import numpy as np  # lazily: the CLI lists the formats without numpy

    bad = ~np.isnan(s) & ((s < 0) | ~np.isfinite(s))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _bad(label, lines[i], f"timestamp: not a time: {s[i]!r}")
    for limit, scale in ((1e17, 1e9), (1e14, 1e6), (1e11, 1e3)):
        big = s >= limit
        if big.any():
            s = np.where(big, s / scale, s)
    return s


def _one_second(label: str, line: int, v: Any) -> float:
    if v is None:
        return math.nan
    if isinstance(v, bool):
        raise _bad(label, line, f"timestamp: not a time: {v!r}")
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, dt.datetime):
        return (v if v.tzinfo else v.replace(tzinfo=dt.timezone.utc)).timestamp()
    if isinstance(v, dt.date):
        return (dt.datetime.combine(v, dt.time(), dt.timezone.utc) - _EPOCH).total_seconds()
    if isinstance(v, str):
        text = v.strip()
        try:
            return float(text)
        except ValueError:
            pass
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise _bad(label, line, f"timestamp: not an ISO-8601 time or epoch number: {v!r}") from None
        return _one_second(label, line, parsed)
    raise _bad(label, line, f"timestamp: not a time: {v!r}")


# --- reading files --------------------------------------------------------------------------------


def _open_text(path: str, label: str) -> io.TextIOWrapper:
    try:
        return open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputFileError(f"{label}: cannot read: {exc.strerror or exc}") from None


def _describe(rec: dict[str, Any]) -> str:
    found = [f.title for f in FORMATS if f.kind == "jsonl" and _safe(f.detect, rec)]
    return found[0] if found else ""


def _safe(test: Callable[[Any], bool], rec: Any) -> bool:
    try:
        return bool(test(rec))
    except Exception:  # a detector meeting an odd record only means "not this format"
        return False


def _read_jsonl(path: str, label: str, fmt: UsageFormat | None) -> Iterator[Chunk]:
    try:
        fh = open(path, encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputFileError(f"{label}: cannot read: {exc.strerror or exc}") from None
    with fh:
        try:
            yield from _jsonl_records(label, enumerate(fh, 1), fmt, parse=True)
        except UnicodeDecodeError:
            raise _bad(label, _first_bad_utf8(path), "not UTF-8 text") from None


def _first_bad_utf8(path: str) -> int:
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return lineno
    return 1  # pragma: no cover - the text reader found one


def _not_json(label: str, line: int, raw: str) -> InputFileError:
    try:
        json.loads(raw)  # for its message, which names the problem in words
    except RecursionError:
        return _bad(label, line, "not JSON (nested too deeply)")
    except ValueError as exc:
        return _bad(label, line, f"not JSON ({exc.args[0].split(':')[0]})")
    return _bad(label, line, "not JSON")


def _jsonl_records(
    label: str, numbered: Iterable[tuple[int, Any]], fmt: UsageFormat | None, *, parse: bool
) -> Iterator[Chunk]:
    """Chunks from numbered JSON lines (``parse``) or already-parsed records."""
    from pydantic_core import from_json  # about twice as fast as json.loads on a usage line

    builder = _Builder(label, fmt.name if fmt is not None else "")
    add = builder.rows.append
    extract = fmt.extract if fmt is not None else None
    rec: Any
    for lineno, raw in numbered:
        if parse:
            try:
                rec = from_json(raw)
            except ValueError:
                if not raw.strip():
                    continue
                raise _not_json(label, lineno, raw) from None
        else:
            rec = raw
        if extract is None:
            fmt = _detect(label, lineno, rec)
            assert fmt.extract is not None
            extract = fmt.extract
            builder.format = fmt.name
        try:
            add((lineno, *extract(rec)))
        except (_NotUsage, KeyError, TypeError, AttributeError) as exc:
            raise _record_error(label, lineno, rec, fmt, exc) from None
        if len(builder.rows) >= CHUNK_RECORDS:
            yield builder.flush()
            add = builder.rows.append
    if builder.rows:
        yield builder.flush()
    elif extract is None:
        raise InputFileError(f"{label}: no usage records (the file is empty)")


def _detect(label: str, line: int, rec: Any) -> UsageFormat:
    if not isinstance(rec, dict):
        raise _bad(label, line, f"not a usage record: a JSON {type(rec).__name__}, want an object")
    for f in FORMATS:
        if f.kind == "jsonl" and _safe(f.detect, rec):
            return f
    known = ", ".join(f.name for f in FORMATS if f.kind == "jsonl")
    raise _bad(label, line, f"not a usage record of a known format ({known}; or give --format)")


def _record_error(label: str, line: int, rec: Any, fmt: UsageFormat | None, exc: Exception) -> InputFileError:
    assert fmt is not None
    if not isinstance(rec, dict):
        return _bad(label, line, f"not a usage record: a JSON {type(rec).__name__}, want an object")
    other = _describe(rec)
    if other and other != fmt.title:
        return _bad(label, line, f"a {other} record in a file of {fmt.title} records (mixed formats: split the file)")
    if isinstance(exc, _NotUsage):
        return _bad(label, line, f"field {exc.field!r}: {exc.message} (not a {fmt.title} usage record)")
    return _bad(label, line, f"not a {fmt.title} usage record ({type(exc).__name__}: {exc})")


def _sniff(path: str, label: str) -> str:
    """``jsonl`` or ``csv`` from the first non-blank character of the file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputFileError(f"{label}: cannot read: {exc.strerror or exc}") from None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise InputFileError(f"{label}: no usage records (the file is empty)")
    return "jsonl" if text[:1] in (b"{", b"[") else "csv"


def read_usage(source: str | os.PathLike[str], *, format: str | None = None) -> Iterator[Chunk]:
    """The chunks of one usage log: a file, or a ``postgresql://`` URL (LiteLLM's spend-log table).

    Args:
        source: the log.
        format: a :data:`FORMATS` name; None detects it from the first record (the URL, the CSV
            header). Every record must then be of that format.
    """
    text = os.fspath(source)
    fmt = format_named(format) if format is not None else None
    if _is_database(text):
        if fmt is not None and fmt.kind != "database":
            raise InputFileError(f"{_redact(text)}: a database URL, not a {fmt.title} file")
        return _read_database(text, _redact(text))
    label = text
    if fmt is not None and fmt.kind == "database":
        raise InputFileError(f"{label}: {fmt.title} needs a postgresql:// URL")
    if fmt is not None and fmt.read is not None:
        return fmt.read(text, label)
    kind = "jsonl" if fmt is not None else _sniff(text, label)
    if kind == "csv":
        with _open_text(text, label) as fh:
            try:
                header = next(csv.reader(fh), [])
            except csv.Error as exc:
                raise InputFileError(f"{label}:1: not CSV: {exc}") from None
        for f in FORMATS:
            if f.kind == "csv" and f.read is not None and _safe(f.detect, header):
                return f.read(text, label)
        known = ", ".join(f.name for f in FORMATS if f.kind == "csv")
        raise InputFileError(f"{label}:1: not a usage log: neither JSON Lines nor a CSV of a known format ({known})")
    return _read_jsonl(text, label, fmt)


def records_chunks(records: Iterable[Any], *, format: str | None = None, label: str = "<records>") -> Iterator[Chunk]:
    """Chunks from records in memory: :class:`Usage` objects or dicts of a JSON format."""
    fmt = format_named(format) if format is not None else None
    if fmt is not None and fmt.kind != "jsonl":
        raise InputFileError(f"{label}: records in memory are Usage objects or JSON records, not {fmt.title}")
    it = iter(records)
    pending: list[tuple[int, Any]] = []
    for i, rec in enumerate(it, 1):
        if isinstance(rec, Usage):
            pending.append((i, rec))
            if len(pending) >= CHUNK_RECORDS:
                yield _usage_chunk(label, pending)
                pending = []
            continue
        if pending:
            raise _bad(label, i, "a JSON record among Usage objects (mixed formats)")
        yield from _jsonl_records(label, _chain([(i, rec)], enumerate(it, i + 1), Usage, label), fmt, parse=False)
        return
    if pending:
        yield _usage_chunk(label, pending)


def _chain(
    first: list[tuple[int, Any]], rest: Iterable[tuple[int, Any]], kind: type, label: str
) -> Iterator[tuple[int, Any]]:
    yield from first
    for i, rec in rest:
        if isinstance(rec, kind):
            raise _bad(label, i, "a Usage object among JSON records (mixed formats)")
        yield i, rec


def _usage_chunk(label: str, pending: list[tuple[int, Any]]) -> Chunk:
    rows = [
        (
            i,
            u.model,
            u.timestamp,
            u.input_tokens,
            u.cached_tokens,
            u.cache_write_tokens,
            u.cache_write_1h_tokens,
            u.output_tokens,
            u.reasoning_tokens,
        )
        for i, u in pending
    ]
    return build_chunk(label, "usage", rows)


def _redact(url: str) -> str:
    """A database URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql://..."
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))
