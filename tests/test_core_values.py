"""values.py: what a scalar means, and the words for every refusal, tested on nodes directly."""
from __future__ import annotations

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
    values._decimal.cache_clear()
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
