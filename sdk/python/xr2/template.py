"""The xR2 template engine, ported from workers/shared/src/template/index.ts.

The SDK renders cached templates in-process, so it must give exactly the edge's answer: the same
syntax, the same coercion of values, the same error codes in the same order and the same limits.
The shared conformance fixture (sdk/conformance/conformance.json) checks that.

Syntax, read left to right by a linear scanner:
  {name}          the value of variable `name` (an ASCII letter or `_`, then letters, digits or
                  `_`, directly between the braces). Strings as they are, numbers as JavaScript's
                  String(n), booleans as true/false; an optional variable without value renders "".
  {{  }}          a literal `{` and `}`.
  {% if name %}…{% else %}…{% endif %}, {% if not name %}: nestable; false, "", 0, None and no
                  value are false, every other value is true.
A `{` that starts none of `{{`, `{%`, `{name}` is literal text, and so is the `}` that closes it
(JSON examples render unchanged). Outside such literal braces a lone `}` is literal and `}}` is `}`.

Lengths, limits, offsets and columns count UTF-16 code units, as JavaScript does, so that a
template with emoji hits the same limits here as at the edge.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

__all__ = [
    "TEMPLATE_LIMITS",
    "TemplateError",
    "TemplateErrorDetail",
    "Position",
    "CompiledTemplate",
    "CompiledMessage",
    "compile_template",
    "compile_messages",
    "render_template",
    "render_messages",
    "coerce_variables",
    "variables_used",
    "js_number_to_string",
]

TEMPLATE_LIMITS: Mapping[str, int] = {"source_chars": 100_000, "depth": 32, "output_chars": 1_000_000}
_MAX_ERRORS = 100
_SOURCE_CHARS = TEMPLATE_LIMITS["source_chars"]
_DEPTH = TEMPLATE_LIMITS["depth"]
_OUTPUT_CHARS = TEMPLATE_LIMITS["output_chars"]

Scalar = Union[str, int, float, bool]
VariableDefinition = Mapping[str, Any]  # {"name", "type", "required", "default"?, "values"?}


@dataclass(frozen=True)
class Position:
    """0-based offset; 1-based line and column; all in UTF-16 code units like the edge."""

    offset: int
    line: int
    column: int


@dataclass
class TemplateErrorDetail:
    """One problem found by the engine (the edge's TemplateError object)."""

    code: str  # syntax | missing_variable | type_mismatch | unknown_variable | limit_exceeded
    message: str
    variable: Optional[str] = None
    position: Optional[Position] = None
    message_index: Optional[int] = None

    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"code": self.code, "message": self.message}
        if self.variable is not None:
            out["variable"] = self.variable
        if self.position is not None:
            out["position"] = {"offset": self.position.offset, "line": self.position.line, "column": self.position.column}
        if self.message_index is not None:
            out["message_index"] = self.message_index
        return out


class TemplateError(ValueError):
    """Raised when a template does not compile or values are refused.

    `errors` lists every problem in the edge's order; `code` and `variable` are the first one's.
    The message names the variables, like the edge's 400 VALIDATION_FAILED answer.
    """

    def __init__(self, errors: Sequence[TemplateErrorDetail]) -> None:
        self.errors: List[TemplateErrorDetail] = list(errors)
        first = self.errors[0] if self.errors else TemplateErrorDetail("syntax", "invalid template")
        self.code: str = first.code
        self.variable: Optional[str] = first.variable
        names: List[str] = []
        for error in self.errors:
            if error.variable is not None and error.variable not in names:
                names.append(error.variable)
        message = first.message
        if len(names) > 1:
            message += " (variables with problems: " + ", ".join(names) + ")"
        super().__init__(message)


# ----------------------------------------------------------------------------- UTF-16 helpers

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))


def _utf16_slice(text: str, end: int) -> str:
    """text.slice(0, end) in JavaScript: may cut a surrogate pair in half, as JS does."""
    if text.isascii():
        return text[:end]
    return text.encode("utf-16-le", "surrogatepass")[: 2 * end].decode("utf-16-le", "surrogatepass")


def _position_at(source: str, offset: int) -> Position:
    line_start = source.rfind("\n", 0, offset) + 1
    line = source.count("\n", 0, offset) + 1
    return Position(_utf16_len(source[:offset]), line, _utf16_len(source[line_start:offset]) + 1)


# ----------------------------------------------------------------------------- JS formatting


def js_number_to_string(value: Union[int, float]) -> str:
    """JavaScript's String(n) for a number: 1 → "1", 2.5 → "2.5", 1e21 → "1e+21", 1e-7 → "1e-7".

    Python's repr gives the same shortest round-trip digits as JavaScript; only the layout differs
    (ECMAScript Number::toString). Integers are first converted to a double, as JSON would.
    """
    number = float(value)  # OverflowError for ints beyond a double: callers check finiteness first
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"  # also -0
    sign = "-" if number < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(number))).as_tuple()
    digits = "".join(str(d) for d in digit_tuple).rstrip("0")
    exponent += len(digit_tuple) - len(digits)  # trailing zeros moved into the exponent
    digits = digits.lstrip("0") or "0"
    k = len(digits)
    n = exponent + k  # value = 0.digits × 10^n
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        body = mantissa + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + body


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_string(text: str) -> str:
    """JSON.stringify of a string (non-ASCII kept, lone surrogates escaped)."""
    encoded = json.dumps(text, ensure_ascii=False)
    return _LONE_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), encoded)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_finite_number(value: Any) -> bool:
    if not _is_number(value):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _scalar_text(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return js_number_to_string(value)


def _describe(value: Any) -> str:
    if isinstance(value, str):
        shown = _utf16_slice(value, 40) + "…" if _utf16_len(value) > 40 else value
        return _json_string(shown)
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        try:
            return js_number_to_string(value)
        except OverflowError:
            return "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, (list, tuple)):
        return "an array"
    if value is None:
        return "a value of type object"
    return "a value of type object" if isinstance(value, Mapping) or not callable(value) else "a value of type function"


def _js_key_order(keys: Sequence[str]) -> List[str]:
    """Object.keys order: array-index keys ("0", "42") first, ascending, then insertion order."""
    indices = [key for key in keys if key.isdigit() and key.isascii() and (key == "0" or key[0] != "0") and int(key) < 4294967295]
    if not indices:
        return list(keys)
    index_set = set(indices)
    return sorted(indices, key=int) + [key for key in keys if key not in index_set]


# ----------------------------------------------------------------------------- compile


@dataclass(frozen=True)
class _Variable:
    name: str
    offset: int


@dataclass
class _If:
    name: str
    negate: bool
    offset: int
    then: List[Any] = field(default_factory=list)
    otherwise: List[Any] = field(default_factory=list)


@dataclass(frozen=True)
class CompiledTemplate:
    source: str
    nodes: Tuple[Any, ...]
    uses: Mapping[str, int]  # variable → offset (code points) of its first use, in order of first use


@dataclass(frozen=True)
class CompiledMessage:
    role: str
    template: CompiledTemplate


_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_TRIM = re.compile("^[" + _JS_SPACE + "]+|[" + _JS_SPACE + "]+$")
_SPLIT = re.compile("[" + _JS_SPACE + "]+")
_BRACE = re.compile("[{}]")


def _is_identifier_char(c: str, first: bool) -> bool:
    return c == "_" or ("A" <= c <= "Z") or ("a" <= c <= "z") or (not first and "0" <= c <= "9")


def _identifier_end(source: str, start: int) -> int:
    end = start
    length = len(source)
    while end < length and _is_identifier_char(source[end], end == start):
        end += 1
    return end


def _is_identifier(name: str) -> bool:
    return name != "" and _identifier_end(name, 0) == len(name)


def _quote(tag: str) -> str:
    shown = _utf16_slice(tag, 40) + "…" if _utf16_len(tag) > 40 else tag
    return '"{% ' + shown + ' %}"'


def _limit_error(message: str) -> TemplateError:
    return TemplateError([TemplateErrorDetail("limit_exceeded", message)])


def compile_template(source: str) -> CompiledTemplate:
    """Compiles a template; raises TemplateError with every syntax/limit error (at most 100)."""
    if not isinstance(source, str):
        raise TypeError("a template must be a string")
    source_length = _utf16_len(source)
    if source_length > _SOURCE_CHARS:
        raise _limit_error(f"the template has {source_length} characters; at most {_SOURCE_CHARS} are allowed")
    errors: List[TemplateErrorDetail] = []

    def fail(code: str, offset: int, message: str) -> None:
        errors.append(TemplateErrorDetail(code, message, position=_position_at(source, offset)))

    uses: Dict[str, int] = {}
    root: List[Any] = []
    open_ifs: List[List[Any]] = []  # [node, in_else]
    out = root
    text = ""
    text_start = 0
    literal_braces = 0
    length = len(source)

    def flush(end: int) -> None:
        nonlocal text
        text += source[text_start:end]
        if text != "":
            out.append(text)
        text = ""

    i = 0
    while i < length and len(errors) < _MAX_ERRORS:
        found = _BRACE.search(source, i)
        if found is None:
            i = length
            break
        i = found.start()
        c = source[i]
        if c == "{":
            following = source[i + 1 : i + 2]
            if following == "{":
                text += source[text_start : i + 1]
                i += 2
                text_start = i
                continue
            if following == "%":
                close = source.find("%}", i + 2)
                if close < 0:
                    fail("syntax", i, "`{%` is never closed by `%}`")
                    break
                flush(i)
                tag = _TRIM.sub("", source[i + 2 : close])
                words = _SPLIT.split(tag)
                top = open_ifs[-1] if open_ifs else None
                if words[0] == "if":
                    negate = len(words) > 1 and words[1] == "not"
                    name = words[-1] if len(words) == (3 if negate else 2) else ""
                    if _is_identifier(name):
                        uses.setdefault(name, i)
                    else:
                        fail("syntax", i, f"malformed tag {_quote(tag)}: expected {{% if name %}} or {{% if not name %}}")
                    if len(open_ifs) == _DEPTH:
                        fail("limit_exceeded", i, f"ifs are nested more than {_DEPTH} deep")
                    node = _If(name, negate, i)
                    out.append(node)
                    open_ifs.append([node, False])
                    out = node.then
                elif tag == "else":
                    if top is None:
                        fail("syntax", i, "{% else %} without an open {% if %}")
                    elif top[1]:
                        fail("syntax", i, "a second {% else %} in the same {% if %}")
                    else:
                        top[1] = True
                        out = top[0].otherwise
                elif tag == "endif":
                    if top is None:
                        fail("syntax", i, "{% endif %} without an open {% if %}")
                    else:
                        open_ifs.pop()
                    parent = open_ifs[-1] if open_ifs else None
                    out = (parent[0].otherwise if parent[1] else parent[0].then) if parent else root
                else:
                    fail("syntax", i, f'unknown tag {_quote(tag)}: expected if, else or endif (write {{{{% for a literal "{{%")')
                i = close + 2
                text_start = i
                continue
            end = _identifier_end(source, i + 1)
            if end > i + 1 and source[end : end + 1] == "}":
                flush(i)
                name = source[i + 1 : end]
                out.append(_Variable(name, i))
                uses.setdefault(name, i)
                i = end + 1
                text_start = i
                continue
            literal_braces += 1
        else:  # "}"
            if literal_braces > 0:
                literal_braces -= 1
            elif source[i + 1 : i + 2] == "}":
                text += source[text_start : i + 1]
                i += 2
                text_start = i
                continue
        i += 1
    flush(i)
    for node, _ in open_ifs:
        fail("syntax", node.offset, f"{{% if {'not ' if node.negate else ''}{node.name} %}} is never closed by {{% endif %}}")
    if errors:
        raise TemplateError(errors[:_MAX_ERRORS])
    return CompiledTemplate(source, tuple(root), uses)


def variables_used(template: CompiledTemplate) -> List[str]:
    """Variables the template mentions, in order of first use."""
    return list(template.uses)


def compile_messages(messages: Sequence[Mapping[str, Any]]) -> List[CompiledMessage]:
    """Compiles chat messages; errors name their message (message_index)."""
    compiled: List[CompiledMessage] = []
    errors: List[TemplateErrorDetail] = []
    for index, message in enumerate(messages):
        try:
            compiled.append(CompiledMessage(message["role"], compile_template(message["content"])))
        except TemplateError as error:
            for detail in error.errors:
                detail.message_index = index
                errors.append(detail)
    if errors:
        raise TemplateError(errors)
    return compiled


# ----------------------------------------------------------------------------- values


def _matches(definition: VariableDefinition, value: Any) -> bool:
    kind = definition.get("type")
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return _is_finite_number(value)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "enum":
        return isinstance(value, str) and value in (definition.get("values") or [])
    return False


_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _coerce(definition: VariableDefinition, value: Any) -> Tuple[bool, Any]:
    kind = definition.get("type")
    if isinstance(value, str) and kind == "number":
        number = float(value) if _DECIMAL.fullmatch(value) else math.nan
        return (True, number) if math.isfinite(number) else (False, None)
    if isinstance(value, str) and kind == "boolean":
        if value == "true":
            return True, True
        if value == "false":
            return True, False
        return False, None
    return (True, value) if _matches(definition, value) else (False, None)


def _missing(name: str) -> TemplateErrorDetail:
    return TemplateErrorDetail("missing_variable", f'required variable "{name}" has no value', variable=name)


def _mismatch(definition: VariableDefinition, value: Any, is_default: bool) -> TemplateErrorDetail:
    name = definition["name"]
    kind = definition.get("type")
    if kind == "enum":
        expected = "one of " + ", ".join(_json_string(allowed) if isinstance(allowed, str) else json.dumps(allowed) for allowed in (definition.get("values") or []))
    else:
        expected = {"string": "a string", "number": "a number", "boolean": "true or false"}.get(kind, "a " + str(kind))
    subject = f'the default of variable "{name}"' if is_default else f'variable "{name}"'
    return TemplateErrorDetail("type_mismatch", f"{subject} must be {expected}, not {_describe(value)}", variable=name)


def coerce_variables(raw: Mapping[str, Any], definitions: Sequence[VariableDefinition]) -> Dict[str, Any]:
    """Turns caller values into typed ones, as the edge does with query strings and JSON bodies.

    "42" becomes a number for a number variable and "true"/"false" a boolean; enums must be one
    of their values; defaults fill absent (or None) values; a required variable without value or
    default is an error. Undeclared names pass through unchanged. Raises TemplateError.
    """
    values: Dict[str, Any] = {key: raw[key] for key in _js_key_order(list(raw))}
    errors: List[TemplateErrorDetail] = []
    for definition in definitions:
        name = definition["name"]
        supplied = raw[name] if name in raw else None
        value = supplied if supplied is not None else definition.get("default")
        if value is None:
            if definition.get("required"):
                errors.append(_missing(name))
            continue
        ok, coerced = _coerce(definition, value)
        if ok:
            values[name] = coerced
        else:
            errors.append(_mismatch(definition, value, name not in raw))
    if errors:
        raise TemplateError(errors)
    return values


# ----------------------------------------------------------------------------- render


def render_template(
    template: CompiledTemplate,
    values: Mapping[str, Any],
    definitions: Sequence[VariableDefinition] = (),
    strict: bool = False,
) -> str:
    """Renders with values checked against the definitions (types must already match: use
    coerce_variables first for query-string values). With `strict`, undeclared variables that are
    supplied or used are errors; otherwise they render like optional strings. Raises TemplateError."""
    return _render_all([template], values, definitions, strict, False)[0]


def render_messages(
    messages: Sequence[CompiledMessage],
    values: Mapping[str, Any],
    definitions: Sequence[VariableDefinition] = (),
    strict: bool = False,
) -> List[Dict[str, str]]:
    """Renders every message with the same values; the output limit applies to all together."""
    texts = _render_all([message.template for message in messages], values, definitions, strict, True)
    return [{"role": message.role, "content": text} for message, text in zip(messages, texts)]


def _render_all(
    templates: Sequence[CompiledTemplate],
    values: Mapping[str, Any],
    definitions: Sequence[VariableDefinition],
    strict: bool,
    indexed: bool,
) -> List[str]:
    errors: List[TemplateErrorDetail] = []

    def report(error: TemplateErrorDetail) -> None:
        # Each error points at the variable's first use, in the first template that uses it.
        for index, template in enumerate(templates):
            offset = template.uses.get(error.variable) if error.variable is not None else None
            if offset is not None:
                error.position = _position_at(template.source, offset)
                if indexed:
                    error.message_index = index
                break
        errors.append(error)

    resolved: Dict[str, Any] = {}
    declared = set()
    for definition in definitions:
        name = definition["name"]
        declared.add(name)
        supplied = values.get(name)
        value = supplied if supplied is not None else definition.get("default")
        if value is None:
            if definition.get("required"):
                report(_missing(name))
        elif _matches(definition, value):
            resolved[name] = value
        else:
            report(_mismatch(definition, value, supplied is None))
    undeclared: Dict[str, None] = {}
    for name in _js_key_order(list(values)):
        value = values[name]
        if name in declared or value is None:
            continue
        if strict:
            undeclared[name] = None
        elif isinstance(value, str) or isinstance(value, bool) or _is_finite_number(value):
            resolved[name] = value
        else:
            report(TemplateErrorDetail("type_mismatch", f'variable "{name}" must be a string, a finite number or a boolean, not {_describe(value)}', variable=name))
    if strict:
        for template in templates:
            for name in template.uses:
                if name not in declared:
                    undeclared[name] = None
    for name in undeclared:
        report(TemplateErrorDetail("unknown_variable", f'variable "{name}" is not declared in the prompt\'s variables', variable=name))
    if errors:
        raise TemplateError(errors)

    rendered = {name: _scalar_text(value) for name, value in resolved.items()}
    room = [_OUTPUT_CHARS]
    texts: List[str] = []
    for template in templates:
        parts: List[str] = []
        if not _emit(template.nodes, resolved, rendered, parts, room):
            raise _limit_error(f"the rendered text would exceed {_OUTPUT_CHARS} characters")
        texts.append("".join(parts))
    return texts


def _truthy(value: Any) -> bool:
    if value is None or value is False or value == "":
        return False
    return not (_is_number(value) and value == 0)


def _emit(nodes: Sequence[Any], values: Mapping[str, Any], rendered: Mapping[str, str], parts: List[str], room: List[int]) -> bool:
    """Appends the nodes' text to parts; False when the output limit would be exceeded."""
    for node in nodes:
        if isinstance(node, str):
            piece = node
        elif isinstance(node, _Variable):
            piece = rendered.get(node.name, "")
        else:
            branch = node.then if _truthy(values.get(node.name)) != node.negate else node.otherwise
            if not _emit(branch, values, rendered, parts, room):
                return False
            continue
        size = _utf16_len(piece)
        if size > room[0]:
            return False
        room[0] -= size
        parts.append(piece)
    return True
