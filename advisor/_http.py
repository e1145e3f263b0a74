"""Fetching one URL carefully: the network edge of ``advisor catalog update``.

The standard library's ``urllib`` on purpose: the base install must be able to update, the needs are
small (GET, redirects, conditional requests, gzip, timeouts) and a third-party client would add an
import and a dependency for none of them. What this module adds to ``urllib``:

* a timeout per socket operation *and* a deadline for the whole body, so a server that trickles
  bytes cannot hold an update forever;
* a few retries with exponential backoff, only for what retrying can fix (connection errors,
  timeouts, truncated bodies, 429 and 5xx);
* conditional requests (``If-None-Match`` / ``If-Modified-Since``): an unchanged source costs one
  round trip and answers :attr:`Response.not_modified`;
* ``Accept-Encoding: gzip`` with a size cap on the bytes received and on the bytes decompressed;
* a ``User-Agent`` naming advisor and its version.

Every failure is a :class:`FetchError` whose message is one line a person can act on.
"""

from __future__ import annotations

import email.utils
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from advisor.errors import AdvisorError

DEFAULT_TIMEOUT = 30.0
"""Seconds per socket operation (connect, each read)."""
DEFAULT_RETRIES = 2
"""Retries after the first attempt, for failures a retry can fix."""
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Largest body accepted, before and after decompression."""
_CHUNK = 64 * 1024


class FetchError(AdvisorError):
    """A URL could not be fetched; ``reason`` is one line, ``offline`` when no connection was made."""

    def __init__(self, url: str, reason: str, *, offline: bool = False, retryable: bool = False) -> None:
        self.url = url
        self.reason = reason
        self.offline = offline
        self.retryable = retryable
        super().__init__(f"{url}: {reason}")


@dataclass(frozen=True)
class Response:
    """What a fetch returned: the body, or ``not_modified`` when the validators still hold."""

    url: str
    """The URL finally answered (after redirects)."""
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 1
    """Requests made, retries included."""
    received: int = 0
    """Bytes received on the wire (compressed when the server compressed)."""

    @property
    def not_modified(self) -> bool:
        """True for a 304: the copy made with the validators sent is still current."""
        return self.status == 304


def user_agent() -> str:
    """``advisor/<version> (catalog update)``: names the client to the servers it asks."""
    from advisor import __version__

    return f"advisor/{__version__} (catalog update; Python urllib)"


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = 0.5,
    max_bytes: int = DEFAULT_MAX_BYTES,
    headers: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Response:
    """GET ``url``; raise :class:`FetchError` with a one-line reason when it cannot be had.

    Args:
        url: An ``http://`` or ``https://`` URL.
        etag: The ``ETag`` of the copy already held: sent as ``If-None-Match``.
        last_modified: Its ``Last-Modified``: sent as ``If-Modified-Since``.
        timeout: Seconds per socket operation; the whole body must also arrive within
            ``timeout * 4`` seconds of the request.
        retries: Further attempts after a failure a retry can fix (0 for none).
        backoff: Seconds before the first retry, doubled before each next one (a 429's or 503's
            ``Retry-After`` is honoured up to 30 s).
        max_bytes: Largest body accepted, compressed and decompressed.
        headers: Extra request headers.
        sleep: Waits between attempts (tests pass a no-op).
    """
    if not url.startswith(("http://", "https://")):
        raise FetchError(url, "not an http:// or https:// URL")
    if timeout <= 0 or retries < 0 or max_bytes <= 0:
        raise ValueError("timeout and max_bytes must be > 0 and retries >= 0")
    request_headers = {"User-Agent": user_agent(), "Accept-Encoding": "gzip", **(headers or {})}
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    delay = backoff
    attempt = 0
    while True:
        attempt += 1
        try:
            response = _once(url, request_headers, timeout, max_bytes)
            return Response(
                response.url,
                response.status,
                response.body,
                response.etag,
                response.last_modified,
                attempt,
                response.received,
            )
        except _Retry as exc:
            if attempt > retries:
                raise FetchError(url, _after(exc.reason, attempt), offline=exc.offline, retryable=True) from None
            sleep(min(max(delay, exc.retry_after or 0.0), 30.0))
            delay *= 2


class _Retry(Exception):
    def __init__(self, reason: str, *, offline: bool = False, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offline = offline
        self.retry_after = retry_after


def _after(reason: str, attempts: int) -> str:
    return reason if attempts == 1 else f"{reason} (after {attempts} attempts)"


def _once(url: str, headers: Mapping[str, str], timeout: float, max_bytes: int) -> Response:
    request = urllib.request.Request(url, headers=dict(headers), method="GET")
    deadline = time.monotonic() + timeout * 4
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            final = answer.geturl()
            length = answer.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) > max_bytes:
                raise FetchError(url, f"body of {int(length):,} bytes is over the {max_bytes:,}-byte limit")
            raw = _read_capped(answer, url, max_bytes, deadline)
            if length is not None and length.isdigit() and len(raw) != int(length):
                raise _Retry(f"truncated body: {len(raw):,} of {int(length):,} bytes")
            encoding = (answer.headers.get("Content-Encoding") or "identity").strip().lower()
            body = _decode(raw, encoding, url, max_bytes)
            return Response(
                final,
                answer.status,
                body,
                answer.headers.get("ETag"),
                answer.headers.get("Last-Modified"),
                received=len(raw),
            )
    except urllib.error.HTTPError as exc:
        with exc:
            if exc.code == 304:
                return Response(exc.geturl() or url, 304, etag=exc.headers.get("ETag"))
            reason = f"HTTP {exc.code} {exc.reason}".rstrip()
            if exc.code == 429 or exc.code >= 500:
                raise _Retry(reason, retry_after=_retry_after(exc.headers.get("Retry-After"))) from None
            raise FetchError(url, reason) from None
    except urllib.error.URLError as exc:
        raise _connection_problem(url, exc.reason) from None
    except http.client.IncompleteRead as exc:
        raise _Retry(f"truncated body: connection closed after {len(exc.partial):,} bytes") from None
    except (http.client.HTTPException, ConnectionError) as exc:
        raise _Retry(f"connection broken: {type(exc).__name__} {exc}".strip()) from None
    except TimeoutError:
        raise _Retry(f"timed out (no answer within {timeout:g} s)") from None
    except OSError as exc:
        raise _connection_problem(url, exc) from None


def _connection_problem(url: str, reason: object) -> _Retry | FetchError:
    if isinstance(reason, socket.gaierror):
        return _Retry("cannot resolve the host name (offline?)", offline=True)
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return _Retry("timed out connecting")
    if isinstance(reason, ConnectionRefusedError):
        return _Retry("connection refused", offline=True)
    if isinstance(reason, ssl.SSLCertVerificationError):
        return FetchError(url, f"TLS certificate not trusted: {reason.verify_message}")
    if isinstance(reason, OSError) and reason.errno is not None and reason.errno in _UNREACHABLE:
        return _Retry(f"network unreachable ({reason.strerror})", offline=True)
    text = getattr(reason, "strerror", None) or str(reason)
    return _Retry(f"connection failed: {text}")


_UNREACHABLE = {101, 113, 65, 51}  # ENETUNREACH / EHOSTUNREACH on Linux and macOS


def _read_capped(answer: http.client.HTTPResponse, url: str, max_bytes: int, deadline: float) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise _Retry(f"timed out reading the body ({size:,} bytes received)")
        chunk = answer.read1(_CHUNK) if hasattr(answer, "read1") else answer.read(_CHUNK)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(url, f"body is over the {max_bytes:,}-byte limit")
        parts.append(chunk)


def _decode(raw: bytes, encoding: str, url: str, max_bytes: int) -> bytes:
    if encoding in ("identity", ""):
        return raw
    if encoding not in ("gzip", "x-gzip"):
        raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(raw, max_bytes + 1)
    except zlib.error as exc:
        raise _Retry(f"corrupt gzip body: {exc}") from None
    if len(body) > max_bytes or inflater.unconsumed_tail:
        raise FetchError(url, f"decompressed body is over the {max_bytes:,}-byte limit")
    if not inflater.eof:
        raise _Retry("truncated gzip body")
    return body


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
