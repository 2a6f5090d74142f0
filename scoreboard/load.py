"""Stage 1, load: strict YAML into a small tree of nodes that remember where they were.

Only a safe subset of YAML is accepted, because score files come from pull requests and
are edited by people who are not programmers: no anchors or aliases, no tags, no merge
keys, no duplicate keys, one document. Scalars are kept as written (``1.10`` stays
``"1.10"``); what they mean is for the validator to decide. The parsing itself is
libyaml's (``yaml.CSafeLoader``'s event stream), so no constructor ever runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

import yaml

from .inputs import Unreadable, read_input
from .problems import Position, Problem, Reporter, error

try:  # libyaml is the fast path; the pure-Python parser gives the same events.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@dataclass(slots=True)
class Scalar:
    text: str
    line: int  # from 1
    column: int  # from 1
    plain: bool  # False when quoted or a block scalar: then it is surely a string


@dataclass(slots=True)
class Mapping:
    line: int
    column: int
    pairs: list[tuple[Scalar, "Node"]] = field(default_factory=list)

    def get(self, key: str) -> "Node | None":
        for k, v in self.pairs:
            if k.text == key:
                return v
        return None

    def key_node(self, key: str) -> Scalar | None:
        for k, _ in self.pairs:
            if k.text == key:
                return k
        return None


@dataclass(slots=True)
class Sequence:
    line: int
    column: int
    items: list["Node"] = field(default_factory=list)


Node = Union[Scalar, Mapping, Sequence]

# libyaml's messages, in the words a member of staff would use. Unknown ones pass through.
_SYNTAX_MESSAGES = {
    "mapping values are not allowed": "此处不能出现“:”",
    "could not find expected ':'": "缺少“:”",
    "did not find expected key": "此处应为“键: 值”，格式不对",
    "did not find expected '-' indicator": "列表格式不对，缺少“-”",
    "found character '\\t' that cannot start any token": "出现了 Tab 字符",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合）",
    "found unexpected ':'": "出现了多余的“:”",
    "did not find expected node content": "缺少内容",
    "did not find expected ',' or '}'": "花括号 { } 没有正确闭合，或缺少逗号",
    "did not find expected ',' or ']'": "方括号 [ ] 没有正确闭合，或缺少逗号",
    "found undefined tag handle": "使用了未定义的标签",
    "found a tab character": "出现了 Tab 字符",
    "found unknown escape character": "双引号字符串中有未知的转义字符“\\”",
    "block sequence entries are not allowed": "此处不能开始列表（“-”）",
    "did not find expected <document start>": "文件中出现了第二段内容（或多余的“%”指令）",
}

_FULLWIDTH_COLON_KEY = re.compile(r"^\s*[^\s#:：][^:#]*：")


def _translate(problem: str) -> str:
    for english, chinese in _SYNTAX_MESSAGES.items():
        if problem.startswith(english):
            return chinese
    return problem


def _syntax_hint(lines: list[str], line_index: int, problem: str) -> tuple[int, int | None, str]:
    """Guess the usual cause (a Chinese input method) and the line and column it is really at."""
    for index in range(min(line_index, len(lines) - 1), max(line_index - 3, -1), -1):
        text = lines[index]
        indent = text[: len(text) - len(text.lstrip(" \t\u3000"))]
        if _FULLWIDTH_COLON_KEY.match(text):
            return index, text.index("：") + 1, "这一行用了全角冒号“：”，请改为半角冒号“:”并在其后加一个空格"
        if "\u3000" in indent:
            return index, indent.index("\u3000") + 1, "这一行开头有全角空格，请改用半角空格缩进"
        if "\t" in indent:
            return index, indent.index("\t") + 1, "请用空格缩进，不要使用 Tab"
    if "mapping values" in problem:
        return line_index, None, "检查缩进是否与上下行对齐；冒号后面要有一个空格；文字中若含“: ”请给整段加引号"
    if "end of stream" in problem:
        return line_index, None, "检查引号是否成对"
    return line_index, None, "检查这一行及上一行的缩进和标点"


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8, with or without BOM; anything else is reported, with the place it fails."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = "（看起来是 GBK/GB18030 编码）" if _looks_like_gbk(data) else ""
        return None, [error(path, line, column, "E001",
                            f"文件不是 UTF-8 编码{guess}，无法读取",
                            "请在编辑器中以 UTF-8 编码另存此文件")]
    if "\x00" in text:
        return None, [error(path, 1, 1, "E001", "文件不是 UTF-8 文本（含有空字符，可能是 UTF-16 编码）",
                            "请在编辑器中以 UTF-8 编码另存此文件")]
    return text, []


def _looks_like_gbk(data: bytes) -> bool:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def parse(text: str, path: str) -> tuple[Node | None, list[Problem]]:
    """Parse one YAML document into nodes, collecting every safe-subset violation."""
    canonical = parse_canonical(text)
    if canonical is not None:
        return canonical, []
    builder = _TreeBuilder(path)
    try:
        parser = _Loader(text)
        try:
            feed, check, get = builder.feed, parser.check_event, parser.get_event
            while check():
                feed(get())
        finally:
            parser.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "语法错误"
        lines = text.splitlines()
        line_index, column, hint = _syntax_hint(lines, mark.line if mark else 0, problem)
        if column is None:
            column = mark.column + 1 if mark else 1
        builder.error(Position(line_index + 1, column), "E002", f"YAML 格式错误：{_translate(problem)}", hint)
        return None, builder.problems
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        builder.error(Position(1, 1), "E002", f"YAML 格式错误：{exc}", "文件中可能含有不可见的控制字符")
        return None, builder.problems
    if builder.documents == 0:
        builder.error(Position(1, 1), "E007", "文件是空的", "至少需要 county、year、status 和 scores")
    return builder.root, builder.problems


# --- the canonical layout, read without libyaml ------------------------------------------------
#
# Nearly every score file is laid out as ``build.py new`` writes it (and as the data
# contract shows): top-level "key: value" lines, one "scores:" block of "  1.1: 3" or
# "  1.3: {score: 0.5, note: 说明}" lines, comments, LF or CRLF line ends. ``parse_canonical`` reads exactly that layout, with nodes
# equal to libyaml's (tests/test_core_load.py holds the two side by side), three times as fast
# as walking libyaml's events in Python. Anything else, a quote, a tab, a key written twice,
# a character YAML treats specially, is left to libyaml: None, and ``parse`` goes on there.

# LF and the printable characters outside the ones YAML treats as line breaks (U+0085,
# U+2028, U+2029), the byte order mark, surrogates and the astral planes.
_CANONICAL_TEXT = re.compile("[\n -~\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_TOP_LINE = re.compile(r"([a-z_]+):(?: (.*))?")
_ENTRY_LINE = re.compile(r"  ([0-9][0-9.]*): (.+)")
_FLOW_MAPPING = re.compile(r"\{([a-z_]+): ([^,\[\]{}]+)(?:, ([a-z_]+): ([^,\[\]{}]+))?\}")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@` ")


def _plain(text: str) -> bool:
    """Whether libyaml reads ``text``, after "key: ", as this very plain scalar (conservative)."""
    return (text[0] not in _INDICATORS and text[-1] != " " and text[-1] != ":" and ": " not in text
            and " #" not in text and "'" not in text and '"' not in text)


def parse_canonical(text: str) -> Mapping | None:
    """The tree of a file in the canonical layout, as libyaml would give it; None for any
    other file (then libyaml reads it)."""
    if "\r" in text:  # CRLF line ends (a file saved on Windows); a lone CR is left to libyaml
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    if not _CANONICAL_TEXT.fullmatch(text):
        return None
    root: Mapping | None = None
    block: Mapping | None = None  # the mapping of the last "key:" line, while its lines follow
    top_keys: set[str] = set()
    block_keys: set[str] = set()
    for number, line in enumerate(text.split("\n"), 1):
        if " #" in line:  # a comment after the content, or a line that is only one
            line = line[:line.index(" #")].rstrip(" ")
        if not line or line[0] == "#":
            continue
        if line[0] == " ":
            entry = _ENTRY_LINE.fullmatch(line) if block is not None else None
            if entry is None or entry[1] in block_keys:
                return None
            value = _entry_value(entry[2], number, len(entry[1]) + 5)
            if value is None:
                return None
            if not block.pairs:  # type: ignore[union-attr]
                block.line, block.column = number, 3  # type: ignore[union-attr]
            block.pairs.append((Scalar(entry[1], number, 3, True), value))  # type: ignore[union-attr]
            block_keys.add(entry[1])
            continue
        top = _TOP_LINE.fullmatch(line)
        if top is None or top[1] in top_keys or (block is not None and not block.pairs):
            return None
        root = root or Mapping(number, 1)
        key = Scalar(top[1], number, 1, True)
        top_keys.add(top[1])
        if top[2] is None:  # "scores:": its lines follow
            block, block_keys = Mapping(0, 0), set()
            root.pairs.append((key, block))
        elif top[2] and _plain(top[2]):
            block = None
            root.pairs.append((key, Scalar(top[2], number, len(top[1]) + 3, True)))
        else:
            return None
    if block is not None and not block.pairs:
        return None
    return root


def _entry_value(text: str, line: int, column: int) -> Node | None:
    if text[0] != "{":
        return Scalar(text, line, column, True) if _plain(text) else None
    flow = _FLOW_MAPPING.fullmatch(text)
    if flow is None or flow[1] == flow[3] or not _plain(flow[2]) or (flow[3] is not None and not _plain(flow[4])):
        return None
    mapping = Mapping(line, column)
    at = column + 1
    for key, value in ((flow[1], flow[2]), (flow[3], flow[4])):
        if key is None:
            break
        mapping.pairs.append((Scalar(key, line, at, True), Scalar(value, line, at + len(key) + 2, True)))
        at += len(key) + 2 + len(value) + 2
    return mapping


def load_file(path: Path, display_path: str) -> tuple[Node | None, list[Problem]]:
    try:
        # Never a link, a FIFO or a device, never more than a megabyte: see inputs.py.
        data = read_input(path, display_path)
    except Unreadable as refused:
        return None, [refused.problem]
    text, problems = decode(data, display_path)
    if text is None:
        return None, problems
    return parse(text, display_path)


# Stands in for a key that was reported (E003, E006, E008) so that its value is dropped. An
# object, not a text: any text, "\0" included, can be a real key written in the file.
_REJECTED_KEY = Scalar("", 0, 0, False)


def _at(mark: yaml.Mark) -> Position:
    """libyaml counts from 0; every report counts from 1."""
    return Position(mark.line + 1, mark.column + 1)


class _TreeBuilder(Reporter):
    """Turns libyaml events into nodes; everything outside the safe subset is a problem."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.root: Node | None = None
        self.documents = 0
        # Each open collection, with the key waiting for its value when it is a mapping.
        self._stack: list[tuple[Mapping | Sequence, Scalar | None, dict[str, int]]] = []

    def feed(self, event: yaml.Event) -> None:
        # The hot path of every build: scalars first, exact type tests, no helper calls for
        # the common case (a plain key or value in a mapping).
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                self._check_anchor_and_tag(event)
            mark = event.start_mark
            self._attach(Scalar(event.value, mark.line + 1, mark.column + 1, not event.style))
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                self._check_anchor_and_tag(event)
            mark = event.start_mark
            node = Mapping(mark.line + 1, mark.column + 1) if kind is yaml.MappingStartEvent \
                else Sequence(mark.line + 1, mark.column + 1)
            self._stack.append((node, None, {}))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self._attach(self._stack.pop()[0])
        elif kind is yaml.AliasEvent:
            self.error(_at(event.start_mark), "E004", f"不允许使用别名“*{event.anchor}”",
                      "请把内容直接写出来，不要引用别处")
            self._attach(Scalar("", event.start_mark.line + 1, event.start_mark.column + 1, False))
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents == 2:
                self.error(_at(event.start_mark), "E007", "文件中只能有一段 YAML 内容（出现了第二个“---”）",
                          "删除“---”及其后的内容")

    def _check_anchor_and_tag(self, event: yaml.NodeEvent) -> None:
        if event.anchor is not None:
            self.error(_at(event.start_mark), "E004", f"不允许使用锚点“&{event.anchor}”", "删除“&”及其后的名字")
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.error(_at(event.start_mark), "E005", f"不允许使用标签“{shown}”", "删除以“!”开头的标签，直接写值")

    def _attach(self, node: Node) -> None:
        stack = self._stack
        if not stack:
            if self.root is None:
                self.root = node
            return
        parent, pending_key, seen = stack[-1]
        if type(parent) is Sequence:
            parent.items.append(node)
        elif pending_key is None:
            stack[-1] = (parent, self._as_key(node, seen), seen)
        else:
            if pending_key is not _REJECTED_KEY:  # a key already reported as unusable: drop the pair
                parent.pairs.append((pending_key, node))
            stack[-1] = (parent, None, seen)

    def _as_key(self, node: Node, seen: dict[str, int]) -> Scalar:
        """Validate a mapping key; a rejected key is replaced by a marker so its value is dropped."""
        if type(node) is Scalar and node.text not in seen and node.text != "<<":
            seen[node.text] = node.line
            return node
        if not isinstance(node, Scalar):
            self.error(node, "E008", "键必须是简单的文字或数字", "不要用列表或映射作键")
            return _REJECTED_KEY
        if node.plain and node.text == "<<":
            self.error(node, "E006", "不允许使用合并键“<<”", "请把要合并的内容直接写出来")
            return _REJECTED_KEY
        if node.text in seen:
            self.error(node, "E003", f"键“{node.text}”重复出现（第 {seen[node.text]} 行已有）",
                       "同一个键只能写一次，请删除或合并重复的一行")
            return _REJECTED_KEY
        seen[node.text] = node.line
        return node

