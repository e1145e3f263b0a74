"""Usage-log formats: detection, the numbers each format yields, and one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import usage_gen

from advisor.cli import main
from advisor.errors import InputFileError
from advisor.usage import FORMATS, TOKEN_FIELDS, read_usage, records_chunks


def _one(path: Path, format: str | None = None) -> tuple[str, dict[str, int], float, str]:
    (chunk,) = list(read_usage(path, format=format))
    tokens = {f: int(chunk.tokens[i, 0]) for i, f in enumerate(TOKEN_FIELDS)}
    return chunk.names[0], tokens, float(chunk.seconds[0]), chunk.format


@pytest.mark.parametrize("fmt", [*usage_gen.JSON_FORMATS, "litellm-csv"])
def test_every_format_yields_the_same_numbers(tmp_path: Path, fmt: str) -> None:
    """One generated request written in each format reads back to the same counts."""
    (req,) = usage_gen.requests(
        1,
        seed=5,
        traffic=[usage_gen.Traffic("gpt-4o", 1.0, cached_share=0.4, reasoning_share=0.5, cache_write_share=0.1)],
    )
    path = usage_gen.write(
        tmp_path / f"log.{'csv' if fmt == 'litellm-csv' else 'jsonl'}",
        1,
        format=fmt,
        seed=5,
        traffic=[usage_gen.Traffic("gpt-4o", 1.0, cached_share=0.4, reasoning_share=0.5, cache_write_share=0.1)],
    )
    name, tokens, seconds, detected = _one(path)
    assert detected == fmt and name == "gpt-4o"
    assert seconds == req.when.timestamp()
    assert tokens["input"] == req.input and tokens["output"] == req.output
    if fmt in ("openai-chat", "openai-responses", "otel", "anthropic", "litellm-csv"):
        assert tokens["cached"] == req.cached
    if fmt in ("anthropic", "litellm-csv"):
        assert tokens["cache_write"] == req.cache_write
    if fmt in ("openai-chat", "openai-responses", "litellm-csv"):
        assert tokens["reasoning"] == req.reasoning


def test_wrappers_batch_output_otlp_attributes_and_anthropic_1h_writes(tmp_path: Path) -> None:
    batch = {
        "id": "b1",
        "custom_id": "x",
        "response": {
            "status_code": 200,
            "body": {
                "model": "gpt-4o-mini",
                "created": 1700000000,
                "usage": {"prompt_tokens": 12, "completion_tokens": 3},
            },
        },
    }
    otlp = {
        "startTimeUnixNano": "1700000000000000000",
        "attributes": [
            {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}},
            {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "40"}},
            {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "7"}},
        ],
    }
    msg = {
        "type": "message",
        "model": "claude-sonnet-4-20250514",
        "timestamp": 1700000000123,
        "usage": {
            "input_tokens": 10,
            "cache_creation_input_tokens": 30,
            "cache_read_input_tokens": 5,
            "output_tokens": 2,
            "cache_creation": {"ephemeral_5m_input_tokens": 10, "ephemeral_1h_input_tokens": 20},
        },
    }
    for rec, want in (
        (batch, ("gpt-4o-mini", [12, 0, 0, 0, 3, 0], "openai-chat")),
        (otlp, ("gpt-4o", [40, 0, 0, 0, 7, 0], "otel")),
        (msg, ("claude-sonnet-4-20250514", [45, 5, 30, 20, 2, 0], "anthropic")),
    ):
        path = tmp_path / "one.jsonl"
        path.write_text(json.dumps(rec) + "\n")
        name, tokens, seconds, fmt = _one(path)
        assert (name, list(tokens.values()), fmt) == want
        assert seconds == pytest.approx(1700000000.123 if rec is msg else 1700000000)


def test_registry_has_one_entry_per_format() -> None:
    names = [f.name for f in FORMATS]
    assert names == ["openai-chat", "openai-responses", "anthropic", "otel", "litellm-csv", "litellm-postgres"]
    assert all((f.extract is None) == (f.kind != "jsonl") for f in FORMATS)


def test_chunks_keep_memory_flat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import advisor.usage as usage

    monkeypatch.setattr(usage, "CHUNK_RECORDS", 100)
    path = usage_gen.write(tmp_path / "u.jsonl", 250, seed=2)
    sizes = [len(c) for c in read_usage(path)]
    assert sizes == [100, 100, 50]


CHAT = '{"model": "gpt-4o", "created": 1700000000, "usage": {"prompt_tokens": 10, "completion_tokens": 2}}'


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            [CHAT, '{"model": "gpt-4o", "usage": {"prompt_tokens": 10}}'],
            "log.jsonl:2: field 'usage.completion_tokens': missing (not a OpenAI Chat Completions usage record)",
        ),
        ([CHAT, CHAT.replace("10", "-10")], "log.jsonl:2: input tokens: negative: -10"),
        ([CHAT, CHAT.replace("10", "10.5")], "log.jsonl:2: input tokens: not a whole number: 10.5"),
        ([CHAT, CHAT.replace("10", '"ten"')], "log.jsonl:2: input tokens: not a whole number: 'ten'"),
        ([CHAT, CHAT.replace("10,", "true,")], "log.jsonl:2: input tokens: not a whole number: True"),
        (
            [CHAT, CHAT.replace("1700000000", '"yesterday"')],
            "log.jsonl:2: timestamp: not an ISO-8601 time or epoch number: 'yesterday'",
        ),
        (
            [
                CHAT,
                '{"type": "message", "model": "claude", "usage": {"input_tokens": 1, "output_tokens": 1, "cache_read_input_tokens": 0}}',
            ],
            "log.jsonl:2: a Anthropic Messages record in a file of OpenAI Chat Completions records (mixed formats: split the file)",
        ),
        (
            ['{"model": "x", "tokens": 5}'],
            "log.jsonl:1: not a usage record of a known format (openai-chat, openai-responses, anthropic, otel; or give --format)",
        ),
        ([CHAT, "{not json"], "log.jsonl:2: not JSON (Expecting property name enclosed in double quotes)"),
        ([CHAT, "[1, 2]"], "log.jsonl:2: not a usage record: a JSON list, want an object"),
        (
            [CHAT, CHAT.replace('"gpt-4o"', "null")],
            "log.jsonl:2: field 'model': missing (not a OpenAI Chat Completions usage record)",
        ),
        (
            [
                CHAT.replace(
                    '"prompt_tokens": 10', '"prompt_tokens": 10, "prompt_tokens_details": {"cached_tokens": 11}'
                )
            ],
            "log.jsonl:1: cached tokens (11) + cache-write tokens (0) exceed the input's 10 tokens",
        ),
        ([], "log.jsonl: no usage records (the file is empty)"),
    ],
)
def test_bad_records_are_one_line_errors_with_the_line(tmp_path: Path, lines: list[str], message: str) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputFileError) as info:
        list(read_usage(path))
    assert str(info.value) == f"{tmp_path}/{message}"


def test_unknown_format_name_and_csv_problems(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"unknown log format 'json' \(known: openai-chat, "):
        list(read_usage(tmp_path / "x", format="json"))
    path = tmp_path / "spend.csv"
    path.write_text("startTime,model,prompt_tokens,completion_tokens\n2025-01-01 10:00:00,gpt-4o,12,-1\n")
    with pytest.raises(InputFileError, match=r"spend.csv:2: output tokens: negative: -1$"):
        list(read_usage(path))
    path.write_text("a,b\n1,2\n")
    with pytest.raises(
        InputFileError, match=r"spend.csv:1: not a usage log: neither JSON Lines nor a CSV of a known format"
    ):
        list(read_usage(path))


def test_litellm_csv_skips_failures_and_proxy_cache_hits(tmp_path: Path) -> None:
    path = tmp_path / "spend.csv"
    path.write_text(
        "request_id,startTime,model,prompt_tokens,completion_tokens,metadata,cache_hit,status\n"
        'a,2025-01-01 10:00:00,gpt-4o,100,10,"{""additional_usage_values"": {""cache_read_input_tokens"": 40}}",False,success\n'
        "b,2025-01-01 10:00:01,gpt-4o,100,10,{},True,success\n"
        "c,2025-01-01 10:00:02,gpt-4o,0,0,{},False,failure\n"
    )
    (chunk,) = list(read_usage(path))
    assert len(chunk) == 1 and chunk.tokens[1, 0] == 40
    assert dict(chunk.skipped) == {"answered from the proxy's cache (not billed)": 1, "failed requests": 1}


def test_records_in_memory_are_json_records_or_usage_objects() -> None:
    chunks = list(records_chunks([json.loads(CHAT), json.loads(CHAT)]))
    assert chunks[0].format == "openai-chat" and np.array_equal(chunks[0].tokens[0], [10, 10])
    with pytest.raises(InputFileError, match=r"<records>:2: not a usage record"):
        list(records_chunks([json.loads(CHAT), 42]))


def test_cli_bad_input_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(CHAT + "\n" + CHAT.replace("10", "-3") + "\n")
    out = tmp_path / "layer.yaml"
    assert main(["replay", str(log), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"Error: {log}:2: input tokens: negative: -3\n"
    assert not out.exists()
    assert main(["replay", str(tmp_path / "missing.jsonl")]) == 2
    assert capsys.readouterr().err == f"Error: {tmp_path}/missing.jsonl: cannot read: No such file or directory\n"
    assert main(["replay"]) == 2
    assert "give at least one LOG" in capsys.readouterr().err


def test_bad_utf8_names_its_line_and_format_can_be_forced(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes((CHAT + "\n").encode() * 3 + b'{"model": "caf\xe9"}\n')
    with pytest.raises(InputFileError, match=r"log.jsonl:4: not UTF-8 text$"):
        list(read_usage(path))
    # A bare usage object with only input/output tokens fits no format's signature until named.
    path.write_text('{"model": "claude-sonnet-4-20250514", "usage": {"input_tokens": 7, "output_tokens": 2}}\n')
    with pytest.raises(InputFileError, match="not a usage record of a known format"):
        list(read_usage(path))
    (chunk,) = list(read_usage(path, format="anthropic"))
    assert chunk.format == "anthropic" and chunk.tokens[:, 0].tolist() == [7, 0, 0, 0, 2, 0]
    with pytest.raises(InputFileError, match=r"log.jsonl:1: field 'usage.input_tokens_details': missing"):
        list(read_usage(path, format="openai-responses"))


def test_without_psycopg_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    assert main(["replay", "--db", "postgresql://u@localhost/litellm", "--no-what-if"]) == 2
    assert capsys.readouterr().err == (
        "Error: reading a LiteLLM Postgres database needs psycopg: pip install 'advisor[postgres]'\n"
    )


def test_a_csv_with_only_a_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "spend.csv"
    path.write_text("request_id,startTime,model,prompt_tokens,completion_tokens\n")
    with pytest.raises(InputFileError, match=r"spend.csv: no usage records \(only a header\)$"):
        list(read_usage(path))
