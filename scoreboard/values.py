"""What a scalar means: numbers, years, names, slugs; each refusal explains itself in Chinese.

Shared by the rules loader, the registry and the score-file validator, so that the same
mistake (``3分``, ``yes``, a full-width ``３``) gets the same message everywhere.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .load import Node, Scalar, Mapping, Sequence

YEAR = r"[12][0-9]{3}"  # a year as written in folder and file names and in the files: four digits
YEAR_TEXT = re.compile(YEAR)
DECIMAL_TEXT = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
INTEGER_TEXT = re.compile(r"[1-9][0-9]*")
SLUG_TEXT = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_BOOLEANS = {"yes", "no", "true", "false", "on", "off", "y", "n"}
_NULLS = {"", "~", "null"}
_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
# A score has a few digits; a 29-digit one is a typo or an attack (and beyond Decimal's
# default precision, where formatting it would raise).
MAX_SCORE_DIGITS = 9
# Characters that make text lie about itself on a page: bidi embeddings, overrides, isolates
# and marks (text that reads reversed), and zero-width characters (two names that look alike).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")
NAME_MAX_LENGTH = 30


def kind_of(node: Node) -> str:
    if isinstance(node, Mapping):
        return "映射（键: 值）"
    if isinstance(node, Sequence):
        return "列表"
    return "文字"


def to_halfwidth(text: str) -> str:
    """Full-width digits and punctuation as typed with a Chinese input method, made ASCII."""
    return unicodedata.normalize("NFKC", text).replace("。", ".")  # NFKC already makes "，" a ","


# What nearly every score is: a short unquoted ASCII decimal, which no check below refuses.
# Accepted at once, it spares a national check 130,000 trips through them.
_PLAIN_SCORE = re.compile(r"(0|[1-9][0-9]{0,3})(\.[0-9]{1,4})?")


def number_refusal(node: Node) -> tuple[str, str] | None:
    """Why this node is not a plain decimal number, as (message, hint); None if it is one."""
    if type(node) is Scalar and node.plain and _PLAIN_SCORE.fullmatch(node.text):
        return None
    if not isinstance(node, Scalar):
        return f"分值应为数字，这里是{kind_of(node)}", "写成“1.1: 3”或“1.1: {score: 3, note: 说明}”"
    text = node.text.strip()
    lowered = text.lower()
    if node.plain and lowered in _NULLS:
        return "缺少分值", "在冒号后面填写数字，例如“: 3”"
    if node.plain and lowered in _BOOLEANS:
        return f"“{text}”是是非值，不是分值", "请填写数字"
    if node.plain and _DATE.fullmatch(text):
        return f"“{text}”会被读成日期，不是分值", "请填写数字"
    halfwidth = to_halfwidth(text)
    if halfwidth != text and DECIMAL_TEXT.fullmatch(halfwidth):
        return f"“{text}”含有全角字符", f"请使用半角数字：{halfwidth}"
    stripped = re.sub(r"\s*分$", "", halfwidth)
    if stripped != halfwidth and DECIMAL_TEXT.fullmatch(stripped):
        return f"“{text}”不是纯数字", f"去掉“分”字，只写数字：{stripped}"
    if not node.plain and DECIMAL_TEXT.fullmatch(text):
        return f"分值“{text}”加了引号，会被当作文字", f"去掉引号：{text}"
    if DECIMAL_TEXT.fullmatch(text):
        digits = sum(ch.isdigit() for ch in text)
        if digits > MAX_SCORE_DIGITS:
            shown = text if len(text) <= 12 else text[:12] + "…"
            return f"分值“{shown}”有 {digits} 位数字，不是合理的分值", "分值只有几位数，例如 3 或 4.5"
        return None
    if node.plain and re.fullmatch(r"-?\.[0-9]+", text):
        return f"“{text}”格式不对（小数点前缺少 0）", f"请写成 {text.replace('.', '0.')}"
    if node.plain and re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        return f"“{text}”格式不对（开头多了 0）", f"请写成 {Decimal(text).normalize():f}"
    return f"“{text}”不是数字", "分值只能是数字，例如 3 或 4.5"


def to_decimal(node: Scalar) -> Decimal:
    """Only for nodes that ``number_refusal`` accepted."""
    return shared_decimal(node.text.strip())


@lru_cache(maxsize=4096)
def shared_decimal(text: str) -> Decimal:
    """Equal texts share one (immutable) Decimal: a national dataset holds a few hundred
    distinct values a hundred thousand times."""
    value = Decimal(text)
    return Decimal(0) if value == 0 else value  # "-0" is just 0


def is_multiple(value: Decimal, step: Decimal) -> bool:
    try:
        return (value % step) == 0
    except InvalidOperation:
        return False


@lru_cache(maxsize=8192)
def fmt(value: Decimal) -> str:
    """4.50 → "4.5", 5.0 → "5": how points are written everywhere in the output.

    Cached: a site writes the same few hundred values millions of times. Decimal("4.5") and
    Decimal("4.50") hash alike and format alike, so sharing an entry is safe.
    """
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def text_refusal(node: Node | None, what: str) -> tuple[str, str] | None:
    if node is None:
        return None
    if not isinstance(node, Scalar):
        return f"{what}应为文字，这里是{kind_of(node)}", ""
    if node.plain and node.text.strip().lower() in _NULLS:
        return f"{what}不能为空", ""
    return None


def _codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X}"


# Printable ASCII, CJK punctuation and ideographs, full-width forms and the usual quotes and
# dashes: what notes and names are made of, none of it deceptive. A text of these alone is
# accepted without looking at each character's category (130,000 notes in a national check).
PLAINLY_VISIBLE = re.compile("[ -~\u3001-\u303f\u4e00-\u9fff\uff01-\uff5e\u2018\u2019\u201c\u201d\u2026\u2014\u00b7]*")


def deceptive_character(text: str, allow_newlines: bool = False) -> tuple[str, str] | None:
    """The first character that could make ``text`` lie on a page: (what it is, where)."""
    if PLAINLY_VISIBLE.fullmatch(text):
        return None
    for index, ch in enumerate(text):
        where = f"第 {index + 1} 个字符"
        if ch in _BIDI:
            return f"文字方向控制字符 {_codepoint(ch)}（会让文字倒序显示）", where
        if ch in _ZERO_WIDTH:
            return f"不可见字符 {_codepoint(ch)}（零宽字符）", where
        if ch in "\r\n" and not allow_newlines:
            return "换行", where
        if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn") and not (allow_newlines and ch in "\r\n\t"):
            return f"控制字符或不可见字符 {_codepoint(ch)}", where
    return None


def visible(text: str) -> str:
    """Text for a message, with every deceptive character spelled out as its code point."""
    # Every bidi and zero-width character is a format character (Cf), a line break a control (Cc).
    return "".join(f"[{_codepoint(ch)}]" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


def name_refusal(name: str) -> tuple[str, str] | None:
    """One rule for a county's name wherever it is written (registry, ``new``, score files):
    printable, no line break, no bidi or zero-width character, no space, not too long."""
    if not name.strip():
        return "名称不能为空", "写出县市区的名称，例如 鹭屿县"
    found = deceptive_character(name)
    if found:
        return f"名称“{visible(name.strip())}”的{found[1]}是{found[0]}", "删去这个字符后重新输入名称（不要从网页或文档中复制）"
    if name.startswith(("=", "+", "-", "@")):
        return f"名称“{name}”以“{name[0]}”开头，电子表格会把它当作公式", "去掉开头的符号，只写县市区的正式名称"
    if any(ch.isspace() for ch in name):
        return f"名称“{name.strip()}”中有空格", "名称中不能有空格（包括全角空格），请删去"
    if len(name) > NAME_MAX_LENGTH:
        return f"名称有 {len(name)} 个字，超过了 {NAME_MAX_LENGTH} 个字", "只写县市区的正式名称"
    return None


def name_key(name: str) -> str:
    """What two names are compared by: ``鹭屿县`` and a full-width or compatibility variant
    of it are the same name to a reader, so they are the same name here too."""
    return unicodedata.normalize("NFKC", name).casefold()


def note_refusal(note: str, limit: int) -> tuple[str, str, str] | None:
    """(code, message, hint) when a note may not be published as written; None when it may."""
    found = deceptive_character(note, allow_newlines=True)
    if found:
        return "E211", f"说明的{found[1]}是{found[0]}", "删去这个字符（它在网页上看不见，却会改变文字的显示）"
    if len(note) > limit:
        return "E212", f"说明有 {len(note)} 个字，超过了细则规定的 {limit} 个字", "写明扣分原因即可；详细材料请另行存档"
    return None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """A text cell no spreadsheet reads as a formula (OWASP, "CSV injection"): a cell that
    begins with = + - @ tab or CR gets a leading apostrophe. Only for text: numbers, negative
    ones included, are written as numbers and never pass through here."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
