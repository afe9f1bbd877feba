"""The reference reader of plan files: PyYAML on LibYAML, with plancode's YAML 1.2 rules.

Every file the native parser (:mod:`plancode.native_yaml`) does not read — and every
file with an error — is read here, so syntax errors, duplicate keys and control
characters are reported as before, at PyYAML's line and column; and a position the
outline (:mod:`plancode.positions`) cannot find is taken from the nodes composed here.
Imported only when needed: a clean repository is checked without PyYAML.

The resolver is YAML 1.2-like on LibYAML's C parser when present: only
``true``/``false`` are booleans (``done: yes`` stays the string the SPEC means), dates
stay text until the schema validates them (``2024-02-30`` is a finding, not a
ValueError), ``12:30`` is not the sexagesimal number 750, and mapping keys are always the
text the user wrote.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import MarkedYAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError
from yaml.resolver import BaseResolver

from .i18n import Messages
from .problems import Pointer, Problem, Severity

MERGE_TAG = "tag:yaml.org,2002:merge"

try:  # LibYAML's C parser when the wheel was built with it
    from yaml._yaml import CParser as _Parser

    _COMPOSER: tuple[type, ...] = (_Parser,)
    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on the platform's wheel
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    _COMPOSER = (Reader, Scanner, Parser, Composer)
    HAVE_LIBYAML = False


class PlanResolver(BaseResolver):
    """YAML 1.2 core schema scalars, plus ``<<`` merge keys for reuse through anchors.

    ``resolve`` runs once per scalar from LibYAML (half a million times for 10,000
    tasks), so it is a lean version of PyYAML's: plan files use no path resolvers, which
    makes descend/ascend bookkeeping unnecessary.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return "tag:yaml.org,2002:str"
        return "tag:yaml.org,2002:seq" if kind is SequenceNode else "tag:yaml.org,2002:map"


PlanResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
PlanResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
PlanResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
PlanResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
PlanResolver.add_implicit_resolver(MERGE_TAG, re.compile(r"^(?:<<)$"), ["<"])


class PlanConstructor(SafeConstructor):
    """Builds plain dicts, lists, strings and numbers; records duplicate keys."""

    def __init__(self) -> None:
        super().__init__()
        self.duplicate_keys: list[tuple[str, yaml.Mark, yaml.Mark]] = []

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        seen: dict[str, yaml.Mark] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            if not isinstance(key_node, ScalarNode):
                raise ConstructorError(None, None, "yaml-key-not-text", key_node.start_mark)
            first = seen.setdefault(key_node.value, key_node.start_mark)
            if first is not key_node.start_mark:
                self.duplicate_keys.append((key_node.value, key_node.start_mark, first))
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise ConstructorError(None, None, "yaml-key-not-text", key_node.start_mark)
            # one shared string per distinct key: a 100,000-task repository repeats a
            # dozen keys millions of times, and the parsed data stays in memory
            mapping[sys.intern(key_node.value)] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_int(self, node: ScalarNode) -> int:
        text = node.value.replace("_", "")
        try:
            if text.startswith(("0o", "0x")):
                return int(text[2:], 8 if text[1] == "o" else 16)
            return int(text)
        except ValueError as exc:  # explicit `!!int abc`, or more digits than Python allows
            raise ConstructorError(None, None, str(exc), node.start_mark) from None

    def construct_yaml_float(self, node: ScalarNode) -> float:
        try:
            return super().construct_yaml_float(node)
        except ValueError as exc:
            raise ConstructorError(None, None, str(exc), node.start_mark) from None

    def construct_undefined(self, node: Node) -> Any:
        raise ConstructorError(
            None, None, f"the tag {node.tag} is not supported in plan files", node.start_mark
        )


# Only the plain data types: no !!timestamp, !!binary, !!set, !!omap or !!python tags.
PlanConstructor.yaml_constructors = {
    "tag:yaml.org,2002:null": SafeConstructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": PlanConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": PlanConstructor.construct_yaml_float,
    "tag:yaml.org,2002:str": SafeConstructor.construct_yaml_str,
    "tag:yaml.org,2002:seq": SafeConstructor.construct_yaml_seq,
    "tag:yaml.org,2002:map": SafeConstructor.construct_yaml_map,
    None: PlanConstructor.construct_undefined,
}
PlanConstructor.yaml_multi_constructors = {}


class PlanLoader(*_COMPOSER, PlanConstructor, PlanResolver):  # type: ignore[misc]
    def __init__(self, stream: str) -> None:
        _COMPOSER[0].__init__(self, stream)
        for base in _COMPOSER[1:]:
            base.__init__(self)
        PlanConstructor.__init__(self)
        PlanResolver.__init__(self)




def read(text: str, display: str, messages: Messages) -> tuple[bool, Any, list[Problem]]:
    """(readable, data, problems) of one decoded text: a syntax error or a character YAML
    does not allow is (False, None, [PC100]); duplicate keys leave it readable, with a
    PC102 each. A RecursionError (nesting too deep for LibYAML) is the caller's."""
    loader = PlanLoader(text)
    try:
        value = loader.get_single_data()
    except MarkedYAMLError as exc:
        return False, None, [_syntax_problem(exc, text, display, messages)]
    except ReaderError:  # a control character YAML does not allow, e.g. NUL
        # LibYAML's error position is not the character's; find it ourselves
        found = _NOT_PRINTABLE.search(text)
        position = found.start() if found else 0
        before = text[:position]
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        character = f"U+{ord(found.group()):04X}" if found else "?"
        return False, None, [Problem(display, line, column, "PC100", Severity.ERROR,
                                     messages("yaml-control-character", character=character),
                                     messages("yaml-control-character-hint"), line)]
    finally:
        loader.dispose()
    problems = [
        Problem(display, mark.line + 1, mark.column + 1, "PC102", Severity.ERROR,
                messages("duplicate-key", key=key, first=first.line + 1),
                messages("duplicate-key-hint"), mark.line + 1)
        for key, mark, first in loader.duplicate_keys
    ]
    return True, value, problems


def compose(text: str) -> Node | None:
    """The node tree of a text that was read before."""
    loader = PlanLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def locate(root: Node | None, pointer: Pointer, key: bool = False) -> tuple[int, int, int]:
    """(line, column, scope line) of ``pointer`` among the nodes under ``root``: see
    :meth:`plancode.loader.Document.locate`."""
    node = root
    scope = node.start_mark.line if node is not None else 0
    target_mark = node.start_mark if node is not None else None
    for step in pointer:
        if isinstance(node, MappingNode):
            scope = node.start_mark.line
            found = None
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.value == str(step):
                    found = (key_node, value_node)
            if found is None:
                break
            node = found[1]
            target_mark = found[0].start_mark if key else found[1].start_mark
            if not key:
                target_mark = _value_mark(found[0], found[1])
        elif isinstance(node, SequenceNode) and isinstance(step, int):
            if not 0 <= step < len(node.value):
                break
            node = node.value[step]
            scope = node.start_mark.line
            target_mark = node.start_mark
        else:
            break
    if target_mark is None:
        return 1, 1, 1
    return target_mark.line + 1, target_mark.column + 1, scope + 1


def _value_mark(key_node: Node, value_node: Node) -> yaml.Mark:
    # An empty value (`owner:` with nothing after it) has its mark at the next token,
    # often on the following line; the key is the better place to point at.
    if isinstance(value_node, ScalarNode) and value_node.value == "" and not value_node.style:
        return key_node.start_mark
    return value_node.start_mark


# what YAML 1.1/1.2 calls printable, negated
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")

#: full-width punctuation a Chinese input method types where YAML needs the ASCII mark
_FULL_WIDTH = {"：": ":", "，": ",", "［": "[", "］": "]", "｛": "{", "｝": "}", "－": "-"}

_HINTS_BY_REASON = (
    ("mapping values are not allowed", "yaml-syntax-hint-colon"),
    ("could not find expected ':'", "yaml-syntax-hint-colon"),
    ("did not find expected key", "yaml-syntax-hint-colon"),
    ("expected <block end>", "yaml-syntax-hint-colon"),
    ("that cannot start any token", "yaml-syntax-hint-quote"),
    ("did not find expected", "yaml-syntax-hint-quote"),
    ("found undefined alias", "file-alias-hint"),
)


def _syntax_problem(exc: MarkedYAMLError, text: str, display: str, messages: Messages) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    reason = exc.problem or exc.context or "unreadable"
    if "expected a single document" in (exc.context or ""):
        return Problem(display, line, column, "PC100", Severity.ERROR,
                       messages("yaml-multi-doc"), messages("yaml-multi-doc-hint"), line)
    if reason == "yaml-key-not-text":
        return Problem(display, line, column, "PC100", Severity.ERROR,
                       messages("yaml-key-not-text"), "", line)
    if isinstance(exc, ConstructorError):
        return Problem(display, line, column, "PC100", Severity.ERROR,
                       messages("yaml-bad-value", reason=reason), "", line)
    if exc.context and exc.problem:
        reason = f"{exc.problem} ({exc.context})"
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    nearby = "\n".join(lines[max(0, line - 2): line])  # the parser often stops a line late
    if "\t" in source_line[: len(source_line) - len(source_line.lstrip())]:
        hint = messages("yaml-syntax-hint-tab")
    elif any(mark in nearby for mark in _FULL_WIDTH):
        found = next(mark for mark in _FULL_WIDTH if mark in nearby)
        hint = messages("yaml-syntax-hint-full-width", mark=found, ascii=_FULL_WIDTH[found])
    else:
        hint = next((messages(h) for needle, h in _HINTS_BY_REASON if needle in reason), "")
    return Problem(display, line, column, "PC100", Severity.ERROR,
                   messages("yaml-syntax", reason=reason), hint, line)
