"""Schema validation: documents -> findings at the offending key or value (PC101, PC103).

The JSON Schemas in the top-level ``schema/`` folder are the single source of the file
format; they ship in the wheel as the package ``plancode.schemas``. jsonschema's own
messages are written for programmers, so each error is translated into a sentence that
names the field, what is wrong and, where possible, the fix (a close field name, the
allowed values).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterator

from . import native_yaml
from .i18n import Messages, register
from .loader import Document
from .problems import Finding, Pointer

if TYPE_CHECKING:  # jsonschema (65 ms to import) explains only the files jsonschema-rs rejects
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

KINDS = ("team", "strategy", "workstream", "report", "review")
SCHEMA_NAMES = (*KINDS, "config", "defs")
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
OWNER_FIELDS = ("owner", "lead", "author")
_SEVERAL_OWNERS = re.compile(r"\s*(?:[,，、/;；&+]|\s和\s|\sand\s)\s*")

#: SPEC §5.7: numbers in plans are finite and smaller than this in magnitude ...
NUMBER_LIMIT = native_yaml.NUMBER_LIMIT
#: ... and dates (as_of too) lie in these years: a date far away makes charts of millions
#: of days, and year 10000 does not exist for Python
FIRST_YEAR, LAST_YEAR = 1900, 2199

register({
    "number-out-of-range": (
        "`{field}` is {value}: numbers must be finite and smaller than 10^15 (1,000,000,000,000,000)",
        "`{field}` 為 {value}:數字必須是有限值,且絕對值小於 10^15(1,000,000,000,000,000)",
    ),
    "number-out-of-range-hint": (
        "write the amount as a plain number, e.g. 1500000; .nan and .inf are not numbers",
        "請寫成普通數字,例如 1500000;.nan 和 .inf 不是數字",
    ),
    "config-contingency-reversed": (
        "`contingency` is [{low}, {high}]: the lowest accepted reserve comes first",
        "`contingency` 為 [{low}, {high}]:應先寫下限,再寫上限",
    ),
    "config-rule-fixed": (
        "{code} cannot be switched off ({level}): a file with this finding is not read at all, so "
        "silencing it would hide that part of the plans is missing",
        "{code} 不能關閉({level}):有此問題的文件根本不會被讀取,關閉它會掩蓋部分計劃缺失",
    ),
    "schema-too-long": (
        "`{field}` is longer than {limit} characters: ids become file names and links, which have a length limit",
        "`{field}` 超過 {limit} 個字元:id 會成為文件名和鏈接,長度有上限",
    ),
    "date-out-of-range": (
        "`{field}` is {value}: dates must lie in the years {first}–{last}",
        "`{field}` 為 {value}:日期必須在 {first}–{last} 年之間",
    ),
})

# the noun of a record, by the key of the list or mapping that holds it
_RECORD_NOUNS = {
    "tasks": "task", "goals": "goal", "departments": "department", "people": "person",
    "entries": "entry", "rows": "row", "metric": "metric", "budget": "budget",
    "risks": "risk", "metrics": "kpi",
}


def schema_text(name: str) -> str:
    """The JSON Schema of ``name`` (a kind, ``config`` or ``defs``) as shipped."""
    return resources.files("plancode.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")


@lru_cache(maxsize=None)
def _schemas() -> dict[str, dict[str, Any]]:
    return {name: json.loads(schema_text(name)) for name in SCHEMA_NAMES}


def _check_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        return False
    return FIRST_YEAR <= date.year <= LAST_YEAR


def real_date_out_of_range(value: object) -> bool:
    """A real calendar date outside the years plans may use (SPEC §5.7)."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        return not FIRST_YEAR <= dt.date.fromisoformat(value).year <= LAST_YEAR
    except ValueError:
        return False


def number_out_of_range(value: object) -> bool:
    """Not finite, or 10^15 or more in magnitude (SPEC §5.7); booleans are not numbers."""
    if type(value) is float:
        return not math.isfinite(value) or abs(value) >= NUMBER_LIMIT
    if type(value) is int:
        return abs(value) >= NUMBER_LIMIT
    return False


def _numbers_out_of_range(value: Any, path: Pointer = ()) -> Iterator[tuple[Pointer, Any]]:
    """(pointer, value) of every number out of range in parsed plan data."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is dict or kind is list:
            yield from _numbers_out_of_range(item, path + (key,))
        elif number_out_of_range(item):
            yield path + (key,), item


def number_text(value: Any) -> str:
    """A number as a message shows it, in YAML's spelling: ``.nan``, ``-.inf``, and
    ``≈10^4800`` rather than thousands of digits."""
    if type(value) is float and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    if type(value) is int and abs(value) >= 10**20:
        return f"{'-' if value < 0 else ''}≈10^{int(value.bit_length() * math.log10(2))}"
    return repr(value)


def range_findings(doc: Document, messages: Messages) -> list[Finding]:
    """PC101 at every number that is not finite or too large (SPEC §5.7)."""
    return [Finding("PC101", messages("number-out-of-range", field=_field(pointer), value=number_text(value)),
                    doc, pointer, hint=messages("number-out-of-range-hint"))
            for pointer, value in _numbers_out_of_range(doc.data)]


def _check_week(value: object) -> bool:
    if not isinstance(value, str):
        return True
    match = re.fullmatch(r"(\d{4})-W(\d{2})", value)
    if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        return False
    try:
        dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:  # week 53 of a year that has 52
        return False
    return True


def _inline_refs(name: str, schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The schema ``name`` with every ``$ref`` replaced by its target.

    Resolving a ``$ref`` through the registry costs a URL join and lookup per use, which
    made it 60 % of a clean check; inlined, validation is 2.5× faster. A recursive
    reference (goals within goals) becomes a cycle in the dict, which validation follows
    only as deep as the document goes.
    """
    inlined: dict[tuple[str, str], dict[str, Any]] = {}

    def target(ref: str, current: str) -> tuple[tuple[str, str], Any]:
        file, _, fragment = ref.partition("#")
        owner = file.removesuffix(".schema.json") if file else current
        node: Any = schemas[owner]
        for part in fragment.strip("/").split("/"):
            if part:
                node = node[part]
        return (owner, fragment), node

    def walk(node: Any, current: str) -> Any:
        if isinstance(node, list):
            return [walk(item, current) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return {key: _whole(value) if key == "pattern" else walk(value, current) for key, value in node.items()}
        key, referenced = target(ref, current)
        if key not in inlined:
            inlined[key] = {}  # filled below; a recursive use shares this very dict
            inlined[key].update(walk(referenced, key[0]))
        siblings = {k: walk(v, current) for k, v in node.items() if k != "$ref"}
        return {"allOf": [inlined[key]], **siblings} if siblings else inlined[key]

    return walk(schemas[name], name)


def _whole(pattern: Any) -> Any:
    """A schema pattern as ECMA-262 (editors) reads it: ``$`` is the end of the text. In
    Python ``$`` also matches before a final newline, so ``id: "live\\n"`` would pass and
    reach file names and links; ``\\Z`` does not."""
    if isinstance(pattern, str) and pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + r"\Z"
    return pattern


@lru_cache(maxsize=None)
def _validators() -> dict[str, Draft202012Validator]:
    from jsonschema import Draft202012Validator, FormatChecker

    schemas = _schemas()
    checker = FormatChecker(formats=())
    checker.checks("date")(_check_date)
    checker.checks("iso-week")(_check_week)
    checker.checks("email")(lambda v: not isinstance(v, str) or "@" in v)
    return {
        name: Draft202012Validator(_inline_refs(name, schemas), format_checker=checker)
        for name in (*KINDS, "config")
    }


def validate_document(doc: Document, messages: Messages) -> list[Finding]:
    """PC103 and PC101 findings of one plan document (empty when it is valid)."""
    data = doc.data
    if data is None:  # an empty file
        data = {}
    if not isinstance(data, dict):
        return [Finding("PC103", messages("not-a-mapping"), doc, (),
                        hint=messages("kind-hint", kinds=", ".join(KINDS)))]
    kind = data.get("kind")
    if kind is None:
        return [Finding("PC103", messages("kind-missing"), doc, (),
                        hint=messages("kind-hint", kinds=", ".join(KINDS)))]
    if kind not in KINDS:
        return [Finding("PC103", messages("kind-unknown", kind=kind), doc, ("kind",),
                        hint=messages("kind-hint", kinds=", ".join(KINDS)))]
    return schema_findings(doc, kind, messages)


#: findings meaning a file was not read or not modelled: never switched off everywhere
#: (a lower severity still shows them; `ignore:` scopes them to the paths it names)
FIXED_RULES = ("PC100", "PC101", "PC102", "PC103", "PC106")


def validate_config(doc: Document, messages: Messages) -> list[Finding]:
    if not isinstance(doc.data, dict):
        if doc.data is None:  # an empty plancode.yaml means "all defaults"
            return []
        return [Finding("PC101", messages("not-a-mapping"), doc, ())]
    findings = schema_findings(doc, "config", messages)
    if findings:
        return findings
    contingency = (doc.data.get("thresholds") or {}).get("contingency")
    if contingency and contingency[0] > contingency[1]:
        findings.append(Finding("PC101", messages("config-contingency-reversed", low=contingency[0],
                                                  high=contingency[1]), doc, ("thresholds", "contingency")))
    for code, level in (doc.data.get("rules") or {}).items():
        if code in FIXED_RULES and level == "off":
            findings.append(Finding("PC101", messages("config-rule-fixed", code=code, level=level),
                                    doc, ("rules", code)))
    return findings


@lru_cache(maxsize=None)
def _fast_validator(name: str) -> Any:
    """The jsonschema-rs validator of one schema, or None where its wheel is missing.

    They only answer "valid or not" — 30× faster than jsonschema on a 10,000-task
    repository (0.05 s against 1.6 s) — so a clean file costs almost nothing; a file they
    reject is validated again by jsonschema, whose errors carry what the translation
    below needs. Rust's ``$`` already means the end of the text, so the schemas are used
    as they are. Each is compiled when first needed: a check that replays its cached
    result validates the config alone.
    """
    registry = _fast_registry()
    if registry is None:
        return None
    import jsonschema_rs

    formats = {"date": _check_date, "iso-week": _check_week}
    return jsonschema_rs.validator_for(_schemas()[name], registry=registry, validate_formats=True,
                                       formats=formats)


@lru_cache(maxsize=None)
def _fast_registry() -> Any:
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a platform without the wheel
        return None
    return jsonschema_rs.Registry([(schema["$id"], schema) for schema in _schemas().values()])


def _surely_valid(data: Any, name: str) -> bool:
    fast = _fast_validator(name)
    if fast is None:
        return False
    try:
        return fast.is_valid(data)
    except (ValueError, TypeError, OverflowError):  # e.g. an integer beyond 64 bits
        return False


def schema_findings(doc: Document, name: str, messages: Messages) -> list[Finding]:
    # numbers first: a NaN or a 4,000-digit integer is not for the schema validators
    # (nor for any later sum), and SPEC §5.7 bounds them everywhere, not field by field
    findings = [] if doc.numbers_checked else range_findings(doc, messages)
    if not findings and _surely_valid(doc.data, name):
        return []
    validator = _validators()[name]
    seen: set[tuple[Pointer, str, bool]] = {(f.pointer, f.code, f.key) for f in findings}
    for error in validator.iter_errors(doc.data):
        for finding in _translate(error, doc, name, messages):
            place = (finding.pointer, finding.code, finding.key)
            if place not in seen:
                seen.add(place)
                findings.append(finding)
    return findings


def _field(path: Pointer) -> str:
    names = [str(p) for p in path if isinstance(p, str)]
    return names[-1] if names else "kind"


def _where(doc: Document, path: Pointer, kind: str, messages: Messages) -> str:
    """'task `script` (直播腳本策劃)' for the record at ``path``."""
    record = doc.data
    for step in path:
        record = record[step]
    keys = [p for p in path if isinstance(p, str)]
    noun = messages.noun(_RECORD_NOUNS.get(keys[-1], keys[-1]) if keys else kind)
    if isinstance(record, dict):
        label = record.get("id")
        name = record.get("name") or record.get("title")
        if isinstance(label, str) and isinstance(name, str) and name != label:
            return f"{noun} `{label}` ({name})"
        if isinstance(label or name, str):
            return f"{noun} `{label or name}`"
    return noun


def _shown(value: object) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # an integer beyond Python's 4,300-digit conversion limit
        text = number_text(value) if type(value) is int else "…"
    return text if len(text) <= 60 else text[:57] + "…"


def _type_noun(value: object, messages: Messages) -> str:
    if isinstance(value, bool):
        return messages.noun("boolean")
    if value is None:
        return messages.noun("null")
    if isinstance(value, int):
        return messages.noun("integer")
    if isinstance(value, float):
        return messages.noun("number")
    if isinstance(value, str):
        return messages.noun("string")
    if isinstance(value, list):
        return messages.noun("array")
    return messages.noun("object")


def _several_owners(value: object) -> bool:
    if isinstance(value, list):
        return len(value) > 1
    return isinstance(value, str) and len([p for p in _SEVERAL_OWNERS.split(value.strip()) if p]) > 1


def _translate(error: ValidationError, doc: Document, kind: str, messages: Messages) -> Iterator[Finding]:
    path: Pointer = tuple(error.absolute_path)
    name = _field(path)
    validator = error.validator
    value = error.instance

    def finding(message: str, pointer: Pointer = path, key: bool = False, hint: str = "", code: str = "PC101"):
        return Finding(code, message, doc, pointer, key=key, hint=hint)

    if name in OWNER_FIELDS and path and path[-1] == name and _several_owners(value):
        # `owner: [a, b]` or `owner: 李偉、陳杰`: the team practice is one owner (唯一負責人)
        yield finding(messages("several-owners", field=name, value=_shown(value)),
                      hint=messages("several-owners-hint"), code="PC203")
        return
    if validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
        for extra in value:
            if extra in allowed or any(p.search(extra) for p in patterns):
                continue
            close = difflib.get_close_matches(extra, allowed, n=1, cutoff=0.6)
            hint = (messages("schema-unknown-field-hint", suggestion=close[0]) if close
                    else messages("schema-unknown-field-hint-list", allowed=", ".join(allowed)))
            yield finding(messages("schema-unknown-field", field=extra,
                                   where=_where(doc, path, kind, messages)),
                          path + (extra,), key=True, hint=hint)
        return
    if validator == "required":
        for missing in error.validator_value:
            if isinstance(value, dict) and missing not in value:
                yield finding(messages("schema-required", field=missing,
                                       where=_where(doc, path, kind, messages)))
        return
    if validator == "not" and isinstance(value, dict) and "end" in value and "days" in value:
        yield finding(messages("end-and-days"), path + ("days",), key=True,
                      hint=messages("end-and-days-hint"))
        return
    if validator in ("oneOf", "anyOf"):
        if "period" in name or name == "timing":
            yield finding(messages("schema-period", field=name, value=_shown(value)))
            return
        from jsonschema.exceptions import best_match

        # the branch of the value's own type says what is wrong (`after:` takes a task id
        # or a `{task, lag}` mapping: a bad id is a bad id, not "not a mapping")
        wrong_type = {e.schema_path[0] for e in error.context if e.validator == "type" and not e.path}
        typed = [e for e in error.context if e.schema_path[0] not in wrong_type] or error.context
        best = best_match(typed) if typed else None
        if best is not None:
            yield from _translate(best, doc, kind, messages)
            return
    yield finding(_message(error, name, value, messages))


def _year_out_of_range(value: object) -> bool:
    if real_date_out_of_range(value):
        return True
    match = re.fullmatch(r"(\d{4})-W(\d{2})", value) if isinstance(value, str) else None
    return bool(match) and not FIRST_YEAR <= int(match[1]) <= LAST_YEAR


def _message(error: ValidationError, name: str, value: object, messages: Messages) -> str:
    validator, expected = error.validator, error.validator_value
    if validator == "type":
        types = expected if isinstance(expected, list) else [expected]
        wanted = " / ".join(messages.noun(t) for t in types)
        return messages("schema-type", field=name, expected=wanted, actual=_type_noun(value, messages))
    if validator == "enum":
        return messages("schema-enum", field=name, value=_shown(value),
                        allowed=", ".join(str(v) for v in expected))
    if validator == "const":
        return messages("schema-const", field=name, expected=_shown(expected))
    if validator == "format" and expected in ("date", "iso-week") and _year_out_of_range(value):
        return messages("date-out-of-range", field=name, value=_shown(value), first=FIRST_YEAR, last=LAST_YEAR)
    if validator == "format":
        key = {"date": "schema-date", "iso-week": "schema-week"}.get(expected, "schema-pattern")
        return messages(key, field=name, value=_shown(value))
    if validator == "pattern":
        if expected in (ID_PATTERN, _whole(ID_PATTERN)):
            return messages("schema-id", field=name, value=_shown(value))
        if "-W" in expected:
            return messages("schema-week", field=name, value=_shown(value))
        if expected.startswith("^[0-9]{4}-[0-9]{2}-[0-9]{2}"):
            return messages("schema-date", field=name, value=_shown(value))
        if name == "github" and isinstance(value, str) and value.startswith("@"):
            return messages("schema-github-at", field=name, value=_shown(value), name=value.lstrip("@"))
        return messages("schema-pattern", field=name, value=_shown(value))
    if validator in ("minimum", "exclusiveMinimum"):
        return messages("schema-minimum", field=name, value=_shown(value), limit=expected)
    if validator in ("maximum", "exclusiveMaximum"):
        return messages("schema-maximum", field=name, value=_shown(value), limit=expected)
    if validator == "uniqueItems":
        return messages("schema-unique", field=name)
    if validator == "maxLength":
        return messages("schema-too-long", field=name, limit=expected)
    if validator in ("minItems", "maxItems"):
        return messages("schema-length", field=name)
    if validator in ("minLength", "minProperties"):
        return messages("schema-empty", field=name)
    return messages("schema-other", field=name, reason=error.message)

