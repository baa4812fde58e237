"""The ported MurmurHash3 and assignment, against the reference vectors the TypeScript tests use
(workers/shared/src/assignment.test.ts) and the edge's rules."""

from __future__ import annotations

import unittest

from xr2.assignment import assign_variant, hash_unit, murmurhash3_x86_32


class MurmurTest(unittest.TestCase):
    def test_reference_vectors(self):
        vectors = [
            ("", 0, 0), ("", 1, 0x514E28B7), ("", 0xFFFFFFFF, 0x81F16F39), ("\0\0\0\0", 0, 0x2362F9DE),
            ("a", 0x9747B28C, 0x7FA09EA6), ("aa", 0x9747B28C, 0x5D211726), ("aaa", 0x9747B28C, 0x283E0130),
            ("aaaa", 0x9747B28C, 0x5A97808A), ("abc", 0x9747B28C, 0xC84A62DD), ("abcd", 0x9747B28C, 0xF0478627),
            ("Hello, world!", 0x9747B28C, 0x24884CBA), ("Hello, world!", 0, 0xC0363E43), ("ππππππππ", 0x9747B28C, 0xD58063C1),
            ("a" * 256, 0x9747B28C, 0x37405BDC), ("abc", 0, 0xB3DD93FA),
            ("The quick brown fox jumps over the lazy dog", 0, 0x2E4FF723), ("test", 0, 0xBA6BD213),
        ]
        for text, seed, expected in vectors:
            self.assertEqual(murmurhash3_x86_32(text.encode("utf-8"), seed), expected, text[:20])
        for data, seed, expected in [(bytes([0x21, 0x43, 0x65, 0x87]), 0x5082EDEE, 0x2362F9DE), (bytes([0x21, 0x43, 0x65]), 0, 0x7E4A8634), (b"\xff\xff\xff\xff", 0, 0x76293B50)]:
            self.assertEqual(murmurhash3_x86_32(data, seed), expected)

    def test_hash_unit_bytes(self):
        self.assertEqual(hash_unit("exp", "ü"), murmurhash3_x86_32(bytes([0x65, 0x78, 0x70, 0xFF, 0xC3, 0xBC])))
        self.assertEqual(hash_unit("实验", "👩‍💻"), murmurhash3_x86_32("实验".encode() + b"\xff" + "👩‍💻".encode()))
        self.assertNotEqual(hash_unit("exp", "\u00e9"), hash_unit("exp", "e\u0301"))  # no normalization
        self.assertNotEqual(hash_unit("ab", "c"), hash_unit("a", "bc"))

    def test_lone_surrogates_hash_as_replacement_character(self):
        self.assertEqual(hash_unit("exp", "\ud800"), hash_unit("exp", "\ufffd"))
        self.assertEqual(hash_unit("exp", "a\udc00b"), hash_unit("exp", "a\ufffdb"))
        self.assertNotEqual(hash_unit("exp", "\ud800"), hash_unit("exp", "?"))
        # A pair written as two code points is one character, as in a JavaScript string.
        self.assertEqual(hash_unit("exp", "\ud83d\ude00"), hash_unit("exp", "😀"))


class AssignVariantTest(unittest.TestCase):
    three_way = [{"key": "a", "weight": 10}, {"key": "b", "weight": 30}, {"key": "c", "weight": 60}]

    def test_cumulative_weights_from_the_scaled_hash(self):
        for i in range(1000):
            unit = f"user_{i}"
            bucket = hash_unit("exp_rule", unit) * 100 // 2**32
            expected = "a" if bucket < 10 else "b" if bucket < 40 else "c"
            self.assertEqual(assign_variant("exp_rule", unit, self.three_way), expected)

    def test_split_follows_weights(self):
        counts = {"a": 0, "b": 0, "c": 0}
        for i in range(20_000):
            counts[assign_variant("exp_103060", f"user_{i}", self.three_way)] += 1
        self.assertAlmostEqual(counts["a"] / 20_000, 0.1, delta=0.015)
        self.assertAlmostEqual(counts["c"] / 20_000, 0.6, delta=0.015)

    def test_validation(self):
        bad = [
            ("", "u", self.three_way), ("e", "", self.three_way), ("e", "u", []),
            ("e", "u", [{"key": "", "weight": 1}]), ("e", "u", [{"key": "a", "weight": 0}]), ("e", "u", [{"key": "a", "weight": 1.5}]),
            ("e", "u", [{"key": "a", "weight": True}]), ("e", "u", [{"key": "a", "weight": 1}, {"key": "a", "weight": 1}]),
            ("e", "u", [{"key": "a", "weight": 1_000_001}]), ("e", "u", [{"key": f"k{i}", "weight": 1} for i in range(101)]),
        ]
        for experiment, unit, variants in bad:
            with self.subTest(experiment=experiment, unit=unit, variants=str(variants)[:60]):
                with self.assertRaises(ValueError):
                    assign_variant(experiment, unit, variants)
        self.assertEqual(assign_variant("e", "u", [{"key": "only", "weight": 3.0}]), "only")


if __name__ == "__main__":
    unittest.main()
