"""The retry policy's pieces (xr2/_http.py): how long a retry waits, and which transport errors
prove that a request never reached the edge."""

from __future__ import annotations

import socket
import unittest

from tests.edge_standin import API_KEY, EdgeStandIn
from xr2 import _http


class RetryDelayTest(unittest.TestCase):
    def test_retry_after_never_shortens_the_backoff(self) -> None:
        for _ in range(200):
            # The backoff of attempt 5 with base 1 lies in [16, 32) (capped at 30): a Retry-After of 1 does not cut it.
            self.assertGreaterEqual(_http.retry_delay(5, 1.0, 30.0, retry_after=1.0), 15.0)
            # A longer Retry-After than the backoff is honoured.
            self.assertGreaterEqual(_http.retry_delay(0, 0.01, 30.0, retry_after=2.0), 2.0)
            # Without one, the jittered backoff, capped.
            self.assertLessEqual(_http.retry_delay(20, 0.5, 30.0), 30.0)

    def test_the_backoff_of_a_long_outage_stays_at_its_cap(self) -> None:
        # Ten minutes of tiny backoffs are thousands of attempts: 2**attempt must not overflow.
        self.assertLessEqual(_http.retry_delay(5000, 0.01, 0.05), 0.05)

    def test_an_absurd_retry_after_is_capped(self) -> None:
        self.assertLessEqual(_http.retry_delay(0, 0.01, 30.0, retry_after=86_400.0), _http.MAX_RETRY_AFTER_SECONDS)


class TransportErrorTest(unittest.TestCase):
    def test_connection_refused_proves_the_request_was_not_sent(self) -> None:
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with self.assertRaises(_http.TransportError) as refused:
            _http.request("POST", f"http://127.0.0.1:{port}/api/v1/get-prompt/x", API_KEY, 1.0, body={})
        self.assertTrue(refused.exception.not_sent)

    def test_a_timeout_may_have_been_served(self) -> None:
        edge = EdgeStandIn().start()
        self.addCleanup(edge.stop)
        edge.slow("/api/v1/get-prompt/", 0.6, times=1)
        with self.assertRaises(_http.TransportError) as timed_out:
            _http.request("POST", edge.url + "/api/v1/get-prompt/x", API_KEY, 0.1, body={})
        self.assertFalse(timed_out.exception.not_sent)


if __name__ == "__main__":
    unittest.main()
