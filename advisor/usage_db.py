"""LiteLLM proxy spend logs read straight from its Postgres table (``LiteLLM_SpendLogs``).

psycopg is an optional dependency (``pip install 'advisor[postgres]'``), imported only here. Rows
stream through a server-side cursor, so memory does not grow with the table. The connection has a
timeout; a database that does not answer, a missing table or column, a bad row: one-line errors
naming the database (password hidden) and the table and row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from advisor.errors import InputFileError, OptionalDependencyError
from advisor.usage import CHUNK_RECORDS, LITELLM_TABLE, Chunk, _Builder, _litellm_row, _NotUsage, _redact

__all__ = ["CONNECT_TIMEOUT_S", "read_spend_logs"]

CONNECT_TIMEOUT_S = 10
"""Seconds to wait for the server before giving up."""
_FETCH = 10_000  # rows per round trip of the server-side cursor
_OPTIONAL = ("status", "cache_hit", "metadata")


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise OptionalDependencyError(
            "reading a LiteLLM Postgres database needs psycopg: pip install 'advisor[postgres]'"
        ) from None
    return psycopg


def read_spend_logs(url: str, *, table: str = LITELLM_TABLE) -> Iterator[Chunk]:
    """The spend-log rows of a LiteLLM proxy database as usage chunks, oldest first.

    Failed requests and answers served from the proxy's own cache are counted in
    ``Chunk.skipped``, not priced (the provider billed nothing for them).

    Raises:
        InputFileError: the database does not answer, the table or a column is missing, a row is bad.
        OptionalDependencyError: psycopg is not installed.
    """
    psycopg = _psycopg()
    from psycopg import sql

    label = _redact(url)
    where = f"{label} table {table}"
    try:
        conn = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, autocommit=False)
    except psycopg.Error as exc:
        raise InputFileError(f"{label}: cannot connect: {_first_line(exc)}") from None
    with conn:
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                    (table,),
                )
                present = {row[0] for row in cur.fetchall()}
        except psycopg.Error as exc:
            raise InputFileError(f"{where}: {_first_line(exc)}") from None
        if not present:
            raise InputFileError(f"{where}: no such table (is this LiteLLM's proxy database?)")
        needed = ["request_id", "startTime", "model", "prompt_tokens", "completion_tokens"]
        missing = [c for c in needed if c not in present]
        if missing:
            raise InputFileError(f"{where}: no column {missing[0]!r}")
        optional = [c for c in _OPTIONAL if c in present]
        columns = needed + optional
        query = sql.SQL("SELECT {} FROM {} ORDER BY {}, {}").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in columns),
            sql.Identifier(table),
            sql.Identifier("startTime"),
            sql.Identifier("request_id"),
        )
        builder = _Builder(where, "litellm-postgres")
        rowno = 0
        try:
            with conn.cursor(name="advisor_replay") as cur:
                cur.itersize = _FETCH
                cur.execute(query)
                while True:
                    batch = cur.fetchmany(_FETCH)
                    if not batch:
                        break
                    for row in batch:
                        rowno += 1
                        values = dict(zip(columns, row, strict=True))
                        try:
                            out = _litellm_row(
                                values["startTime"],
                                values["model"],
                                values["prompt_tokens"],
                                values["completion_tokens"],
                                values.get("metadata"),
                                values.get("status"),
                                values.get("cache_hit"),
                            )
                        except _NotUsage as exc:
                            raise InputFileError(
                                f"{where} row request_id={values['request_id']!r}: column {exc.field!r}: {exc.message}"
                            ) from None
                        if isinstance(out, str):
                            builder.skip(out)
                            continue
                        builder.add(rowno, out)
                    if len(builder.rows) >= CHUNK_RECORDS:
                        yield _located(builder, where, label)
        except psycopg.Error as exc:
            raise InputFileError(f"{where}: {_first_line(exc)}") from None
        if builder.rows or builder.skipped:
            yield _located(builder, where, label)


def _located(builder: _Builder, where: str, label: str) -> Chunk:
    """Flush, turning ``label:N`` row numbers into ``row N`` in messages; the chunk's source is the URL."""
    try:
        return dataclasses.replace(builder.flush(), source=label)
    except InputFileError as exc:
        text = str(exc)
        head, _, rest = text.partition(": ")
        number = head.rsplit(":", 1)[-1]
        raise InputFileError(f"{where} row {number} (ordered by startTime, request_id): {rest}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
