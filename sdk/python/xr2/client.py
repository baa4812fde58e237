"""The xR2 client: prompts served from an in-process cache of published templates, rendered and
assigned locally with the edge's engine and hash, exposures and events reported in the background.

Where an answer comes from (Prompt.origin):
  "network"   this call fetched the template (the first call for a slug, or after a 404 expired);
  "cache"     the cached template, fresh, or past its TTL while a background refresh runs;
  "stale"     past its TTL and the last refresh failed (xR2 unreachable, 5xx, 429, revoked key…);
  "bootstrap" the bundle given at start, until xR2 has answered for that slug;
  "fallback"  the app's own fallback for the slug: no template anywhere and xR2 could not help.
Only two things raise: PromptNotFoundError (published nowhere, nothing cached, no fallback) and
TemplateError (values refused, as the edge's 400). With no cache, bootstrap or fallback at all,
an unreachable xR2 raises PromptUnavailableError: configure a fallback to never see it.
"""

from __future__ import annotations

import atexit
import json
import logging
import math
import os
import re
import threading
import time
import urllib.parse
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import _http
from ._ids import event_id as new_event_id
from ._ids import iso, iso_now, trace_id as new_trace_id
from ._sender import Sender
from .assignment import assign_variant
from .errors import PromptNotFoundError, PromptUnavailableError
from .template import (
    CompiledMessage,
    CompiledTemplate,
    TemplateError,
    TemplateErrorDetail,
    _utf16_len,
    coerce_variables,
    compile_messages,
    compile_template,
    render_messages,
    render_template,
)

logger = logging.getLogger("xr2")
logger.addHandler(logging.NullHandler())

ORIGINS = ("network", "cache", "stale", "bootstrap", "fallback")
ENVIRONMENTS = ("development", "staging", "production")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_EVENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
_EVENT_NAME = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,63}")
_TRACE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# The edge's request limits (PRODUCT_API_LIMITS), checked here so local rendering refuses what the edge refuses.
_MAX_VARIABLES = 100
_MAX_VALUE_CHARS = 10_000
_MAX_EVENT_FIELDS = 32
_MAX_FIELD_VALUE_CHARS = 1024
_BUNDLE_SLUGS_PER_REQUEST = 50
_MAX_LATENCY_MS = 3_600_000.0
# Bounds of what the client remembers per slug (cached templates, 404s, failures): oldest first out.
_MAX_REMEMBERED_SLUGS = 10_000
_ENGINE_CODES = ("syntax", "missing_variable", "type_mismatch", "unknown_variable", "limit_exceeded")


@dataclass
class Prompt:
    """A served prompt: rendered text (or chat messages) and what to attribute events to."""

    content: Optional[str]
    messages: Optional[List[Dict[str, str]]]
    model_config: Dict[str, Any]
    version: Optional[int]
    version_id: Optional[str]
    trace_id: str
    variant: Optional[str]
    origin: str
    slug: str
    prompt_id: Optional[str]
    experiment_id: Optional[str] = None


@dataclass
class _Entry:
    """A cached unrendered document (contract §1) of one (slug, environment)."""

    document: Dict[str, Any]
    etag: Optional[str]
    fetched_at: Optional[float]  # monotonic time xR2 last confirmed it; None for a bootstrap copy
    refresh_failed: bool = False
    last_attempt: Optional[float] = None
    compiled: Dict[str, Any] = field(default_factory=dict)  # version_id → compiled template(s)


class _Flight:
    """One fetch of a key in progress; other callers wait on it instead of fetching again."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.outcome: Tuple[str, Any] = ("error", "not finished")


_live_clients: "weakref.WeakSet[XR2]" = weakref.WeakSet()


class XR2:
    """A thread-safe xR2 client; create one per process and share it.

    Arguments beyond the documented ones tune the background sender (defaults follow the issue:
    batches of 100, one second after the first item, a queue of 10,000).
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        environment: str = "production",
        source: Optional[str] = None,
        cache_ttl_seconds: float = 60,
        fetch_timeout_seconds: float = 3.0,
        max_retries: int = 2,
        fallbacks: Optional[Mapping[str, Mapping[str, Any]]] = None,
        bootstrap: Union[None, str, bytes, Mapping[str, Any], "os.PathLike[str]"] = None,
        mode: str = "local",
        *,
        flush_interval_seconds: float = 1.0,
        max_queue_size: int = 10_000,
        max_batch_size: int = 100,
        max_retry_duration_seconds: float = 600.0,
        retry_base_seconds: float = 0.5,
        retry_max_seconds: float = 30.0,
        shutdown_timeout_seconds: float = 5.0,
    ) -> None:
        api_key = api_key if api_key is not None else os.environ.get("XR2_API_KEY")
        base_url = base_url if base_url is not None else os.environ.get("XR2_BASE_URL")
        if not isinstance(api_key, str) or not api_key.strip():
            raise ValueError("XR2 needs api_key (or the XR2_API_KEY environment variable)")
        if not isinstance(base_url, str) or not re.match(r"https?://", base_url):
            raise ValueError("XR2 needs base_url, the edge's http(s) origin (or the XR2_BASE_URL environment variable)")
        if environment not in ENVIRONMENTS:
            raise ValueError(f"environment must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}")
        if mode not in ("local", "remote"):
            raise ValueError(f'mode must be "local" or "remote", not {mode!r}')
        if source is not None and (not isinstance(source, str) or len(source) > 64 or _UNSTORABLE.search(source)):
            raise ValueError("source must be text of at most 64 characters")
        if not cache_ttl_seconds > 0 or not fetch_timeout_seconds > 0 or int(max_retries) < 0:
            raise ValueError("cache_ttl_seconds and fetch_timeout_seconds must be positive, max_retries at least 0")
        self._api_key = api_key.strip()
        self.base_url = base_url.rstrip("/")
        self.environment = environment
        self.source = source
        self.mode = mode
        self.cache_ttl_seconds = float(cache_ttl_seconds)
        self.fetch_timeout_seconds = float(fetch_timeout_seconds)
        self.max_retries = int(max_retries)
        # After a failed fetch, how long calls serve what they have before trying xR2 again.
        self._retry_interval = min(self.cache_ttl_seconds, 5.0)
        self._shutdown_timeout = float(shutdown_timeout_seconds)
        self._lock = threading.RLock()
        self._cache: Dict[str, _Entry] = {}
        self._not_found: Dict[str, float] = {}  # slug → monotonic time of the 404
        self._unreachable: Dict[str, float] = {}  # slug → monotonic time of the last failed fetch without entry
        self._flights: Dict[str, _Flight] = {}
        self._served: Dict[str, int] = {origin: 0 for origin in ORIGINS}
        self._counters: Dict[str, int] = {"not_found": 0, "validation_errors": 0, "refreshes": 0, "refresh_failures": 0, "unavailable": 0}
        self._fallbacks = {slug: _compile_fallback(slug, spec) for slug, spec in (fallbacks or {}).items()}
        self._sender = Sender(
            self._post,
            max_queue_size=max_queue_size,
            max_batch_size=max_batch_size,
            flush_interval=flush_interval_seconds,
            max_retry_duration=max_retry_duration_seconds,
            retry_base=retry_base_seconds,
            retry_max=retry_max_seconds,
            timeout=max(self.fetch_timeout_seconds, 5.0),
        )
        if bootstrap is not None:
            if mode == "remote":
                raise ValueError('bootstrap needs mode="local": remote mode holds no templates')
            self._load_bootstrap(bootstrap)
        _live_clients.add(self)

    def __repr__(self) -> str:  # never shows the key
        return f"XR2(base_url={self.base_url!r}, environment={self.environment!r}, mode={self.mode!r})"

    def __enter__(self) -> "XR2":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ prompts

    def get_prompt(self, slug: str, variables: Optional[Mapping[str, Any]] = None, unit_id: Optional[str] = None) -> Prompt:
        """The prompt rendered with `variables`; with `unit_id`, the unit's experiment variant.

        Raises PromptNotFoundError for a slug that exists nowhere, TemplateError for refused values,
        ValueError for a malformed slug or unit_id; never for outages (see the module's doc).
        """
        started = time.perf_counter()
        if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
            raise ValueError("slug must be 1-128 letters, digits, '-', '_' or '.'")
        if unit_id is not None and (not isinstance(unit_id, str) or not 1 <= _utf16_len(unit_id) <= 128 or _UNSTORABLE.search(unit_id)):
            raise ValueError("unit_id must be text of 1 to 128 characters")
        if variables is not None and not isinstance(variables, Mapping):
            raise TypeError("variables must be a mapping of names to values")
        values = dict(variables or {})
        _check_values(values)
        if self.mode == "remote":
            return self._get_remote(slug, values, unit_id, started)

        origin, entry, outcome = self._lookup(slug)
        if entry is None:
            kind, detail = outcome
            if kind == "not_found":
                return self._serve_fallback(slug, values, unit_id, started, PromptNotFoundError(slug, self.environment))
            return self._serve_fallback(slug, values, unit_id, started, PromptUnavailableError(slug, str(detail)))

        document = entry.document
        try:
            version, variant, experiment_id = _choose_version(document, unit_id)
        except (ValueError, KeyError, StopIteration, TypeError) as error:  # an experiment xR2 should never have served
            logger.error("xr2: the experiment of '%s' cannot be assigned (%s); serving the published version", slug, error)
            version, variant, experiment_id = document, None, None
        try:
            compiled = self._compiled(entry, version)
        except TemplateError as error:
            logger.error("xr2: the published template of '%s' (%s) does not compile: %s", slug, version.get("version_id"), error)
            return self._serve_fallback(slug, values, unit_id, started, error)
        exposure = {
            "origin": origin,
            "slug": slug,
            "prompt_id": document.get("prompt_id"),
            "version_id": version.get("version_id"),
            "unit_id": unit_id,
            "variant": variant,
            "experiment_id": experiment_id,
        }
        trace, content, messages = self._render_and_expose(compiled, values, version.get("variables") or [], exposure, started)
        return Prompt(
            content=content,
            messages=messages,
            model_config=dict(version.get("model_config") or {}),
            version=version.get("version"),
            version_id=version.get("version_id"),
            trace_id=trace,
            variant=variant,
            origin=origin,
            slug=slug,
            prompt_id=document.get("prompt_id"),
            experiment_id=experiment_id,
        )

    def prefetch(self, slugs: Optional[Iterable[str]] = None) -> List[str]:
        """Loads prompts through the bundle endpoint (all of the environment when `slugs` is None),
        so later calls start warm. Returns the slugs loaded; never raises for outages."""
        if self.mode == "remote":
            return []
        wanted = None
        if slugs is not None:
            wanted = [slug for slug in dict.fromkeys(slugs) if isinstance(slug, str) and _SLUG.fullmatch(slug)]
            if not wanted:
                return []
        loaded: List[str] = []
        chunks = [None] if wanted is None else [wanted[i : i + _BUNDLE_SLUGS_PER_REQUEST] for i in range(0, len(wanted), _BUNDLE_SLUGS_PER_REQUEST)]
        for chunk in chunks:
            query: List[Tuple[str, str]] = [("env", self.environment)] + [("slug", slug) for slug in chunk or []]
            response = self._get_with_retries("/api/v1/prompts?" + urllib.parse.urlencode(query))
            if isinstance(response, str) or response.status != 200:
                problem = response if isinstance(response, str) else f"HTTP {response.status} {response.error_code() or ''}"
                logger.warning("xr2: prefetch failed (%s)", problem)
                if not isinstance(response, str) and response.status == 422 and chunk:
                    loaded.extend(slug for slug in chunk if self._load(slug, blocking=True)[0] == "ok")  # too large: one by one
                continue
            try:
                documents = [document for document in response.json()["prompts"] if _valid_document(document)]
            except Exception:  # noqa: BLE001
                logger.warning("xr2: prefetch got a bundle it cannot read")
                continue
            now = time.monotonic()
            with self._lock:
                for document in documents:
                    if document.get("environment", self.environment) != self.environment:
                        continue
                    old = self._cache.get(document["slug"])
                    _remember(self._cache, document["slug"], _Entry(document, None, now, compiled=_still_served(old, document)))
                    self._not_found.pop(document["slug"], None)
                    self._unreachable.pop(document["slug"], None)
                    loaded.append(document["slug"])
                for slug in chunk or []:
                    if slug not in self._cache:
                        _remember(self._not_found, slug, now)
        return loaded

    # ------------------------------------------------------------------ events

    def track(
        self,
        trace_id: str,
        event_name: str,
        fields: Optional[Mapping[str, Any]] = None,
        event_id: Optional[str] = None,
        timestamp: Union[None, str, int, datetime] = None,
        category: Optional[str] = None,
    ) -> Optional[str]:
        """Queues a business event following the prompt served with `trace_id`; sent in the
        background. Returns the event id, or None when the event was dropped (invalid, or the
        queue is full); never raises."""
        event_id = event_id if event_id is not None else new_event_id()
        when: Union[str, int]
        if timestamp is None:
            when = iso_now()
        elif isinstance(timestamp, datetime):
            when = iso(timestamp)
        else:
            when = timestamp  # ISO 8601 with offset, or Unix milliseconds
        if fields is not None and not isinstance(fields, Mapping):
            logger.warning("xr2: event %r dropped: fields must be a mapping", event_name)
            self._sender._count("events", "refused")
            return None
        event: Dict[str, Any] = {"event_id": event_id, "trace_id": trace_id, "event_name": event_name, "fields": dict(fields or {}), "timestamp": when}
        if category is not None:
            event["category"] = category
        problem = _event_problem(event)
        if problem is not None:
            logger.warning("xr2: event %r dropped: %s", event_name, problem)
            self._sender._count("events", "refused")
            return None
        return event_id if self._sender.enqueue("events", event) else None

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Blocks until every queued event and exposure is sent or given up (or the timeout)."""
        return self._sender.flush(timeout)

    def close(self, timeout: Optional[float] = None) -> bool:
        """Flushes (bounded by `timeout`, default shutdown_timeout_seconds) and stops the sender."""
        _live_clients.discard(self)
        return self._sender.close(self._shutdown_timeout if timeout is None else timeout)

    def stats(self) -> Dict[str, Any]:
        """Counters: queued, in_flight, sent, dropped (queue full or closed), refused (invalid
        items), failed (given up), retries, also per kind under "events"/"exposures"; answers per
        origin under "origins", fallbacks, not_found, unavailable, validation_errors, refreshes,
        refresh_failures, cached_prompts."""
        out = self._sender.stats()
        with self._lock:
            out["origins"] = dict(self._served)
            out["fallbacks"] = self._served["fallback"]
            out.update(self._counters)
            out["cached_prompts"] = len(self._cache)
        return out

    # ------------------------------------------------------------------ cache

    def _lookup(self, slug: str) -> Tuple[str, Optional[_Entry], Tuple[str, Any]]:
        """(origin, entry, outcome): the entry to serve, refreshing in the background when due, or
        None and why (outcome ("not_found", …) or ("error", reason))."""
        with self._lock:
            now = time.monotonic()
            entry = self._cache.get(slug)
            if entry is not None:
                fresh = entry.fetched_at is not None and now - entry.fetched_at < self.cache_ttl_seconds
                if fresh:
                    return "cache", entry, ("ok", None)
                origin = "bootstrap" if entry.fetched_at is None else ("stale" if entry.refresh_failed else "cache")
                due = not entry.refresh_failed or entry.last_attempt is None or now - entry.last_attempt >= self._retry_interval
                refresh = due and slug not in self._flights
            else:
                missed = self._not_found.get(slug)
                if missed is not None and now - missed < self.cache_ttl_seconds:
                    return "fallback", None, ("not_found", None)
                failed = self._unreachable.get(slug)
                if failed is not None and now - failed < self._retry_interval and slug in self._fallbacks:
                    # xR2 just failed for this slug: answer at once, look again in the background.
                    if slug not in self._flights:
                        self._load(slug, blocking=False)
                    return "fallback", None, ("error", "xR2 was unreachable moments ago")
        if entry is not None:
            if refresh:
                self._load(slug, blocking=False)
            return origin, entry, ("ok", None)
        outcome = self._load(slug, blocking=True)
        if outcome[0] == "ok":
            return "network", outcome[1], outcome
        return "fallback", None, outcome

    def _load(self, slug: str, blocking: bool) -> Tuple[str, Any]:
        """Fetches `slug` once for all callers (single flight); blocking waits for the outcome."""
        with self._lock:
            flight = self._flights.get(slug)
            owner = flight is None
            if owner:
                flight = _Flight()
                self._flights[slug] = flight
        assert flight is not None
        if owner:
            if blocking:
                self._fetch_into_cache(slug, flight)
            else:
                threading.Thread(target=self._fetch_into_cache, args=(slug, flight), name="xr2-refresh", daemon=True).start()
        if not blocking:
            return ("pending", None)
        # Bounded even if the fetching thread vanished (it cannot, short of a fork: see below).
        if not flight.done.wait((self.max_retries + 1) * (self.fetch_timeout_seconds + 1.5) + 1.0):
            return ("error", "the fetch in progress did not finish")
        return flight.outcome

    def _fetch_into_cache(self, slug: str, flight: _Flight) -> None:
        outcome: Tuple[str, Any] = ("error", "unexpected error")
        try:
            with self._lock:
                entry = self._cache.get(slug)
                etag = entry.etag if entry is not None else None
            headers = {"If-None-Match": etag} if etag else None
            path = f"/api/v1/prompts/{urllib.parse.quote(slug, safe='')}?env={self.environment}"
            response = self._get_with_retries(path, headers)
            with self._lock:
                now = time.monotonic()
                current = self._cache.get(slug)
                if isinstance(response, str):
                    outcome = ("error", response)
                elif response.status == 200:
                    document = response.json()
                    if not _valid_document(document):
                        raise ValueError("the edge answered a prompt document this SDK cannot read")
                    fresh = _Entry(document, response.headers.get("etag"), now, compiled=_still_served(current, document))
                    _remember(self._cache, slug, fresh)
                    outcome = ("ok", fresh)
                elif response.status == 304 and current is not None:
                    current.fetched_at, current.refresh_failed, current.last_attempt = now, False, now
                    outcome = ("ok", current)
                elif response.status == 404 and response.error_code() == "NOT_FOUND":
                    if current is not None:
                        logger.warning("xr2: '%s' is no longer published to %s; dropped from the cache", slug, self.environment)
                    self._cache.pop(slug, None)
                    _remember(self._not_found, slug, now)
                    outcome = ("not_found", None)
                else:
                    outcome = ("error", f"HTTP {response.status} {response.error_code() or ''}".strip())
                if outcome[0] == "ok":
                    self._not_found.pop(slug, None)
                    self._unreachable.pop(slug, None)
                    if current is not None:
                        self._counters["refreshes"] += 1
        except Exception as error:  # noqa: BLE001 — a refresh must never take the app down
            outcome = ("error", f"{type(error).__name__}: {error}")
        finally:
            with self._lock:
                if outcome[0] == "error":
                    logger.warning("xr2: fetching '%s' failed (%s)", slug, outcome[1])
                    current = self._cache.get(slug)
                    if current is not None:
                        current.refresh_failed, current.last_attempt = True, time.monotonic()
                        self._counters["refresh_failures"] += 1
                    else:
                        _remember(self._unreachable, slug, time.monotonic())
                self._flights.pop(slug, None)
            flight.outcome = outcome
            flight.done.set()

    def _compiled(self, entry: _Entry, version: Mapping[str, Any]) -> Any:
        key = str(version.get("version_id"))
        compiled = entry.compiled.get(key)
        if compiled is None:
            if version.get("kind") == "chat":
                compiled = compile_messages(version.get("messages") or [])
            else:
                compiled = compile_template(version.get("content") or "")
            # Under the lock: a refresh copies entry.compiled (_still_served) under it, and a dict
            # must not grow while it is iterated. Compiling is deterministic: a race only compiles twice.
            with self._lock:
                entry.compiled[key] = compiled
        return compiled

    def _load_bootstrap(self, bootstrap: Any) -> None:
        if isinstance(bootstrap, os.PathLike):
            with open(bootstrap, "rb") as handle:
                bootstrap = handle.read()
        if isinstance(bootstrap, (bytes, bytearray)):
            bootstrap = bootstrap.decode("utf-8")
        if isinstance(bootstrap, str):
            bootstrap = json.loads(bootstrap)
        if not isinstance(bootstrap, Mapping) or not isinstance(bootstrap.get("prompts"), list):
            raise ValueError('bootstrap must be a bundle: {"environment": …, "prompts": [documents]} as GET /api/v1/prompts answers')
        if bootstrap.get("environment", self.environment) != self.environment:
            logger.warning("xr2: the bootstrap bundle is for %s, this client for %s; ignored", bootstrap.get("environment"), self.environment)
            return
        for document in bootstrap["prompts"]:
            if not _valid_document(document):
                raise ValueError(f"bootstrap holds a document this SDK cannot read: {str(document)[:80]}")
            _remember(self._cache, document["slug"], _Entry(dict(document), None, None))

    # ------------------------------------------------------------------ fallback, remote

    def _serve_fallback(self, slug: str, values: Dict[str, Any], unit_id: Optional[str], started: float, reason: Exception) -> Prompt:
        fallback = self._fallbacks.get(slug)
        if fallback is None:
            self._count("not_found" if isinstance(reason, PromptNotFoundError) else "unavailable")
            raise reason
        spec, compiled = fallback
        exposure = {"origin": "fallback", "slug": slug, "unit_id": unit_id}
        trace, content, messages = self._render_and_expose(compiled, values, spec.get("variables") or [], exposure, started)
        return Prompt(content, messages, dict(spec.get("model_config") or {}), None, None, trace, None, "fallback", slug, None)

    def _render_and_expose(self, compiled: Any, values: Dict[str, Any], variables: List[Dict[str, Any]], exposure: Dict[str, Any], started: float) -> Tuple[str, Optional[str], Optional[List[Dict[str, str]]]]:
        """Renders, reports the exposure (an error one when the values are refused, as the edge
        does) and counts the answer by its origin; returns the trace id and the rendering."""
        trace = new_trace_id()
        try:
            content, messages = _render(compiled, values, variables)
        except TemplateError:
            self._count("validation_errors")
            self._expose(trace, exposure, started, error_code="VALIDATION_FAILED")
            raise
        self._expose(trace, exposure, started)
        with self._lock:
            self._served[exposure["origin"]] += 1
        return trace, content, messages

    def _get_remote(self, slug: str, values: Dict[str, Any], unit_id: Optional[str], started: float) -> Prompt:
        query = [("env", self.environment)] + ([("unit_id", unit_id)] if unit_id is not None else []) + ([("source", self.source)] if self.source else [])
        path = f"/api/v1/get-prompt/{urllib.parse.quote(slug, safe='')}?{urllib.parse.urlencode(query)}"
        # None means "no value" locally; the edge takes only strings, numbers and booleans.
        response = self._post_with_retries(path, {"variables": {name: value for name, value in values.items() if value is not None}})
        body = _json_object(response) if not isinstance(response, str) and response.status == 200 else None
        if body is not None and isinstance(response, _http.Response):
            with self._lock:
                self._served["network"] += 1
            return Prompt(
                content=body.get("content"),
                messages=body.get("messages"),
                model_config=dict(body.get("model_config") or {}),
                version=body.get("version"),
                version_id=body.get("version_id"),
                trace_id=body.get("trace_id") or response.headers.get("x-trace-id", ""),
                variant=body.get("variant"),
                origin="network",
                slug=slug,
                prompt_id=body.get("prompt_id"),
            )
        if not isinstance(response, str) and response.status == 400 and response.error_code() == "VALIDATION_FAILED":
            self._count("validation_errors")
            raise _template_error_from(response)
        if not isinstance(response, str) and response.status == 404 and response.error_code() == "NOT_FOUND":
            return self._serve_fallback(slug, values, unit_id, started, PromptNotFoundError(slug, self.environment))
        problem = response if isinstance(response, str) else f"HTTP {response.status} {response.error_code() or ''}".strip()
        if body is None and not isinstance(response, str) and response.status == 200:
            problem = "HTTP 200 with a body that is not a JSON object"
        logger.warning("xr2: get-prompt '%s' failed (%s)", slug, problem)
        return self._serve_fallback(slug, values, unit_id, started, PromptUnavailableError(slug, problem))

    # ------------------------------------------------------------------ plumbing

    def _expose(self, trace: str, fields: Mapping[str, Any], started: float, error_code: Optional[str] = None) -> None:
        item: Dict[str, Any] = {"trace_id": trace, "environment": self.environment, "served_at": iso_now()}
        item.update((name, value) for name, value in fields.items() if value is not None)
        item["status"] = "error" if error_code else "success"
        if error_code:
            item["error_code"] = error_code
        if self.source:
            item["source"] = self.source
        # perf_counter is monotonic; clamped anyway into what the edge accepts (0 to one hour).
        item["latency_ms"] = min(max(0.0, round((time.perf_counter() - started) * 1000, 3)), _MAX_LATENCY_MS)
        self._sender.enqueue("exposures", item)

    def _count(self, name: str) -> None:
        with self._lock:
            self._counters[name] += 1

    def _post(self, path: str, body: Any, timeout: float) -> _http.Response:
        return _http.request("POST", self.base_url + path, self._api_key, timeout, body=body)

    def _get_with_retries(self, path: str, headers: Optional[Mapping[str, str]] = None) -> Union[_http.Response, str]:
        return self._with_retries(lambda: _http.request("GET", self.base_url + path, self._api_key, self.fetch_timeout_seconds, headers=headers), idempotent=True)

    def _post_with_retries(self, path: str, body: Any) -> Union[_http.Response, str]:
        """The rendered get-prompt is not idempotent (the edge records an exposure per call): sent
        again only after an answer that proves it was not served, never after a timeout."""
        return self._with_retries(lambda: _http.request("POST", self.base_url + path, self._api_key, self.fetch_timeout_seconds, body=body), idempotent=False)

    def _with_retries(self, attempt: Any, idempotent: bool) -> Union[_http.Response, str]:
        """The answer (any status but a retryable one, or the last one), or a transport problem
        as a string. A caller waits at most about a second between attempts: a Retry-After
        longer than that ends the retries (the cache or fallback answers meanwhile).

        Idempotent requests retry any transport error and RETRYABLE_STATUSES. The others retry
        only what proves the request was not served: a refused connection (or unresolved name),
        and 429 or 503 with a Retry-After (the edge answers those before doing anything); a
        timeout, a cut connection or another 5xx may have been served, so it is not sent again."""
        problem = "no attempt"
        for index in range(self.max_retries + 1):
            try:
                response = attempt()
            except _http.TransportError as error:
                if not idempotent and not error.not_sent:
                    return str(error)
                problem, wait = str(error), _http.backoff_delay(index, 0.1, 1.0)
            else:
                retry_after = response.retry_after()
                if idempotent:
                    retryable = response.status in _http.RETRYABLE_STATUSES
                else:
                    retryable = response.status in (429, 503) and retry_after is not None
                if not retryable or index == self.max_retries:
                    return response
                if retry_after is not None and retry_after > 1.0:
                    return response
                problem, wait = f"HTTP {response.status}", retry_after if retry_after is not None else _http.backoff_delay(index, 0.1, 1.0)
            if index < self.max_retries:
                time.sleep(wait)
        return problem


# ---------------------------------------------------------------------- helpers


def _remember(table: Dict[str, Any], slug: str, value: Any) -> None:
    """table[slug] = value, forgetting the oldest slug when the table is full."""
    if slug not in table and len(table) >= _MAX_REMEMBERED_SLUGS:
        del table[next(iter(table))]
    table[slug] = value


def _still_served(old: Optional[_Entry], document: Mapping[str, Any]) -> Dict[str, Any]:
    """The compiled templates of `old` that the new document still serves. A version's text changes
    only when a republish inlines a newer snippet, which is a new deployment: a new published_at."""
    if old is None or old.document.get("published_at") != document.get("published_at"):
        return {}
    served = {str(document.get("version_id"))}
    for variant in (document.get("experiment") or {}).get("variants") or []:
        served.add(str((variant.get("version") or {}).get("version_id")))
    return {version_id: compiled for version_id, compiled in old.compiled.items() if version_id in served}


def _choose_version(document: Mapping[str, Any], unit_id: Optional[str]) -> Tuple[Mapping[str, Any], Optional[str], Optional[str]]:
    """The edge's chooseVersion: without a running experiment or a unit_id, the published version
    and no variant; otherwise the variant the unit hashes to."""
    experiment = document.get("experiment")
    if not experiment or unit_id is None:
        return document, None, None
    variants = experiment["variants"]
    key = assign_variant(experiment["id"], unit_id, variants)
    chosen = next(variant for variant in variants if variant["key"] == key)
    return chosen["version"], key, experiment["id"]


def _render(compiled: Any, values: Mapping[str, Any], definitions: List[Mapping[str, Any]]) -> Tuple[Optional[str], Optional[List[Dict[str, str]]]]:
    """The edge's renderPrompt: coerce the values, then render (not strict)."""
    coerced = coerce_variables(values, definitions)
    if isinstance(compiled, CompiledTemplate):
        return render_template(compiled, coerced, definitions), None
    return None, render_messages(compiled, coerced, definitions)


def _json_object(response: _http.Response) -> Optional[Dict[str, Any]]:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _check_values(values: Mapping[str, Any]) -> None:
    """The edge's checks of request values before the engine: identifier names, at most 100
    values, strings of at most 10,000 characters. Refused like the edge's 400."""
    problems: List[TemplateErrorDetail] = []
    if len(values) > _MAX_VARIABLES:
        problems.append(TemplateErrorDetail("limit_exceeded", f"at most {_MAX_VARIABLES} variables"))
    for name, value in values.items():
        if not isinstance(name, str) or not _VARIABLE_NAME.fullmatch(name):
            problems.append(TemplateErrorDetail("type_mismatch", f"variable names are identifiers, not {name!r}", variable=str(name)))
        elif isinstance(value, str) and len(value) > _MAX_VALUE_CHARS:
            problems.append(TemplateErrorDetail("type_mismatch", f'variable "{name}" has more than {_MAX_VALUE_CHARS} characters', variable=name))
    if problems:
        raise TemplateError(problems)


def _valid_document(document: Any) -> bool:
    if not isinstance(document, Mapping) or not isinstance(document.get("slug"), str):
        return False
    versions = [document] + [variant.get("version") or {} for variant in ((document.get("experiment") or {}).get("variants") or [])]
    for version in versions:
        if not isinstance(version, Mapping) or not version.get("version_id"):
            return False
        if version.get("kind") == "chat":
            if not isinstance(version.get("messages"), list):
                return False
        elif not isinstance(version.get("content"), str):
            return False
    return True


def _compile_fallback(slug: str, spec: Mapping[str, Any]) -> Tuple[Mapping[str, Any], Union[CompiledTemplate, List[CompiledMessage]]]:
    """Fallbacks are the app's own code: an invalid one fails at construction, not in production."""
    if not isinstance(spec, Mapping) or (("content" in spec) == ("messages" in spec)):
        raise ValueError(f'fallback "{slug}" needs exactly one of "content" (a template) or "messages" (chat messages)')
    try:
        if "content" in spec:
            return spec, compile_template(spec["content"])
        return spec, compile_messages(spec["messages"])
    except TemplateError as error:
        raise ValueError(f'fallback "{slug}" does not compile: {error}') from error


def _template_error_from(response: _http.Response) -> TemplateError:
    """The edge's 400 VALIDATION_FAILED as the engine's exception (its details are engine errors)."""
    try:
        error = response.json()["error"]
        details = []
        for item in error.get("details") or []:
            if not isinstance(item, Mapping):
                continue
            if item.get("code") in _ENGINE_CODES:  # the engine's own errors
                details.append(TemplateErrorDetail(str(item["code"]), str(item.get("message", "")), variable=item.get("variable")))
            else:  # the request's schema (zod issues): name the variable from the path
                path = item.get("path") or []
                variable = path[-1] if path and isinstance(path[-1], str) and path[-1] != "variables" else None
                details.append(TemplateErrorDetail("type_mismatch", str(item.get("message", "invalid value")), variable=variable))
        return TemplateError(details or [TemplateErrorDetail("type_mismatch", str(error.get("message", "invalid variables")))])
    except Exception:  # noqa: BLE001
        return TemplateError([TemplateErrorDetail("type_mismatch", "the edge refused the variables")])


def _event_problem(event: Mapping[str, Any]) -> Optional[str]:
    """Why the edge would refuse the event (contract §4), or None; checked before queueing so a
    bad event cannot spoil a batch's JSON."""
    if not isinstance(event["event_id"], str) or not _EVENT_ID.fullmatch(event["event_id"]):
        return "event_id must be letters, digits, '_', '.', ':' or '-' (at most 128)"
    if not isinstance(event["trace_id"], str) or not _TRACE_ID.fullmatch(event["trace_id"]):
        return "trace_id must be the trace_id of a served prompt"
    if not isinstance(event["event_name"], str) or not _EVENT_NAME.fullmatch(event["event_name"]):
        return "event_name must be lower-case letters, digits, '_', '.', ':' or '-' (at most 64)"
    fields = event["fields"]
    if len(fields) > _MAX_EVENT_FIELDS:
        return f"at most {_MAX_EVENT_FIELDS} fields"
    for name, value in fields.items():
        if not isinstance(name, str) or not _VARIABLE_NAME.fullmatch(name):
            return f"field name {name!r} is not an identifier"
        if isinstance(value, str):
            if len(value) > _MAX_FIELD_VALUE_CHARS or _UNSTORABLE.search(value):
                return f"field {name!r}: text of at most {_MAX_FIELD_VALUE_CHARS} characters"
        elif isinstance(value, float) and not math.isfinite(value):
            return f"field {name!r} must be a finite number"
        elif value is not None and not isinstance(value, (bool, int, float)):
            return f"field {name!r} must be text, a number, a boolean or None"
    category = event.get("category")
    if category is not None and (not isinstance(category, str) or not 1 <= len(category.strip()) <= 64):
        return "category must be 1-64 characters"
    when = event["timestamp"]
    if isinstance(when, bool) or not isinstance(when, (str, int)) or (isinstance(when, int) and when <= 0):
        return "timestamp must be ISO 8601 with offset, a datetime or positive Unix milliseconds"
    return None


def _reset_after_fork() -> None:
    # In a forked child (gunicorn, multiprocessing) only the forking thread survives: fetches in
    # flight belong to threads that are gone, and the lock may have been held by one of them.
    for client in list(_live_clients):
        client._lock = threading.RLock()
        client._flights = {}


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


@atexit.register
def _flush_at_exit() -> None:
    """Best effort: give each open client a bounded moment to send what it queued."""
    for client in list(_live_clients):
        try:
            client.close()
        except Exception:  # noqa: BLE001 — never fail the interpreter's exit
            pass
