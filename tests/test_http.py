"""advisor._http against a real HTTP server on 127.0.0.1 (tests/live_server.py).

The body served is the shared data's LiteLLM map 1.110.2, byte for byte: the same file the live URL
serves.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from live_server import LITELLM_NEW, LiveServer, Route, serve

import advisor
from advisor._http import FetchError, fetch


@pytest.fixture
def server() -> Iterator[LiveServer]:
    if not LITELLM_NEW.exists():
        pytest.skip(f"shared data not found at {LITELLM_NEW}")
    yield from serve(LiveServer(routes={"/map.json": Route(body=LITELLM_NEW.read_bytes())}))


def no_wait(seconds: float) -> None:
    pass


def test_gzip_body_user_agent_and_validators(server: LiveServer) -> None:
    got = fetch(server.url("/map.json"))
    assert got.status == 200 and got.body == LITELLM_NEW.read_bytes()
    assert server.encodings == ["gzip"] and got.received < len(got.body) / 3  # compressed on the wire
    assert server.agents == {f"advisor/{advisor.__version__} (catalog update; Python urllib)"}
    assert got.etag and got.last_modified == "Mon, 30 Nov 2026 08:00:00 GMT"


def test_conditional_request_answers_not_modified(server: LiveServer) -> None:
    first = fetch(server.url("/map.json"))
    again = fetch(server.url("/map.json"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b"" and again.attempts == 1
    assert server.hits["/map.json"] == 2


def test_not_found_is_not_retried(server: LiveServer) -> None:
    with pytest.raises(FetchError, match=r"/missing\.json: HTTP 404 Not Found$"):
        fetch(server.url("/missing.json"), retries=3, sleep=no_wait)
    assert server.hits["/missing.json"] == 1


def test_server_error_is_retried_then_reported(server: LiveServer) -> None:
    server.routes["/map.json"].fail = "500"
    with pytest.raises(FetchError, match=r"HTTP 500 Internal Server Error \(after 3 attempts\)$"):
        fetch(server.url("/map.json"), retries=2, sleep=no_wait)
    assert server.hits["/map.json"] == 3


def test_backoff_doubles(server: LiveServer) -> None:
    server.routes["/map.json"].fail = "500"
    waits: list[float] = []
    with pytest.raises(FetchError):
        fetch(server.url("/map.json"), retries=3, backoff=0.25, sleep=waits.append)
    assert waits == [0.25, 0.5, 1.0]


def test_slow_server_times_out(server: LiveServer) -> None:
    server.routes["/map.json"].fail = "slow"
    server.routes["/map.json"].delay = 1.5
    with pytest.raises(FetchError, match=r"timed out") as info:
        fetch(server.url("/map.json"), timeout=0.2, retries=0)
    assert not info.value.offline


def test_truncated_body(server: LiveServer) -> None:
    server.routes["/map.json"].fail = "truncate"
    with pytest.raises(FetchError, match=r"truncated") as info:
        fetch(server.url("/map.json"), retries=1, sleep=no_wait)
    assert info.value.retryable and server.hits["/map.json"] == 2


def test_size_cap(server: LiveServer) -> None:
    with pytest.raises(FetchError, match=r"over the 1,000-byte limit"):
        fetch(server.url("/map.json"), max_bytes=1000)


def test_redirect_is_followed(server: LiveServer) -> None:
    server.routes["/old.json"] = Route(fail="redirect", redirect="/map.json")
    got = fetch(server.url("/old.json"))
    assert got.url == server.url("/map.json") and got.body == LITELLM_NEW.read_bytes()


def test_refused_connection_is_offline() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError, match="connection refused") as info:
        fetch(f"http://127.0.0.1:{port}/x.json", retries=0)
    assert info.value.offline


def test_only_http_urls() -> None:
    with pytest.raises(FetchError, match="not an http:// or https:// URL"):
        fetch("file:///etc/passwd")
