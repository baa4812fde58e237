"""A small in-memory stand-in for the xR2 edge (the SDK contract's endpoints) on 127.0.0.1, with
fault injection: statuses for the next N requests (503, 429 with Retry-After, 401…), slow
answers, per-item refusals, a revoked key, and a real shutdown (connection refused).

It stores events by event_id and exposures by trace_id, as the edge does, and also counts every
delivery, so tests can see that retries never double-count and nothing is lost.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, unquote, urlsplit

from xr2.assignment import assign_variant
from xr2.template import TemplateError, coerce_variables, compile_messages, compile_template, render_messages, render_template

API_KEY = "xr2_test_secret_key_0123456789"


@dataclass
class Fault:
    method: Optional[str]
    path_prefix: str
    times: int
    status: int = 503
    retry_after: Optional[str] = None
    delay: float = 0.0


class EdgeStandIn:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.documents: Dict[Tuple[str, str], Dict[str, Any]] = {}
        self.versions: Dict[str, Dict[str, Any]] = {}  # version_id → version, for exposure validation
        self.revoked = False
        self.faults: List[Fault] = []
        self.requests: List[Dict[str, Any]] = []  # method, path, query, headers, status, time, size
        self.events: Dict[str, Dict[str, Any]] = {}
        self.event_deliveries: Counter = Counter()
        self.exposures: Dict[str, Dict[str, Any]] = {}
        self.exposure_deliveries: Counter = Counter()
        self.refuse_event: Callable[[Dict[str, Any]], Optional[str]] = lambda event: "refused by the test" if event.get("event_name") == "refuse_me" else None
        self._counter = 0
        self.server: Optional[ThreadingHTTPServer] = None

    # ------------------------------------------------------------------ control

    def start(self) -> "EdgeStandIn":
        standin = self

        class Handler(_Handler):
            pass

        Handler.standin = standin
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        """Shuts the server down and closes its socket: later connections are refused."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def fail(self, path_prefix: str, times: int, status: int = 503, retry_after: Optional[str] = None, method: Optional[str] = None, delay: float = 0.0) -> None:
        with self.lock:
            self.faults.append(Fault(method, path_prefix, times, status, retry_after, delay))

    def slow(self, path_prefix: str, seconds: float, times: int = 1000) -> None:
        self.fail(path_prefix, times, status=0, delay=seconds)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def _next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}_{self._counter:04d}"

    def version(self, content: Optional[str] = None, messages: Optional[List[Dict[str, str]]] = None, variables: Optional[List[Dict[str, Any]]] = None, model: str = "gpt-4o-mini", number: int = 1) -> Dict[str, Any]:
        version = {
            "version_id": self._next_id("pv"),
            "version": number,
            "kind": "chat" if messages is not None else "text",
            "content": content if messages is None else None,
            "messages": messages,
            "variables": variables or [],
            "model_config": {"model": model},
        }
        self.versions[version["version_id"]] = version
        return version

    def publish(
        self,
        slug: str,
        content: Optional[str] = None,
        messages: Optional[List[Dict[str, str]]] = None,
        variables: Optional[List[Dict[str, Any]]] = None,
        environment: str = "production",
        experiment: Optional[Dict[str, Any]] = None,
    ) -> Dict[str, Any]:
        """Publishes a new version (numbered after the previous one) and returns the document."""
        with self.lock:
            previous = self.documents.get((environment, slug))
            number = previous["version"] + 1 if previous else 1
            version = self.version(content, messages, variables, number=number)
            document = {
                "slug": slug,
                "prompt_id": previous["prompt_id"] if previous else self._next_id("pr"),
                "environment": environment,
                **version,
                "published_at": "2026-12-06T09:00:00.000Z",
                "experiment": experiment,
            }
            self.documents[(environment, slug)] = document
            return document

    def unpublish(self, slug: str, environment: str = "production") -> None:
        with self.lock:
            self.documents.pop((environment, slug), None)

    def count(self, method: str, path: str) -> int:
        with self.lock:
            return sum(1 for request in self.requests if request["method"] == method and request["path"] == path)

    # ------------------------------------------------------------------ routes (called by the handler)

    def take_fault(self, method: str, path: str) -> Optional[Fault]:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and path.startswith(fault.path_prefix) and (fault.method is None or fault.method == method):
                    fault.times -= 1
                    return fault
        return None


def _etag(value: Any) -> str:
    return '"' + hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:20] + '"'


def _error(code: str, message: str, details: Any = None) -> Dict[str, Any]:
    error: Dict[str, Any] = {"code": code, "message": message, "request_id": "req_test"}
    if details is not None:
        error["details"] = details
    return {"error": error}


class _Handler(BaseHTTPRequestHandler):
    standin: EdgeStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        standin = self.standin
        record = {"method": method, "path": path, "query": query, "headers": dict(self.headers.items()), "time": time.monotonic(), "body": raw}
        with standin.lock:
            standin.requests.append(record)
        fault = standin.take_fault(method, path)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.status:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            code = {503: "DEPENDENCY_UNAVAILABLE", 429: "RATE_LIMITED", 401: "UNAUTHENTICATED"}.get(fault.status, "INTERNAL")
            return self._send(fault.status, _error(code, "injected by the test"), headers, record)
        if self.headers.get("authorization") != f"Bearer {API_KEY}" or standin.revoked:
            return self._send(401, _error("UNAUTHENTICATED", "missing, unknown or revoked API key"), {}, record)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self._send(400, _error("BAD_REQUEST", "the body must be JSON"), {}, record)
        environment = (query.get("env") or ["production"])[0]
        if method == "GET" and path.startswith("/api/v1/prompts/"):
            slug = unquote(path[len("/api/v1/prompts/") :])
            with standin.lock:
                document = standin.documents.get((environment, slug))
            if document is None:
                return self._send(404, _error("NOT_FOUND", f"No version of '{slug}' is published to {environment}"), {}, record)
            return self._conditional(document, record)
        if method == "GET" and path == "/api/v1/prompts":
            wanted = query.get("slug")
            with standin.lock:
                prompts = [doc for (env, slug), doc in sorted(standin.documents.items()) if env == environment and (wanted is None or slug in wanted)]
            return self._conditional({"environment": environment, "prompts": prompts}, record)
        if method == "POST" and path == "/api/v1/events/batch":
            return self._batch(body, "events", "event_id", record)
        if method == "POST" and path == "/api/v1/exposures":
            return self._batch(body, "exposures", "trace_id", record)
        if method == "POST" and path.startswith("/api/v1/get-prompt/"):
            return self._get_prompt(unquote(path[len("/api/v1/get-prompt/") :]), environment, query, body or {}, record)
        return self._send(404, _error("NOT_FOUND", "no such route"), {}, record)

    def _conditional(self, value: Any, record: Dict[str, Any]) -> None:
        etag = _etag(value)
        if self.headers.get("if-none-match") == etag:
            return self._send(304, None, {"ETag": etag}, record)
        return self._send(200, value, {"ETag": etag}, record)

    def _batch(self, body: Any, key: str, id_field: str, record: Dict[str, Any]) -> None:
        standin = self.standin
        items = (body or {}).get(key)
        if not isinstance(items, list) or not 1 <= len(items) <= 100:
            return self._send(400, _error("VALIDATION_FAILED", f"{key} must hold 1 to 100 items"), {}, record)
        record["items"] = len(items)
        results = []
        with standin.lock:
            for index, item in enumerate(items):
                problem = standin.refuse_event(item) if key == "events" else _exposure_problem(item, standin.versions)
                identifier = item.get(id_field)
                if problem:
                    results.append({"index": index, id_field: identifier, "accepted": False, "error": {"code": "VALIDATION_FAILED", "message": problem}})
                    continue
                if key == "events":
                    standin.event_deliveries[identifier] += 1
                    standin.events.setdefault(identifier, item)
                else:
                    standin.exposure_deliveries[identifier] += 1
                    standin.exposures.setdefault(identifier, item)
                results.append({"index": index, id_field: identifier, "accepted": True})
        return self._send(202, {"results": results}, {}, record)

    def _get_prompt(self, slug: str, environment: str, query: Dict[str, List[str]], body: Dict[str, Any], record: Dict[str, Any]) -> None:
        with self.standin.lock:
            document = self.standin.documents.get((environment, slug))
        if document is None:
            return self._send(404, _error("NOT_FOUND", f"No version of '{slug}' is published to {environment}"), {}, record)
        unit = (query.get("unit_id") or [None])[0]
        version, variant = document, None
        if document.get("experiment") and unit is not None:
            experiment = document["experiment"]
            variant = assign_variant(experiment["id"], unit, experiment["variants"])
            version = next(v["version"] for v in experiment["variants"] if v["key"] == variant)
        try:
            values = coerce_variables(body.get("variables") or {}, version["variables"])
            if version["kind"] == "chat":
                content, messages = None, render_messages(compile_messages(version["messages"]), values, version["variables"])
            else:
                content, messages = render_template(compile_template(version["content"]), values, version["variables"]), None
        except TemplateError as error:
            return self._send(400, _error("VALIDATION_FAILED", str(error), [detail.to_dict() for detail in error.errors]), {}, record)
        answer = {
            "slug": slug, "prompt_id": document["prompt_id"], "version_id": version["version_id"], "version": version["version"],
            "environment": environment, "content": content, "messages": messages, "model_config": version["model_config"],
            "variables": values, "trace_id": "tr_remote" + self.standin._next_id(""),
        }
        if variant is not None:
            answer["variant"] = variant
        return self._send(200, answer, {}, record)

    def _send(self, status: int, body: Any, headers: Dict[str, str], record: Dict[str, Any]) -> None:
        record["status"] = status
        payload = b"" if body is None else json.dumps(body).encode()
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if payload:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)


_EXPOSURE_KEYS = {
    "trace_id", "origin", "slug", "prompt_id", "version_id", "environment", "served_at", "status",
    "error_code", "unit_id", "variant", "experiment_id", "source", "latency_ms",
}


def _exposure_problem(item: Dict[str, Any], versions: Dict[str, Dict[str, Any]]) -> Optional[str]:
    """The edge's checks of an exposure (exposureInputSchema and the tenancy check), in short."""
    unknown = set(item) - _EXPOSURE_KEYS
    if unknown:
        return f"unknown keys {sorted(unknown)}"
    if not re.fullmatch(r"tr_[0-9a-hjkmnp-tv-z]{26}", str(item.get("trace_id"))):
        return "trace_id must be 'tr_' followed by a lower-case ULID"
    for name in ("origin", "slug", "environment", "served_at"):
        if not item.get(name):
            return f"{name} is required"
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", item["served_at"]):
        return "served_at must be ISO 8601 with offset"
    if item["origin"] not in ("network", "cache", "stale", "bootstrap", "fallback"):
        return "unknown origin"
    if item["origin"] == "fallback":
        if any(item.get(name) for name in ("prompt_id", "version_id", "variant", "experiment_id")):
            return "a fallback carries no prompt_id, version_id, variant or experiment_id"
    else:
        if not item.get("prompt_id") or not item.get("version_id"):
            return "prompt_id and version_id are required unless origin is fallback"
        if item["version_id"] not in versions:
            return "version of another workspace"
    if item.get("status", "success") not in ("success", "error"):
        return "unknown status"
    if (item.get("variant") is None) != (item.get("experiment_id") is None):
        return "variant and experiment_id go together"
    if not isinstance(item.get("latency_ms", 0), (int, float)) or item.get("latency_ms", 0) < 0:
        return "latency_ms must be a non-negative number"
    return None
