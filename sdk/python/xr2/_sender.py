"""The background sender of business events and exposures: one daemon thread per client.

Items wait in a bounded in-memory queue per kind (a full queue drops the new item and counts it)
and leave in batches of up to 100 (and under the edge's body limit): one flush interval after the
first item queued, at once when a full batch is waiting, or when flush()/close() ask. A batch
that meets a network error, a timeout, 408/425/429 or a 5xx is sent again, whole and with the
same ids (the edge stores events by event_id and exposures by trace_id, so a retry never counts
twice), after an exponential backoff with jitter (capped, 30 s by default) or the server's
Retry-After when that is longer, for as long as the retry budget lasts (ten minutes by default,
so an outage of the edge loses nothing); then it is given up and counted as failed. Meanwhile new
items wait in the bounded queue, and past its bound they are dropped and counted. close() cuts
the waiting short, so shutting down stays bounded. Items the edge refuses one by one
(validation) are dropped and counted as refused: sending them again cannot help.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import weakref
from collections import deque
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple

from ._http import RETRYABLE_STATUSES, Response, TransportError, retry_delay

logger = logging.getLogger("xr2")

# kind → (path, body key, id field, body byte budget (the edge's limit less a margin))
KINDS: Dict[str, Tuple[str, str, str, int]] = {
    "events": ("/api/v1/events/batch", "events", "event_id", 100 * 1024 - 512),
    "exposures": ("/api/v1/exposures", "exposures", "trace_id", 128 * 1024 - 512),
}
_COUNTERS = ("sent", "dropped", "refused", "failed", "retries")

Post = Callable[[str, Any, float], Response]


class Sender:
    def __init__(
        self,
        post: Post,
        *,
        max_queue_size: int,
        max_batch_size: int,
        flush_interval: float,
        max_retry_duration: float,
        retry_base: float,
        retry_max: float,
        timeout: float,
    ) -> None:
        if not 1 <= max_batch_size <= 100:
            raise ValueError("max_batch_size must be within 1..100 (the edge's limit)")
        self._post = post
        self._max_queue_size = max(1, int(max_queue_size))
        self._max_batch_size = int(max_batch_size)
        self._flush_interval = float(flush_interval)
        if not max_retry_duration >= 0:
            raise ValueError("the retry duration must be a number of seconds, at least 0")
        self._max_retry_duration = float(max_retry_duration)
        self._retry_base = float(retry_base)
        self._retry_max = float(retry_max)
        self._timeout = float(timeout)
        self._init_state()
        _live_senders.add(self)

    def _init_state(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._queues: Dict[str, Deque[Tuple[Dict[str, Any], int]]] = {kind: deque() for kind in KINDS}
        self._first_at: Dict[str, Optional[float]] = {kind: None for kind in KINDS}
        self._in_flight = 0
        self._flush_waiters = 0
        self._closing = False
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._counts: Dict[str, Dict[str, int]] = {kind: {name: 0 for name in _COUNTERS} for kind in KINDS}

    # ------------------------------------------------------------------ public

    def enqueue(self, kind: str, item: Dict[str, Any]) -> bool:
        """Queues one item; False when it was dropped (queue full or sender closed)."""
        try:
            size = len(json.dumps(item, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")) + 1
        except (TypeError, ValueError) as error:  # would spoil the whole batch's JSON
            logger.warning("xr2: an item of %s cannot be sent as JSON (%s); dropped", kind, error)
            self._count(kind, "refused")
            return False
        with self._cond:
            if self._closing or sum(len(queue) for queue in self._queues.values()) >= self._max_queue_size:
                self._counts[kind]["dropped"] += 1
                full = not self._closing
            else:
                self._queues[kind].append((item, size))
                if self._first_at[kind] is None:
                    self._first_at[kind] = time.monotonic()
                self._ensure_thread()
                self._cond.notify_all()
                return True
        if full:
            logger.warning("xr2: the %s queue is full (%d items); an item was dropped", kind, self._max_queue_size)
        return False

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Blocks until everything queued is sent or given up; False if the timeout came first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._flush_waiters += 1
            self._cond.notify_all()
            try:
                while self._pending() > 0:
                    if self._thread is None or not self._thread.is_alive():
                        self._ensure_thread()
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        return False
                    self._cond.wait(remaining)
                return True
            finally:
                self._flush_waiters -= 1

    def close(self, timeout: Optional[float] = None) -> bool:
        """Flushes (bounded by timeout), then stops the thread; items still queued count as failed."""
        drained = self.flush(timeout)
        with self._cond:
            self._closing = True
            self._stop.set()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=max(1.0, self._timeout + 0.5))
        with self._cond:
            for kind, queue in self._queues.items():
                if queue:
                    logger.warning("xr2: %d %s were still queued at close and are lost", len(queue), kind)
                    self._counts[kind]["failed"] += len(queue)
                    queue.clear()
        _live_senders.discard(self)
        return drained

    def stats(self) -> Dict[str, Any]:
        with self._cond:
            out: Dict[str, Any] = {name: sum(counts[name] for counts in self._counts.values()) for name in _COUNTERS}
            out["queued"] = sum(len(queue) for queue in self._queues.values())
            out["in_flight"] = self._in_flight
            for kind, counts in self._counts.items():
                out[kind] = dict(counts, queued=len(self._queues[kind]))
            return out

    # ------------------------------------------------------------------ thread

    def _pending(self) -> int:
        return sum(len(queue) for queue in self._queues.values()) + self._in_flight

    def _ensure_thread(self) -> None:
        """Starts the thread (caller holds the lock); lazily, and again in a forked child."""
        if self._thread is not None and self._thread.is_alive():
            return
        if self._closing:
            return
        self._thread = threading.Thread(target=self._run, name="xr2-sender", daemon=True)
        self._thread.start()

    def _ready_kind(self, now: float) -> Optional[str]:
        hurry = self._flush_waiters > 0 or self._closing
        for kind, queue in self._queues.items():
            first = self._first_at[kind]
            if queue and (hurry or len(queue) >= self._max_batch_size or (first is not None and now - first >= self._flush_interval)):
                return kind
        return None

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._stop.is_set():
                        return  # close() counts what is left
                    now = time.monotonic()
                    kind = self._ready_kind(now)
                    if kind is not None:
                        break
                    waits = [first + self._flush_interval - now for first in self._first_at.values() if first is not None]
                    self._cond.wait(max(0.001, min(waits)) if waits else None)
                batch = self._take(kind)
                self._in_flight += len(batch)
            try:
                self._deliver(kind, batch)
            except Exception:  # noqa: BLE001 — the thread must survive anything; the batch is counted
                logger.exception("xr2: unexpected error while sending %s", kind)
                self._count(kind, "failed", len(batch))
            finally:
                with self._cond:
                    self._in_flight -= len(batch)
                    self._cond.notify_all()

    def _take(self, kind: str) -> List[Dict[str, Any]]:
        budget = KINDS[kind][3] - 32
        queue = self._queues[kind]
        batch: List[Dict[str, Any]] = []
        while queue and len(batch) < self._max_batch_size:
            item, size = queue[0]
            if batch and size > budget:
                break
            queue.popleft()
            batch.append(item)
            budget -= size
        # What is left has waited as long as what leaves: it goes next, without a new interval.
        if not queue:
            self._first_at[kind] = None
        return batch

    def _count(self, kind: str, name: str, amount: int = 1) -> None:
        with self._cond:
            self._counts[kind][name] += amount

    def _deliver(self, kind: str, batch: List[Dict[str, Any]]) -> None:
        path, key, id_field, _ = KINDS[kind]
        started = time.monotonic()
        attempt = 0
        while True:
            if attempt > 0:
                self._count(kind, "retries")
            try:
                response = self._post(path, {key: batch}, self._timeout)
            except TransportError as error:
                problem, wait = str(error), retry_delay(attempt, self._retry_base, self._retry_max)
            else:
                if 200 <= response.status < 300:
                    self._settle(kind, batch, id_field, response)
                    return
                if response.status == 413 and len(batch) > 1:
                    middle = len(batch) // 2
                    self._deliver(kind, batch[:middle])
                    self._deliver(kind, batch[middle:])
                    return
                if response.status not in RETRYABLE_STATUSES:
                    logger.warning(
                        "xr2: %d %s given up: the edge answered %d %s",
                        len(batch), kind, response.status, response.error_code() or "",
                    )
                    self._count(kind, "failed", len(batch))
                    return
                problem = f"HTTP {response.status}"
                wait = retry_delay(attempt, self._retry_base, self._retry_max, response.retry_after())
            attempt += 1
            if time.monotonic() + wait - started > self._max_retry_duration:
                logger.warning(
                    "xr2: %d %s given up after %d attempts in %.0f s (last: %s)",
                    len(batch), kind, attempt, time.monotonic() - started, problem,
                )
                break
            logger.info("xr2: sending %d %s failed (%s); retrying in %.2f s", len(batch), kind, problem, wait)
            if self._stop.wait(wait):
                logger.warning("xr2: %d %s given up: the client closed while the edge was failing (%s)", len(batch), kind, problem)
                break  # closing: give up now rather than hold the interpreter's exit
        self._count(kind, "failed", len(batch))

    def _settle(self, kind: str, batch: List[Dict[str, Any]], id_field: str, response: Response) -> None:
        refused: List[str] = []
        try:
            results = response.json()["results"]
            by_index = {int(result["index"]): result for result in results}
        except Exception:  # noqa: BLE001 — a 2xx without per-item results: the batch was taken
            by_index = {}
        for index, item in enumerate(batch):
            result = by_index.get(index)
            if result is not None and result.get("accepted") is False:
                error = result.get("error") or {}
                refused.append(f"{item.get(id_field)}: {error.get('code', '?')} {error.get('message', '')}")
        if refused:
            logger.warning("xr2: the edge refused %d %s (dropped, not retried): %s", len(refused), kind, "; ".join(refused[:5]))
        with self._cond:
            self._counts[kind]["refused"] += len(refused)
            self._counts[kind]["sent"] += len(batch) - len(refused)

    def _after_fork_in_child(self) -> None:
        # The parent still holds (and will send) what was queued; the child starts empty, with
        # fresh locks (the parent's could have been held by its sender thread at fork time).
        counts = self._counts
        self._init_state()
        self._counts = counts


_live_senders: "weakref.WeakSet[Sender]" = weakref.WeakSet()


def _reset_after_fork() -> None:
    for sender in list(_live_senders):
        sender._after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)
