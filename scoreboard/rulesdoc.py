"""Next year's rules drafted from the official document (考核细则, 附件1), and the rules shown.

``build.py rules import FILE --year Y`` and ``build.py rules show Y`` use these. Four stages,
the first three pure (text in, values out):

    read   a file's bytes → its lines: UTF-8, GBK/GB18030 or UTF-16 text, or the paragraphs
           of a .docx (python-docx, imported only here, only then)
    parse  lines → Document: title, opening paragraph, categories, items, parts, as written
    draft  Document + the previous year's Rules → Draft: departments by canonical name,
           slugs, score_step, bonus cap, base_max; what it had to guess is a doubt
    write  Draft → the text of ``rules/<year>.yaml`` in the layout of ``rules/2011.yaml``

A doubt is a Problem (a warning, W381–W389) at the document's line (for a .docx, the
paragraph's number), with a Chinese message: the draft is written all the same, and the
rules self-check (E3xx) runs on it. What the parser coped with and is sure of (a missing
parenthesis, a known alias) is a note: said, not doubted.

The document's shape (the 2011 seed, tests/fixtures/seed-2011.txt):

    附件1：
    2011年度县市区工会工作考核细则                     title
    县市区工会工作考核按照“四加一”模式，……             opening paragraph (intro)
    一、组织建设（25分）                               base category with its points
    1．……工作（3分），……（1分）。（考核分值5分，考核部门：A、B）。   item; parts by points
    五、亮点工作                                       bonus category: no points
"""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .problems import Problem, error, warning
from .rules import BASE, BONUS, Rules, discover_years, load_rules
from .values import YEAR, fmt

# --- Codes -------------------------------------------------------------------------------
READ_FAILED = "E380"      # the document cannot be read at all: nothing is written
TITLE = "W381"            # title, year of the title, opening paragraph
HEADING = "W382"          # a category heading it cannot read, or out of order
UNRECOGNISED = "W383"     # a paragraph that is neither heading nor item; item numbering
NO_POINTS = "W384"        # an item without 考核分值
NO_DEPARTMENT = "W385"    # an item without 考核部门
SUMS = "W386"             # points that do not add up
PARTS = "W387"            # parts it is not sure of
DEPARTMENT = "W388"       # a department not known the year before, or one alias away
INVENTED = "W389"         # what the document does not say and no earlier year gave

# --- Characters --------------------------------------------------------------------------
_DIGIT = "[0-9０-９]"
NUM = rf"{_DIGIT}+(?:[.．]{_DIGIT}+)?"
_CN_NUMERAL = "一二三四五六七八九十"
_OPEN, _CLOSE = "[（(]", "[）)]"
_SEPARATORS = "，,；;。、：:. \t\u3000"
_ANNEX = re.compile(r"^附件\s*[0-9０-９一二三四五六七八九十]*\s*[：:]?\s*")
_HEADING = re.compile(rf"^(?:{_OPEN}\s*(?P<n1>[{_CN_NUMERAL}]+)\s*{_CLOSE}|(?P<n2>[{_CN_NUMERAL}]+)\s*[、．.，,])\s*(?P<rest>.*)$")
_HEADING_PAREN = re.compile(rf"{_OPEN}(?P<inner>[^（）()]*){_CLOSE}\s*[。.：:]?$")
_HEADING_POINTS = re.compile(rf"(?P<num>{NUM}|[{_CN_NUMERAL}百]+)\s*(?P<unit>分)?")
_ITEM = re.compile(rf"^(?P<num>{_DIGIT}{{1,3}})\s*(?P<sep>[．.、])\s*(?P<rest>.*)$")
_POINTS_CLAUSE = re.compile(rf"(?:考核)?分值\s*[：:]?\s*(?P<num>{NUM})\s*分")
_DEPT_CLAUSE = re.compile(r"(?:考核|责任|牵头)(?:部门|单位)\s*[：:]?\s*(?P<names>[^（）()]*)")
_TAIL_START = re.compile(r"(?:考核)?分值\s*[：:]?\s*[0-9０-９]|(?:考核|责任|牵头)(?:部门|单位)")
# Inside an item's text: a part's points "（3分）", a bare "1分）" whose "（" is missing,
# and every other parenthesis (to know whether a "）" closes one: 200人（次）, 村（社区）).
_PART_TOKENS = re.compile(
    rf"(?P<full>{_OPEN}\s*(?P<n1>{NUM})\s*分\s*{_CLOSE})"
    rf"|(?P<bare>(?<![0-9０-９.．])(?P<n2>{NUM})\s*分\s*{_CLOSE})"
    rf"|(?P<open>{_OPEN})|(?P<close>{_CLOSE})")
_DEPT_SPLIT = re.compile(r"[、，,；;/／\s\u3000]+")
_YEAR_IN_TITLE = re.compile(rf"({YEAR})\s*年")
_PUNCTUATION_ONLY = re.compile(r"^[）)。.，,；;、\s]*$")
# Zero-width and direction-control characters, control characters: nobody typed them.
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def to_decimal(text: str) -> Decimal:
    """``５``, ``0.5``, ``１．５`` as written in a document → a Decimal."""
    return Decimal(unicodedata.normalize("NFKC", text).replace(" ", ""))


def cn_number(text: str) -> int | None:
    """Chinese numerals up to 百: 五 → 5, 十二 → 12, 二十五 → 25, 一百 → 100."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits["〇"] = 0
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current if text else None


def cn_numeral(n: int) -> str:
    """5 → 五, 12 → 十二, 25 → 二十五 (for 1–99): the numerals of category headings."""
    names = "零一二三四五六七八九"
    if n < 10:
        return names[n]
    tens, ones = divmod(n, 10)
    return (names[tens] if tens > 1 else "") + "十" + (names[ones] if ones else "")


# --- Read --------------------------------------------------------------------------------
class DocumentError(Exception):
    """The file cannot be read as a document (nothing to draft from). The message is Chinese."""


@dataclass
class Source:
    """A document's lines (for a .docx: its paragraphs; lines count from 1) and how it was read."""

    lines: list[str]
    kind: str            # "text" or "docx"
    encoding: str        # said to the user: "UTF-8", "GBK/GB18030", …
    numbers: list[int] | None = None  # each line's number, when not its place (.docx line breaks)
    notes: list[tuple[int, str]] = field(default_factory=list)
    doubts: list[tuple[int, str, str]] = field(default_factory=list)  # (line, code, message)


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding as said to the user). Windows saves Chinese text as GBK (ANSI) or,
    from Notepad's "Unicode", UTF-16; GB18030 reads GBK and more."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8（带 BOM）"
        except UnicodeDecodeError as exc:
            raise DocumentError(f"文件以 UTF-8 标记开头，但第 {exc.start + 3} 个字节处不是 UTF-8") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise DocumentError("文件以 UTF-16 标记开头，但内容无法按 UTF-16 读取") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError as exc:
        raise DocumentError(f"文件既不是 UTF-8 也不是 GBK/GB18030 编码的文字（第 {exc.start} 个字节处无法读取）") from None


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them (only line ends split; a form feed does not)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines


def read_document(path: Path) -> Source:
    """A .docx (recognised by its content, whatever its name) or a text file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"无法读取文件：{exc.strerror}") from None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError("这是旧版 Word（.doc）或 WPS 文件，无法直接读取；请另存为 .docx 或纯文本（.txt）")
    if data.startswith(b"PK\x03\x04"):
        return read_docx(path)
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError("文件不是文字文件（含有空字符）")
    text, encoding = decode_text(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    return Source(split_lines(text), "text", encoding)


def read_docx(path: Path) -> Source:
    """The body's paragraphs in order, one line each; a line break inside a paragraph
    (Shift+Enter) starts a new line with the same number. Word's automatic numbering
    (1. 2. 3. or 一、二、 typed by Word, not by hand) is not in a paragraph's text: it is
    worked out from the numbering definitions and said as a note."""
    try:
        import docx  # python-docx: only ``rules import`` of a .docx pays for it
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:  # pragma: no cover - requirements.txt installs it
        raise DocumentError("读取 .docx 需要 python-docx：pip install -r requirements.txt") from None
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise DocumentError(f"文件不是有效的 .docx（Word）文件：{exc}") from None
    except Exception as exc:  # a broken zip or XML: lxml and zipfile raise their own kinds
        raise DocumentError(f"文件不是有效的 .docx（Word）文件：{type(exc).__name__}") from None
    numbering = _Numbering(document)
    source = Source([], "docx", "Word 文档（.docx）", [])
    for number, paragraph in enumerate(document.paragraphs, start=1):
        text = paragraph.text
        label = numbering.label(paragraph)
        if label and text.strip():
            source.notes.append((number, f"段首的“{label}”是 Word 自动编号，已按编号读取"))
            text = label + text.lstrip()
        pieces: list[str] = []
        for k, piece in enumerate(text.split("\n")):
            if k == 0 or _HEADING.match(piece.strip()) or _ITEM.match(piece.strip()):
                pieces.append(piece)
            else:
                pieces[-1] += piece  # a line break inside a sentence: the same paragraph still
        for piece in pieces:
            source.lines.append(piece)
            source.numbers.append(number)  # type: ignore[union-attr]
    if document.tables:
        source.doubts.append((1, UNRECOGNISED, f"文件中有 {len(document.tables)} 个表格，表格中的文字没有读取"))
    return source


class _Numbering:
    """Word's automatic list numbers (w:numPr), as far as a criteria document uses them."""

    FORMATS = {"decimal", "decimalFullWidth", "decimalHalfWidth", "decimalEnclosedParen",
               "chineseCounting", "chineseCountingThousand"}

    def __init__(self, document) -> None:
        self.levels: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.counters: dict[tuple[str, str], int] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
        w = "{%s}" % ns["w"]
        abstract = {}
        for node in root.findall("w:abstractNum", ns):
            abstract[node.get(w + "abstractNumId")] = node
        for num in root.findall("w:num", ns):
            ref = num.find("w:abstractNumId", ns)
            definition = abstract.get(ref.get(w + "val")) if ref is not None else None
            if definition is None:
                continue
            for lvl in definition.findall("w:lvl", ns):
                fmt_node, text_node, start_node = (lvl.find(f"w:{k}", ns) for k in ("numFmt", "lvlText", "start"))
                self.levels[(num.get(w + "numId"), lvl.get(w + "ilvl"))] = (
                    fmt_node.get(w + "val") if fmt_node is not None else "decimal",
                    text_node.get(w + "val") if text_node is not None else "%1.",
                    int(start_node.get(w + "val")) if start_node is not None else 1)

    @staticmethod
    def _numpr(paragraph):
        """The paragraph's own numbering, else its style's (Word's 列表编号 style), else none."""
        ppr = paragraph._p.pPr
        if ppr is not None and ppr.numPr is not None:
            return ppr.numPr
        style = paragraph.style
        while style is not None:
            spr = style.element.pPr
            if spr is not None and spr.numPr is not None:
                return spr.numPr
            style = style.base_style
        return None

    def label(self, paragraph) -> str:
        numpr = self._numpr(paragraph)
        if numpr is None or numpr.numId is None:
            return ""
        key = (str(numpr.numId.val), str(numpr.ilvl.val if numpr.ilvl is not None else 0))
        if key not in self.levels or key[0] == "0":
            return ""
        kind, pattern, start = self.levels[key]
        if kind not in self.FORMATS:
            return ""
        value = self.counters.get(key, start - 1) + 1
        self.counters[key] = value
        for other in [k for k in self.counters if k[0] == key[0] and int(k[1]) > int(key[1])]:
            del self.counters[other]  # a new 一、 starts its sub-list again, as Word shows it
        shown = cn_numeral(value) if kind.startswith("chinese") else str(value)
        label = pattern.replace(f"%{int(key[1]) + 1}", shown)
        return label if re.fullmatch(r"[（(]?[0-9一二三四五六七八九十]+[）)]?[、．.]?", label) else ""


# --- Parse -------------------------------------------------------------------------------
@dataclass
class DocPart:
    text: str
    max: Decimal


@dataclass
class DocItem:
    number: int
    line: int
    text: str = ""
    max: Decimal | None = None
    departments: list[str] = field(default_factory=list)
    parts: list[DocPart] = field(default_factory=list)
    segments: list[tuple[int, int, int]] = field(default_factory=list)  # (start in joined, line, column)
    written_at: dict[str, tuple[int, int]] = field(default_factory=dict)  # department → (line, column)
    joined: str = ""

    def where(self, position: int) -> tuple[int, int]:
        """The document line and column of a position in the item's joined text."""
        line, column = self.line, 1
        for start, seg_line, seg_column in self.segments:
            if start <= position:
                line, column = seg_line, seg_column + position - start
        return line, column


@dataclass
class DocCategory:
    numeral: str
    name: str
    max: Decimal | None      # None: no points in the heading
    bonus: bool
    line: int
    items: list[DocItem] = field(default_factory=list)


@dataclass
class Document:
    title: str = ""
    title_line: int = 0
    intro: str = ""
    intro_line: int = 0
    categories: list[DocCategory] = field(default_factory=list)
    lines: int = 0

    @property
    def items(self) -> list[DocItem]:
        return [i for c in self.categories for i in c.items]


class Findings:
    """Doubts (Problems) and notes, both at a line of the document."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.notes: list[tuple[int, str]] = []
        self.by_item: dict[int, list[str]] = {}  # item number → doubts, for comments in the draft
        self.kept: list[str] = []  # slips of the original, kept verbatim: said in the draft's header

    def doubt(self, line: int, column: int, code: str, message: str, hint: str = "", item: int | None = None) -> None:
        self.problems.append(warning(self.path, line, column, code, message, hint))
        if item is not None:
            self.by_item.setdefault(item, []).append(message)

    def note(self, line: int, message: str) -> None:
        self.notes.append((line, message))


def parse_document(lines: list[str], findings: Findings, numbers: list[int] | None = None) -> Document:
    """Title, opening paragraph, headings and items, in the order of the document.
    ``numbers``: each line's number when it is not its place (1, 2, …)."""
    doc = Document(lines=len(lines))
    intro: list[tuple[int, str]] = []
    item: DocItem | None = None
    category: DocCategory | None = None
    numbers_seen: dict[int, int] = {}

    def finish() -> None:
        nonlocal item
        if item is not None:
            _finish_item(item, findings)
            if category is None:
                _orphan_category(doc, item, findings).items.append(item)
            else:
                category.items.append(item)
        item = None

    for number, raw in zip(numbers or range(1, len(lines) + 1), lines):
        line = raw.strip()
        if not line:
            continue
        hidden = _INVISIBLE.search(raw)
        if hidden:
            findings.doubt(number, hidden.start() + 1, UNRECOGNISED,
                           f"这一段有看不见的字符 U+{ord(hidden[0]):04X}，已照录（草稿中写作 \\u{ord(hidden[0]):04x}）",
                           "多半是从网页或其他文件复制来的；确认后从草稿中删去")
        if not doc.title and not doc.categories and item is None:
            annex = _ANNEX.match(line)
            if annex:
                line = line[annex.end():].strip()
                findings.note(number, "跳过附件标记“附件1：”")
                if not line:
                    continue
        heading = _HEADING.match(line)
        start = _ITEM.match(line)
        if start and start["sep"] == "." and re.match(rf"{_DIGIT}+\s*分", start["rest"]):
            start = None  # "1.5分…" is a number, not item 1
        if not doc.title and not doc.categories and item is None and not heading and not start:
            doc.title, doc.title_line = line, number
            continue
        if heading:
            finish()
            category = _read_heading(heading, number, line, findings)
            if category is not None:
                doc.categories.append(category)
            continue
        if start:
            finish()
            item_number = int(unicodedata.normalize("NFKC", start["num"]))
            if item_number in numbers_seen:
                findings.doubt(number, 1, UNRECOGNISED, f"条目编号 {item_number} 重复（第 {numbers_seen[item_number]} 行已有）",
                               "按原文核对编号", item_number)
            numbers_seen.setdefault(item_number, number)
            item = DocItem(item_number, number)
            column = len(raw) - len(raw.lstrip()) + start.start("rest") + 1
            item.segments.append((0, number, column))
            item.joined = start["rest"]
            continue
        if item is not None and (not _has_tail(item.joined) or _PUNCTUATION_ONLY.match(line)):
            # An item wrapped onto the next line (a hard-wrapped text file, a split paragraph).
            column = len(raw) - len(raw.lstrip()) + 1
            item.segments.append((len(item.joined), number, column))
            item.joined += line
            findings.note(number, f"第{item.number}条接续上一行")
            continue
        if not doc.categories and item is None and not doc.items:
            intro.append((number, line))
            continue
        findings.doubt(number, 1, UNRECOGNISED, f"无法识别的段落，未写入草稿：“{_shorten(line)}”",
                       "它既不是类别标题（如“一、组织建设（25分）”），也不是条目（如“1．……（考核分值5分，考核部门：……）”）")
    finish()
    if not doc.title:
        findings.doubt(1, 1, TITLE, "文件中没有标题", "第一段文字应为标题，例如“2011年度县市区工会工作考核细则”")
    if intro:
        doc.intro, doc.intro_line = "\n".join(text for _, text in intro), intro[0][0]
        if len(intro) > 1:
            findings.doubt(intro[0][0], 1, TITLE, f"标题与第一个类别之间有 {len(intro)} 段文字，已合并为开头说明（intro）",
                           "核对是否都是开头说明")
    elif doc.title:
        findings.doubt(doc.title_line, 1, TITLE, "标题之后没有开头说明（intro）", "草稿中的 intro 为空，请按原文补上")
    _check_order(doc, findings)
    return doc


def _shorten(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _orphan_category(doc: Document, item: DocItem, findings: Findings) -> DocCategory:
    if not doc.categories:
        findings.doubt(item.line, 1, HEADING, f"第{item.number}条之前没有类别标题", "类别标题形如“一、组织建设（25分）”")
        doc.categories.append(DocCategory("", "（未分类）", None, False, item.line))
    return doc.categories[-1]


def _read_heading(match: re.Match, number: int, line: str, findings: Findings) -> DocCategory | None:
    numeral = match["n1"] or match["n2"]
    rest = match["rest"].strip()
    name, points, bonus, unit = rest, None, False, True
    paren = _HEADING_PAREN.search(rest)
    if paren:
        inner = paren["inner"]
        found = _HEADING_POINTS.search(inner)
        if found and (found["unit"] or "加分" in inner or re.fullmatch(rf"\s*{NUM}\s*", inner)):
            name = rest[: paren.start()].strip()
            value = found["num"]
            points = to_decimal(value) if re.match(_DIGIT, value) else Decimal(cn_number(value) or 0)
            unit = bool(found["unit"])
            bonus = "加分" in inner
        elif "加分" in inner:
            name, bonus = rest[: paren.start()].strip(), True
    else:  # 一、组织建设 25分
        trailing = re.search(rf"\s+(?P<num>{NUM})\s*分$", rest)
        if trailing:
            name, points = rest[: trailing.start()].strip(), to_decimal(trailing["num"])
            findings.note(number, f"类别“{name}”的分值没有括号")
    name = name.rstrip("：:。. ")
    if not name:
        findings.doubt(number, 1, HEADING, f"无法读取类别标题“{line}”：没有类别名称", "类别标题形如“一、组织建设（25分）”")
        return None
    if points is not None and not unit:
        findings.doubt(number, 1, HEADING, f"类别“{name}”的分值“{paren['inner']}”没有写“分”，按 {fmt(points)} 分读取")
    if "加分" in name:
        bonus = True
    return DocCategory(numeral, name, points, bonus or points is None, number)


def _check_order(doc: Document, findings: Findings) -> None:
    expected = 1
    for category in doc.categories:
        value = cn_number(category.numeral)
        if category.numeral and value != expected:
            findings.doubt(category.line, 1, HEADING, f"类别序号“{category.numeral}”不连续（应为“{cn_numeral(expected)}”）",
                           "核对是否漏掉或多出了类别标题")
        expected = (value or expected) + 1
    previous = 0
    for item in doc.items:
        if item.number != previous + 1:
            findings.doubt(item.line, 1, UNRECOGNISED,
                           f"条目编号不连续：第{previous}条之后是第{item.number}条" if previous else f"第一条的编号是 {item.number}",
                           "核对是否漏掉了条目，或有条目没有被识别（它的编号应在行首，如“12．”）", item.number)
        previous = item.number


def _has_tail(text: str) -> bool:
    return _POINTS_CLAUSE.search(text) is not None


def _finish_item(item: DocItem, findings: Findings) -> None:
    """Split ``…正文（考核分值5分，考核部门：A、B）。`` into text, maximum and departments."""
    joined = item.joined.rstrip()
    starts = [m.start() for m in _TAIL_START.finditer(joined)]
    if not starts:
        item.text = joined
        findings.doubt(*item.where(0), NO_POINTS, f"第{item.number}条没有“考核分值”和“考核部门”",
                       "该条的 max 和 departments 需按原文填写", item.number)
        _find_parts(item, findings)
        _settle_max(item, findings)
        return
    # The clause starts at the first of 考核分值/考核部门 in the last stretch of the text.
    begin = _tail_begin(joined, starts)
    before = joined[:begin].rstrip()
    open_paren = before.endswith(("（", "("))
    text_end = len(before) - 1 if open_paren else begin
    item.text = joined[:text_end].rstrip()
    tail = joined[begin:]
    if not open_paren:
        findings.note(item.where(begin)[0], f"第{item.number}条“考核分值”前缺左括号")
    points = _POINTS_CLAUSE.search(tail)
    depts = _DEPT_CLAUSE.search(tail)
    if points:
        item.max = to_decimal(points["num"])
    else:
        findings.doubt(*item.where(begin), NO_POINTS, f"第{item.number}条没有可读的“考核分值”", "按原文填写 max", item.number)
    if depts:
        item.departments = [n.strip("。.") for n in _DEPT_SPLIT.split(depts["names"].strip()) if n.strip("。.")]
        for name in item.departments:
            item.written_at.setdefault(name, item.where(joined.find(name, begin + depts.start("names"))))
    if not item.departments:
        findings.doubt(*item.where(begin), NO_DEPARTMENT, f"第{item.number}条没有“考核部门”",
                       "草稿中 departments 为空，请按原文填写", item.number)
    leftover = tail
    for match in (points, depts):
        if match:
            leftover = leftover.replace(match.group(0), "", 1)
    leftover = re.sub(r"[（）()。.，,；;、\s]", "", leftover)
    if leftover:
        findings.doubt(*item.where(begin), UNRECOGNISED, f"第{item.number}条末尾括号中有未能识别的文字“{leftover}”",
                       "核对考核分值与考核部门", item.number)
    _find_parts(item, findings)
    _settle_max(item, findings)


def _tail_begin(joined: str, starts: list[int]) -> int:
    """Where the closing clause begins: the first 考核分值/考核部门 after which nothing but the
    clauses and punctuation follows (one parenthesis or two, before or after the 。)."""
    for start in starts:
        rest = _DEPT_CLAUSE.sub("", _POINTS_CLAUSE.sub("", joined[start:], count=1), count=1)
        if not re.sub(r"[（）()。.，,；;、\s]", "", rest):
            return start
    return starts[-1]


def _find_parts(item: DocItem, findings: Findings) -> None:
    """Parts are marked by their points inside the text: ``…工作（3分），…示范点（1分）``."""
    text = item.text
    markers: list[tuple[int, int, str, bool]] = []  # (start, end, number, paren missing)
    depth = 0
    for token in _PART_TOKENS.finditer(text):
        if token["full"]:
            markers.append((token.start(), token.end(), token["n1"], False))
        elif token["bare"]:
            if depth == 0:
                markers.append((token.start(), token.end(), token["n2"], True))
            else:
                depth -= 1  # "扣1分）" closes a parenthesis opened before it
        elif token["open"]:
            depth += 1
        elif token["close"]:
            depth = max(depth - 1, 0)
    if not markers:
        return
    start = 0
    parts: list[DocPart] = []
    for begin, end, number, missing in markers:
        part_text = text[start:begin].strip(_SEPARATORS)
        if missing:
            shown = _shorten(part_text[-10:] + text[begin:end], 20)
            findings.note(item.where(begin)[0], f"第{item.number}条“{shown}”缺左括号，按分项 {fmt(to_decimal(number))} 分读取")
            findings.kept.append(f"第{item.number}条“{shown}”缺左括号")
        if not part_text:
            findings.doubt(*item.where(begin), PARTS, f"第{item.number}条的分值“{text[begin:end]}”前面没有文字",
                           "核对分项的划分", item.number)
        parts.append(DocPart(part_text, to_decimal(number)))
        start = end
    rest = text[start:].strip(_SEPARATORS)
    if rest:
        findings.doubt(*item.where(start), PARTS, f"第{item.number}条最后一个分项之后还有文字“{_shorten(rest)}”，未计入任何分项",
                       "核对它属于哪个分项；草稿中各分项的 text 只到分值之前", item.number)
    if len(parts) == 1 and not rest and item.max is not None and parts[0].max == item.max:
        findings.note(item.line, f"第{item.number}条只标了一个分值，与该条分值相同，按不分项处理")
        return
    item.parts = parts


def _settle_max(item: DocItem, findings: Findings) -> None:
    total = sum((p.max for p in item.parts), Decimal(0))
    if item.max is None:
        item.max = total
        if item.parts:
            findings.doubt(item.line, 1, NO_POINTS, f"第{item.number}条的分值暂按各分项之和 {fmt(total)} 分", "", item.number)
        return
    if item.parts and total != item.max:
        findings.doubt(item.line, 1, SUMS, f"第{item.number}条各分项之和为 {fmt(total)} 分，与考核分值 {fmt(item.max)} 分不符",
                       "核对各分项的分值与考核分值；草稿照原文写下两者", item.number)


# --- Draft -------------------------------------------------------------------------------
@dataclass
class DraftDepartment:
    name: str
    slug: str
    aliases: list[str]


@dataclass
class DraftPart:
    id: str
    text: str
    max: Decimal


@dataclass
class DraftItem:
    id: str
    text: str
    max: Decimal
    departments: list[str]
    parts: list[DraftPart]
    doubts: list[str]


@dataclass
class DraftCategory:
    id: str
    numeral: str
    name: str
    kind: str
    max: Decimal
    items: list[DraftItem]


@dataclass
class Draft:
    year: int
    title: str
    intro: str
    base_max: Decimal
    score_step: Decimal
    departments: list[DraftDepartment]
    categories: list[DraftCategory]
    comments: list[str]          # the header, as in rules/2011.yaml
    doubts: list[str]            # listed in the header too, until a maintainer has looked
    note_max_length: int | None = None  # last year's, when the rules format has it


SCORE_STEPS = [Decimal("1"), Decimal("0.5"), Decimal("0.1"), Decimal("0.05"), Decimal("0.01"), Decimal("0.001")]
DEFAULT_STEP = Decimal("0.1")


def draft_rules(doc: Document, year: int, reference: Rules | None, findings: Findings,
                source_name: str = "", reference_name: str = "") -> Draft:
    """Everything the rules format needs, from the document, else from ``reference`` (the
    previous year's rules), else invented and doubted."""
    if doc.title:
        years = {int(y) for y in _YEAR_IN_TITLE.findall(doc.title)}
        if years and year not in years:
            findings.doubt(doc.title_line, 1, TITLE, f"标题中的年度（{'、'.join(map(str, sorted(years)))}）与 --year {year} 不一致",
                           "核对导入的文件和年度")
    departments, aliases_used = _departments(doc, reference, findings, reference_name)
    categories = _categories(doc, reference, findings, reference_name)
    step = _score_step(doc, reference, findings, reference_name)
    base_total = sum((c.max for c in categories if c.kind == BASE), Decimal(0))
    _check_base_total(doc, reference, base_total, findings, reference_name)
    comments = _header(doc, year, source_name, categories, aliases_used, reference_name, findings.kept)
    doubts = [f"第 {p.line} 行：{p.message}" for p in sorted(findings.problems, key=lambda p: (p.line, p.column))]
    note_limit = getattr(reference, "note_max_length", None) if reference is not None else None
    return Draft(year, doc.title, doc.intro, base_total, step, departments, categories, comments, doubts, note_limit)


def _similar(a: str, b: str) -> str:
    """Why two department names may be one department: "" when they are not alike."""
    if a != b and sorted(a) == sorted(b):
        return "字相同而顺序不同"
    if abs(len(a) - len(b)) <= 1 and min(len(a), len(b)) >= 3 and _edit_distance(a, b) == 1:
        return "只差一个字"
    return ""


def _edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def _departments(doc: Document, reference: Rules | None, findings: Findings,
                 reference_name: str) -> tuple[list[DraftDepartment], dict[str, tuple[str, list[int]]]]:
    """Departments in order of first appearance, by their canonical name.

    A name the previous year listed (or listed as an alias) is reused with its slug and
    aliases. A new name written with the same characters as a known one in another order
    (帮扶维权中心 / 维权帮扶中心) is taken as an alias of it, and doubted; a new name one
    character away from a known one is kept as a new department, and doubted."""
    ref_canonical: dict[str, str] = {}
    ref_by_name = {}
    if reference is not None:
        for d in reference.departments:
            ref_by_name[d.name] = d
            ref_canonical[d.name] = d.name
            for alias in d.aliases:
                ref_canonical[alias] = d.name
    written: Counter[str] = Counter()
    first: dict[str, tuple[int, int]] = {}  # name → (item number, order)
    at: dict[str, tuple[int, int]] = {}  # name → (line, column) where first written
    for item in doc.items:
        for name in item.departments:
            written[name] += 1
            first.setdefault(name, (item.number, len(first)))
            at.setdefault(name, item.written_at.get(name, (item.line, 1)))
    resolved: dict[str, str] = {}
    aliases_used: dict[str, tuple[str, list[int]]] = {}
    new_aliases: dict[str, list[str]] = {}
    # Names the previous year knew first, then the new ones, the most used first.
    unknown = sorted((n for n in written if n not in ref_canonical), key=lambda n: (-written[n], first[n]))
    for name in written:
        if name in ref_canonical:
            resolved[name] = ref_canonical[name]
    for name in unknown:
        (line, column), number = at[name], first[name][0]
        known = [(k, _similar(name, k)) for k in [*ref_canonical, *(n for n in resolved if resolved[n] == n)]]
        same_letters = [(k, why) for k, why in known if why == "字相同而顺序不同"]
        near = [(k, why) for k, why in known if why]
        if same_letters:
            target = resolved.get(same_letters[0][0], ref_canonical.get(same_letters[0][0], same_letters[0][0]))
            resolved[name] = target
            new_aliases.setdefault(target, []).append(name)
            findings.doubt(line, column, DEPARTMENT,
                           f"考核部门“{name}”与“{same_letters[0][0]}”{same_letters[0][1]}，已作为“{target}”的别名",
                           f"若确是另一个部门，把它从“{target}”的 aliases 移出，另行登记", number)
            continue
        resolved[name] = name
        if near:
            findings.doubt(line, column, DEPARTMENT,
                           f"考核部门“{name}”是新出现的，与“{near[0][0]}”{near[0][1]}：是新部门，还是“{near[0][0]}”的另一种写法？",
                           f"若是同一部门，把“{name}”加为“{ref_canonical.get(near[0][0], near[0][0])}”的别名（aliases）", number)
    for item in doc.items:
        for name in item.departments:
            if resolved[name] != name:
                aliases_used.setdefault(name, (resolved[name], []))[1].append(item.number)
    order = list(dict.fromkeys(resolved[n] for n in written))
    slugs_taken = {d.slug for d in reference.departments} if reference is not None else set()
    departments = []
    for name in order:
        line, column = at.get(name, (0, 0))
        if name in ref_by_name:
            d = ref_by_name[name]
            aliases = [*d.aliases, *(a for a in new_aliases.get(name, []) if a not in d.aliases)]
            departments.append(DraftDepartment(name, d.slug, aliases))
            continue
        slug = _placeholder("bumen", slugs_taken)
        where = f"（{reference_name} 中没有这个部门）" if reference is not None else ""
        findings.doubt(line, column, INVENTED, f"考核部门“{name}”的标识（slug）暂定为 {slug}{where}",
                       "改为部门名称的拼音，例如 jiceng-gongzuobu；标识是部门页面的网址，定下后不再改")
        departments.append(DraftDepartment(name, slug, new_aliases.get(name, [])))
    if reference is not None:
        dropped = [d.name for d in reference.departments if d.name not in order]
        if dropped:
            findings.note(0, f"{reference_name} 中的这些部门本年度没有出现，未写入草稿：{'、'.join(dropped)}")
    for item in doc.items:
        item.departments = list(dict.fromkeys(resolved[n] for n in item.departments))
    return departments, aliases_used


def _placeholder(prefix: str, taken: set[str]) -> str:
    k = 1
    while f"{prefix}-{k}" in taken:
        k += 1
    taken.add(f"{prefix}-{k}")
    return f"{prefix}-{k}"


def _categories(doc: Document, reference: Rules | None, findings: Findings, reference_name: str) -> list[DraftCategory]:
    ref = {c.name: c for c in reference.categories} if reference is not None else {}
    ids_taken = {c.id for c in reference.categories} if reference is not None else set()
    used_ids: set[str] = set()
    categories = []
    for doc_category in doc.categories:
        known = ref.get(doc_category.name)
        kind = BONUS if doc_category.bonus else BASE
        if known is not None and doc_category.max is None and not known.is_bonus:
            kind = BASE
            findings.doubt(doc_category.line, 1, HEADING,
                           f"类别标题“{doc_category.name}”没有分值；{reference_name} 中它是基础类别，仍按基础类别、以各条之和计",
                           "按原文核对类别分值")
        items = [_draft_item(i) for i in doc_category.items]
        total = sum((i.max for i in items), Decimal(0))
        if known is not None and known.id not in used_ids:
            category_id = known.id
        else:
            category_id = _placeholder("leibie", ids_taken | used_ids)
            findings.doubt(doc_category.line, 1, INVENTED, f"类别“{doc_category.name}”的标识（id）暂定为 {category_id}"
                           + (f"（{reference_name} 中没有这个类别）" if reference is not None else ""),
                           "改为类别名称的拼音，例如 zuzhi-jianshe；标识是网址的一部分，定下后不再改")
        used_ids.add(category_id)
        if kind == BASE:
            maximum = doc_category.max if doc_category.max is not None else total
            if doc_category.max is not None and total != maximum:
                findings.doubt(doc_category.line, 1, SUMS,
                               f"类别“{doc_category.name}”各条之和为 {fmt(total)} 分，与标题中的 {fmt(maximum)} 分不符",
                               "核对各条的考核分值与类别分值")
        else:
            maximum = _bonus_cap(doc_category, known, total, findings, reference_name)
        if not items:
            findings.doubt(doc_category.line, 1, HEADING, f"类别“{doc_category.name}”下没有条目", "核对条目是否被识别")
        categories.append(DraftCategory(category_id, doc_category.numeral, doc_category.name, kind, maximum, items))
    return categories


def _bonus_cap(category: DocCategory, known, total: Decimal, findings: Findings, reference_name: str) -> Decimal:
    """The cap on bonus points: the heading's, else last year's rule, else the items' sum."""
    if category.max is not None:
        if category.max > total:
            findings.doubt(category.line, 1, SUMS, f"加分类别“{category.name}”各条之和只有 {fmt(total)} 分，达不到标题中的上限 {fmt(category.max)} 分")
        return category.max
    if known is not None and known.is_bonus:
        last_total = sum((i.max for i in known.items), Decimal(0))
        if known.max >= last_total:
            return total  # last year the cap was all the items: so it is this year
        if known.max <= total:
            findings.note(category.line, f"加分上限沿用 {reference_name}：{fmt(known.max)} 分")
            return known.max
        findings.doubt(category.line, 1, SUMS, f"加分类别“{category.name}”各条之和 {fmt(total)} 分，低于 {reference_name} 的加分上限 {fmt(known.max)} 分；上限暂定为 {fmt(total)} 分",
                       "按原文核对加分上限（max）")
        return total
    findings.doubt(category.line, 1, INVENTED, f"加分类别“{category.name}”的加分上限原文没有写，暂定为各条之和 {fmt(total)} 分",
                   "若有上限（如“最多加10分”），把该类别的 max 改为上限")
    return total


def _draft_item(item: DocItem) -> DraftItem:
    parts = [DraftPart(f"{item.number}.{k}", p.text, p.max) for k, p in enumerate(item.parts, start=1)]
    return DraftItem(str(item.number), item.text, item.max if item.max is not None else Decimal(0),
                     item.departments, parts, [])


def _score_step(doc: Document, reference: Rules | None, findings: Findings, reference_name: str) -> Decimal:
    """Last year's smallest unit of a score, unless a maximum of this year is finer."""
    values = [v for i in doc.items for v in [i.max or Decimal(0), *(p.max for p in i.parts)]]
    base = reference.score_step if reference is not None and reference.score_step else None
    step = base or DEFAULT_STEP
    if all(v % step == 0 for v in values):
        if base is None:
            findings.doubt(doc.title_line or 1, 1, INVENTED, f"评分最小单位（score_step）原文没有写，暂定为 {fmt(step)} 分",
                           "按考核办法核对 score_step")
        return step
    finer = next((s for s in SCORE_STEPS if s < step and all(v % s == 0 for v in values)), Decimal("0.001"))
    odd = next(v for v in values if v % step != 0)
    findings.doubt(doc.title_line or 1, 1, INVENTED,
                   f"分值 {fmt(odd)} 不是 {fmt(step)} 的整数倍，评分最小单位（score_step）暂定为 {fmt(finer)} 分",
                   "按考核办法核对 score_step")
    return finer


def _check_base_total(doc: Document, reference: Rules | None, total: Decimal, findings: Findings, reference_name: str) -> None:
    line = next((c.line for c in doc.categories if not c.bonus), doc.title_line or 1)
    if "百分制" in doc.intro and total != 100:
        findings.doubt(line, 1, SUMS, f"开头说明写的是百分制，但基础类别合计 {fmt(total)} 分", "核对各类别的分值")
    elif reference is not None and "百分制" not in doc.intro and total != reference.base_max:
        findings.doubt(line, 1, SUMS, f"基础类别合计 {fmt(total)} 分，{reference_name} 为 {fmt(reference.base_max)} 分",
                       "核对各类别的分值")


def _runs(numbers: list[int]) -> str:
    """[1, 2, 3, 4, 6, 8] → "1–4、6、8"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs)


def _header(doc: Document, year: int, source_name: str, categories: list[DraftCategory],
            aliases_used: dict[str, tuple[str, list[int]]], reference_name: str, kept: list[str]) -> list[str]:
    title = doc.title or f"{year}年度考核细则"
    lines = [f"{title}（附件1），由 build.py rules import 从 {source_name or '原文件'} 起草，逐字照录原文（错别字照录）。"]
    if kept:
        lines.append(f"原文照录：{'、'.join(kept)}。")
    with_parts = [int(i.id) for c in categories for i in c.items if i.parts and i.id.isdigit()]
    if with_parts:
        lines.append(f"第{_runs(with_parts)}条原文在条内分项计分，录为分项（id 为 条.项）；其余各条整体计分。")
    for alias, (name, numbers) in aliases_used.items():
        lines.append(f"第{_runs(numbers)}条原文考核部门写作“{alias}”，即“{name}”，统一为后者（见 departments 的 aliases）。")
    if reference_name:
        lines.append(f"部门与类别的标识（slug、id）、部门别名、score_step 等原文没有写的设置沿用 {reference_name}。")
    return lines


# --- Write -------------------------------------------------------------------------------
_PLAIN = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z（）《》·][\u3400-\u9fff\uf900-\ufaffA-Za-z0-9（）《》·\-]*")


def quoted(text: str) -> str:
    """A YAML double-quoted scalar that reads back as ``text`` (control and line-break
    characters escaped; everything else as written)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs") or ch == "\x85":
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def scalar(text: str) -> str:
    """Plain when it is a name of Chinese characters (as the hand-written file has them), else quoted."""
    return text if _PLAIN.fullmatch(text) and text.lower() not in {"yes", "no", "on", "off", "y", "n", "true", "false", "null"} else quoted(text)


def write_yaml(draft: Draft) -> str:
    """The rules file, laid out as rules/2011.yaml: header comments, then year … categories."""
    out = [f"# {line}" for line in draft.comments]
    if draft.doubts:
        out.append("# 导入时的疑问（逐条核实、改好后删去这一段）：")
        out.extend(f"#   {d}" for d in draft.doubts)
    base = [c for c in draft.categories if c.kind == BASE]
    out += [
        f"year: {draft.year}",
        f"title: {quoted(draft.title)}",
        f"intro: {quoted(draft.intro)}",
        _commented(f"base_max: {fmt(draft.base_max)}",
                   f"{_count(len(base))}项基础类别合计" + ("（百分制）" if "百分制" in draft.intro else "")),
        _commented(f"score_step: {fmt(draft.score_step)}", f"评分最小单位：每个分值须为{fmt(draft.score_step)}的整数倍"),
    ]
    if draft.note_max_length is not None:
        out.append(_commented(f"note_max_length: {draft.note_max_length}",
                              f"扣分说明最多{draft.note_max_length}字（说明会公布在网站上）"))
    out.append("departments:")
    for d in draft.departments:
        out += [f"  - name: {scalar(d.name)}", f"    slug: {d.slug}"]
        if d.aliases:
            out.append(f"    aliases: [{', '.join(scalar(a) for a in d.aliases)}]")
    out.append("categories:")
    for c in draft.categories:
        out += [f"  - id: {c.id}", f"    numeral: {scalar(c.numeral) if c.numeral else quoted('')}",
                f"    name: {scalar(c.name)}",
                f"    kind: {c.kind}" + ("          # 加分制" if c.kind == BONUS else ""),
                f"    max: {fmt(c.max)}" + ("            # 加分上限" if c.kind == BONUS else ""),
                "    items:" if c.items else "    items: []"]
        for item in c.items:
            out += [f"      # 待核实：{d}" for d in item.doubts]
            out += [f"      - id: {item.id}", f"        text: {quoted(item.text)}", f"        max: {fmt(item.max)}",
                    f"        departments: [{', '.join(scalar(d) for d in item.departments)}]"]
            if item.parts:
                out.append("        parts:")
                for p in item.parts:
                    out += [f"          - id: {p.id}", f"            text: {quoted(p.text)}", f"            max: {fmt(p.max)}"]
    return "\n".join(out) + "\n"


def _commented(line: str, comment: str) -> str:
    """``key: value`` with its comment in the column rules/2011.yaml has them (the 22nd)."""
    return f"{line.ljust(20)} # {comment}"


def _count(n: int) -> str:
    return cn_numeral(n) if 0 < n < 100 else str(n)


# --- The whole import --------------------------------------------------------------------
@dataclass
class Imported:
    source: Source
    document: Document
    draft: Draft
    text: str                       # the rules file
    problems: list[Problem]         # the doubts, at the document's lines
    notes: list[tuple[int, str]]


def import_lines(lines: list[str], year: int, path: str, reference: Rules | None = None,
                 reference_name: str = "", source: Source | None = None) -> Imported:
    """Parse, draft and write, from lines already read. Pure: the tests' entry point."""
    source = source or Source(lines, "text", "UTF-8")
    findings = Findings(path)
    for line, message in source.notes:
        findings.note(line, message)
    for line, code, message in source.doubts:
        findings.doubt(line, 1, code, message)
    document = parse_document(lines, findings, source.numbers)
    if reference is not None and not reference_name:
        reference_name = f"rules/{reference.year}.yaml"
    draft = draft_rules(document, year, reference, findings, Path(path).name, reference_name)
    for category in draft.categories:
        for item in category.items:
            if item.id.isdigit():
                item.doubts = findings.by_item.get(int(item.id), [])
    return Imported(source, document, draft, write_yaml(draft), findings.problems, findings.notes)


def import_text(text: str, year: int, path: str = "document.txt", reference: Rules | None = None) -> Imported:
    return import_lines(split_lines(text), year, path, reference)


def import_file(path: Path, year: int, display_path: str, reference: Rules | None = None,
                reference_name: str = "") -> Imported:
    """Raises DocumentError when the file cannot be read as a document."""
    source = read_document(path)
    return import_lines(source.lines, year, display_path, reference, reference_name, source)


def reference_path(rules_dir: Path, year: int) -> Path | None:
    """The rules to reuse: the previous year's, else the newest earlier year present; for the
    first year on record, that year's own file (a re-import), else the nearest later year."""
    years = discover_years(rules_dir) if rules_dir.is_dir() else []
    earlier = [y for y in years if y < year]
    if earlier:
        return rules_dir / f"{earlier[-1]}.yaml"
    later = [y for y in years if y >= year]
    return rules_dir / f"{later[0]}.yaml" if later else None


def load_rules_as(path: Path, year: int, display_path: str) -> tuple[Rules | None, list[Problem]]:
    """``load_rules`` on a file that may not be named ``<year>.yaml`` (a draft elsewhere):
    read through a copy that is, so only a ``year:`` that is not ``year`` is reported (E304)."""
    if path.name == f"{year}.yaml":
        return load_rules(path, display_path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(display_path, 0, 0, "E000", f"无法读取文件：{exc.strerror}")]
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / f"{year}.yaml"
        copy.write_bytes(data)
        return load_rules(copy, display_path)


def check_text(text: str, year: int, display_path: str) -> tuple[Rules | None, list[Problem]]:
    """The rules self-check (E3xx) on a rules file's text."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / f"{year}.yaml"
        copy.write_text(text, encoding="utf-8")
        return load_rules(copy, display_path)


def write_new(path: Path, text: str, force: bool) -> None:
    """Write ``text`` to ``path``; refuse (FileExistsError) to replace a file unless ``force``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if force:
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8", newline="\n")
        os.replace(temporary, path)
        return
    with open(path, "x", encoding="utf-8", newline="\n") as f:
        f.write(text)


# --- Show --------------------------------------------------------------------------------
def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def as_json(rules: Rules) -> dict:
    """The rules in the one shape ``rules show --format json`` prints:

    ``{year, title, categories: [{name, max, bonus, items: [{id, max, departments, text,
    parts: [{id, max, text}]}]}]}``. Departments by canonical name; maxima and the year are
    JSON numbers; ids are strings as written ("8", "8.1": "1.10" is not "1.1"); an item
    without parts has ``parts: []``; a bonus category's ``max`` is its cap."""
    return {
        "year": rules.year,
        "title": rules.title,
        "categories": [{
            "name": c.name,
            "max": _number(c.max),
            "bonus": c.is_bonus,
            "items": [{
                "id": i.id,
                "max": _number(i.max),
                "departments": list(i.departments),
                "text": i.text,
                "parts": [{"id": p.id, "max": _number(p.max), "text": p.text} for p in i.parts],
            } for i in c.items],
        } for c in rules.categories],
    }


def as_outline(rules: Rules) -> str:
    """A readable outline: what a reviewer of a new year reads against the document."""
    step = f"；评分最小单位 {fmt(rules.score_step)} 分" if rules.score_step else ""
    out = [rules.title, f"（{rules.year} 年；基础类别合计 {fmt(rules.base_max)} 分{step}）", ""]
    aliases = [f"{d.name}（又作 {'、'.join(d.aliases)}）" if d.aliases else d.name for d in rules.departments]
    out += [f"考核部门：{'、'.join(aliases)}", ""]
    for c in rules.categories:
        points = f"（加分，上限 {fmt(c.max)} 分）" if c.is_bonus else f"（{fmt(c.max)} 分）"
        out.append(f"{c.numeral}、{c.name}{points}")
        for i in c.items:
            out.append(f"  {i.id}．[{fmt(i.max)} 分] {i.text}")
            out.append(f"      考核部门：{'、'.join(i.departments)}")
            for p in i.parts:
                out.append(f"      {p.id} [{fmt(p.max)} 分] {p.text}")
        out.append("")
    return "\n".join(out)
