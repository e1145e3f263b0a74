"""Import dated prices from a LiteLLM price history (``litellm_price_history_via_tokencost.derived.csv``).

Each row is a run of identical (input, output) prices of one LiteLLM key, USD per 1M tokens, seen
from ``first_seen_date`` until ``superseded_on`` (the next price) or ``removed_on`` (the key
vanished). The dates are those of the copies that recorded the map (tokencost commits), not the
vendors' effective dates. A moving alias (``gpt-4o``) contributes only the rows inside its
``since``/``until`` window on each model it named.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import math
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, NamedTuple

from advisor.errors import InputFileError
from advisor.importers._common import Counts, ImportResult, Input, Workspace, bulk, decode, evolve, make, read_input
from advisor.importers.litellm import host_for, is_own_key
from advisor.periods import end_price, set_price, sorted_prices
from advisor.schema import CatalogFile, PricePeriod, Source

if TYPE_CHECKING:
    from advisor.catalog import Catalog
    from advisor.importers.registry import ImportRequest
    from advisor.names import NameHit

__all__ = ["REQUIRED_COLUMNS", "import_price_history"]

REQUIRED_COLUMNS = (
    "model_key",
    "litellm_provider",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "first_seen_date",
    "superseded_on",
    "removed_on",
)


class _Row(NamedTuple):
    """One checked row of the history (a tuple: a history has one per price run, so they are many)."""

    line: int
    key: str
    provider: str
    input: float
    output: float
    since: dt.date
    end: dt.date | None


def _number(text: str, column: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputFileError(f"{where}: {column} is not a number: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise InputFileError(f"{where}: {column} is not a non-negative number: {text!r}")
    return value


def _date(text: str, column: str, where: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputFileError(f"{where}: {column} is not a date (YYYY-MM-DD): {text!r}") from None


def read_history(src: Input, label: str | None = None) -> list[_Row]:
    """Parse and check every row; the first bad one raises :class:`InputFileError`."""
    data, file = read_input(src, label)
    reader = csv.DictReader(io.StringIO(decode(data, file), newline=""))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputFileError(f"{file}:1: missing column(s): {', '.join(missing)}")
    rows: list[_Row] = []
    for record in reader:
        where = f"{file}:{reader.line_num}"
        if None in record.values() or None in record:
            raise InputFileError(f"{where}: wrong number of fields")
        key = record["model_key"].strip()
        if not key:
            raise InputFileError(f"{where}: empty model_key")
        since = _date(record["first_seen_date"], "first_seen_date", where)
        if since is None:
            raise InputFileError(f"{where}: empty first_seen_date")
        superseded = _date(record["superseded_on"], "superseded_on", where)
        removed = _date(record["removed_on"], "removed_on", where)
        end = superseded or removed
        if end is not None and end < since:  # equal: added and removed on one day
            raise InputFileError(f"{where}: the price ends ({end}) before it starts ({since})")
        rows.append(
            _Row(
                line=reader.line_num,
                key=key,
                provider=record["litellm_provider"].strip(),
                input=_number(record["input_usd_per_mtok"], "input_usd_per_mtok", where),
                output=_number(record["output_usd_per_mtok"], "output_usd_per_mtok", where),
                since=since,
                end=end,
            )
        )
    return rows


def _uncovered(
    start: dt.date, end: dt.date | None, starts: list[dt.date], covered: list[tuple[dt.date, dt.date | None]]
) -> list[tuple[dt.date, dt.date | None]]:
    """The parts of ``[start, end)`` outside every span of ``covered`` (disjoint, sorted; ``starts`` their starts).

    Only the spans that can overlap are visited (found by bisection), so the cost does not grow
    with the number of spans covered before.
    """
    at = max(bisect.bisect_right(starts, start) - 1, 0)
    parts: list[tuple[dt.date, dt.date | None]] = []
    cursor: dt.date | None = start
    for c_start, c_end in covered[at:]:
        if cursor is None or (end is not None and c_start >= end):
            break
        if c_end is not None and c_end <= cursor:
            continue
        if cursor < c_start:
            parts.append((cursor, c_start))
        cursor = c_end
    if cursor is not None and (end is None or cursor < end):
        parts.append((cursor, end))
    return parts


def _union(spans: list[tuple[dt.date, dt.date | None]]) -> list[tuple[dt.date, dt.date | None]]:
    """Disjoint sorted spans covering the same days as ``spans``."""
    out: list[tuple[dt.date, dt.date | None]] = []
    for s_start, s_end in sorted(spans, key=lambda s: s[0]):
        if out and (out[-1][1] is None or s_start <= out[-1][1]):
            last_start, last_end = out[-1]
            out[-1] = (last_start, None if last_end is None or s_end is None else max(last_end, s_end))
        else:
            out.append((s_start, s_end))
    return out


def _windows(hits: list[NameHit]) -> list[tuple[str, dt.date | None, dt.date | None]]:
    """Each model a name denotes, with the disjoint spans of days it does so: a name can be a
    model's id and also its alias (``claude-instant-1`` and ``Claude-Instant-1``), which must not
    price the model twice."""
    spans: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    for model_id, alias in hits:
        since, until = (alias.since, alias.until) if alias is not None else (None, None)
        spans.setdefault(model_id, []).append((since or dt.date.min, until))
    return [
        (model_id, None if start == dt.date.min else start, end)
        for model_id, windows in spans.items()
        for start, end in _union(windows)
    ]


@bulk
def import_price_history(
    base: CatalogFile,
    src: Input,
    *,
    source_key: str,
    source: Source | None = None,
    below: Catalog | None = None,
    label: str | None = None,
    skip: Mapping[tuple[str, dt.date], str] | None = None,
    skip_zero: bool = True,
    exclude_providers: Collection[str] = (),
) -> ImportResult:
    """Merge a LiteLLM price history into ``base`` as dated price periods.

    Args:
        base: The layer to refresh.
        src: The history CSV (columns :data:`REQUIRED_COLUMNS`, prices USD per 1M tokens), bytes or a path.
        source_key: Key into ``sources`` that every new price period names.
        source: Adds or replaces ``sources[source_key]``; without it the key must exist.
        below: The layered catalog under ``base`` (names match against it too; see :mod:`advisor.importers`).
        label: Names the source in messages when ``src`` is bytes.
        skip: Rows known to be wrong, by ``(model_key, first_seen_date)``, with the reason; they
            are left out and listed in the report.
        skip_zero: Leave out 0/0 rows (LiteLLM's free-tier or unknown prices).
        exclude_providers: LiteLLM providers whose rows are left out (reported as skipped).

    Returns:
        The new layer and a report. Where several keys name one model and host, the model's own
        key (its id, or ``provider/<id>``) is used, and the others fill only the dates it leaves
        uncovered, in alphabetical order. Time is linear in the rows (times log for sorting).
    """
    ws = Workspace(base, below, source_key=source_key, source=source)
    data, file = read_input(src, label)
    rows = read_history(data, file)
    skip = dict(skip or {})
    # (model id, host) -> key -> [(row, window since, window until)]
    found: dict[tuple[str, str | None], dict[str, list[tuple[_Row, dt.date | None, dt.date | None]]]] = {}
    unmatched: set[str] = set()
    skipped: list[str] = []
    matched = 0
    for row in rows:
        hits = ws.index.lookup(row.key)
        if not hits:
            unmatched.add(row.key)
            continue
        reason = skip.get((row.key, row.since))
        if reason is not None:
            skipped.append(f"{row.key} from {row.since}: {reason}")
            continue
        if row.provider in exclude_providers:
            skipped.append(f"{row.key} from {row.since}: provider {row.provider} left out")
            continue
        if skip_zero and row.input == 0 and row.output == 0:
            skipped.append(f"{row.key} from {row.since}: price 0/0 (free tier or unknown)")
            continue
        matched += 1
        for model_id, since, until in _windows(hits):
            host = host_for(row.provider, row.key, ws.models[model_id])
            found.setdefault((model_id, host), {}).setdefault(row.key, []).append((row, since, until))

    counts = Counts()
    for (model_id, host), by_key in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        model = ws.models[model_id]
        # The model's own key (its id, or ``provider/<id>``) wins; other keys only fill the
        # dates it leaves uncovered, so a moving alias never overrides a dated id's price.
        keys = sorted(by_key, key=lambda k: (not is_own_key(k, model.id), k))
        covered: list[tuple[dt.date, dt.date | None]] = []
        new: list[PricePeriod] = []
        for key in keys:
            starts = [c[0] for c in covered]
            spans: list[tuple[dt.date, dt.date | None]] = []
            for row, since, until in sorted(by_key[key], key=lambda t: t[0].since):
                start = max(row.since, since) if since else row.since
                end = row.end if until is None else (until if row.end is None else min(row.end, until))
                if end is not None and end <= start:
                    continue
                for part_start, part_end in _uncovered(start, end, starts, covered):
                    new.append(
                        make(
                            PricePeriod,
                            input=row.input,
                            output=row.output,
                            source=source_key,
                            since=part_start,
                            until=part_end,
                            host=host,
                        )
                    )
                spans.append((start, end))
            covered = _union([*covered, *spans])
        ws.put(evolve(model, prices=_merge(model.prices, host, new, counts)))

    report = counts.report("history", file, source_key, matched, unmatched=unmatched, skipped=skipped)
    return ImportResult(ws.layer(), report)


def _merge(
    prices: tuple[PricePeriod, ...], host: str | None, new: list[PricePeriod], counts: Counts
) -> tuple[PricePeriod, ...]:
    """``new`` periods (disjoint, dated) merged into a model's periods of ``host``, in linear time.

    Each new period goes through :func:`~advisor.periods.set_price`, and is closed at its end
    with :func:`~advisor.periods.end_price`, in date order; periods already present with the same
    figures and dates are unchanged. The two only touch the periods of ``host`` that overlap the
    new period or start before it ends, so each step is given just those: the periods that ended
    before the new one starts are set aside for good (later steps start later still), and those
    starting after it ends wait on a stack. A host with no periods yet takes ``new`` as they are.
    """
    same_host = [p for p in prices if p.host == host]
    if not same_host:
        counts.added += len(new)
        return sorted_prices([*prices, *new])
    present = set(same_host)
    done: list[PricePeriod] = []
    ahead = sorted(same_host, key=lambda p: p.since or dt.date.min, reverse=True)  # the next period last
    for period in sorted(new, key=lambda p: p.since or dt.date.min):
        if period in present:
            counts.unchanged += 1
            continue
        day, end = period.since or dt.date.min, period.until
        while ahead and ahead[-1].until is not None and ahead[-1].until <= day:
            done.append(ahead.pop())
        near: list[PricePeriod] = []
        while ahead and (end is None or ahead[-1].since is None or ahead[-1].since < end):
            near.append(ahead.pop())
        touched, outcome = set_price(near, period)
        if end is not None and outcome != "added":
            touched, closed = end_price(touched, host, end)
            outcome = "updated" if closed == "updated" else outcome
        counts.bump(outcome)
        ahead.extend(reversed(touched))
    return sorted_prices([*(p for p in prices if p.host != host), *done, *reversed(ahead)])


def run(request: ImportRequest) -> ImportResult:
    """The registry's entry point; ``add_new`` does not apply (history rows name keys, not makers)."""
    from advisor.importers.registry import source_of

    key, source = source_of("history", request, None)
    return import_price_history(
        request.base, request.data, source_key=key, source=source, below=request.below, label=request.label
    )
