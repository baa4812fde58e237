"""Sticky A/B assignment, ported from workers/shared/src/assignment.ts.

A unit (user, session, …) gets the same variant from this SDK as from the edge: MurmurHash3
x86_32 (seed 0) over UTF-8(experiment id) ‖ 0xFF ‖ UTF-8(unit id), scaled to [0, total weight),
picks a variant by cumulative weights in the order given. Ids are hashed as given (no
normalization, no trimming, case-sensitive); lone UTF-16 surrogates encode as U+FFFD, as
JavaScript's TextEncoder does.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping, Sequence

from .template import js_number_to_string

__all__ = ["ASSIGNMENT_LIMITS", "murmurhash3_x86_32", "hash_unit", "assign_variant"]

ASSIGNMENT_LIMITS: Mapping[str, int] = {"variants": 100, "total_weight": 1_000_000}
_MASK = 0xFFFFFFFF
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_SAFE_INTEGER = 2**53 - 1


def murmurhash3_x86_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 x86_32 (Austin Appleby's public-domain algorithm) of `data`, as an unsigned int."""
    c1 = 0xCC9E2D51
    c2 = 0x1B873593
    h = seed & _MASK
    length = len(data)
    block_end = length - (length % 4)
    for i in range(0, block_end, 4):
        k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
        k = (k * c1) & _MASK
        k = ((k << 15) | (k >> 17)) & _MASK
        k = (k * c2) & _MASK
        h ^= k
        h = ((h << 13) | (h >> 19)) & _MASK
        h = (h * 5 + 0xE6546B64) & _MASK
    tail = length % 4
    if tail:
        k = data[block_end]
        if tail >= 2:
            k ^= data[block_end + 1] << 8
        if tail == 3:
            k ^= data[block_end + 2] << 16
        k = (k * c1) & _MASK
        k = ((k << 15) | (k >> 17)) & _MASK
        k = (k * c2) & _MASK
        h ^= k
    h ^= length & _MASK
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    h ^= h >> 16
    return h


def _utf8_like_text_encoder(text: str) -> bytes:
    """UTF-8 as TextEncoder writes it: a surrogate pair (even as two code points) is one
    character, a lone surrogate is U+FFFD (EF BF BD) — not '?', which errors='replace' would give."""
    if not _SURROGATE.search(text):
        return text.encode("utf-8")
    utf16 = text.encode("utf-16-le", "surrogatepass")
    return utf16.decode("utf-16-le", "replace").encode("utf-8")


def hash_unit(experiment_id: str, unit_id: str) -> int:
    """The 32-bit hash of a unit within an experiment (0 … 2^32 − 1)."""
    return murmurhash3_x86_32(_utf8_like_text_encoder(experiment_id) + b"\xff" + _utf8_like_text_encoder(unit_id), 0)


def _is_safe_integer(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return False
    return abs(value) <= _MAX_SAFE_INTEGER


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        try:
            return js_number_to_string(value)
        except OverflowError:
            return "Infinity" if value > 0 else "-Infinity"
    if value is None:
        return "undefined"
    return str(value)


def _total_weight(variants: Sequence[Mapping[str, Any]]) -> int:
    if not isinstance(variants, (list, tuple)) or len(variants) == 0:
        raise ValueError("assign_variant needs at least one variant")
    if len(variants) > ASSIGNMENT_LIMITS["variants"]:
        raise ValueError(f"assign_variant takes at most {ASSIGNMENT_LIMITS['variants']} variants, got {len(variants)}")
    total = 0
    keys = set()
    for index, variant in enumerate(variants):
        key = variant.get("key")
        weight = variant.get("weight")
        if not isinstance(key, str) or key == "":
            raise ValueError(f"variant {index} needs a non-empty string key")
        if not _is_safe_integer(weight) or weight <= 0:
            raise ValueError(f'variant "{key}" needs a positive integer weight, got {_show(weight)}')
        if key in keys:
            raise ValueError(f'variant key "{key}" appears more than once')
        keys.add(key)
        total += int(weight)
    if total > ASSIGNMENT_LIMITS["total_weight"]:
        raise ValueError(f"the variants' weights add up to {total}; at most {ASSIGNMENT_LIMITS['total_weight']} is allowed")
    return total


def assign_variant(experiment_id: str, unit_id: str, variants: Sequence[Mapping[str, Any]]) -> str:
    """The variant key for `unit_id` in `experiment_id` ({"key", "weight"} mappings, in order).

    Deterministic; over many units the split follows the weights. Raises ValueError on empty ids
    and on an empty or invalid variant list (the same checks as the edge).
    """
    if not isinstance(experiment_id, str) or experiment_id == "":
        raise ValueError("assign_variant needs a non-empty experiment_id")
    if not isinstance(unit_id, str) or unit_id == "":
        raise ValueError("assign_variant needs a non-empty unit_id")
    total = _total_weight(variants)
    bucket = (hash_unit(experiment_id, unit_id) * total) >> 32  # exact integer floor(hash·total / 2^32)
    cumulative = 0
    for variant in variants:
        cumulative += int(variant["weight"])
        if bucket < cumulative:
            return variant["key"]
    raise AssertionError("unreachable: bucket beyond the total weight")
