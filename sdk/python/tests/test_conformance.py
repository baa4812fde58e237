"""Runs the shared conformance fixture (sdk/conformance/conformance.json), the same file the
edge's engine and the TypeScript SDK run: every template case through the edge's pipeline
(compile, coerce the values, render), every assignment and hash case through the ported hash."""

from __future__ import annotations

import json
import unittest
from pathlib import Path
from typing import Any, Dict

from xr2.assignment import assign_variant, hash_unit
from xr2.template import TemplateError, coerce_variables, compile_messages, compile_template, render_messages, render_template

FIXTURE = Path(__file__).resolve().parent.parent.parent / "conformance" / "conformance.json"


def load_fixture() -> Dict[str, Any]:
    if not FIXTURE.is_file():
        raise AssertionError(f"the conformance fixture is missing: {FIXTURE}")
    with FIXTURE.open(encoding="utf-8") as handle:
        return json.load(handle)


def run_template_case(case: Dict[str, Any]) -> Dict[str, Any]:
    """What the edge answers for the case: {"content"} / {"messages"} or the first error."""
    definitions = case.get("variables") or []
    try:
        if case["kind"] == "chat":
            compiled = compile_messages(case["messages"])
            values = coerce_variables(case.get("values") or {}, definitions)
            return {"messages": render_messages(compiled, values, definitions, strict=bool(case.get("strict")))}
        template = compile_template(case["content"])
        values = coerce_variables(case.get("values") or {}, definitions)
        return {"content": render_template(template, values, definitions, strict=bool(case.get("strict")))}
    except TemplateError as error:
        first = error.errors[0]
        out = {"code": first.code}
        if first.variable is not None:
            out["variable"] = first.variable
        return {"error": out}


class ConformanceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.fixture = load_fixture()

    def test_case_names_are_unique(self) -> None:
        names = [case["name"] for case in self.fixture["template"] + self.fixture["assignment"]]
        self.assertEqual(sorted(name for name in set(names) if names.count(name) > 1), [])

    def test_template_cases(self) -> None:
        cases = self.fixture["template"]
        self.assertGreater(len(cases), 0)
        for case in cases:
            with self.subTest(case["name"]):
                expected = dict(case["expect"])
                if "error" in expected:
                    expected["error"] = {key: value for key, value in expected["error"].items() if key in ("code", "variable")}
                self.assertEqual(run_template_case(case), expected)

    def test_assignment_cases(self) -> None:
        cases = self.fixture["assignment"]
        self.assertGreater(len(cases), 0)
        for case in cases:
            with self.subTest(case["name"]):
                if case["expect"].get("error"):
                    with self.assertRaises(ValueError):
                        assign_variant(case["experiment_id"], case["unit_id"], case["variants"])
                else:
                    self.assertEqual(assign_variant(case["experiment_id"], case["unit_id"], case["variants"]), case["expect"]["variant"])

    def test_hash_cases(self) -> None:
        for case in self.fixture.get("hash", []):
            with self.subTest(f"{case['experiment_id']!r} {case['unit_id']!r}"):
                self.assertEqual(hash_unit(case["experiment_id"], case["unit_id"]), case["hash"])


if __name__ == "__main__":
    unittest.main()
