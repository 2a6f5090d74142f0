"""Changing units of a score file in place, as text: only the lines of the changed units move.

``build.py import`` writes what the departments filled in through this module. A YAML dump
would lose the comments, the order and the layout the staff wrote; instead the positions
of the value nodes (PyYAML's marks, character offsets into the text) are used to splice
new text into the old:

- a plain ``1.1: 3`` gets its number replaced, or becomes ``1.1: {score: 2.5, note: …}``
  on the same line when a note is added;
- in ``{score: …, note: …}`` (flow or block) the score and the note are replaced one by
  one; a missing note is added after the score;
- a unit absent from the file gets a new line, in the order of the rules, with the
  indentation of the file (or replaces the commented-out ``# 31: 0`` line that
  ``build.py new`` writes for bonus units).

Notes are written as plain text when they read back as themselves, double-quoted (JSON
escaping, which is valid YAML) otherwise: a note can never become a tag, an anchor, a
number or a second key. The caller validates the result before writing it.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from decimal import Decimal

import yaml

from .load import Mapping, Scalar, parse
from .rules import Rules
from .values import fmt

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "y", "n", "null", "~"}
# Plain in a flow mapping: no indicator first, no ":", "#", "," or brackets anywhere, and
# nothing that starts like a number or a date.
_PLAIN_NOTE = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`~0-9.+][^:#,\[\]{}\s]*(?: [^:#,\[\]{}\s]+)*")


class EditError(ValueError):
    """The file is laid out in a way that cannot be edited safely in place."""


@dataclass(frozen=True)
class UnitValue:
    """What a unit is to become: its score and its note ("" for none)."""

    unit_id: str
    score: Decimal
    note: str


def note_scalar(note: str) -> str:
    """``note`` as a YAML scalar that reads back as exactly ``note`` inside ``{…}``."""
    if _PLAIN_NOTE.fullmatch(note) and note.lower() not in _YAML_WORDS and _reads_back(note, note):
        return note
    quoted = json.dumps(note, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    if not _reads_back(quoted, note):
        raise EditError(f"说明“{note}”无法写成 YAML 文字")
    return quoted


def _reads_back(scalar: str, note: str) -> bool:
    tree, problems = parse(f"x: {{score: 0, note: {scalar}}}\n", "note")
    if problems or not isinstance(tree, Mapping):
        return False
    value = tree.get("x")
    node = value.get("note") if isinstance(value, Mapping) else None
    return isinstance(node, Scalar) and node.text == note and (not node.plain or node.text == scalar)


def value_text(score: Decimal, note: str) -> str:
    return f"{{score: {fmt(score)}, note: {note_scalar(note)}}}" if note else fmt(score)


class _Text:
    """The text with its line starts, to turn offsets into lines and back."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else ("\r" if "\r" in text and "\n" not in text else "\n")
        # Lines end at \n, \r\n or \r, as YAML's do (str.splitlines also breaks at \x0c, \x1c …).
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        if self.starts[-1] != len(text):
            self.starts.append(len(text))

    def line_of(self, index: int) -> int:
        """The line (from 0) holding the character at ``index``."""
        return max(0, min(bisect.bisect_right(self.starts, index) - 1, len(self.starts) - 2))

    def after_line(self, index: int) -> tuple[int, str]:
        """Where a new line goes after the line holding ``index``, and what must precede it."""
        line = self.line_of(index)
        if line + 1 < len(self.starts) - 1 or self.text.endswith(("\n", "\r")):
            return self.starts[line + 1], ""
        return len(self.text), self.newline  # the last line has no line break yet

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line]:self.starts[line + 1]].rstrip("\r\n")


def _last_end(node: yaml.Node) -> int:
    """The offset just after the last character of ``node``'s content."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style:
        return max(max(_last_end(k), _last_end(v)) for k, v in node.value) if node.value else node.start_mark.index
    return node.end_mark.index


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    replacement: str
    rank: int = 0  # insertions at one place go in the order of the rules
    line_break_first: str = ""  # an insertion after a last line that has no line break


def edit_score_text(text: str, rules: Rules, values: list[UnitValue]) -> str:
    """``text`` with each unit in ``values`` set to its score and note; nothing else changed.

    ``text`` is a score file that passed the check. Raises EditError for a layout that
    cannot be edited in place (then the file is to be edited by hand)."""
    if not values:
        return text
    source = _Text(text)
    root = yaml.compose(text, Loader=_Loader)
    scores_key, scores = None, None
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "scores":
                scores_key, scores = key, value
    if scores_key is None:
        raise EditError("评分文件中没有 scores")
    if isinstance(scores, yaml.MappingNode) and scores.flow_style:
        raise EditError("scores 写成了花括号 { } 的形式，无法自动修改，请改为每行一项")
    pairs = scores.value if isinstance(scores, yaml.MappingNode) else []
    present = {key.value: (key, value) for key, value in pairs}
    indent = " " * (pairs[0][0].start_mark.column if pairs else 2)
    order = {unit_id: k for k, unit_id in enumerate(rules.units)}
    edits: list[_Edit] = []
    for change in values:
        if change.unit_id in present:
            key, node = present[change.unit_id]
            edits.extend(_change_present(source, node, change))
        else:
            edits.append(_insert_absent(source, scores_key, present, order, indent, change))
    return _apply(text, edits)


def _change_present(source: _Text, node: yaml.Node, change: UnitValue) -> list[_Edit]:
    if isinstance(node, yaml.ScalarNode):
        return [_Edit(node.start_mark.index, node.end_mark.index, value_text(change.score, change.note))]
    if not isinstance(node, yaml.MappingNode):
        raise EditError(f"{change.unit_id} 的写法无法自动修改")
    fields = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    if "score" not in fields or not isinstance(fields["score"][1], yaml.ScalarNode):
        raise EditError(f"{change.unit_id} 缺少 score")
    score_key, score = fields["score"]
    edits = []
    if Decimal(score.value.strip()) != change.score or score.style:
        edits.append(_Edit(score.start_mark.index, score.end_mark.index, fmt(change.score)))
    if "note" in fields:
        note = fields["note"][1]
        current = note.value.strip() if isinstance(note, yaml.ScalarNode) else None
        if change.note and current != change.note:
            replacement = note_scalar(change.note)
            start, end = note.start_mark.index, note.end_mark.index
            if source.text[start:end].endswith(("\n", "\r")):  # a block scalar ends with its line
                replacement += source.newline
            edits.append(_Edit(start, end, replacement))
    elif change.note:
        if node.flow_style:
            at = score.end_mark.index
            edits.append(_Edit(at, at, f", note: {note_scalar(change.note)}"))
        else:
            at, line_break = source.after_line(score.end_mark.index - 1)
            line = f"{' ' * score_key.start_mark.column}note: {note_scalar(change.note)}{source.newline}"
            edits.append(_Edit(at, at, line, 0, line_break))
    return edits


def _insert_absent(source: _Text, scores_key: yaml.ScalarNode, present: dict, order: dict[str, int],
                   indent: str, change: UnitValue) -> _Edit:
    value = value_text(change.score, change.note)
    # The commented-out line `build.py new` writes for a bonus unit: "  # 31: 0   # 加分项…".
    placeholder = re.compile(rf"{re.escape(indent)}# {re.escape(change.unit_id)}: \S+(?P<rest>\s+#.*)?")
    first_line = source.line_of(scores_key.start_mark.index) + 1
    found = [line for line in range(first_line, len(source.starts) - 1)
             if placeholder.fullmatch(source.line_text(line))]
    if len(found) == 1:
        line_text = source.line_text(found[0])
        rest = placeholder.fullmatch(line_text).group("rest") or ""
        start = source.starts[found[0]]
        return _Edit(start, start + len(line_text), f"{indent}{change.unit_id}: {value}{rest}")
    rank = order[change.unit_id]
    new_line = f"{indent}{change.unit_id}: {value}{source.newline}"
    before = [(order[k], k) for k in present if order.get(k, -1) < rank]
    if before:
        anchor = max(before)[1]
        at, line_break = source.after_line(_last_end(present[anchor][1]) - 1)
        return _Edit(at, at, new_line, rank, line_break)
    if present:
        anchor = min((order.get(k, len(order)), k) for k in present)[1]
        at = source.starts[source.line_of(present[anchor][0].start_mark.index)]
        return _Edit(at, at, new_line, rank)
    at, line_break = source.after_line(scores_key.start_mark.index)
    return _Edit(at, at, new_line, rank, line_break)


def _apply(text: str, edits: list[_Edit]) -> str:
    """Splice the edits in, in the order of the text; insertions at one place in the order
    of the rules, after a single line break when the last line has none."""
    edits = sorted(edits, key=lambda e: (e.start, e.end, e.rank))
    pieces, last, broken_at = [], 0, -1
    for edit in edits:
        if edit.start < last:
            raise EditError("两处修改重叠")  # a bug, not the user's doing
        pieces.append(text[last:edit.start])
        if edit.line_break_first and broken_at != edit.start:
            pieces.append(edit.line_break_first)
            broken_at = edit.start
        pieces.append(edit.replacement)
        last = edit.end
    pieces.append(text[last:])
    return "".join(pieces)
