"""Reading LiteLLM's spend-log table from a real PostgreSQL server that this test starts.

The server runs from the PostgreSQL binaries on the machine (Debian's ``postgresql`` package:
``/usr/lib/postgresql/*/bin``) on a temporary data folder, listening only on a Unix socket in a
temporary folder; as root it runs as the unprivileged ``postgres`` user. Without the binaries the
test says loudly that it was skipped, or fails when ``ADVISOR_REQUIRE_POSTGRES`` is set (CI sets it).
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import usage_gen

from advisor.catalog import load_catalog
from advisor.cli import main
from advisor.errors import InputFileError
from advisor.traffic import replay

psycopg = pytest.importorskip("psycopg") if not os.environ.get("ADVISOR_REQUIRE_POSTGRES") else __import__("psycopg")

# LiteLLM_SpendLogs as LiteLLM's Prisma schema creates it (litellm/proxy/schema.prisma).
DDL = """
CREATE TABLE "LiteLLM_SpendLogs" (
    "request_id" TEXT PRIMARY KEY,
    "call_type" TEXT NOT NULL,
    "api_key" TEXT NOT NULL DEFAULT '',
    "spend" DOUBLE PRECISION NOT NULL DEFAULT 0.0,
    "total_tokens" INTEGER NOT NULL DEFAULT 0,
    "prompt_tokens" INTEGER NOT NULL DEFAULT 0,
    "completion_tokens" INTEGER NOT NULL DEFAULT 0,
    "startTime" TIMESTAMP(3) NOT NULL,
    "endTime" TIMESTAMP(3) NOT NULL,
    "request_duration_ms" INTEGER,
    "completionStartTime" TIMESTAMP(3),
    "model" TEXT NOT NULL DEFAULT '',
    "model_id" TEXT DEFAULT '',
    "model_group" TEXT DEFAULT '',
    "custom_llm_provider" TEXT DEFAULT '',
    "api_base" TEXT DEFAULT '',
    "user" TEXT DEFAULT '',
    "metadata" JSONB DEFAULT '{}',
    "cache_hit" TEXT DEFAULT '',
    "cache_key" TEXT DEFAULT '',
    "request_tags" JSONB DEFAULT '[]',
    "team_id" TEXT,
    "organization_id" TEXT,
    "end_user" TEXT,
    "requester_ip_address" TEXT,
    "messages" JSONB DEFAULT '{}',
    "response" JSONB DEFAULT '{}',
    "session_id" TEXT,
    "status" TEXT,
    "mcp_namespaced_tool_name" TEXT,
    "billing_agent_id" TEXT,
    "agent_id" TEXT,
    "proxy_server_request" JSONB DEFAULT '{}',
    "litellm_call_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ON "LiteLLM_SpendLogs" ("startTime");
"""


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if found:
        return Path(found[-1]).parent
    exe = shutil.which("postgres")
    return Path(exe).parent if exe else None


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A throwaway PostgreSQL server; yields the URL of its ``postgres`` database."""
    bindir = _bindir()
    if bindir is None:
        reason = (
            "PostgreSQL server binaries not found (apt-get install postgresql); .ci/run installs them "
            "and CI sets ADVISOR_REQUIRE_POSTGRES=1 to fail here instead."
        )
        if os.environ.get("ADVISOR_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    # A folder of its own under /tmp: pytest's folders are private to root, out of postgres' reach.
    base = Path(tempfile.mkdtemp(prefix="advisor-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        os.chmod(base, 0o755)
    init = subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        capture_output=True,
        text=True,
    )
    if init.returncode:
        pytest.fail(f"initdb failed: {init.stderr.strip()}")
    proc = subprocess.Popen(
        [
            *as_user,
            str(bindir / "postgres"),
            "-D",
            str(data),
            "-k",
            str(sock),
            "-c",
            "listen_addresses=",
            "-c",
            "fsync=off",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"postgresql://postgres@/postgres?host={sock}"
    try:
        for _ in range(100):
            try:
                psycopg.connect(url, connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        else:
            pytest.fail("the test's PostgreSQL server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def spend_logs(server: str) -> str:
    """The spend-log table, filled with 500 generated requests (tests/usage_gen.py, seed 4)."""
    from psycopg.types.json import Jsonb

    rows = [usage_gen.spend_log_row(r, i) for i, r in enumerate(usage_gen.requests(500, seed=4))]
    rows.append({**rows[0], "request_id": "cache-hit", "cache_hit": "True"})
    with psycopg.connect(server) as conn:
        conn.execute(DDL)
        cols = usage_gen.SPEND_LOG_COLUMNS
        with conn.cursor() as cur:
            cur.executemany(
                f'INSERT INTO "LiteLLM_SpendLogs" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)}) '
                f"VALUES ({', '.join(['%s'] * len(cols))})",
                [[Jsonb(r[c]) if c == "metadata" else r[c] for c in cols] for r in rows],
            )
    return server


def test_the_table_reads_like_its_csv_export(spend_logs: str, tmp_path: Path) -> None:
    csv_path = usage_gen.write(tmp_path / "spend.csv", 500, format="litellm-csv", seed=4)
    catalog = load_catalog()
    day = dt.date(2025, 11, 1)
    from_db = replay(spend_logs, catalog, as_of=day, what_if=False)
    from_csv = replay(csv_path, catalog, as_of=day, what_if=False)
    assert from_db.formats == {spend_logs: "litellm-postgres"}
    assert from_db.requests == 500 and from_db.skipped == {"answered from the proxy's cache (not billed)": 1}
    assert from_db.usd == pytest.approx(from_csv.usd, rel=1e-12)
    assert from_db.tokens == from_csv.tokens
    assert from_db.tokens.cached > 0


def test_cli_db_option(spend_logs: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--db", spend_logs, "--as-of", "2025-11-01", "--no-what-if"]) == 0
    out = capsys.readouterr().out
    assert "(litellm-postgres)" in out and "500" in out


def test_a_bad_row_names_the_table_and_row(server: str) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute("CREATE DATABASE bad")
    bad = server.replace("/postgres?", "/bad?")
    with psycopg.connect(bad) as conn:
        conn.execute(DDL)
        conn.execute(
            'INSERT INTO "LiteLLM_SpendLogs" ("request_id", "call_type", "startTime", "endTime", "model", '
            '"prompt_tokens", "completion_tokens") VALUES '
            "('ok', 'acompletion', '2025-10-01 10:00', '2025-10-01 10:00', 'gpt-4o', 10, 1), "
            "('neg', 'acompletion', '2025-10-02 10:00', '2025-10-02 10:00', 'gpt-4o', -5, 1)"
        )
    with pytest.raises(InputFileError) as info:
        replay(bad, load_catalog(), what_if=False)
    assert str(info.value) == (
        f"{bad} table LiteLLM_SpendLogs row 2 (ordered by startTime, request_id): input tokens: negative: -5"
    )


def test_a_database_that_does_not_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql://someone:secret@/nothing?host={tmp_path}"
    assert main(["replay", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: postgresql://someone:***@/nothing?host=") and "cannot connect" in err
    assert "secret" not in err and len(err.splitlines()) == 1


def test_missing_table(server: str) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute("CREATE DATABASE empty")
    url = server.replace("/postgres?", "/empty?")
    with pytest.raises(InputFileError, match=r"table LiteLLM_SpendLogs: no such table"):
        replay(url, load_catalog(), what_if=False)


def test_the_ddl_has_litellms_column_names() -> None:
    """The test's table is LiteLLM's: its columns are those of the installed LiteLLM's schema."""
    litellm = pytest.importorskip("litellm")
    schema = Path(litellm.__file__).parent / "proxy" / "schema.prisma"
    text = schema.read_text(encoding="utf-8")
    block = text[text.index("model LiteLLM_SpendLogs {") :]
    block = block[: block.index("\n}")]
    names = {ln.split()[0] for ln in block.splitlines()[1:] if ln.strip() and not ln.strip().startswith(("@@", "//"))}
    ours = {ln.split()[0].strip('"') for ln in DDL.splitlines() if ln.startswith('    "')}
    assert ours == names
