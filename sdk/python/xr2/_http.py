"""The SDK's one way to talk HTTP: urllib (standard library, honours the usual proxy variables),
every status returned as a value instead of an exception, every answer bounded in size, and a
small retry policy shared by the prompt fetches and the event sender."""

from __future__ import annotations

import json
import random
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional

from . import __version__

MAX_RESPONSE_BYTES = 16 * 1024 * 1024  # well past the edge's bundle limit
USER_AGENT = f"xr2-python/{__version__}"
# 408 and 425 too: a request that may well succeed when tried again.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


# A Retry-After past this is taken as this (a misconfigured proxy must not park a batch for a day).
MAX_RETRY_AFTER_SECONDS = 300.0


class TransportError(Exception):
    """No HTTP answer: connection refused, DNS, TLS, timeout or a cut-off body.

    `not_sent` is True only when the request provably never reached a server (the connection was
    refused, or the name did not resolve): then even a non-idempotent POST may be sent again.
    After a timeout or a cut connection the server may have handled it."""

    def __init__(self, message: str, not_sent: bool = False) -> None:
        super().__init__(message)
        self.not_sent = not_sent


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None

    def error_code(self) -> Optional[str]:
        try:
            error = self.json()["error"]
            return str(error["code"])
        except Exception:  # noqa: BLE001 — any non-conforming body simply has no code
            return None

    def retry_after(self) -> Optional[float]:
        """Retry-After in seconds (delta-seconds or an HTTP date), when present and sensible."""
        value = self.headers.get("retry-after")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            moment = parsedate_to_datetime(value)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())
        except (TypeError, ValueError):
            return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Never follow redirects: the key must not be sent to another origin."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_opener = urllib.request.build_opener(_NoRedirect())  # honours HTTP(S)_PROXY / NO_PROXY
# A loopback edge (local development, tests) is never reached through a proxy.
_loopback_opener = urllib.request.build_opener(_NoRedirect(), urllib.request.ProxyHandler({}))
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def request(
    method: str,
    url: str,
    api_key: str,
    timeout: float,
    body: Optional[Any] = None,
    headers: Optional[Mapping[str, str]] = None,
) -> Response:
    """One HTTP exchange. Raises TransportError when no answer arrives; returns every status."""
    all_headers: Dict[str, str] = {"Authorization": f"Bearer {api_key}", "Accept": "application/json", "User-Agent": USER_AGENT}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
        all_headers["Content-Type"] = "application/json"
    if headers:
        all_headers.update(headers)
    req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        try:
            opener = _loopback_opener if urllib.parse.urlsplit(url).hostname in _LOOPBACK_HOSTS else _opener
            raw = opener.open(req, timeout=timeout)
        except urllib.error.HTTPError as error:  # every non-2xx status, 304 included
            raw = error
        with raw:
            payload = raw.read(MAX_RESPONSE_BYTES + 1)
            if len(payload) > MAX_RESPONSE_BYTES:
                raise TransportError(f"the answer exceeds {MAX_RESPONSE_BYTES} bytes")
            status = raw.status if hasattr(raw, "status") and raw.status is not None else raw.getcode()
            lowered = {name.lower(): value for name, value in raw.headers.items()}
        return Response(int(status), lowered, payload)
    except TransportError:
        raise
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        not_sent = isinstance(reason, (ConnectionRefusedError, socket.gaierror))
        raise TransportError(f"{type(reason).__name__}: {reason}", not_sent=not_sent) from None


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with full jitter: uniform in [base·2^attempt / 2, base·2^attempt], capped."""
    ceiling = min(cap, base * (2 ** min(attempt, 60)))  # the exponent bounded: 2.0**1024 overflows
    return random.uniform(ceiling / 2, ceiling)


def retry_delay(attempt: int, base: float, cap: float, retry_after: Optional[float] = None) -> float:
    """How long to wait before attempt `attempt + 1`: the jittered backoff, or the server's
    Retry-After when that is longer (never shorter: an edge that answers "Retry-After: 1" to
    every 503 must not turn the backoff into a one-second drumbeat), Retry-After capped at
    MAX_RETRY_AFTER_SECONDS."""
    wait = backoff_delay(attempt, base, cap)
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return wait
