"""The client against the edge stand-in (tests/edge_standin.py): where answers come from (network,
cache, stale, bootstrap, fallback), refresh with ETags, errors, local assignment, exposures,
and the background sender through faults (503s, 429 with Retry-After, refusals, a full queue)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
import unittest
import warnings
from unittest import mock
import urllib.request
from typing import Any, Callable, Dict, List

from tests.edge_standin import API_KEY, EdgeStandIn
from xr2 import XR2, PromptNotFoundError, PromptUnavailableError, TemplateError, assign_variant

NAME = [{"name": "name", "type": "string", "required": True}]
PROMPT_PATH = "/api/v1/prompts/welcome"


def eventually(check: Callable[[], Any], timeout: float = 8.0, message: str = "condition never held") -> Any:
    """Polls `check` until it returns something truthy (no assertion on how long it takes)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.02)


class ClientTestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.edge = EdgeStandIn().start()
        self.addCleanup(self.edge.stop)
        self.clients: List[XR2] = []

    def tearDown(self) -> None:
        for client in self.clients:
            client.close(timeout=2)

    def client(self, **options: Any) -> XR2:
        settings: Dict[str, Any] = dict(
            api_key=API_KEY, base_url=self.edge.url, source="test-app", cache_ttl_seconds=60, fetch_timeout_seconds=1.0, max_retries=1,
            flush_interval_seconds=0.05, retry_base_seconds=0.01, retry_max_seconds=0.05,
        )
        settings.update(options)
        client = XR2(**settings)
        self.clients.append(client)
        return client

    def exposures(self) -> List[Dict[str, Any]]:
        with self.edge.lock:
            return sorted(self.edge.exposures.values(), key=lambda item: item["served_at"])


class OriginsTest(ClientTestCase):
    def test_network_then_cache_and_exposures(self) -> None:
        document = self.edge.publish("welcome", "Hi {name}", variables=NAME)
        xr2 = self.client()
        first = xr2.get_prompt("welcome", {"name": "Ada"})
        second = xr2.get_prompt("welcome", {"name": "Bob"})
        self.assertEqual((first.origin, first.content, first.version, first.version_id), ("network", "Hi Ada", 1, document["version_id"]))
        self.assertEqual((second.origin, second.content), ("cache", "Hi Bob"))
        self.assertEqual((first.messages, first.model_config, first.prompt_id, first.variant), (None, {"model": "gpt-4o-mini"}, document["prompt_id"], None))
        self.assertRegex(first.trace_id, r"^tr_[0-9a-hjkmnp-tv-z]{26}$")
        self.assertNotEqual(first.trace_id, second.trace_id)
        self.assertEqual(self.edge.count("GET", PROMPT_PATH), 1)
        self.assertTrue(xr2.flush(timeout=5))
        exposures = {item["trace_id"]: item for item in self.exposures()}
        self.assertEqual(set(exposures), {first.trace_id, second.trace_id})
        item = exposures[first.trace_id]
        self.assertEqual(
            {key: item[key] for key in ("origin", "slug", "prompt_id", "version_id", "environment", "status", "source")},
            {"origin": "network", "slug": "welcome", "prompt_id": document["prompt_id"], "version_id": document["version_id"], "environment": "production", "status": "success", "source": "test-app"},
        )
        self.assertRegex(item["served_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertGreaterEqual(item["latency_ms"], 0)
        self.assertEqual(exposures[second.trace_id]["origin"], "cache")
        self.assertEqual(xr2.stats()["origins"]["network"], 1)

    def test_latency_is_never_negative(self) -> None:
        # perf_counter is monotonic on the supported platforms; even a clock that stepped back
        # (simulated here) must not report a negative latency, which the edge refuses.
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        xr2 = self.client()
        xr2.get_prompt("welcome", {"name": "Ada"})
        backwards = iter(range(1_000_000, 0, -1))
        with mock.patch("xr2.client.time.perf_counter", side_effect=lambda: float(next(backwards))):
            prompt = xr2.get_prompt("welcome", {"name": "Ada"})
        self.assertTrue(xr2.flush(timeout=5))
        item = next(item for item in self.exposures() if item["trace_id"] == prompt.trace_id)
        self.assertEqual(item["latency_ms"], 0)
        self.assertEqual(xr2.stats()["exposures"]["refused"], 0)

    def test_chat_prompt(self) -> None:
        self.edge.publish("chat", messages=[{"role": "system", "content": "You help {name}."}, {"role": "user", "content": "{% if q %}{q}{% else %}Hello{% endif %}"}], variables=NAME)
        prompt = self.client().get_prompt("chat", {"name": "Ada"})
        self.assertEqual(prompt.content, None)
        self.assertEqual(prompt.messages, [{"role": "system", "content": "You help Ada."}, {"role": "user", "content": "Hello"}])

    def test_refresh_after_ttl_is_conditional_and_serves_new_versions(self) -> None:
        self.edge.publish("welcome", "v1 {name}", variables=NAME)
        xr2 = self.client(cache_ttl_seconds=0.2)
        self.assertEqual(xr2.get_prompt("welcome", {"name": "A"}).origin, "network")
        # Past the TTL, a call still answers from the cache and refreshes in the background with the ETag: 304.
        time.sleep(0.25)
        self.assertEqual(xr2.get_prompt("welcome", {"name": "A"}).content, "v1 A")
        eventually(lambda: any(r["status"] == 304 and r["headers"].get("If-None-Match") for r in self.edge.requests if r["path"] == PROMPT_PATH and "status" in r))
        self.edge.publish("welcome", "v2 {name}", variables=NAME)
        served = eventually(lambda: (lambda p: p if p.content == "v2 A" else None)(xr2.get_prompt("welcome", {"name": "A"})), message="v2 never served")
        self.assertEqual((served.version, served.origin), (2, "cache"))
        # Rollback is just another published document: served the same way.
        self.edge.publish("welcome", "v1 {name}", variables=NAME)
        eventually(lambda: xr2.get_prompt("welcome", {"name": "A"}).content == "v1 A", message="rollback never served")
        self.assertGreaterEqual(xr2.stats()["refreshes"], 2)

    def test_republished_version_serves_its_new_text(self) -> None:
        # A republish (a snippet changed) serves the same version id with new text and a new published_at.
        self.edge.publish("welcome", "Hi {name}. Regards", variables=NAME)
        xr2 = self.client(cache_ttl_seconds=0.2)
        self.assertEqual(xr2.get_prompt("welcome", {"name": "A"}).content, "Hi A. Regards")
        with self.edge.lock:
            document = self.edge.documents[("production", "welcome")]
            self.edge.documents[("production", "welcome")] = {**document, "content": "Hi {name}. Warm regards", "published_at": "2026-12-06T10:00:00.000Z"}
        served = eventually(lambda: (lambda p: p if p.content == "Hi A. Warm regards" else None)(xr2.get_prompt("welcome", {"name": "A"})), message="the republished text never served")
        self.assertEqual(served.version, 1)

    def test_refreshes_once_per_key_at_a_time(self) -> None:
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        xr2 = self.client(cache_ttl_seconds=0.1)
        xr2.get_prompt("welcome", {"name": "A"})
        time.sleep(0.15)
        self.edge.slow(PROMPT_PATH, 0.5, times=1)
        for _ in range(20):
            self.assertIn(xr2.get_prompt("welcome", {"name": "A"}).origin, ("cache", "stale"))
        eventually(lambda: xr2.stats()["refreshes"] >= 1)
        self.assertEqual(self.edge.count("GET", PROMPT_PATH), 2)

    def test_stale_while_refresh_fails_then_recovers(self) -> None:
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        xr2 = self.client(cache_ttl_seconds=0.2, max_retries=0)
        xr2.get_prompt("welcome", {"name": "A"})
        self.edge.fail(PROMPT_PATH, times=10_000, status=503)
        time.sleep(0.25)
        stale = eventually(lambda: (lambda p: p if p.origin == "stale" else None)(xr2.get_prompt("welcome", {"name": "A"})))
        self.assertEqual((stale.content, stale.version), ("Hi A", 1))
        self.edge.clear_faults()
        self.edge.revoked = True  # a revoked key: refreshes answer 401, the stale copy keeps serving
        self.assertEqual(xr2.get_prompt("welcome", {"name": "A"}).origin, "stale")
        time.sleep(0.25)
        self.assertEqual(xr2.get_prompt("welcome", {"name": "A"}).origin, "stale")
        eventually(lambda: any(r.get("status") == 401 and r["path"] == PROMPT_PATH for r in self.edge.requests))
        self.edge.revoked = False
        eventually(lambda: xr2.get_prompt("welcome", {"name": "A"}).origin == "cache", message="never recovered")
        self.assertGreaterEqual(xr2.stats()["refresh_failures"], 1)

    def test_stale_with_the_edge_stopped_and_on_timeouts(self) -> None:
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        xr2 = self.client(cache_ttl_seconds=0.2, fetch_timeout_seconds=0.2, max_retries=0)
        xr2.get_prompt("welcome", {"name": "A"})
        self.edge.slow(PROMPT_PATH, 1.0)
        time.sleep(0.25)
        eventually(lambda: xr2.get_prompt("welcome", {"name": "A"}).origin == "stale")
        self.edge.stop()  # connection refused from now on
        for _ in range(5):
            prompt = xr2.get_prompt("welcome", {"name": "B"})
            self.assertEqual((prompt.origin, prompt.content), ("stale", "Hi B"))

    def test_bootstrap_serves_offline_then_network_takes_over(self) -> None:
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        request = urllib.request.Request(self.edge.url + "/api/v1/prompts?env=production", headers={"Authorization": f"Bearer {API_KEY}"})
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=5) as response:
            bundle = response.read().decode()
        self.edge.publish("welcome", "Hello {name}", variables=NAME)  # v2, newer than the bundle
        xr2 = self.client(bootstrap=bundle, cache_ttl_seconds=30)
        first = xr2.get_prompt("welcome", {"name": "Ada"})
        self.assertEqual((first.origin, first.content, first.version), ("bootstrap", "Hi Ada", 1))
        served = eventually(lambda: (lambda p: p if p.origin == "cache" else None)(xr2.get_prompt("welcome", {"name": "Ada"})))
        self.assertEqual((served.content, served.version), ("Hello Ada", 2))

    def test_bootstrap_with_the_edge_stopped(self) -> None:
        document = self.edge.publish("welcome", "Hi {name}", variables=NAME)
        self.edge.stop()
        xr2 = self.client(bootstrap={"environment": "production", "prompts": [document]}, fetch_timeout_seconds=0.2, max_retries=0)
        for _ in range(5):
            self.assertEqual(xr2.get_prompt("welcome", {"name": "Ada"}).origin, "bootstrap")
        eventually(lambda: xr2.stats()["refresh_failures"] >= 1)
        self.assertEqual(xr2.get_prompt("welcome", {"name": "Ada"}).content, "Hi Ada")

    def test_prefetch_uses_the_bundle_with_slug_filters(self) -> None:
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        self.edge.publish("other", "Other")
        self.edge.publish("unwanted", "No")
        xr2 = self.client()
        self.assertEqual(sorted(xr2.prefetch(["welcome", "other", "missing", "not a slug"])), ["other", "welcome"])
        bundle_requests = [r for r in self.edge.requests if r["path"] == "/api/v1/prompts"]
        self.assertEqual([sorted(r["query"]["slug"]) for r in bundle_requests], [["missing", "other", "welcome"]])
        self.assertEqual(xr2.get_prompt("welcome", {"name": "A"}).origin, "cache")
        self.assertEqual(xr2.get_prompt("other").content, "Other")
        with self.assertRaises(PromptNotFoundError):
            xr2.get_prompt("missing")
        self.assertEqual(self.edge.count("GET", "/api/v1/prompts/welcome") + self.edge.count("GET", "/api/v1/prompts/missing"), 0)
        self.assertEqual(sorted(self.client().prefetch()), ["other", "unwanted", "welcome"])  # the whole environment


    def test_what_the_client_remembers_per_slug_is_bounded(self) -> None:
        for index in range(5):
            self.edge.publish(f"p{index}", f"prompt {index}")
        xr2 = self.client()
        with mock.patch("xr2.client._MAX_REMEMBERED_SLUGS", 3):
            self.assertEqual(len(xr2.prefetch([f"p{index}" for index in range(5)])), 5)
            for index in range(5):
                with self.assertRaises(PromptNotFoundError):
                    xr2.get_prompt(f"missing{index}")
            self.assertEqual(xr2.stats()["cached_prompts"], 3)
            self.assertEqual(len(xr2._not_found), 3)
            self.assertEqual(xr2.get_prompt("p4").content, "prompt 4")  # the newest stayed


class ErrorsAndFallbacksTest(ClientTestCase):
    def test_not_found_raises_naming_the_slug(self) -> None:
        xr2 = self.client()
        with self.assertRaises(PromptNotFoundError) as caught:
            xr2.get_prompt("nowhere")
        self.assertEqual(caught.exception.slug, "nowhere")
        self.assertIn("nowhere", str(caught.exception))

    def test_not_found_uses_the_fallback(self) -> None:
        xr2 = self.client(fallbacks={"nowhere": {"content": "Hi {name}"}})
        prompt = xr2.get_prompt("nowhere", {"name": "Ada"})
        self.assertEqual((prompt.origin, prompt.content, prompt.version_id, prompt.prompt_id), ("fallback", "Hi Ada", None, None))

    def test_fallback_when_the_edge_fails_and_its_exposure(self) -> None:
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        self.edge.fail(PROMPT_PATH, times=10_000, status=503)
        xr2 = self.client(fallbacks={"welcome": {"content": "Hello {name}", "model_config": {"model": "small"}}, "chat": {"messages": [{"role": "user", "content": "Hi {name}"}]}}, max_retries=0)
        prompt = xr2.get_prompt("welcome", {"name": "Ada"}, unit_id="user-1")
        self.assertEqual((prompt.origin, prompt.content, prompt.model_config, prompt.version), ("fallback", "Hello Ada", {"model": "small"}, None))
        self.assertEqual(xr2.get_prompt("welcome", {"name": "Bob"}).origin, "fallback")
        self.assertEqual(xr2.stats()["fallbacks"], 2)
        self.assertTrue(xr2.flush(timeout=5))
        item = next(item for item in self.exposures() if item["trace_id"] == prompt.trace_id)
        self.assertEqual((item["origin"], item["slug"], item["status"], item["unit_id"]), ("fallback", "welcome", "success", "user-1"))
        self.assertNotIn("prompt_id", item)
        self.assertNotIn("version_id", item)

    def test_fallback_of_chat_messages_with_the_edge_stopped(self) -> None:
        self.edge.stop()
        xr2 = self.client(fallbacks={"chat": {"messages": [{"role": "user", "content": "Hi {name}{% if vip %}!{% endif %}"}]}}, fetch_timeout_seconds=0.2, max_retries=0)
        prompt = xr2.get_prompt("chat", {"name": "Ada", "vip": True})
        self.assertEqual((prompt.origin, prompt.messages), ("fallback", [{"role": "user", "content": "Hi Ada!"}]))

    def test_fallback_on_timeout(self) -> None:
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        self.edge.slow(PROMPT_PATH, 1.0)
        xr2 = self.client(fallbacks={"welcome": {"content": "Hello {name}"}}, fetch_timeout_seconds=0.2, max_retries=0)
        self.assertEqual(xr2.get_prompt("welcome", {"name": "Ada"}).origin, "fallback")

    def test_fallback_on_429(self) -> None:
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        self.edge.fail(PROMPT_PATH, times=10, status=429, retry_after="30")
        xr2 = self.client(fallbacks={"welcome": {"content": "Hello {name}"}})
        self.assertEqual(xr2.get_prompt("welcome", {"name": "Ada"}).origin, "fallback")
        self.assertEqual(self.edge.count("GET", PROMPT_PATH), 1)  # a long Retry-After is not waited for in the app's call

    def test_unavailable_without_cache_bootstrap_or_fallback(self) -> None:
        self.edge.stop()
        xr2 = self.client(fetch_timeout_seconds=0.2, max_retries=0)
        with self.assertRaises(PromptUnavailableError):
            xr2.get_prompt("welcome")

    def test_invalid_fallback_fails_at_construction(self) -> None:
        with self.assertRaises(ValueError):
            self.client(fallbacks={"x": {"content": "{% if a %}"}})
        with self.assertRaises(ValueError):
            self.client(fallbacks={"x": {}})

    def test_refused_values_raise_and_report_an_error_exposure(self) -> None:
        self.edge.publish("welcome", "Hi {name}, {n}", variables=NAME + [{"name": "n", "type": "number", "required": False}])
        xr2 = self.client()
        with self.assertRaises(TemplateError) as missing:
            xr2.get_prompt("welcome", {})
        self.assertEqual((missing.exception.code, missing.exception.variable), ("missing_variable", "name"))
        with self.assertRaises(TemplateError) as mismatch:
            xr2.get_prompt("welcome", {"name": "Ada", "n": "many"})
        self.assertEqual((mismatch.exception.code, mismatch.exception.variable), ("type_mismatch", "n"))
        self.assertIn('"n"', str(mismatch.exception))
        self.assertEqual(xr2.get_prompt("welcome", {"name": "Ada", "n": "42"}).content, "Hi Ada, 42")  # query-string style
        self.assertTrue(xr2.flush(timeout=5))
        statuses = sorted((item["status"], item.get("error_code")) for item in self.exposures())
        self.assertEqual(statuses, [("error", "VALIDATION_FAILED"), ("error", "VALIDATION_FAILED"), ("success", None)])
        self.assertEqual(xr2.stats()["validation_errors"], 2)

    def test_unpublished_prompt_is_dropped_on_refresh(self) -> None:
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        xr2 = self.client(cache_ttl_seconds=0.1)
        xr2.get_prompt("welcome", {"name": "A"})
        self.edge.unpublish("welcome")
        time.sleep(0.15)

        def gone() -> bool:
            try:
                xr2.get_prompt("welcome", {"name": "A"})
                return False
            except PromptNotFoundError:
                return True

        eventually(gone)


class AssignmentTest(ClientTestCase):
    def test_local_assignment_matches_the_hash_and_is_reported(self) -> None:
        control = self.edge.version("Control {name}", variables=NAME)
        treatment = self.edge.version("Treatment {name}", variables=NAME, number=2)
        variants = [{"key": "control", "weight": 50, "version": control}, {"key": "treatment", "weight": 50, "version": treatment}]
        document = self.edge.publish("welcome", "Published {name}", variables=NAME, experiment={"id": "exp_1", "variants": variants})
        xr2 = self.client()
        seen = set()
        served = {}
        for i in range(40):
            unit = f"user-{i}"
            prompt = xr2.get_prompt("welcome", {"name": "Ada"}, unit_id=unit)
            expected = assign_variant("exp_1", unit, variants)
            seen.add(expected)
            self.assertEqual(prompt.variant, expected)
            self.assertEqual(prompt.experiment_id, "exp_1")
            version = control if expected == "control" else treatment
            self.assertEqual((prompt.version_id, prompt.content), (version["version_id"], f"{expected.capitalize()} Ada"))
            served[prompt.trace_id] = (unit, expected, version["version_id"])
        self.assertEqual(seen, {"control", "treatment"})
        anonymous = xr2.get_prompt("welcome", {"name": "Ada"})
        self.assertEqual((anonymous.variant, anonymous.version_id, anonymous.content), (None, document["version_id"], "Published Ada"))
        self.assertTrue(xr2.flush(timeout=5))
        exposures = {item["trace_id"]: item for item in self.exposures()}
        for trace, (unit, variant, version_id) in served.items():
            item = exposures[trace]
            self.assertEqual((item["unit_id"], item["variant"], item["experiment_id"], item["version_id"], item["prompt_id"]), (unit, variant, "exp_1", version_id, document["prompt_id"]))
        self.assertNotIn("variant", exposures[anonymous.trace_id])
        self.assertNotIn("experiment_id", exposures[anonymous.trace_id])

    def test_remote_mode_calls_the_rendered_get_prompt(self) -> None:
        control = self.edge.version("Control {name}", variables=NAME)
        treatment = self.edge.version("Treatment {name}", variables=NAME, number=2)
        variants = [{"key": "control", "weight": 1, "version": control}, {"key": "treatment", "weight": 1, "version": treatment}]
        self.edge.publish("welcome", "Published {name}", variables=NAME, experiment={"id": "exp_r", "variants": variants})
        xr2 = self.client(mode="remote", fallbacks={"gone": {"content": "fallback"}})
        prompt = xr2.get_prompt("welcome", {"name": "Ada"}, unit_id="user-7")
        variant = assign_variant("exp_r", "user-7", variants)
        self.assertEqual((prompt.origin, prompt.variant, prompt.content), ("network", variant, f"{variant.capitalize()} Ada"))
        self.assertTrue(prompt.trace_id.startswith("tr_remote"))
        request = next(r for r in self.edge.requests if r["path"] == "/api/v1/get-prompt/welcome")
        self.assertEqual((request["method"], request["query"]["unit_id"], request["query"]["source"], json.loads(request["body"])), ("POST", ["user-7"], ["test-app"], {"variables": {"name": "Ada"}}))
        with self.assertRaises(TemplateError) as refused:
            xr2.get_prompt("welcome", {})
        self.assertEqual((refused.exception.code, refused.exception.variable), ("missing_variable", "name"))
        self.assertEqual(xr2.get_prompt("gone").origin, "fallback")
        with self.assertRaises(PromptNotFoundError):
            xr2.get_prompt("nowhere")
        self.edge.fail("/api/v1/get-prompt/", times=100, status=503)
        with self.assertRaises(PromptUnavailableError):
            xr2.get_prompt("welcome", {"name": "Ada"})
        self.assertEqual(self.edge.count("GET", PROMPT_PATH), 0)  # remote mode holds no templates


class RemoteModeTest(ClientTestCase):
    PATH = "/api/v1/get-prompt/welcome"

    def remote(self) -> XR2:
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        return self.client(mode="remote", fetch_timeout_seconds=0.2, max_retries=2, fallbacks={"welcome": {"content": "Fallback {name}"}})

    def test_a_timed_out_get_prompt_is_not_sent_again(self) -> None:
        # The edge may have served (and recorded) it: a second POST could count the call twice.
        xr2 = self.remote()
        self.edge.slow(self.PATH, 0.6, times=1)
        prompt = xr2.get_prompt("welcome", {"name": "Ada"})
        self.assertEqual((prompt.origin, prompt.content), ("fallback", "Fallback Ada"))
        self.assertEqual(self.edge.count("POST", self.PATH), 1)

    def test_only_answers_that_prove_it_was_not_served_are_retried(self) -> None:
        xr2 = self.remote()
        for status, retry_after, retried in ((503, "0", True), (429, "0", True), (503, None, False), (500, None, False), (502, None, False)):
            with self.subTest(status=status, retry_after=retry_after):
                before = self.edge.count("POST", self.PATH)
                self.edge.fail(self.PATH, times=1, status=status, retry_after=retry_after)
                prompt = xr2.get_prompt("welcome", {"name": "Ada"})
                self.assertEqual(prompt.origin, "network" if retried else "fallback")
                self.assertEqual(self.edge.count("POST", self.PATH) - before, 2 if retried else 1)


class SenderTest(ClientTestCase):
    def test_events_through_503s_and_429_arrive_exactly_once(self) -> None:
        self.edge.fail("/api/v1/events/batch", times=3, status=503)
        self.edge.fail("/api/v1/events/batch", times=1, status=429, retry_after="1")
        xr2 = self.client()
        ids = [xr2.track("tr_01jf0000000000000000000000", "purchase", {"revenue": 9.99, "n": i, "ok": True, "note": None}) for i in range(250)]
        self.assertTrue(all(ids))
        self.assertTrue(xr2.flush(timeout=20))
        with self.edge.lock:
            self.assertEqual(set(self.edge.events), set(ids))
            self.assertEqual(set(self.edge.event_deliveries.values()), {1})
            event = self.edge.events[ids[7]]
        self.assertEqual((event["event_name"], event["fields"]["n"], event["trace_id"]), ("purchase", 7, "tr_01jf0000000000000000000000"))
        self.assertRegex(event["timestamp"], r"Z$")
        batches = [r for r in self.edge.requests if r["path"] == "/api/v1/events/batch"]
        self.assertTrue(all(1 <= r.get("items", 1) <= 100 for r in batches))
        # The retry after the 429 waited for its Retry-After (one second).
        index = next(i for i, r in enumerate(batches) if r.get("status") == 429)
        self.assertGreaterEqual(batches[index + 1]["time"] - batches[index]["time"], 0.9)
        stats = xr2.stats()
        self.assertEqual((stats["sent"], stats["failed"], stats["dropped"], stats["queued"]), (250, 0, 0, 0))
        self.assertGreaterEqual(stats["retries"], 4)

    def test_a_full_batch_leaves_without_waiting_for_the_interval(self) -> None:
        xr2 = self.client(flush_interval_seconds=30)
        ids = [xr2.track("tr_x", "click") for _ in range(100)]
        eventually(lambda: len(self.edge.events) == 100, message="a full batch did not leave by itself")
        self.assertEqual(set(self.edge.events), set(ids))
        xr2.track("tr_x", "click")
        time.sleep(0.2)
        self.assertEqual(len(self.edge.events), 100)  # the 101st waits for its interval (or flush)
        self.assertTrue(xr2.flush(timeout=5))
        self.assertEqual(len(self.edge.events), 101)

    def test_the_interval_sends_without_flush(self) -> None:
        xr2 = self.client(flush_interval_seconds=0.1)
        event = xr2.track("tr_x", "click")
        eventually(lambda: event in self.edge.events)

    def test_queue_bound_drops_and_counts(self) -> None:
        xr2 = self.client(max_queue_size=10, flush_interval_seconds=30)
        results = [xr2.track("tr_x", "click", {"i": i}) for i in range(15)]
        self.assertEqual(sum(1 for result in results if result is None), 5)
        self.assertEqual(xr2.stats()["dropped"], 5)
        self.assertTrue(xr2.flush(timeout=5))
        self.assertEqual(len(self.edge.events), 10)

    def test_refused_items_are_dropped_not_retried(self) -> None:
        xr2 = self.client()
        good = xr2.track("tr_x", "purchase")
        bad = xr2.track("tr_x", "refuse_me")
        self.assertTrue(xr2.flush(timeout=5))
        self.assertEqual(set(self.edge.events), {good})
        self.assertEqual(self.edge.count("POST", "/api/v1/events/batch"), 1)
        stats = xr2.stats()
        self.assertEqual((stats["events"]["sent"], stats["events"]["refused"]), (1, 1))
        self.assertIsNotNone(bad)

    def test_refused_exposures_are_counted_not_retried(self) -> None:
        document = self.edge.publish("welcome", "Hi {name}", variables=NAME)
        with self.edge.lock:
            del self.edge.versions[document["version_id"]]  # as if the version were another workspace's
        xr2 = self.client()
        xr2.get_prompt("welcome", {"name": "A"})
        self.assertTrue(xr2.flush(timeout=5))
        stats = xr2.stats()["exposures"]
        self.assertEqual((stats["sent"], stats["refused"], stats["failed"]), (0, 1, 0))
        self.assertEqual(self.edge.count("POST", "/api/v1/exposures"), 1)

    def test_locally_invalid_events_are_dropped_without_raising(self) -> None:
        xr2 = self.client()
        self.assertIsNone(xr2.track("tr_x", "Bad Name"))
        self.assertIsNone(xr2.track("tr_x", "ok", {"nested": {"a": 1}}))
        self.assertIsNone(xr2.track("tr_x", "ok", {"x": float("nan")}))
        self.assertIsNone(xr2.track("tr_x", "ok", ["not", "a", "mapping"]))  # type: ignore[arg-type]
        self.assertEqual(xr2.stats()["refused"], 4)

    def test_an_outage_longer_than_a_few_attempts_loses_nothing(self) -> None:
        # Every 503 carries a Retry-After, as the edge's do; the batch keeps trying (tiny backoff
        # here) until the edge is back, well past the eight attempts that used to be the limit.
        self.edge.fail("/api/v1/events/batch", times=30, status=503, retry_after="0")
        xr2 = self.client()
        ids = [xr2.track("tr_x", "click", {"i": i}) for i in range(20)]
        self.assertTrue(xr2.flush(timeout=60))
        with self.edge.lock:
            self.assertEqual(set(self.edge.events), set(ids))
            self.assertEqual(set(self.edge.event_deliveries.values()), {1})
        stats = xr2.stats()
        self.assertEqual((stats["sent"], stats["failed"], stats["dropped"]), (20, 0, 0))
        self.assertGreaterEqual(stats["retries"], 30)

    def test_during_an_outage_the_full_queue_drops_and_counts_new_items(self) -> None:
        self.edge.fail("/api/v1/events/batch", times=10_000, status=503, retry_after="0")
        xr2 = self.client(max_queue_size=5, max_batch_size=2)
        results = [xr2.track("tr_x", "click", {"i": i}) for i in range(5)]
        eventually(lambda: xr2.stats()["retries"] >= 3)  # the first batch is retrying
        late = [xr2.track("tr_x", "click", {"i": i}) for i in range(5, 10)]
        self.assertEqual(sum(1 for result in late if result is None), 3)  # 2 in flight, 3 queued: 2 places
        self.assertEqual(xr2.stats()["dropped"], 3)
        self.edge.clear_faults()
        self.assertTrue(xr2.flush(timeout=30))
        accepted = [event for event in results + late if event is not None]
        self.assertEqual(set(self.edge.events), set(accepted))
        self.assertEqual(xr2.stats()["failed"], 0)

    def test_gives_up_after_the_retry_duration(self) -> None:
        self.edge.fail("/api/v1/events/batch", times=10_000, status=503, retry_after="0")
        xr2 = self.client(max_retry_duration_seconds=0.3)
        for _ in range(5):
            xr2.track("tr_x", "click")
        self.assertTrue(xr2.flush(timeout=10))
        self.assertGreaterEqual(self.edge.count("POST", "/api/v1/events/batch"), 2)
        stats = xr2.stats()
        self.assertEqual((stats["failed"], stats["sent"]), (5, 0))

    def test_close_is_bounded_during_an_outage(self) -> None:
        self.edge.fail("/api/v1/events/batch", times=10_000, status=503, retry_after="0")
        xr2 = self.client()
        xr2.track("tr_x", "click")
        eventually(lambda: xr2.stats()["retries"] >= 1)
        self.assertFalse(xr2.flush(timeout=0.2))  # still retrying: the timeout answers False
        self.assertFalse(xr2.close(timeout=0.2))  # returns (no wait on the ten-minute budget)
        stats = xr2.stats()
        self.assertEqual((stats["failed"], stats["queued"], stats["in_flight"]), (1, 0, 0))

    def test_explicit_event_ids_deduplicate_across_tracks(self) -> None:
        xr2 = self.client()
        xr2.track("tr_x", "purchase", event_id="order-42")
        xr2.track("tr_x", "purchase", event_id="order-42")
        self.assertTrue(xr2.flush(timeout=5))
        self.assertEqual(list(self.edge.events), ["order-42"])

    def test_close_flushes_and_context_manager(self) -> None:
        with XR2(api_key=API_KEY, base_url=self.edge.url, flush_interval_seconds=30) as xr2:
            event = xr2.track("tr_x", "click")
        self.assertIn(event, self.edge.events)
        self.assertIsNone(xr2.track("tr_x", "click"))  # closed: dropped, counted
        self.assertEqual(xr2.stats()["dropped"], 1)


class SafetyTest(ClientTestCase):
    def test_interpreter_exit_flushes_what_was_queued(self) -> None:
        script = (
            "import sys; from xr2 import XR2\n"
            "xr2 = XR2(api_key=sys.argv[1], base_url=sys.argv[2], flush_interval_seconds=30)\n"
            "print(xr2.track('tr_x', 'exit_event'))\n"
        )
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        done = subprocess.run(
            [sys.executable, "-c", script, API_KEY, self.edge.url],
            env=dict(os.environ, PYTHONPATH=package_root), capture_output=True, text=True, timeout=30,
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(done.stdout.strip(), self.edge.events)

    def test_a_forked_child_tracks_with_its_own_sender(self) -> None:
        if not hasattr(os, "fork"):
            self.skipTest("no fork on this platform")
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        xr2 = self.client(flush_interval_seconds=30)
        xr2.get_prompt("welcome", {"name": "A"})
        xr2.track("tr_x", "before_fork")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # 3.12 warns about fork with threads: the case under test
            pid = os.fork()
        if pid == 0:  # the child: must neither hang nor resend the parent's queue
            code = 1
            try:
                child_event = xr2.track("tr_x", "in_child")
                code = 0 if xr2.get_prompt("welcome", {"name": "B"}).content == "Hi B" and xr2.flush(timeout=10) and child_event else 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        self.assertTrue(xr2.flush(timeout=5))
        with self.edge.lock:
            names = sorted(event["event_name"] for event in self.edge.events.values())
            self.assertEqual(set(self.edge.event_deliveries.values()), {1})
        self.assertEqual(names, ["before_fork", "in_child"])

    def test_threads_share_one_client(self) -> None:
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        xr2 = self.client(cache_ttl_seconds=0.05)
        errors: List[BaseException] = []
        traces: List[str] = []
        lock = threading.Lock()

        def work(worker: int) -> None:
            try:
                for i in range(40):
                    prompt = xr2.get_prompt("welcome", {"name": f"w{worker}"}, unit_id=f"u{i}")
                    assert prompt.content == f"Hi w{worker}", prompt.content
                    xr2.track(prompt.trace_id, "click", {"i": i})
                    with lock:
                        traces.append(prompt.trace_id)
            except BaseException as error:  # noqa: BLE001 — reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertTrue(xr2.flush(timeout=15))
        self.assertEqual(len(set(traces)), 320)
        self.assertEqual(set(self.edge.exposures), set(traces))
        self.assertEqual(len(self.edge.events), 320)

    def test_compiling_while_a_refresh_replaces_the_entry(self) -> None:
        # Threads compile variants into the cached entry while prefetch (as a refresh does) copies
        # the compiled templates the new document still serves; neither may see the other half-done.
        # Before the fix this failed in about half of the runs ("dictionary changed size during
        # iteration"); with the lock it cannot.
        slug = "race"

        def publish() -> None:
            variants = [{"key": f"v{i}", "weight": 1, "version": self.edge.version(f"V{i}", number=i + 1)} for i in range(100)]
            self.edge.publish(slug, "Published", experiment={"id": "exp_race", "variants": variants})

        publish()
        xr2 = self.client(flush_interval_seconds=30, max_queue_size=100_000)
        xr2.prefetch([slug])
        errors: List[BaseException] = []
        stop = threading.Event()

        def serve(worker: int) -> None:
            try:
                i = 0
                while not stop.is_set():
                    xr2.get_prompt(slug, unit_id=f"u{worker}-{i}")
                    i += 1
            except BaseException as error:  # noqa: BLE001 — reported below
                errors.append(error)

        def refresh() -> None:
            try:
                while not stop.is_set():
                    publish()  # new versions: the servers compile them anew
                    if xr2.prefetch([slug]) != [slug]:
                        raise AssertionError("prefetch did not load the prompt")
            except BaseException as error:  # noqa: BLE001 — reported below
                errors.append(error)

        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)  # switch threads often, so that the race shows within a second
        self.addCleanup(sys.setswitchinterval, interval)
        threads = [threading.Thread(target=serve, args=(n,)) for n in range(8)] + [threading.Thread(target=refresh) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        sys.setswitchinterval(interval)
        self.assertEqual(errors, [])

    def test_the_api_key_is_never_logged_nor_shown(self) -> None:
        self.edge.publish("welcome", "Hi {name}", variables=NAME)
        self.edge.fail("/api/v1/", times=3, status=503)
        with self.assertLogs("xr2", level="DEBUG") as logs:
            xr2 = self.client(fallbacks={"welcome": {"content": "x"}}, max_retries=0, max_retry_duration_seconds=0.2)
            xr2.get_prompt("welcome", {"name": "A"})
            xr2.track("tr_x", "click")
            xr2.flush(timeout=5)
            logging.getLogger("xr2").debug("end")
        self.assertNotIn(API_KEY, "\n".join(logs.output))
        self.assertNotIn(API_KEY, repr(xr2))
        self.assertTrue(all(r["headers"].get("Authorization") == f"Bearer {API_KEY}" for r in self.edge.requests))

    def test_bad_arguments_raise_at_once(self) -> None:
        with self.assertRaises(ValueError):
            XR2(api_key="", base_url=self.edge.url)
        with self.assertRaises(ValueError):
            XR2(api_key=API_KEY, base_url=self.edge.url, environment="prod")
        xr2 = self.client()
        with self.assertRaises(ValueError):
            xr2.get_prompt("bad slug")
        with self.assertRaises(ValueError):
            xr2.get_prompt("welcome", unit_id="")


if __name__ == "__main__":
    unittest.main()
