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

DECIMAL_TEXT = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
INTEGER_TEXT = re.compile(r"[1-9][0-9]*")
SLUG_TEXT = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_BOOLEANS = {"yes", "no", "true", "false", "on", "off", "y", "n"}
_NULLS = {"", "~", "null"}
_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")


def kind_of(node: Node) -> str:
    if isinstance(node, Mapping):
        return "映射（键: 值）"
    if isinstance(node, Sequence):
        return "列表"
    return "文字"


def to_halfwidth(text: str) -> str:
    """Full-width digits and punctuation as typed with a Chinese input method, made ASCII."""
    return unicodedata.normalize("NFKC", text).replace("。", ".").replace("，", ",")


def number_refusal(node: Node) -> tuple[str, str] | None:
    """Why this node is not a plain decimal number, as (message, hint); None if it is one."""
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
        return None
    if node.plain and re.fullmatch(r"-?\.[0-9]+", text):
        return f"“{text}”格式不对（小数点前缺少 0）", f"请写成 {text.replace('.', '0.', 1)}"
    if node.plain and re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        return f"“{text}”格式不对（开头多了 0）", f"请写成 {Decimal(text).normalize():f}"
    return f"“{text}”不是数字", "分值只能是数字，例如 3 或 4.5"


_DECIMALS: dict[str, Decimal] = {}


def to_decimal(node: Scalar) -> Decimal:
    """Only for nodes that ``number_refusal`` accepted. Equal texts share one (immutable)
    Decimal: a national dataset holds a few hundred distinct values a hundred thousand times."""
    text = node.text.strip()
    value = _DECIMALS.get(text)
    if value is None:
        value = Decimal(text)
        value = _DECIMALS[text] = Decimal(0) if value == 0 else value  # "-0" is just 0
    return value


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
