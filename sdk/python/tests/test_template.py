"""The ported template engine, against the behaviours the TypeScript engine's own tests pin down
(workers/shared/src/template/template.test.ts): messages, positions in UTF-16 code units, limits,
and JavaScript's number formatting. The conformance fixture covers outputs and first errors."""

from __future__ import annotations

import random
import unittest

from xr2.template import (
    TEMPLATE_LIMITS,
    Position,
    TemplateError,
    coerce_variables,
    compile_messages,
    compile_template,
    js_number_to_string,
    render_messages,
    render_template,
    variables_used,
)


def render(source, values=None, definitions=(), strict=False):
    return render_template(compile_template(source), values or {}, list(definitions), strict)


def errors_of(call, *args):
    try:
        call(*args)
    except TemplateError as error:
        return [detail.to_dict() for detail in error.errors]
    raise AssertionError("expected a TemplateError")


def at(offset, line, column):
    return {"offset": offset, "line": line, "column": column}


def text(name, **more):
    return {"name": name, "type": "string", "required": False, **more}


class NumberFormatTest(unittest.TestCase):
    def test_renders_numbers_as_javascript_string(self):
        cases = {
            0: "0", -0.0: "0", 1: "1", -1: "-1", 2.5: "2.5", 0.1: "0.1", 1 / 3: "0.3333333333333333",
            100.0: "100", 1e20: "100000000000000000000", 1e21: "1e+21", 1.5e21: "1.5e+21", 123456789012345680000: "123456789012345680000",
            1e-6: "0.000001", 1e-7: "1e-7", 1.5e-7: "1.5e-7", 5e-324: "5e-324", 1.7976931348623157e308: "1.7976931348623157e+308",
            2**53: "9007199254740992", 2**60: "1152921504606847000", -1500.0: "-1500", 0.000123: "0.000123", 123.456: "123.456",
            float("nan"): "NaN", float("inf"): "Infinity", float("-inf"): "-Infinity",
        }
        for value, expected in cases.items():
            with self.subTest(value=value):
                self.assertEqual(js_number_to_string(value), expected)

    def test_round_trips(self):
        generator = random.Random(7)
        for _ in range(2000):
            value = generator.uniform(-1, 1) * 10 ** generator.randint(-30, 30)
            self.assertEqual(float(js_number_to_string(value)), value)

    def test_booleans_and_numbers_in_templates(self):
        definitions = [text("name"), {"name": "n", "type": "number", "required": True}, {"name": "ok", "type": "boolean", "required": True}]
        self.assertEqual(render("Hello {name}! {n} items, ok={ok}", {"name": "Ada", "n": 2.5, "ok": False}, definitions), "Hello Ada! 2.5 items, ok=false")
        self.assertEqual(render("{n}", {"n": 3}), "3")
        self.assertEqual(render("{n}", {"n": 3.0}), "3")


class SyntaxTest(unittest.TestCase):
    def test_literal_braces(self):
        self.assertEqual(render("{{name}} is {name}; {{ and }}; {{{{", {"name": "Ada"}), "{name} is Ada; { and }; {{")
        json_text = 'Answer as JSON: {"a": {"b": [1, {"c": null}]}, "d": {}}\n{ "e": "}" }'
        self.assertEqual(render(json_text), json_text)
        self.assertEqual(render('{"user": "{name}", "age": {age}}', {"name": "Ada", "age": 36}), '{"user": "Ada", "age": 36}')
        self.assertEqual(render("x }} y"), "x } y")
        self.assertEqual(render("{a: {b: 1}}}}"), "{a: {b: 1}}}")
        self.assertEqual(render("{{x}}}}", {"x": "no"}), "{x}}")
        self.assertEqual(render("{x}}}", {"x": "v"}), "v}")

    def test_conditionals(self):
        probe = "{% if x %}T{% else %}F{% endif %}"
        for value in (False, "", 0, 0.0, None):
            self.assertEqual(render(probe, {"x": value}), "F")
        for value in (True, "0", "false", " ", 1, -1, 0.5):
            self.assertEqual(render(probe, {"x": value}), "T")
        self.assertEqual(render("{%  if \n not\tx  %}a{%\nelse %}b{% endif\n%}", {"x": True}), "b")
        self.assertEqual(render("{% if\u00a0x %}a{% endif %}", {"x": True}), "a")  # JS \s includes NBSP

    def test_syntax_errors_with_positions(self):
        self.assertEqual(
            errors_of(compile_template, "Hello\n  {% if vip %}dear"),
            [{"code": "syntax", "message": "{% if vip %} is never closed by {% endif %}", "position": at(8, 2, 3)}],
        )
        self.assertEqual(
            errors_of(compile_template, "x\n\n  {% for a in b %}"),
            [{"code": "syntax", "message": 'unknown tag "{% for a in b %}": expected if, else or endif (write {{% for a literal "{%")', "position": at(5, 3, 3)}],
        )
        self.assertEqual(errors_of(compile_template, "ok {% if x"), [{"code": "syntax", "message": "`{%` is never closed by `%}`", "position": at(3, 1, 4)}])
        messages = [(e["message"][:14], e["position"]["line"]) for e in errors_of(compile_template, "{% endif %}\n{% bogus %}\n{% if x %}{% else %}{% else %}")]
        self.assertEqual(messages, [("{% endif %} wi", 1), ('unknown tag "{', 2), ("a second {% el", 3), ("{% if x %} is ", 3)])
        self.assertEqual(len(errors_of(compile_template, "{% endif %}" * 500)), 100)

    def test_columns_count_utf16_code_units(self):
        self.assertEqual(errors_of(compile_template, "é😀\r\né😀{% x %}")[0]["position"], at(8, 2, 4))

    def test_variables_used(self):
        self.assertEqual(variables_used(compile_template("{b} {% if not a %}{b}{c}{% else %}{d}{% endif %} {a} {{e}}")), ["b", "a", "c", "d"])


class ValuesTest(unittest.TestCase):
    def test_collects_every_error_in_order_with_positions(self):
        definitions = [
            text("name", required=True),
            {"name": "count", "type": "number", "required": True},
            {"name": "plan", "type": "enum", "required": True, "values": ["free", "pro"]},
            {"name": "unused", "type": "string", "required": True},
        ]
        self.assertEqual(
            errors_of(render, "Hi\n  {% if count %}{name}{% endif %} {name} {plan}", {"count": "3", "plan": "gold"}, definitions),
            [
                {"code": "missing_variable", "variable": "name", "message": 'required variable "name" has no value', "position": at(19, 2, 17)},
                {"code": "type_mismatch", "variable": "count", "message": 'variable "count" must be a number, not "3"', "position": at(5, 2, 3)},
                {"code": "type_mismatch", "variable": "plan", "message": 'variable "plan" must be one of "free", "pro", not "gold"', "position": at(44, 2, 42)},
                {"code": "missing_variable", "variable": "unused", "message": 'required variable "unused" has no value'},
            ],
        )

    def test_strict_mode(self):
        self.assertEqual(
            errors_of(render, "x\n{used} {b}", {"extra": "1", "b": "ok"}, [text("b")], True),
            [
                {"code": "unknown_variable", "variable": "extra", "message": 'variable "extra" is not declared in the prompt\'s variables'},
                {"code": "unknown_variable", "variable": "used", "message": 'variable "used" is not declared in the prompt\'s variables', "position": at(2, 2, 1)},
            ],
        )

    def test_coerces_query_string_values(self):
        definitions = [
            {"name": "n", "type": "number", "required": False},
            {"name": "flag", "type": "boolean", "required": False},
            {"name": "plan", "type": "enum", "required": False, "values": ["free", "pro"]},
            {"name": "s", "type": "string", "required": False},
        ]
        self.assertEqual(coerce_variables({"n": "-1.5e3", "flag": "false", "plan": "pro", "s": "42"}, definitions), {"n": -1500, "flag": False, "plan": "pro", "s": "42"})
        for raw in ["", " 1", "1 ", "0x10", "Infinity", "1e999", "1_000", "4two", "-", "true", "1\n", "١"]:
            with self.subTest(raw=raw):
                self.assertEqual(errors_of(coerce_variables, {"n": raw}, definitions)[0]["variable"], "n")
        self.assertEqual(errors_of(coerce_variables, {"s": True}, definitions)[0]["message"], 'variable "s" must be a string, not true')
        self.assertEqual(errors_of(coerce_variables, {"n": True}, definitions)[0]["code"], "type_mismatch")  # a bool is not a number
        with_defaults = [{"name": "n", "type": "number", "required": True, "default": "5"}, text("who", required=True)]
        self.assertEqual(coerce_variables({"who": "Ada"}, with_defaults), {"who": "Ada", "n": 5})
        self.assertEqual(errors_of(render, "{n}", {}, [{"name": "n", "type": "number", "required": False, "default": "x"}])[0]["message"], 'the default of variable "n" must be a number, not "x"')

    def test_undeclared_values(self):
        self.assertEqual(render("{a}{b}", {"a": "x", "c": 1}, [text("b")]), "x")
        self.assertEqual(errors_of(render, "{a}", {"a": {"nested": True}})[0]["code"], "type_mismatch")
        self.assertEqual(errors_of(render, "{a}", {"a": float("nan")})[0]["message"], 'variable "a" must be a string, a finite number or a boolean, not NaN')


class ChatAndLimitsTest(unittest.TestCase):
    def test_chat_errors_name_their_message(self):
        try:
            compile_messages([{"role": "user", "content": "ok"}, {"role": "assistant", "content": "{% if x %}"}])
            self.fail("expected a TemplateError")
        except TemplateError as error:
            self.assertEqual(error.errors[0].message_index, 1)
        messages = compile_messages([{"role": "system", "content": "x"}, {"role": "system", "content": "You help {name}."}])
        self.assertEqual(render_messages(messages, {"name": "Ada"}, [text("name", required=True)]), [{"role": "system", "content": "x"}, {"role": "system", "content": "You help Ada."}])
        try:
            render_messages(messages, {}, [text("name", required=True)])
            self.fail("expected a TemplateError")
        except TemplateError as error:
            self.assertEqual((error.errors[0].message_index, error.errors[0].position), (1, Position(9, 1, 10)))

    def test_limits(self):
        self.assertIsNotNone(compile_template("a" * TEMPLATE_LIMITS["source_chars"]))
        self.assertEqual(
            errors_of(compile_template, "a" * (TEMPLATE_LIMITS["source_chars"] + 1)),
            [{"code": "limit_exceeded", "message": "the template has 100001 characters; at most 100000 are allowed"}],
        )
        self.assertEqual(errors_of(compile_template, "😀" * 50_001)[0]["code"], "limit_exceeded")  # 100,002 UTF-16 units
        nest = lambda depth: "{% if x %}" * depth + "deep" + "{% endif %}" * depth  # noqa: E731
        self.assertEqual(render(nest(32), {"x": True}), "deep")
        self.assertEqual(errors_of(compile_template, nest(33)), [{"code": "limit_exceeded", "message": "ifs are nested more than 32 deep", "position": at(320, 1, 321)}])
        template = compile_template("{v}" * 10)
        self.assertEqual(len(render_template(template, {"v": "x" * 100_000})), 1_000_000)
        self.assertEqual(errors_of(render_template, template, {"v": "x" * 100_001})[0]["code"], "limit_exceeded")
        three = compile_messages([{"role": "user", "content": "{v}"}] * 3)
        half = "x" * 500_000
        self.assertEqual(len(render_messages(three[:2], {"v": half})), 2)
        self.assertEqual(errors_of(render_messages, three, {"v": half})[0]["code"], "limit_exceeded")

    def test_adversarial_sources_compile_or_fail_cleanly(self):
        for unit in ["{%", "{", "}", "{a", "{{", "}}", "{% if a %}", "{% endif %}", "{%x%}", "{a}", "%}", "{% if"]:
            source = unit * (TEMPLATE_LIMITS["source_chars"] // len(unit))
            try:
                render_template(compile_template(source), {"a": True})
            except TemplateError as error:
                self.assertGreater(len(error.errors), 0)

    def test_escaping_any_text_gives_it_back(self):
        generator = random.Random(11)
        alphabet = ["{", "}", "%", "{%", "%}", "a", " ", "\n", "if", "é", "😀", "{x}"]
        for _ in range(500):
            original = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 20)))
            self.assertEqual(render(original.replace("{", "{{").replace("}", "}}")), original)


if __name__ == "__main__":
    unittest.main()
