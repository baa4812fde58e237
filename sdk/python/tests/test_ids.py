"""Ids and timestamps the SDK mints (xr2/_ids.py): served_at and event timestamps are ISO 8601 in
UTC with exactly millisecond precision and "Z" (24 characters), whatever datetime they start from."""

from __future__ import annotations

import re
import unittest
from datetime import datetime, timedelta, timezone

from xr2._ids import iso, iso_now

ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


class IsoTest(unittest.TestCase):
    def test_now_has_milliseconds_and_z(self) -> None:
        self.assertRegex(iso_now(), ISO_MS)
        self.assertEqual(len(iso_now()), 24)

    def test_microseconds_are_cut_to_milliseconds_and_offsets_become_utc(self) -> None:
        self.assertEqual(iso(datetime(2026, 12, 6, 12, 0, 0, 999_999, tzinfo=timezone(timedelta(hours=2)))), "2026-12-06T10:00:00.999Z")
        self.assertEqual(iso(datetime(2026, 12, 6, 9, 5, 7, 1_500)), "2026-12-06T09:05:07.001Z")  # naive: taken as UTC

    def test_the_year_has_four_digits(self) -> None:
        self.assertEqual(iso(datetime(999, 1, 2, 3, 4, 5, tzinfo=timezone.utc)), "0999-01-02T03:04:05.000Z")


if __name__ == "__main__":
    unittest.main()
