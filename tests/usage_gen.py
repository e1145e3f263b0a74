"""Realistic usage logs for the replay tests, the README example and the benchmark.

A team's month of traffic: each model gets a share of the requests, prompts of log-normal size
(a chat app's short turns, a RAG service's long contexts, now and then a prompt past 200k
tokens), a share of the prompt read from the provider's cache, and answers whose length depends on
the prompt's size and on the model's verbosity (a reasoning model writes more). Written in any of
the JSON formats advisor reads, or as LiteLLM spend-log rows. Seeded: the same arguments give the
same bytes.

    python tests/usage_gen.py usage.jsonl --requests 20000 --seed 1
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import json
import math
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any


@dataclasses.dataclass(frozen=True)
class Traffic:
    """One model's part of the log."""

    name: str
    """The model name as the API reports it."""
    share: float
    verbosity: float = 1.0
    """Output tokens relative to a typical model on the same prompt."""
    median_input: float = 1800.0
    cached_share: float = 0.0
    reasoning_share: float = 0.0
    cache_write_share: float = 0.0
    long_prompts: float = 0.0
    """Share of requests with a prompt past 200k tokens."""


DEFAULT_TRAFFIC = (
    Traffic("gpt-4o-2024-08-06", 0.45, verbosity=1.0, cached_share=0.3),
    Traffic("gpt-4o-mini", 0.35, verbosity=1.0, median_input=900.0),
    Traffic("gemini-2.5-pro", 0.20, verbosity=2.0, reasoning_share=0.6, long_prompts=0.01),
)
START = dt.datetime(2025, 10, 1, tzinfo=dt.timezone.utc)


@dataclasses.dataclass(frozen=True)
class Request:
    name: str
    when: dt.datetime
    input: int
    cached: int
    cache_write: int
    output: int
    reasoning: int


def requests(
    n: int, *, traffic: Sequence[Traffic] = DEFAULT_TRAFFIC, days: int = 30, start: dt.datetime = START, seed: int = 0
) -> Iterator[Request]:
    """``n`` requests spread over ``days`` days, in time order."""
    rng = random.Random(seed)
    weights = [t.share for t in traffic]
    span = days * 86400
    for i in range(n):
        t = rng.choices(traffic, weights)[0]
        when = start + dt.timedelta(seconds=int(span * (i + rng.random()) / n))
        if rng.random() < t.long_prompts:
            prompt = rng.randint(200_001, 400_000)
        else:
            prompt = max(1, int(rng.lognormvariate(math.log(t.median_input), 0.9)))
        # Answers grow with the prompt's size (about its 4th root), times the model's verbosity.
        typical = 40.0 * prompt**0.25
        out = max(1, int(t.verbosity * typical * rng.lognormvariate(0.0, 0.5)))
        cached = int(prompt * t.cached_share * rng.random() * 2) if prompt > 1024 else 0
        cached = min(cached, prompt)
        write = min(int(prompt * t.cache_write_share), prompt - cached)
        yield Request(t.name, when, prompt, cached, write, out, int(out * t.reasoning_share))


def openai_chat(r: Request, i: int) -> dict[str, Any]:
    """An OpenAI Chat Completions response (without the message, as usage logs keep it)."""
    return {
        "id": f"chatcmpl-{i:08d}",
        "object": "chat.completion",
        "created": int(r.when.timestamp()),
        "model": r.name,
        "usage": {
            "prompt_tokens": r.input,
            "completion_tokens": r.output,
            "total_tokens": r.input + r.output,
            "prompt_tokens_details": {"cached_tokens": r.cached, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": r.reasoning, "audio_tokens": 0},
        },
    }


def openai_responses(r: Request, i: int) -> dict[str, Any]:
    """An OpenAI Responses API response object's usage part."""
    return {
        "id": f"resp_{i:08d}",
        "object": "response",
        "created_at": int(r.when.timestamp()),
        "model": r.name,
        "usage": {
            "input_tokens": r.input,
            "input_tokens_details": {"cached_tokens": r.cached},
            "output_tokens": r.output,
            "output_tokens_details": {"reasoning_tokens": r.reasoning},
            "total_tokens": r.input + r.output,
        },
    }


def anthropic(r: Request, i: int) -> dict[str, Any]:
    """An Anthropic Messages response, with the log's timestamp beside it (the API gives none)."""
    return {
        "id": f"msg_{i:08d}",
        "type": "message",
        "role": "assistant",
        "model": r.name,
        "timestamp": r.when.isoformat().replace("+00:00", "Z"),
        "usage": {
            "input_tokens": r.input - r.cached - r.cache_write,
            "cache_creation_input_tokens": r.cache_write,
            "cache_read_input_tokens": r.cached,
            "output_tokens": r.output,
        },
    }


def otel(r: Request, i: int) -> dict[str, Any]:
    """An OpenTelemetry span (SDK JSON export) with GenAI attributes."""
    return {
        "name": f"chat {r.name}",
        "start_time": r.when.isoformat(),
        "attributes": {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": r.name,
            "gen_ai.usage.input_tokens": r.input,
            "gen_ai.usage.output_tokens": r.output,
            "gen_ai.usage.cache_read.input_tokens": r.cached,
        },
    }


JSON_FORMATS = {"openai-chat": openai_chat, "openai-responses": openai_responses, "anthropic": anthropic, "otel": otel}

SPEND_LOG_COLUMNS = (
    "request_id",
    "call_type",
    "api_key",
    "spend",
    "total_tokens",
    "prompt_tokens",
    "completion_tokens",
    "startTime",
    "endTime",
    "model",
    "model_group",
    "custom_llm_provider",
    "metadata",
    "cache_hit",
    "status",
)


def spend_log_row(r: Request, i: int) -> dict[str, Any]:
    """A LiteLLM_SpendLogs row as LiteLLM's proxy writes it (``metadata.additional_usage_values``)."""
    extra = {
        "prompt_tokens_details": {"cached_tokens": r.cached},
        "completion_tokens_details": {"reasoning_tokens": r.reasoning},
    }
    if r.cached:
        extra["cache_read_input_tokens"] = r.cached
    if r.cache_write:
        extra["cache_creation_input_tokens"] = r.cache_write
    return {
        "request_id": f"req-{i:08d}",
        "call_type": "acompletion",
        "api_key": "hashed",
        "spend": 0.0,
        "total_tokens": r.input + r.output,
        "prompt_tokens": r.input,
        "completion_tokens": r.output,
        "startTime": r.when.replace(tzinfo=None),
        "endTime": (r.when + dt.timedelta(seconds=2)).replace(tzinfo=None),
        "model": r.name,
        "model_group": r.name,
        "custom_llm_provider": "openai",
        "metadata": {"additional_usage_values": extra},
        "cache_hit": "False",
        "status": "success",
    }


def write(path: Path, n: int, *, format: str = "openai-chat", seed: int = 0, **kwargs: Any) -> Path:
    """Write ``n`` generated requests to ``path`` in ``format`` (a JSON format or ``litellm-csv``)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        if format == "litellm-csv":
            w = csv.writer(fh)
            w.writerow(SPEND_LOG_COLUMNS)
            for i, r in enumerate(requests(n, seed=seed, **kwargs)):
                row = spend_log_row(r, i)
                row["metadata"] = json.dumps(row["metadata"])
                row["startTime"] = row["startTime"].isoformat(sep=" ")
                row["endTime"] = row["endTime"].isoformat(sep=" ")
                w.writerow([row[c] for c in SPEND_LOG_COLUMNS])
            return path
        make = JSON_FORMATS[format]
        dumps = json.JSONEncoder(separators=(",", ":")).encode
        for i, r in enumerate(requests(n, seed=seed, **kwargs)):
            fh.write(dumps(make(r, i)) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--format", default="openai-chat", choices=[*JSON_FORMATS, "litellm-csv"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    write(args.out, args.requests, format=args.format, seed=args.seed, days=args.days)


if __name__ == "__main__":
    main()
