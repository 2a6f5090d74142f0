"""load.py: the safe YAML subset, libyaml's errors in Chinese with the line really at fault,
the encodings, and the tree of nodes with their positions, on text given to the loader."""
from __future__ import annotations

from pathlib import Path

import pytest

from scoreboard.load import Mapping, Scalar, Sequence, decode, load_file, parse

SYNTAX = [
    # id, text, no tree?, every problem: (line, column, code, message, hint)
    ('mapping-value', 'a: 1\nb: c: 2\n', True,
     [(2, 5, 'E002', 'YAML 格式错误：此处不能出现“:”', '检查缩进是否与上下行对齐；冒号后面要有一个空格；文字中若含“: ”请给整段加引号')]),
    ('mapping-value-far', 'a: 1\n\n\n\nb: c: d\n', True,
     [(5, 5, 'E002', 'YAML 格式错误：此处不能出现“:”', '检查缩进是否与上下行对齐；冒号后面要有一个空格；文字中若含“: ”请给整段加引号')]),
    ('missing-colon', '? a\nb\n', True,
     [(3, 1, 'E002', 'YAML 格式错误：缺少“:”', '检查这一行及上一行的缩进和标点')]),
    ('dash-missing-in-mapping', 'a:\n  - 1\n  b: 2\n', True,
     [(3, 3, 'E002', 'YAML 格式错误：列表格式不对，缺少“-”', '检查这一行及上一行的缩进和标点')]),
    ('dash-missing-at-top', '- 1\n- 2\nb: 3\n', True,
     [(3, 1, 'E002', 'YAML 格式错误：列表格式不对，缺少“-”', '检查这一行及上一行的缩进和标点')]),
    ('unclosed-quote', 'a: "x\n', True,
     [(2, 1, 'E002', 'YAML 格式错误：文件意外结束（引号或括号没有闭合）', '检查引号是否成对')]),
    ('unclosed-brace', 'a: {b: 1\n', True,
     [(2, 1, 'E002', 'YAML 格式错误：花括号 { } 没有正确闭合，或缺少逗号', '检查这一行及上一行的缩进和标点')]),
    ('unclosed-bracket', 'a: [1, 2\n', True,
     [(2, 1, 'E002', 'YAML 格式错误：方括号 [ ] 没有正确闭合，或缺少逗号', '检查这一行及上一行的缩进和标点')]),
    ('brace-extra-colon', 'a: {b: c: d}\n', True,
     [(1, 9, 'E002', 'YAML 格式错误：花括号 { } 没有正确闭合，或缺少逗号', '检查这一行及上一行的缩进和标点')]),
    ('bracket-extra-colon', 'a: [b: c: d]\n', True,
     [(1, 9, 'E002', 'YAML 格式错误：方括号 [ ] 没有正确闭合，或缺少逗号', '检查这一行及上一行的缩进和标点')]),
    ('undefined-tag-handle', 'a: !x!y 1\n', True,
     [(1, 4, 'E002', 'YAML 格式错误：使用了未定义的标签', '检查这一行及上一行的缩进和标点')]),
    ('unknown-escape', 'a: "\\q"\n', True,
     [(1, 5, 'E002', 'YAML 格式错误：双引号字符串中有未知的转义字符“\\”', '检查这一行及上一行的缩进和标点')]),
    ('list-after-mapping', 'a: 1\n- 2\n', True,
     [(2, 1, 'E002', 'YAML 格式错误：此处应为“键: 值”，格式不对', '检查这一行及上一行的缩进和标点')]),
    ('text-after-flow', 'a: {b: c}d\n', True,
     [(1, 10, 'E002', 'YAML 格式错误：此处应为“键: 值”，格式不对', '检查这一行及上一行的缩进和标点')]),
    ('text-after-quote', "a: 'b'c\n", True,
     [(1, 7, 'E002', 'YAML 格式错误：此处应为“键: 值”，格式不对', '检查这一行及上一行的缩进和标点')]),
    ('colon-alone', 'a: b\n: c\n', True,
     [(2, 1, 'E002', 'YAML 格式错误：此处应为“键: 值”，格式不对', '检查这一行及上一行的缩进和标点')]),
    ('no-node-content', 'a: [1, :]\n', True,
     [(1, 8, 'E002', 'YAML 格式错误：缺少内容', '检查这一行及上一行的缩进和标点')]),
    ('dash-in-value', 'a: - b\n', True,
     [(1, 4, 'E002', 'YAML 格式错误：此处不能开始列表（“-”）', '检查这一行及上一行的缩进和标点')]),
    ('tab-indent', 'a: 1\n\t- b\n', True,
     [(2, 1, 'E002', 'YAML 格式错误：出现了 Tab 字符', '请用空格缩进，不要使用 Tab')]),
    ('tab-first-line', '\tb: 1\n', True,
     [(1, 1, 'E002', 'YAML 格式错误：found character that cannot start any token', '请用空格缩进，不要使用 Tab')]),
    ('tab-under-key', 'a:\n\t- 1\n', True,
     [(2, 1, 'E002', 'YAML 格式错误：found character that cannot start any token', '请用空格缩进，不要使用 Tab')]),
    ('fullwidth-colon', 'a：1\nb: 2\n', True,
     [(1, 2, 'E002', 'YAML 格式错误：此处不能出现“:”', '这一行用了全角冒号“：”，请改为半角冒号“:”并在其后加一个空格')]),
    ('fullwidth-colon-two-lines-up', 'a: 1\nb：2\nc: 3\nd: e: f\n', True,
     [(2, 2, 'E002', 'YAML 格式错误：缺少“:”', '这一行用了全角冒号“：”，请改为半角冒号“:”并在其后加一个空格')]),
    ('fullwidth-space-indent', 'a:\n  b: 1\n\u3000 c: d: 2\n', True,
     [(3, 1, 'E002', 'YAML 格式错误：此处不能出现“:”', '这一行开头有全角空格，请改用半角空格缩进')]),
    ('fullwidth-colon-two-lines-up-in-text', 'a: >\n  说明：x\nb: 1\nc: e: f\n', True,
     [(2, 5, 'E002', 'YAML 格式错误：此处不能出现“:”', '这一行用了全角冒号“：”，请改为半角冒号“:”并在其后加一个空格')]),
    ('fullwidth-colon-three-lines-up-is-not-blamed', 'a: >\n  说明：x\nb: 1\nc: 2\nd: e: f\n', True,
     [(5, 5, 'E002', 'YAML 格式错误：此处不能出现“:”', '检查缩进是否与上下行对齐；冒号后面要有一个空格；文字中若含“: ”请给整段加引号')]),
    ('tab-in-block-text', 'a: |\n  x\n\t y\nb: c: d\n', True,
     [(3, 1, 'E002', 'YAML 格式错误：出现了 Tab 字符', '请用空格缩进，不要使用 Tab')]),
    ('unclosed-quote-no-newline', 'a: 1\nb: 2\nc: "x', True,
     [(3, 6, 'E002', 'YAML 格式错误：文件意外结束（引号或括号没有闭合）', '检查引号是否成对')]),
    ('unknown-message-passes-through', 'a: &\n', True,
     [(1, 5, 'E002', 'YAML 格式错误：did not find expected alphabetic or numeric character', '检查这一行及上一行的缩进和标点')]),
    ('control-character', 'a: x\x07\n', True,
     [(1, 1, 'E002', 'YAML 格式错误：unacceptable character #x0007: control characters are not allowed\n  in "<unicode string>", position 4', '文件中可能含有不可见的控制字符')]),
    ('anchor', 'a: &x 1\n', False,
     [(1, 4, 'E004', '不允许使用锚点“&x”', '删除“&”及其后的名字')]),
    ('anchor-on-mapping', 'a: &x {b: 1}\n', False,
     [(1, 4, 'E004', '不允许使用锚点“&x”', '删除“&”及其后的名字')]),
    ('anchor-on-list', 'a: &x [1]\n', False,
     [(1, 4, 'E004', '不允许使用锚点“&x”', '删除“&”及其后的名字')]),
    ('alias', 'a: 1\nb: [*x]\n', False,
     [(2, 5, 'E004', '不允许使用别名“*x”', '请把内容直接写出来，不要引用别处')]),
    ('tag-on-mapping', 'a: !!map {b: 1}\n', False,
     [(1, 4, 'E005', '不允许使用标签“!!map”', '删除以“!”开头的标签，直接写值')]),
    ('tag-on-list', 'a: !!seq [1]\n', False,
     [(1, 4, 'E005', '不允许使用标签“!!seq”', '删除以“!”开头的标签，直接写值')]),
    ('tag-str', 'a: !!str 3\n', False,
     [(1, 4, 'E005', '不允许使用标签“!!str”', '删除以“!”开头的标签，直接写值')]),
    ('local-tag', 'a: !local 3\n', False,
     [(1, 4, 'E005', '不允许使用标签“!local”', '删除以“!”开头的标签，直接写值')]),
    ('anchor-and-tag', 'a: &x !!int 3\n', False,
     [(1, 4, 'E004', '不允许使用锚点“&x”', '删除“&”及其后的名字'),
      (1, 4, 'E005', '不允许使用标签“!!int”', '删除以“!”开头的标签，直接写值')]),
    ('merge-key', '<<: 1\n', False,
     [(1, 1, 'E006', '不允许使用合并键“<<”', '请把要合并的内容直接写出来')]),
    ('quoted-merge-key-is-a-key', "'<<': 1\n", False,
     []),
    ('duplicate-twice', 'a: 1\na: 2\na: 3\n', False,
     [(2, 1, 'E003', '键“a”重复出现（第 1 行已有）', '同一个键只能写一次，请删除或合并重复的一行'),
      (3, 1, 'E003', '键“a”重复出现（第 1 行已有）', '同一个键只能写一次，请删除或合并重复的一行')]),
    ('duplicate-in-nested', 'a:\n  b: 1\n  b: 2\nb: 3\n', False,
     [(3, 3, 'E003', '键“b”重复出现（第 2 行已有）', '同一个键只能写一次，请删除或合并重复的一行')]),
    ('list-key', '? [a]\n: 1\n', False,
     [(1, 3, 'E008', '键必须是简单的文字或数字', '不要用列表或映射作键')]),
    ('mapping-key', '{a: 1}: 2\n', False,
     [(1, 1, 'E008', '键必须是简单的文字或数字', '不要用列表或映射作键')]),
    ('three-documents', '---\na: 1\n---\nb: 2\n---\nc: 3\n', False,
     [(3, 1, 'E007', '文件中只能有一段 YAML 内容（出现了第二个“---”）', '删除“---”及其后的内容')]),
    ('empty', '', True,
     [(1, 1, 'E007', '文件是空的', '至少需要 county、year、status 和 scores')]),
    ('comment-only', '# c\n', True,
     [(1, 1, 'E007', '文件是空的', '至少需要 county、year、status 和 scores')]),
    ('only-a-marker', '---\n', False,
     []),
    # The hint looks at the line at fault and the two above it, never wraps to the last line, and
    # names the first full-width colon, space or tab of an indentation only.
    ("first-line-not-blamed-on-the-last", "a: b: c\nd: 1\ne: 2\nf：3\n", True,
     [(1, 5, "E002", "YAML 格式错误：此处不能出现“:”", "检查缩进是否与上下行对齐；冒号后面要有一个空格；文字中若含“: ”请给整段加引号")]),
    ("fullwidth-space-inside-a-line", "a: x\u3000y: z\n", True,
     [(1, 7, "E002", "YAML 格式错误：此处不能出现“:”", "检查缩进是否与上下行对齐；冒号后面要有一个空格；文字中若含“: ”请给整段加引号")]),
    ("two-fullwidth-colons", "a：1：2\nb: 2\n", True,
     [(1, 2, "E002", "YAML 格式错误：此处不能出现“:”", "这一行用了全角冒号“：”，请改为半角冒号“:”并在其后加一个空格")]),
    ("two-fullwidth-spaces", "a:\n  b: 1\n\u3000\u3000c: d: 2\n", True,
     [(3, 1, "E002", "YAML 格式错误：此处不能出现“:”", "这一行开头有全角空格，请改用半角空格缩进")]),
    ("two-tabs", "a: 1\n\t\tb: 2\n", True, [(2, 1, "E002", "YAML 格式错误：出现了 Tab 字符", "请用空格缩进，不要使用 Tab")]),
    ("quoted-merge-key-twice", "'<<': 1\n'<<': 2\n", False,
     [(2, 1, "E003", "键“<<”重复出现（第 1 行已有）", "同一个键只能写一次，请删除或合并重复的一行")]),
]


@pytest.mark.parametrize("text, no_tree, expected", [c[1:] for c in SYNTAX], ids=[c[0] for c in SYNTAX])
def test_parse_reports_exactly(text: str, no_tree: bool, expected: list[tuple]) -> None:
    tree, problems = parse(text, "f.yaml")
    assert (tree is None) is no_tree
    assert [(p.path, p.is_error) for p in problems] == [("f.yaml", True)] * len(expected)
    assert [(p.line, p.column, p.code, p.message, p.hint) for p in problems] == expected


def test_the_tree_remembers_text_kind_and_place() -> None:
    tree, problems = parse("a: 1\nb: 'x'\nc: |\n  y\nd:\n  - \"z\"\n  - {e: ~}\nf:\n", "f.yaml")
    assert problems == []
    assert isinstance(tree, Mapping) and (tree.line, tree.column) == (1, 1)
    assert [(k.text, k.line, k.column, k.plain) for k, _ in tree.pairs] == [
        ("a", 1, 1, True), ("b", 2, 1, True), ("c", 3, 1, True), ("d", 5, 1, True), ("f", 8, 1, True)]
    a, b, c, d, f = (v for _, v in tree.pairs)
    assert (a.text, a.line, a.column, a.plain) == ("1", 1, 4, True)
    assert (b.text, b.line, b.column, b.plain) == ("x", 2, 4, False)
    assert (c.text, c.plain) == ("y\n", False)
    assert isinstance(d, Sequence) and (d.line, d.column) == (6, 3)
    z, e = d.items
    assert (z.text, z.line, z.column, z.plain) == ("z", 6, 5, False)
    assert isinstance(e, Mapping) and (e.line, e.column) == (7, 5)
    assert [(k.text, v.text, v.plain) for k, v in e.pairs] == [("e", "~", True)]
    assert (f.text, f.plain, f.line, f.column) == ("", True, 8, 3)
    assert tree.get("b") is b and tree.get("zz") is None
    assert tree.key_node("d") is tree.pairs[3][0] and tree.key_node("zz") is None


def test_a_rejected_key_drops_its_value_and_keeps_the_rest() -> None:
    tree, _ = parse("a: 1\na: 2\n<<: 3\n[x]: 4\nb: 5\n", "f.yaml")
    assert [(k.text, v.text, k.line) for k, v in tree.pairs] == [("a", "1", 1), ("b", "5", 5)]


def test_keys_are_unique_per_mapping() -> None:
    tree, problems = parse("a:\n  b: 1\nb:\n  b: 2\n", "f.yaml")
    assert problems == []
    assert [k.text for k, _ in tree.pairs] == ["a", "b"]


def test_an_alias_becomes_an_empty_quoted_text_where_it_stands() -> None:
    tree, _ = parse("a: 1\nb: *x\n", "f.yaml")
    alias = tree.get("b")
    assert (alias.text, alias.plain, alias.line, alias.column) == ("", False, 2, 4)


def test_the_first_document_is_the_tree() -> None:
    tree, _ = parse("a: 1\n---\nb: 2\n", "f.yaml")
    assert [k.text for k, _ in tree.pairs] == ["a"]


def test_a_scalar_document() -> None:
    tree, problems = parse("3\n", "f.yaml")
    assert problems == [] and isinstance(tree, Scalar) and (tree.text, tree.plain) == ("3", True)


@pytest.mark.parametrize("data, text, problem", [
    (b"a: 1\n", "a: 1\n", None),
    (b"\xef\xbb\xbfa: 1\n", "a: 1\n", None),
    (b"\xef\xbb\xbf", "", None),
    ("a: 1\nb: 测试\n".encode("gbk"), None, (2, 4, "E001", "文件不是 UTF-8 编码（看起来是 GBK/GB18030 编码），无法读取")),
    (b"a: 1\n\xff\xfe", None, (2, 1, "E001", "文件不是 UTF-8 编码，无法读取")),
    (b"ab\ncd\xc3", None, (2, 3, "E001", "文件不是 UTF-8 编码，无法读取")),
    (b"\n\xff", None, (2, 1, "E001", "文件不是 UTF-8 编码，无法读取")),
    (b"a\nb\ncd\xff", None, (3, 3, "E001", "文件不是 UTF-8 编码，无法读取")),
    (b"\xef\xbb\xbfab\xff", None, (1, 3, "E001", "文件不是 UTF-8 编码，无法读取")),
    ("a".encode("utf-16"), None, (1, 1, "E001", "文件不是 UTF-8 编码，无法读取")),
    (b"a\x00b", None, (1, 1, "E001", "文件不是 UTF-8 文本（含有空字符，可能是 UTF-16 编码）")),
])
def test_decode(data: bytes, text: str | None, problem: tuple | None) -> None:
    decoded, problems = decode(data, "f.yaml")
    assert decoded == text
    expected = [] if problem is None else [("f.yaml", *problem, "请在编辑器中以 UTF-8 编码另存此文件")]
    assert [(p.path, p.line, p.column, p.code, p.message, p.hint) for p in problems] == expected


def test_load_file_reads_decodes_and_parses(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_bytes(b"\xef\xbb\xbfa: 1\n")
    tree, problems = load_file(tmp_path / "good.yaml", "scores/good.yaml")
    assert problems == [] and [(k.text, v.text) for k, v in tree.pairs] == [("a", "1")]
    (tmp_path / "gbk.yaml").write_bytes("a: 测试\n".encode("gbk"))
    tree, problems = load_file(tmp_path / "gbk.yaml", "scores/gbk.yaml")
    assert tree is None and [(p.path, p.line, p.column, p.code) for p in problems] == [("scores/gbk.yaml", 1, 4, "E001")]
    (tmp_path / "bad.yaml").write_text("a: 1\na: 2\n", encoding="utf-8")
    tree, problems = load_file(tmp_path / "bad.yaml", "scores/bad.yaml")
    assert [(p.path, p.line, p.code) for p in problems] == [("scores/bad.yaml", 2, "E003")]


def test_load_file_of_a_missing_file(tmp_path: Path) -> None:
    tree, problems = load_file(tmp_path / "none.yaml", "scores/none.yaml")
    assert tree is None
    assert [(p.path, p.line, p.column, p.code, p.message) for p in problems] == [
        ("scores/none.yaml", 0, 0, "E000", "无法读取文件：No such file or directory")]


def test_a_directive_without_a_document_is_reported_in_chinese() -> None:
    from scoreboard.load import parse
    _, problems = parse("%YAML 1.1\n", "f.yaml")
    assert [p.message for p in problems] == ["YAML 格式错误：文件中出现了第二段内容（或多余的“%”指令）"]


# --- the canonical layout without libyaml: always libyaml's tree, or no answer -----------------

import pickle  # noqa: E402
import random  # noqa: E402

import yaml  # noqa: E402

from conftest import FIXTURES, REPO  # noqa: E402
from scoreboard import load  # noqa: E402
from scoreboard.load import parse_canonical  # noqa: E402


def libyaml_tree(text: str) -> tuple[object, list]:
    """What ``parse`` gives without the canonical path: libyaml's events, walked."""
    builder = load._TreeBuilder("x.yaml")
    parser = load._Loader(text)
    try:
        while parser.check_event():
            builder.feed(parser.get_event())
    finally:
        parser.dispose()
    return builder.root, builder.problems


def score_file_texts() -> list[str]:
    paths = sorted({*FIXTURES.rglob("*.yaml"), *(REPO / "scores").rglob("*.yaml")})
    return [p.read_text(encoding="utf-8") for p in paths if p.parent.name.isdigit()]


def test_the_canonical_path_reads_score_files_as_libyaml_does() -> None:
    texts = score_file_texts()
    read = [text for text in texts if parse_canonical(text) is not None]
    assert len(texts) > 40 and len(read) >= 0.9 * len(texts)  # the layout every score file has
    for text in read:
        assert libyaml_tree(text) == (parse_canonical(text), [])


@pytest.mark.parametrize("text", [
    "county: 甲县\nyear: 2011\nstatus: final\nscores:\n  1.1: 3\n",
    "# 注释\ncounty: 甲县\n\nscores:\n  1.1: 3\n# 中间的注释\n  1.2: {score: 1.5, note: 说明：材料“不全”，扣分}\n  5: {note: a#b, score: 0}\n",
    "county: a:b\nscores:\n  1.1: yes\n  1.10: ~\n  2: null\n  3: 3分\n  4: 　3\n",
    # the data contract's own example: comments after the values
    "county: 示例县          # must equal the registered name for this slug\nyear: 2011              # must equal"
    " the folder's year\nstatus: final           # final | draft\nscores:\n  1.1: 3                # a part of item 1\n"
    "  1.2: {score: 0.5, note: 示范点建设未达标}\n  1.3: 1\n  5: 3                  # an item without parts\n",
    "county: 甲县 # 注释\n",
    "county: 甲县\r\nscores:  # 评分\r\n  # 缩进的注释\r\n  1.1: 3 #\r\n  1.2: a#b\r\n",
])
def test_canonical_texts_are_read_without_libyaml(text: str) -> None:
    tree = parse_canonical(text)
    assert tree is not None and libyaml_tree(text) == (tree, [])


@pytest.mark.parametrize("text", [
    "county: 甲县\ncounty: 乙县\n",                 # a key twice: E003 is libyaml's path's to report
    "scores:\n  1.1: 3\n  1.1: 4\n",
    "scores:\ncounty: 甲县\n",                      # "scores:" with nothing: a null
    "scores:\n",
    "county: '甲县'\n", 'county: "甲县"\n',         # quotes
    "county:\t甲县\n", "scores:\n\t1.1: 3\n",       # tabs
    "scores:\n  1.1: {score: 3,note: x}\n", "scores:\n  1.1: { score: 3 }\n", "scores:\n  1.1: {score: 3, score: 4}\n",
    "scores:\n  1.1: {score: 3, note: a: b}\n", "scores:\n  1.1: [3]\n",
    "scores:\n   1.1: 3\n", "county: 甲县 \n", "county: 甲县\rscores: 1\n", "county: #\nyear: 1\n",
    "scores:\n  1.1: {score: 1, note: a #b}\n",
    "county: &a 甲县\n", "county: *a\n", "county: !!str 甲县\n", "<<: 1\n", "county: 甲县\n---\nyear: 1\n",
    "county: 甲\u2028县\n", "county: 甲\x85县\n", "\ufeffcounty: 甲县\n",
    "county: 甲县\n  续行\n", "county: -1\n", "county: ? x\n", "county: x:\n", "", "# 只有注释\n",
])
def test_anything_else_is_left_to_libyaml(text: str) -> None:
    assert parse_canonical(text) is None


def test_mutated_score_files_are_read_as_libyaml_reads_them_or_left_to_it() -> None:
    """Thousands of small edits (YAML's special characters, spaces, lines moved): whenever
    the canonical path gives a tree, libyaml gives the same tree and no problem."""
    rng = random.Random(2011)
    texts = score_file_texts()
    # and the same files with comments after values and Windows line ends, as staff write them
    texts += [text.replace("\n", "  # 注释\n", 3).replace("\n", "\r\n") for text in texts[::3]]
    palette = list(" \t:,{}[]#&*!|>'\"%@`-?.~\n\r0123456789az：，“”　\u2028\x85\ufeff键") + [
        ": ", " #", "  # 注释", "\r\n", "\n  ", ", note: x", "score: 1", "\n---\n", "<<: 1", "null"]
    read = 0
    for _ in range(4000):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            roll = rng.random()
            if roll < 0.45:
                text = text[:at] + rng.choice(palette) + text[at:]
            elif roll < 0.75:
                text = text[:at] + text[at + rng.randint(1, 4):]
            else:
                lines = text.split("\n")
                lines.insert(rng.randrange(len(lines)), rng.choice(lines))
                text = "\n".join(lines)
        tree = parse_canonical(text)
        if tree is None:
            continue
        read += 1
        try:
            assert libyaml_tree(text) == (tree, []), text
        except yaml.YAMLError as exc:
            raise AssertionError(f"libyaml refuses what the canonical path read: {exc}\n{text}") from None
    assert read > 200  # the edits that keep the layout were read without libyaml


def test_a_pickled_sheet_is_the_same_sheet() -> None:
    from conftest import RULES_2011
    from scoreboard.validate import validate_sheet
    text = "county: 甲县\nyear: 2011\nstatus: draft\nscores:\n  1.1: 2.50\n  1.2: {score: 0, note: 未开展}\n"
    sheet, problems = validate_sheet(parse(text, "x.yaml")[0], "scores/2011/jia-xian.yaml", "jia-xian", 2011,
                                     RULES_2011, None)
    copy = pickle.loads(pickle.dumps(sheet))
    assert sheet is not None and copy == sheet and str(copy.entries["1.1"].score) == "2.50"
