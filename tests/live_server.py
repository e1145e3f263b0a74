"""A real HTTP server on 127.0.0.1 serving the live sources' formats, built from ../shared/data.

Used by tests/test_update.py and benchmarks/bench_update.py. Nothing here is committed data: every
fixture is made on the fly from the public files in ``../shared/data``:

* **LiteLLM map**: the files ``prices/litellm_model_prices_and_context_window_pypi-1.109.1.json``
  and ``...-1.110.2.json`` (the same file as the live URL serves); :func:`standard_routes` serves
  1.110.2 with one key added, :data:`NEW_KEY`.
* **LMArena leaderboard dataset, rows API**: LMArena's own exports in ``arena/`` (the text board
  of 2025-12-11 and the style-control board of 2025-12-17, ``{category: {model: {rating,
  rating_q025, rating_q975}}}``) reshaped into the dataset's rows: ``rating_lower``/``rating_upper``
  are the published bounds, ``category`` the board key, ``leaderboard_publish_date`` the file's
  date. The exports have no votes, ranks, organisations or licences, so the fixture makes them:
  ``vote_count = round(1e6 / (upper - lower)^2)`` (narrower intervals, more votes), ``variance =
  ((upper - lower) / 3.92)^2``, ``rank`` = 1 + the number of models whose lower bound is above this
  model's upper bound (the leaderboard's "Rank (UB)"), ``organization`` from the name's prefix
  (:data:`MAKERS`; empty when no prefix fits), ``license`` "Proprietary" for those makers' closed
  lines and empty otherwise. The server pages them exactly as
  ``datasets-server.huggingface.co/rows`` does: ``{features, rows: [{row_idx, row,
  truncated_cells}], num_rows_total, num_rows_per_page, partial}``, at most 100 rows a page.

* **genai-prices**: ``prices/genai_prices_v2_data_47df840.json`` served byte for byte (it is a copy
  of the very file the live URL serves).
* **models.dev**: ``models/models_dev_f3fc692.derived.json`` (the repository's TOML files as one
  object ``{provider: {"provider": {...}, "models": {...}}}``) reshaped into ``api.json``'s layout
  ``{provider: {id, name, ..., "models": {...}}}``: each provider's fields at its top level beside
  ``models``, and the ``_symlink_to`` marks of the derived file dropped (:func:`models_dev_api`).

Every route answers conditional requests (``ETag``, ``Last-Modified``) and gzips when asked; a
route can be switched to fail in each way a real source fails (see :class:`Route`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
TEXT_BOARD = SHARED / "arena" / "lmarena_leaderboard-text_2025-12-11.json"
STYLE_BOARD = SHARED / "arena" / "lmarena_leaderboard-text-style-control_2025-12-17.json"
LITELLM_OLD = SHARED / "prices" / "litellm_model_prices_and_context_window_pypi-1.109.1.json"
LITELLM_NEW = SHARED / "prices" / "litellm_model_prices_and_context_window_pypi-1.110.2.json"
GENAI_PRICES = SHARED / "prices" / "genai_prices_v2_data_47df840.json"
MODELS_DEV = SHARED / "models" / "models_dev_f3fc692.derived.json"
TEXT_PUBLISHED = "2026-11-24"
STYLE_PUBLISHED = "2026-11-26"
NEW_KEY = "gpt-fixture-2026-11"
"""A key the served LiteLLM map adds (a copy of ``gpt-4o-mini``'s entry): a maker's model no catalog
has, so a full update must add it, whatever the bundled catalog already holds."""

MAKERS = (
    (("gpt-", "o1", "o3", "o4", "chatgpt-"), "OpenAI", "Proprietary"),
    (("claude-",), "Anthropic", "Proprietary"),
    (("gemini-",), "Google", "Proprietary"),
    (("gemma-",), "Google", "Gemma"),
    (("grok-",), "xAI", "Proprietary"),
    (("deepseek-",), "DeepSeek", "MIT"),
    (("qwen",), "Alibaba", "Apache 2.0"),
    (("llama-",), "Meta", "Llama"),
    (("mistral-", "magistral-"), "Mistral", "Proprietary"),
    (("kimi-",), "Moonshot", "Modified MIT"),
    (("glm-",), "Zhipu AI", "MIT"),
)
"""Name prefix -> (organization, license) used to fill the fixture rows' organization and license."""


def _maker(name: str) -> tuple[str, str]:
    low = name.casefold()
    for prefixes, org, lic in MAKERS:
        if low.startswith(prefixes):
            return org, lic
    return "", ""


def dataset_rows(board: Path, published: str) -> list[dict[str, Any]]:
    """The rows of one arena-catalog export, in the dataset's columns (see the module docstring)."""
    data = json.loads(board.read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = []
    for category in sorted(data):
        models = data[category]
        lowers = sorted(v["rating_q025"] for v in models.values())
        for name, v in sorted(models.items(), key=lambda kv: -kv[1]["rating"]):
            lower, upper = v["rating_q025"], v["rating_q975"]
            width = max(upper - lower, 1e-9)
            better = len(lowers) - _bisect_right(lowers, upper)
            org, lic = _maker(name)
            rows.append(
                {
                    "model_name": name,
                    "organization": org,
                    "license": lic,
                    "rating": v["rating"],
                    "rating_lower": lower,
                    "rating_upper": upper,
                    "variance": (width / 3.92) ** 2,
                    "vote_count": round(1e6 / width**2),
                    "rank": 1 + better,
                    "category": category,
                    "leaderboard_publish_date": published,
                }
            )
    return rows


def _bisect_right(values: list[float], x: float) -> int:
    import bisect

    return bisect.bisect_right(values, x)


FEATURES = [
    {"feature_idx": i, "name": name, "type": {"dtype": dtype, "_type": "Value"}}
    for i, (name, dtype) in enumerate(
        [
            ("model_name", "string"),
            ("organization", "string"),
            ("license", "string"),
            ("rating", "float64"),
            ("rating_lower", "float64"),
            ("rating_upper", "float64"),
            ("variance", "float64"),
            ("vote_count", "int64"),
            ("rank", "int64"),
            ("category", "string"),
            ("leaderboard_publish_date", "string"),
        ]
    )
]


@dataclass
class Route:
    """One served resource and how it misbehaves.

    ``fail``: None (serve), ``"500"`` or ``"404"`` (that status), ``"slow"`` (wait ``delay`` s
    before answering), ``"truncate"`` (announce the full length, send half, close), ``"malformed"``
    (serve ``body`` cut in half, with a matching length), ``"redirect"`` (302 to ``redirect``),
    ``"short"`` (rows API: announce 100 rows more than there are).
    """

    body: bytes = b""
    pages: Mapping[str, list[dict[str, Any]]] | None = None
    """For the rows API: config -> rows."""
    fail: str | None = None
    delay: float = 0.0
    redirect: str | None = None
    gzip: bool = True
    last_modified: str = "Mon, 30 Nov 2026 08:00:00 GMT"

    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class LiveServer:
    """The server: ``routes`` by path, ``hits`` counts requests by path, ``agents`` the User-Agents seen."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    agents: set[str] = field(default_factory=set)
    encodings: list[str] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def total_hits(self) -> int:
        return sum(self.hits.values())


def _handler(server: LiveServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            server.hits[parts.path] = server.hits.get(parts.path, 0) + 1
            server.agents.add(self.headers.get("User-Agent", ""))
            route = server.routes.get(parts.path)
            if route is None:
                return self._send(404, b'{"error": "not found"}')
            if route.fail == "slow":
                time.sleep(route.delay)
            if route.fail in ("500", "404"):
                return self._send(int(route.fail), b'{"error": "failing on purpose"}')
            if route.fail == "redirect":
                return self._send(302, b"", {"Location": route.redirect or "/"})
            body, tag = route.body, route.etag()
            if route.pages is not None:
                query = dict(urllib.parse.parse_qsl(parts.query))
                rows = route.pages.get(query.get("config", ""))
                if rows is None:
                    return self._send(404, b'{"error": "no such config"}')
                offset, length = int(query.get("offset", 0)), min(int(query.get("length", 100)), 100)
                page = {
                    "features": FEATURES,
                    "rows": [
                        {"row_idx": offset + i, "row": row, "truncated_cells": []}
                        for i, row in enumerate(rows[offset : offset + length])
                    ],
                    "num_rows_total": len(rows) + (100 if route.fail == "short" else 0),
                    "num_rows_per_page": 100,
                    "partial": False,
                }
                body = json.dumps(page).encode()
                tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == tag:
                return self._send(304, b"", {"ETag": tag})
            headers = {"ETag": tag, "Last-Modified": route.last_modified, "Content-Type": "application/json"}
            if route.fail == "malformed":
                body = body[: len(body) // 2]
            if route.gzip and "gzip" in (self.headers.get("Accept-Encoding") or ""):
                body = gzip.compress(body, compresslevel=1)
                headers["Content-Encoding"] = "gzip"
                server.encodings.append("gzip")
            if route.fail == "truncate":
                self.send_response(200)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return None
            return self._send(200, body, headers)

        def _send(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up on purpose (size cap, timeout) is not a server error


def serve(server: LiveServer) -> Iterator[LiveServer]:
    """Run ``server`` on a free port of 127.0.0.1 for the duration of the generator."""
    httpd = _Server(("127.0.0.1", 0), _handler(server))
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def litellm_with_new_key() -> bytes:
    """LiteLLM 1.110.2 with :data:`NEW_KEY` added (a copy of ``gpt-4o-mini``), as JSON."""
    data = json.loads(LITELLM_NEW.read_text(encoding="utf-8"))
    data[NEW_KEY] = dict(data["gpt-4o-mini"])
    return json.dumps(data, indent=4).encode()


def models_dev_api() -> bytes:
    """The shared models.dev data in the layout of ``https://models.dev/api.json`` (see above)."""
    data = json.loads(MODELS_DEV.read_text(encoding="utf-8"))
    api = {
        pid: {
            "id": pid,
            **body.get("provider", {}),
            "models": {
                mid: {k: v for k, v in m.items() if k != "_symlink_to"} | {"id": mid}
                for mid, m in body.get("models", {}).items()
            },
        }
        for pid, body in data.items()
    }
    return json.dumps(api).encode()


def standard_routes() -> dict[str, Route]:
    """Every live source in its real format, as of the newest shared data."""
    return {
        "/rows": Route(
            pages={
                "text": dataset_rows(TEXT_BOARD, TEXT_PUBLISHED),
                "text_style_control": dataset_rows(STYLE_BOARD, STYLE_PUBLISHED),
            }
        ),
        "/litellm.json": Route(body=litellm_with_new_key()),
        "/genai-prices.json": Route(body=GENAI_PRICES.read_bytes()),
        "/models-dev.json": Route(body=models_dev_api()),
    }


def urls_for(server: LiveServer) -> dict[str, str]:
    """``--url`` overrides pointing every registered source at ``server``."""
    from advisor.live_sources import SOURCES

    urls = {
        "lmarena": server.url("/rows?dataset=lmarena-ai/leaderboard-dataset&split=latest"),
        "litellm": server.url("/litellm.json"),
        "genai-prices": server.url("/genai-prices.json"),
        "models-dev": server.url("/models-dev.json"),
    }
    return {name: url for name, url in urls.items() if name in SOURCES}
