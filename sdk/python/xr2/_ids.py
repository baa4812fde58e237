"""Ids and timestamps the SDK mints: trace ids ("tr_" + a lower-case ULID, so the edge sorts them
by time like its own) and event ids (so a retried batch is never counted twice)."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def ulid() -> str:
    """26 characters of Crockford base32: 48-bit millisecond time, then 80 random bits."""
    value = (int(time.time() * 1000) & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def trace_id() -> str:
    return "tr_" + ulid()


def event_id() -> str:
    return "ev_" + ulid()


def iso_now() -> str:
    return iso(datetime.now(timezone.utc))


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and "Z" (always 24 characters); a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    # Formatted by hand: strftime("%Y") does not pad years before 1000 on every platform.
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{moment.microsecond // 1000:03d}Z"
    )
