"""values.py: what a scalar means, and the words for every refusal, tested on nodes directly."""
from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from scoreboard import values
from scoreboard.load import Mapping, Scalar, Sequence
from scoreboard.values import fmt, is_multiple, kind_of, number_refusal, text_refusal, to_decimal, to_halfwidth

D = Decimal

NUMBERS = [
    # text, plain (False: quoted), (message, hint) or None for a number
    ('', True, ('缺少分值', '在冒号后面填写数字，例如“: 3”')),
    ('~', True, ('缺少分值', '在冒号后面填写数字，例如“: 3”')),
    ('null', True, ('缺少分值', '在冒号后面填写数字，例如“: 3”')),
    ('NULL', True, ('缺少分值', '在冒号后面填写数字，例如“: 3”')),
    ('', False, ('“”不是数字', '分值只能是数字，例如 3 或 4.5')),
    ('~', False, ('“~”不是数字', '分值只能是数字，例如 3 或 4.5')),
    ('yes', True, ('“yes”是是非值，不是分值', '请填写数字')),
    ('Yes', True, ('“Yes”是是非值，不是分值', '请填写数字')),
    ('OFF', True, ('“OFF”是是非值，不是分值', '请填写数字')),
    ('yes', False, ('“yes”不是数字', '分值只能是数字，例如 3 或 4.5')),
    ('2011-05-01', True, ('“2011-05-01”会被读成日期，不是分值', '请填写数字')),
    ('2011-05-01', False, ('“2011-05-01”不是数字', '分值只能是数字，例如 3 或 4.5')),
    ('2011-5-1', True, ('“2011-5-1”会被读成日期，不是分值', '请填写数字')),
    ('３', False, ('“３”含有全角字符', '请使用半角数字：3')),
    ('３.５', True, ('“３.５”含有全角字符', '请使用半角数字：3.5')),
    ('3。5', True, ('“3。5”含有全角字符', '请使用半角数字：3.5')),
    ('3分', True, ('“3分”不是纯数字', '去掉“分”字，只写数字：3')),
    ('3 分', True, ('“3 分”不是纯数字', '去掉“分”字，只写数字：3')),
    ('３分', True, ('“３分”不是纯数字', '去掉“分”字，只写数字：3')),
    ('3分', False, ('“3分”不是纯数字', '去掉“分”字，只写数字：3')),
    ("'3'", True, ("“'3'”不是数字", '分值只能是数字，例如 3 或 4.5')),
    ('3', False, ('分值“3”加了引号，会被当作文字', '去掉引号：3')),
    (' 3 ', False, ('分值“3”加了引号，会被当作文字', '去掉引号：3')),
    ('4.5', False, ('分值“4.5”加了引号，会被当作文字', '去掉引号：4.5')),
    ('3', True, None),
    ('-0', True, None),
    ('2.50', True, None),
    ('.5', True, ('“.5”格式不对（小数点前缺少 0）', '请写成 0.5')),
    ('-.5', True, ('“-.5”格式不对（小数点前缺少 0）', '请写成 -0.5')),
    ('.5', False, ('“.5”不是数字', '分值只能是数字，例如 3 或 4.5')),
    ('03', True, ('“03”格式不对（开头多了 0）', '请写成 3')),
    ('00.50', True, ('“00.50”格式不对（开头多了 0）', '请写成 0.5')),
    ('03', False, ('“03”不是数字', '分值只能是数字，例如 3 或 4.5')),
    ('-03', True, ('“-03”不是数字', '分值只能是数字，例如 3 或 4.5')),
    ('+3', True, ('“+3”不是数字', '分值只能是数字，例如 3 或 4.5')),
    ('3e0', True, ('“3e0”不是数字', '分值只能是数字，例如 3 或 4.5')),
    ('三', True, ('“三”不是数字', '分值只能是数字，例如 3 或 4.5')),
    ('1,5', True, ('“1,5”不是数字', '分值只能是数字，例如 3 或 4.5')),
    ('1.2.3', True, ('“1.2.3”不是数字', '分值只能是数字，例如 3 或 4.5')),
    ('3 ', True, None),
    # Too many digits to be a score (a pasted ID number): the shown text stops at 12 characters.
    ("111111111", True, None),
    ("1111111111", True, ("分值“1111111111”有 10 位数字，不是合理的分值", "分值只有几位数，例如 3 或 4.5")),
    ("0.000000000", True, ("分值“0.000000000”有 10 位数字，不是合理的分值", "分值只有几位数，例如 3 或 4.5")),
    ("-11111111111", True, ("分值“-11111111111”有 11 位数字，不是合理的分值", "分值只有几位数，例如 3 或 4.5")),
    ("-111111111111", True, ("分值“-11111111111…”有 12 位数字，不是合理的分值", "分值只有几位数，例如 3 或 4.5")),
]


@pytest.mark.parametrize("text, plain, refusal", NUMBERS)
def test_number_refusal(text: str, plain: bool, refusal: tuple[str, str] | None) -> None:
    assert number_refusal(Scalar(text, 1, 1, plain)) == refusal


@pytest.mark.parametrize("node, kind", [
    (Mapping(1, 1), "映射（键: 值）"), (Sequence(1, 1), "列表"), (Scalar("3", 1, 1, True), "文字")])
def test_kind_of(node, kind: str) -> None:
    assert kind_of(node) == kind


@pytest.mark.parametrize("node, kind", [(Mapping(1, 1), "映射（键: 值）"), (Sequence(1, 1), "列表")])
def test_a_collection_is_no_number_and_no_text(node, kind: str) -> None:
    assert number_refusal(node) == (f"分值应为数字，这里是{kind}", "写成“1.1: 3”或“1.1: {score: 3, note: 说明}”")
    assert text_refusal(node, "name") == (f"name应为文字，这里是{kind}", "")


@pytest.mark.parametrize("text, plain, refusal", [
    ("", True, ("name不能为空", "")), ("~", True, ("name不能为空", "")), ("NULL", True, ("name不能为空", "")),
    (" null ", True, ("name不能为空", "")), ("", False, None), ("null", False, None), ("测试县", True, None),
])
def test_text_refusal(text: str, plain: bool, refusal: tuple[str, str] | None) -> None:
    assert text_refusal(Scalar(text, 1, 1, plain), "name") == refusal


def test_no_node_is_no_refusal() -> None:
    assert text_refusal(None, "name") is None


def test_to_halfwidth() -> None:
    assert to_halfwidth("３。５，１２　Ａ") == "3.5,12 A"


@pytest.mark.parametrize("text, value", [("3", "3"), ("4.5", "4.5"), ("2.50", "2.50"), (" 7 ", "7"), ("-1", "-1"),
                                         ("0", "0"), ("-0", "0"), ("-0.00", "0")])
def test_to_decimal(text: str, value: str) -> None:
    # The cache is process-wide: empty it so that the conversion is tested, not a value an
    # earlier test left there.
    values.shared_decimal.cache_clear()
    first = to_decimal(Scalar(text, 1, 1, True))
    assert (str(first), first.is_signed()) == (value, value.startswith("-"))
    again = to_decimal(Scalar(text, 2, 1, True))
    assert again is first  # equal texts share one Decimal


@pytest.mark.parametrize("value, step, result", [
    ("4.5", "0.1", True), ("4.55", "0.1", False), ("3", "0.5", True), ("0.3", "0.5", False), ("0", "0.1", True),
    ("1E+30", "0.1", False),  # the quotient has more digits than the context: not a multiple, no exception
])
def test_is_multiple(value: str, step: str, result: bool) -> None:
    assert is_multiple(D(value), D(step)) is result


@pytest.mark.parametrize("value, shown", [("4.50", "4.5"), ("5.0", "5"), ("100", "100"), ("0.05", "0.05"), ("-1.0", "-1"),
                                          ("1E+1", "10"), ("0", "0")])
def test_fmt(value: str, shown: str) -> None:
    assert fmt(D(value)) == shown


BIDI = "文字方向控制字符 U+202E（会让文字倒序显示）"


@pytest.mark.parametrize("text, allow_newlines, found", [
    ("甲县", False, None), ("X县", False, None), ("a b\u3000c", False, None),
    ("甲\u202e县", False, (BIDI, "第 2 个字符")),
    ("\u200b甲", False, ("不可见字符 U+200B（零宽字符）", "第 1 个字符")),
    ("a\u200b\u202e", False, ("不可见字符 U+200B（零宽字符）", "第 2 个字符")),  # the first one
    ("甲\n县", False, ("换行", "第 2 个字符")), ("甲\n县", True, None),
    ("甲\r县", False, ("换行", "第 2 个字符")), ("甲\r县", True, None),
    ("甲\t县", False, ("控制字符或不可见字符 U+0009", "第 2 个字符")), ("甲\t县", True, None),
    ("\x07", True, ("控制字符或不可见字符 U+0007", "第 1 个字符")),
    ("\ufff9", True, ("控制字符或不可见字符 U+FFF9", "第 1 个字符")),  # Cf
    ("\ue000", False, ("控制字符或不可见字符 U+E000", "第 1 个字符")),  # Co
    ("\ud800", False, ("控制字符或不可见字符 U+D800", "第 1 个字符")),  # Cs
    ("\u0378", False, ("控制字符或不可见字符 U+0378", "第 1 个字符")),  # Cn
])
def test_deceptive_character(text: str, allow_newlines: bool, found: tuple[str, str] | None) -> None:
    assert values.deceptive_character(text, allow_newlines=allow_newlines) == found


def test_deceptive_character_allows_no_newline_by_default() -> None:
    assert values.deceptive_character("甲\n县") == ("换行", "第 2 个字符")


def test_visible_spells_out_what_a_page_would_hide() -> None:
    assert values.visible("X甲\u202e县\n\r\t\x07\u200b\ufff9\ue000 A") == (
        "X甲[U+202E]县[U+000A][U+000D][U+0009][U+0007][U+200B][U+FFF9]\ue000 A")


NAME_HINT = "删去这个字符后重新输入名称（不要从网页或文档中复制）"
FORMULA_HINT = "去掉开头的符号，只写县市区的正式名称"
SPACE_HINT = "名称中不能有空格（包括全角空格），请删去"


@pytest.mark.parametrize("name, refusal", [
    ("鹭屿县", None), ("甲" * 30, None), ("1=1", None),
    ("", ("名称不能为空", "写出县市区的名称，例如 鹭屿县")), ("  ", ("名称不能为空", "写出县市区的名称，例如 鹭屿县")),
    ("甲\u202e县", (f"名称“甲[U+202E]县”的第 2 个字符是{BIDI}", NAME_HINT)),
    (" 甲\u200b县 ", ("名称“甲[U+200B]县”的第 3 个字符是不可见字符 U+200B（零宽字符）", NAME_HINT)),
    ("=1+1", ("名称“=1+1”以“=”开头，电子表格会把它当作公式", FORMULA_HINT)),
    ("+甲", ("名称“+甲”以“+”开头，电子表格会把它当作公式", FORMULA_HINT)),
    ("-甲", ("名称“-甲”以“-”开头，电子表格会把它当作公式", FORMULA_HINT)),
    ("@甲", ("名称“@甲”以“@”开头，电子表格会把它当作公式", FORMULA_HINT)),
    ("甲 县", ("名称“甲 县”中有空格", SPACE_HINT)), ("甲\u3000县", ("名称“甲\u3000县”中有空格", SPACE_HINT)),
    (" 甲县", ("名称“甲县”中有空格", SPACE_HINT)),
    ("甲" * 31, ("名称有 31 个字，超过了 30 个字", "只写县市区的正式名称")),
])
def test_name_refusal(name: str, refusal: tuple[str, str] | None) -> None:
    assert values.name_refusal(name) == refusal


def test_name_key() -> None:
    assert values.name_key("Ａ县") == values.name_key("a县") == "a县"
    assert values.name_key("ABC县") == "abc县"


@pytest.mark.parametrize("note, limit, refusal", [
    ("正常说明", 300, None), ("第一行\n第二行\t完", 300, None), ("x" * 5, 5, None),
    ("a\u202eb", 300, ("E211", f"说明的第 2 个字符是{BIDI}", "删去这个字符（它在网页上看不见，却会改变文字的显示）")),
    ("x" * 6, 5, ("E212", "说明有 6 个字，超过了细则规定的 5 个字", "写明扣分原因即可；详细材料请另行存档")),
])
def test_note_refusal(note: str, limit: int, refusal: tuple[str, str, str] | None) -> None:
    assert values.note_refusal(note, limit) == refusal


@pytest.mark.parametrize("text, cell", [
    ("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@a", "'@a"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("甲", "甲"), ("", ""), ("1=1", "1=1"),
])
def test_spreadsheet_text(text: str, cell: str) -> None:
    assert values.spreadsheet_text(text) == cell


def test_every_deceptive_character_is_spelled_out() -> None:
    # visible() relies on their categories: every bidi and zero-width character is Cf.
    for ch in sorted(values._BIDI | values._ZERO_WIDTH | set("\r\n")):
        assert values.visible(f"甲{ch}县") == f"甲[U+{ord(ch):04X}]县"


def test_the_plainly_visible_characters_are_never_deceptive() -> None:
    """The fast path accepts only characters the full check would accept one by one."""
    accepted = [chr(c) for c in range(0x110000) if values.PLAINLY_VISIBLE.fullmatch(chr(c))]
    assert len(accepted) > 20000 and "鹭" in accepted and "，" in accepted and "\n" not in accepted
    refused_categories = ("Cc", "Cf", "Co", "Cs", "Cn")
    slow = [ch for ch in accepted if unicodedata.category(ch) in refused_categories
            or ch in values._BIDI or ch in values._ZERO_WIDTH]
    assert slow == []


@pytest.mark.parametrize("text", ["扣分：材料不全\u202e", "甲\u200b乙", "a\u0007b", "说明\ue000"])
def test_a_deceptive_character_among_plain_ones_is_still_found(text: str) -> None:
    assert values.deceptive_character(text) is not None
