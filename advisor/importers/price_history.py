"""Import dated prices from a LiteLLM price history (``litellm_price_history_via_tokencost.derived.csv``).

Each row is a run of identical (input, output) prices of one LiteLLM key, USD per 1M tokens, seen
from ``first_seen_date`` until ``superseded_on`` (the next price) or ``removed_on`` (the key
vanished). The dates are those of the copies that recorded the map (tokencost commits), not the
vendors' effective dates. A moving alias (``gpt-4o``) contributes only the rows inside its
``since``/``until`` window on each model it named.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import InputFileError
from advisor.importers._common import (
    Counts,
    ImportReport,
    ImportResult,
    NameIndex,
    end_price,
    read_text,
    require_source,
    set_price,
)
from advisor.importers.litellm import host_for, is_own_key
from advisor.schema import CatalogFile, PricePeriod, Source

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


@dataclass(frozen=True)
class _Row:
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


def read_history(path: str | os.PathLike[str]) -> list[_Row]:
    """Parse and check every row; the first bad one raises :class:`InputFileError`."""
    file = str(Path(path))
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
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
    start: dt.date, end: dt.date | None, covered: list[tuple[dt.date, dt.date | None]]
) -> list[tuple[dt.date, dt.date | None]]:
    """The parts of ``[start, end)`` outside every span of ``covered`` (None is open-ended)."""
    parts: list[tuple[dt.date, dt.date | None]] = [(start, end)]
    for c_start, c_end in covered:
        nxt: list[tuple[dt.date, dt.date | None]] = []
        for p_start, p_end in parts:
            if (c_end is not None and c_end <= p_start) or (p_end is not None and p_end <= c_start):
                nxt.append((p_start, p_end))
                continue
            if p_start < c_start:
                nxt.append((p_start, c_start))
            if c_end is not None and (p_end is None or c_end < p_end):
                nxt.append((c_end, p_end))
        parts = nxt
    return parts


def import_price_history(
    base: CatalogFile,
    path: str | os.PathLike[str],
    *,
    source_key: str,
    source: Source | None = None,
    skip: Mapping[tuple[str, dt.date], str] | None = None,
    skip_zero: bool = True,
    exclude_providers: Collection[str] = (),
) -> ImportResult:
    """Merge a LiteLLM price history into ``base`` as dated price periods.

    Args:
        base: The catalog to refresh; its ids and aliases decide which keys match.
        path: The history CSV (columns :data:`REQUIRED_COLUMNS`, prices USD per 1M tokens).
        source_key: Key into ``sources`` that every new price period names.
        source: Adds or replaces ``sources[source_key]``; without it the key must exist.
        skip: Rows known to be wrong, by ``(model_key, first_seen_date)``, with the reason; they
            are left out and listed in the report.
        skip_zero: Leave out 0/0 rows (LiteLLM's free-tier or unknown prices).
        exclude_providers: LiteLLM providers whose rows are left out (reported as skipped).

    Returns:
        The new catalog and a report. Where several keys name one model and host, the model's own
        key (its id, or ``provider/<id>``) is used, and the others fill only the dates it leaves
        uncovered, in alphabetical order.
    """
    catalog = dataclasses.replace(base, sources={**base.sources, source_key: source}) if source else base
    require_source(catalog, source_key)
    rows = read_history(path)
    skip = dict(skip or {})
    models = list(catalog.models)
    index = NameIndex(models)
    # (model index, host) -> key -> [(row, window since, window until)]
    found: dict[tuple[int, str | None], dict[str, list[tuple[_Row, dt.date | None, dt.date | None]]]] = {}
    unmatched: set[str] = set()
    skipped: list[str] = []
    matched = 0
    for row in rows:
        hits = index.lookup(row.key)
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
        for i, since, until in hits:
            host = host_for(row.provider, row.key, models[i])
            found.setdefault((i, host), {}).setdefault(row.key, []).append((row, since, until))

    counts = Counts()
    for (i, host), by_key in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        model = models[i]
        # The model's own key (its id, or ``provider/<id>``) wins; other keys only fill the
        # dates it leaves uncovered, so a moving alias never overrides a dated id's price.
        keys = sorted(by_key, key=lambda k: (not is_own_key(k, model.id), k))
        covered: list[tuple[dt.date, dt.date | None]] = []
        prices = model.prices
        for key in keys:
            spans: list[tuple[dt.date, dt.date | None]] = []
            for row, since, until in sorted(by_key[key], key=lambda t: t[0].since):
                start = max(row.since, since) if since else row.since
                end = row.end if until is None else (until if row.end is None else min(row.end, until))
                if end is not None and end <= start:
                    continue
                for part_start, part_end in _uncovered(start, end, covered):
                    period = PricePeriod(
                        input=row.input,
                        output=row.output,
                        source=source_key,
                        since=part_start,
                        until=part_end,
                        host=host,
                    )
                    prices, outcome = set_price(prices, period)
                    if part_end is not None and outcome != "added":
                        prices, closed = end_price(prices, host, part_end)
                        outcome = "updated" if closed == "updated" else outcome
                    counts.bump(outcome)
                spans.append((start, end))
            covered.extend(spans)
        models[i] = dataclasses.replace(model, prices=prices)

    report = ImportReport(
        kind="history",
        file=str(Path(path)),
        source_key=source_key,
        matched=matched,
        added=counts.added,
        updated=counts.updated,
        unchanged=counts.unchanged,
        unmatched=tuple(sorted(unmatched)),
        skipped=tuple(sorted(skipped)),
    )
    return ImportResult(dataclasses.replace(catalog, models=tuple(models)), report)
