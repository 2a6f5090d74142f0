"""rules.py: a year's criteria read and checked against themselves. Each case changes one
line of the small 2012 fixture (tests/fixtures/rules-2012.yaml) and expects every problem,
in file order; the rules are loaded inside each test, so a change to rules.py shows here."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO
from scoreboard.rules import BASE, BONUS, DEFAULT_NOTE_MAX_LENGTH, Link, discover_years, load_rules

FIXTURE = (REPO / "tests" / "fixtures" / "rules-2012.yaml").read_text(encoding="utf-8")
D = Decimal


def load(tmp_path: Path, text: str, name: str = "2012.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_rules(path, f"rules/{name}")


def changed(old: str, new: str) -> str:
    assert FIXTURE.count(old) >= 1, old
    return FIXTURE.replace(old, new, 1)


CASES = [
    # id, a line of the fixture, what it becomes, every problem: (line, column, code, message, hint)
    ('year-missing', 'year: 2012\n',
     '',
     [(2, 1, 'E301', '缺少“year”', '')]),
    ('year-quoted', 'year: 2012\n',
     "year: '2012'\n",
     [(2, 7, 'E318', '“year”应为四位年份数字', '')]),
    ('year-short', 'year: 2012\n',
     'year: 12\n',
     [(2, 7, 'E318', '“year”应为四位年份数字', '')]),
    ('year-other', 'year: 2012\n',
     'year: 2013\n',
     [(2, 7, 'E304', '年度 2013 与文件名 2012.yaml 不一致', '')]),
    ('unknown-top-key', 'year: 2012\n',
     'year: 2012\nfoo: 1\n',
     [(3, 1, 'E302', '规则文件中不认识的键“foo”', '可用的键：base_max、categories、departments、example、intro、note_max_length、score_step、title、year')]),
    ('title-empty', 'title: "2012年度测试细则"\n',
     'title: ~\n',
     [(3, 8, 'E303', '“title”不能为空', '')]),
    ('title-list', 'title: "2012年度测试细则"\n',
     'title: [a]\n',
     [(3, 8, 'E303', '“title”应为文字，这里是列表', '')]),
    ('base-max-text', 'base_max: 20\n',
     'base_max: 20分\n',
     [(5, 11, 'E314', '“base_max”：“20分”不是纯数字', '去掉“分”字，只写数字：20')]),
    ('base-max-negative', 'base_max: 20\n',
     'base_max: -20\n',
     [(5, 11, 'E315', '“base_max”不能为负数', '')]),
    ('base-max-missing', 'base_max: 20\n',
     '',
     [(2, 1, 'E301', '缺少“base_max”', '')]),
    ('step-zero', 'score_step: 0.5\n',
     'score_step: 0\n',
     [(6, 13, 'E319', '“score_step”必须大于 0', '')]),
    ('step-negative', 'score_step: 0.5\n',
     'score_step: -0.5\n',
     [(6, 13, 'E315', '“score_step”不能为负数', ''),
      (6, 13, 'E319', '“score_step”必须大于 0', '')]),
    ('step-absent', 'score_step: 0.5\n',
     '',
     []),
    ('step-off', '            max: 4\n',
     '            max: 3.7\n',
     [(20, 9, 'E311', '第1条各分项之和为 5.7 分，与该条分值 6 分不符', ''),
      (20, 9, 'E321', '1.1 的分值 3.7 不是 score_step 0.5 的整数倍', '')]),
    ('departments-not-list', 'departments:\n  - name: 甲部\n    slug: jia-bu\n  - name: 乙部\n    slug: yi-bu\n    aliases: [乙处]\n',
     'departments: 甲部\n',
     [(7, 14, 'E316', '“departments”应为列表', ''),
      (18, 23, 'E307', '考核部门“甲部”没有在 departments 中登记', ''),
      (15, 9, 'E308', '第1条没有考核部门', '每个条目至少要有一个考核部门'),
      (29, 23, 'E307', '考核部门“乙处”没有在 departments 中登记', ''),
      (26, 9, 'E308', '第2条没有考核部门', '每个条目至少要有一个考核部门'),
      (39, 23, 'E307', '考核部门“甲部”没有在 departments 中登记', ''),
      (39, 27, 'E307', '考核部门“乙部”没有在 departments 中登记', ''),
      (36, 9, 'E308', '第3条没有考核部门', '每个条目至少要有一个考核部门'),
      (49, 23, 'E307', '考核部门“甲部”没有在 departments 中登记', ''),
      (46, 9, 'E308', '第4条没有考核部门', '每个条目至少要有一个考核部门'),
      (53, 23, 'E307', '考核部门“乙部”没有在 departments 中登记', ''),
      (50, 9, 'E308', '第5条没有考核部门', '每个条目至少要有一个考核部门')]),
    ('department-not-mapping', '  - name: 甲部\n    slug: jia-bu\n',
     '  - 甲部\n  - name: 甲部\n    slug: jia-bu\n',
     [(8, 5, 'E317', '考核部门应为映射（键: 值）', '')]),
    ('department-bad-slug', 'slug: jia-bu',
     'slug: Jia_bu',
     [(9, 11, 'E305', '部门标识“Jia_bu”只能用小写字母、数字和连字符', '')]),
    ('department-duplicate-name', '  - name: 乙部\n    slug: yi-bu',
     '  - name: 甲部\n    slug: yi-bu',
     [(10, 5, 'E306', '部门名称或标识“甲部”重复（第 8 行已有）', ''),
      (44, 27, 'E307', '考核部门“乙部”没有在 departments 中登记', ''),
      (58, 23, 'E307', '考核部门“乙部”没有在 departments 中登记', ''),
      (55, 9, 'E308', '第5条没有考核部门', '每个条目至少要有一个考核部门')]),
    ('department-alias-duplicate', 'aliases: [乙处]',
     'aliases: [乙处, 甲部]',
     [(10, 5, 'E306', '部门名称或标识“甲部”重复（第 8 行已有）', '')]),
    ('department-aliases-not-list', 'aliases: [乙处]',
     'aliases: 乙处',
     [(12, 14, 'E316', '“aliases”应为列表', ''),
      (34, 23, 'E307', '考核部门“乙处”没有在 departments 中登记', ''),
      (31, 9, 'E308', '第2条没有考核部门', '每个条目至少要有一个考核部门')]),
    ('department-unknown-key', '    slug: jia-bu\n',
     '    slug: jia-bu\n    head: 张三\n',
     [(10, 5, 'E302', '规则文件中不认识的键“head”', '可用的键：aliases、name、slug')]),
    ('category-bad-id', '  - id: first\n',
     '  - id: First\n',
     [(14, 9, 'E305', '类别标识“First”只能用小写字母、数字和连字符', '')]),
    ('category-bad-kind', '    kind: base\n    max: 10\n    items:\n      - id: 1\n',
     '    kind: basic\n    max: 10\n    items:\n      - id: 1\n',
     [(17, 11, 'E320', '“kind”应为 base 或 bonus', '')]),
    ('category-unknown-key', '    numeral: 一\n',
     '    numeral: 一\n    note: x\n',
     [(16, 5, 'E302', '规则文件中不认识的键“note”', '可用的键：compare_with、id、items、kind、max、name、numeral')]),
    ('items-not-list', '    items:\n      - id: 3\n        text: "第三条"\n        max: 10\n        departments: [甲部, 乙部]\n',
     '    items: 3\n',
     [(40, 12, 'E316', '“items”应为列表', '')]),
    ('item-not-mapping', '      - id: 3\n',
     '      - 3\n      - id: 3\n',
     [(41, 9, 'E317', '考核条目应为映射（键: 值）', '')]),
    ('item-bad-id', '      - id: 2\n',
     '      - id: 02\n',
     [(31, 13, 'E309', '编号“02”不对：条目编号应为正整数', '')]),
    ('item-duplicate-id', '      - id: 3\n',
     '      - id: 2\n',
     [(41, 13, 'E310', '编号“2”重复（第 31 行已有）', '')]),
    ('item-id-missing', '      - id: 2\n        text: "第二条"\n',
     '      - text: "第二条"\n',
     [(31, 9, 'E301', '缺少“id”', '')]),
    ('part-bad-id', '          - id: 1.2\n',
     '          - id: 1.3\n',
     [(28, 17, 'E309', '编号“1.3”不对：分项编号应为 1.2（按原文顺序从 1 起）', '')]),
    ('part-unknown-key', '            text: "第一条"\n',
     '            text: "第一条"\n            note: x\n',
     [(27, 13, 'E302', '规则文件中不认识的键“note”', '可用的键：compare_with、id、max、text')]),
    ('department-unregistered', 'departments: [乙处]',
     'departments: [丙部]',
     [(34, 23, 'E307', '考核部门“丙部”没有在 departments 中登记', ''),
      (31, 9, 'E308', '第2条没有考核部门', '每个条目至少要有一个考核部门')]),
    ('department-not-text', 'departments: [乙处]',
     'departments: [[乙处]]',
     [(34, 23, 'E307', '考核部门“?”没有在 departments 中登记', ''),
      (31, 9, 'E308', '第2条没有考核部门', '每个条目至少要有一个考核部门')]),
    ('departments-empty', 'departments: [乙处]',
     'departments: []',
     [(31, 9, 'E308', '第2条没有考核部门', '每个条目至少要有一个考核部门')]),
    ('departments-missing', '        departments: [乙处]\n',
     '',
     [(31, 9, 'E301', '缺少“departments”', '')]),
    ('parts-sum', '            max: 2\n',
     '            max: 1.5\n',
     [(20, 9, 'E311', '第1条各分项之和为 5.5 分，与该条分值 6 分不符', '')]),
    ('category-sum', '        max: 10\n        departments: [甲部, 乙部]',
     '        max: 9.5\n        departments: [甲部, 乙部]',
     [(35, 5, 'E312', '类别“第二类”各条之和为 9.5 分，与其分值 10 分不符', '')]),
    ('bonus-sum-short', '    max: 5\n    items:\n      - id: 4\n',
     '    max: 12\n    items:\n      - id: 4\n',
     [(45, 5, 'E322', '加分类别“加分”各条之和只有 10 分，达不到其上限 12 分', '')]),
    ('base-sum', 'base_max: 20\n',
     'base_max: 25\n',
     [(2, 1, 'E313', '基础类别分值之和为 20 分，与 base_max 25 分不符', '')]),
    ('note-max-length-ok', 'base_max: 20\n',
     'base_max: 20\nnote_max_length: 50\n',
     []),
    ('note-max-length-zero', 'base_max: 20\n',
     'base_max: 20\nnote_max_length: 0\n',
     [(6, 18, 'E319', '“note_max_length”应为 1 到 99999 之间的整数（说明的最多字数）', '')]),
    ('note-max-length-big', 'base_max: 20\n',
     'base_max: 20\nnote_max_length: 100000\n',
     [(6, 18, 'E319', '“note_max_length”应为 1 到 99999 之间的整数（说明的最多字数）', '')]),
    ('note-max-length-quoted', 'base_max: 20\n',
     "base_max: 20\nnote_max_length: '50'\n",
     [(6, 18, 'E319', '“note_max_length”应为 1 到 99999 之间的整数（说明的最多字数）', '')]),
    ('example-true', 'base_max: 20\n',
     'base_max: 20\nexample: true\n',
     []),
    ('example-yes', 'base_max: 20\n',
     'base_max: 20\nexample: yes\n',
     [(6, 10, 'E324', '“example”只能是 true 或 false', '虚构的示例细则写 example: true；正式细则删去这一行')]),
    ('example-quoted', 'base_max: 20\n',
     "base_max: 20\nexample: 'true'\n",
     [(6, 10, 'E324', '“example”只能是 true 或 false', '虚构的示例细则写 example: true；正式细则删去这一行')]),
    ('compare-category-null', '    kind: bonus\n',
     '    kind: bonus\n    compare_with: null\n',
     []),
    ('compare-category-bad', '    kind: bonus\n',
     '    kind: bonus\n    compare_with: Bonus\n',
     [(49, 19, 'E323', '“compare_with”的值“Bonus”不是上一年度的编号，也不是 null', '写上一年度对应的编号并加引号，例如 compare_with: "gongzi-xieshang"；不与上一年度比较写 compare_with: null')]),
    ('compare-category-list', '    kind: bonus\n',
     '    kind: bonus\n    compare_with: [a]\n',
     [(49, 19, 'E323', '“compare_with”的值“?”不是上一年度的编号，也不是 null', '写上一年度对应的编号并加引号，例如 compare_with: "gongzi-xieshang"；不与上一年度比较写 compare_with: null')]),
    ('compare-item', '        text: "第二条"\n',
     '        text: "第二条"\n        compare_with: "2.1"\n',
     []),
    ('compare-item-with-parts', '        text: "第一条（4分），第一条之二（2分）。"\n',
     '        text: "第一条（4分），第一条之二（2分）。"\n        compare_with: "1.1"\n',
     [(22, 23, 'E323', '“compare_with”的值“1.1”不是上一年度的编号，也不是 null', '写上一年度对应的编号并加引号，例如 compare_with: "8"；不与上一年度比较写 compare_with: null')]),
    ('compare-part', '            text: "第一条"\n',
     '            text: "第一条"\n            compare_with: "01"\n',
     [(27, 27, 'E323', '“compare_with”的值“01”不是上一年度的编号，也不是 null', '写上一年度对应的编号并加引号，例如 compare_with: "8.1"；不与上一年度比较写 compare_with: null')]),
    ("duplicate-key", 'title: "2012年度测试细则"\n', 'title: "2012年度测试细则"\ntitle: x\n',
     [(4, 1, "E003", "键“title”重复出现（第 3 行已有）", "同一个键只能写一次，请删除或合并重复的一行")]),
    ("category-not-mapping", "categories:\n", "categories:\n  - 3\n", [(14, 5, "E317", "类别应为映射（键: 值）", "")]),
    ("part-not-mapping", "        parts:\n", "        parts:\n          - 1.0\n", [(25, 13, "E317", "分项应为映射（键: 值）", "")]),
    ("item-without-id-and-departments", '      - id: 2\n        text: "第二条"\n        max: 4\n        departments: [乙处]\n',
     '      - text: "第二条"\n        max: 4\n        departments: []\n',
     [(31, 9, "E301", "缺少“id”", ""), (31, 9, "E308", "第?条没有考核部门", "每个条目至少要有一个考核部门")]),
    ("not-a-mapping", FIXTURE, "- 1\n", [(1, 1, "E317", "规则文件的顶层应为映射（键: 值）", "")]),
    ("yaml-error", FIXTURE, "a: b: c\n",
     [(1, 5, "E002", "YAML 格式错误：此处不能出现“:”", "检查缩进是否与上下行对齐；冒号后面要有一个空格；文字中若含“: ”请给整段加引号")]),
]


@pytest.mark.parametrize("old, new, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rules_problems(tmp_path: Path, old: str, new: str, expected: list[tuple]) -> None:
    rules, problems = load(tmp_path, changed(old, new))
    assert [p.path for p in problems] == ["rules/2012.yaml"] * len(expected)
    assert sorted((p.line, p.column, p.code, p.message, p.hint) for p in problems) == sorted(expected)
    assert all(p.is_error for p in problems)
    assert (rules is None) is bool(expected)


def test_the_fixture_is_read_whole(tmp_path: Path) -> None:
    rules, problems = load(tmp_path, FIXTURE)
    assert problems == []
    assert (rules.year, rules.title, rules.intro, rules.path) == (
        2012, "2012年度测试细则", "两项基础工作实行百分制的缩小版，另有加分项。", "rules/2012.yaml")
    assert (rules.base_max, rules.score_step, rules.note_max_length, rules.example) == (
        D(20), D("0.5"), DEFAULT_NOTE_MAX_LENGTH, False)
    assert [(d.name, d.slug, d.aliases) for d in rules.departments] == [("甲部", "jia-bu", ()), ("乙部", "yi-bu", ("乙处",))]
    assert [(c.id, c.numeral, c.name, c.kind, c.max, c.is_bonus, c.compare_with) for c in rules.categories] == [
        ("first", "一", "第一类", BASE, D(10), False, None), ("second", "二", "第二类", BASE, D(10), False, None),
        ("bonus", "三", "加分", BONUS, D(5), True, None)]
    assert [(i.id, i.text, i.max, i.departments, i.category_id, i.is_bonus, i.anchor) for i in rules.items.values()] == [
        ("1", "第一条（4分），第一条之二（2分）。", D(6), ("甲部",), "first", False, "item-1"),
        ("2", "第二条", D(4), ("乙部",), "first", False, "item-2"),  # the alias 乙处 read as 乙部
        ("3", "第三条", D(10), ("甲部", "乙部"), "second", False, "item-3"),
        ("4", "第四条", D(5), ("甲部",), "bonus", True, "item-4"),
        ("5", "第五条", D(5), ("乙部",), "bonus", True, "item-5")]
    assert [(u.id, u.text, u.max, u.item_id, u.category_id, u.is_bonus) for u in rules.units.values()] == [
        ("1.1", "第一条", D(4), "1", "first", False), ("1.2", "第一条之二", D(2), "1", "first", False),
        ("2", "第二条", D(4), "2", "first", False), ("3", "第三条", D(10), "3", "second", False),
        ("4", "第四条", D(5), "4", "bonus", True), ("5", "第五条", D(5), "5", "bonus", True)]
    assert rules.items["1"].units == rules.items["1"].parts and rules.items["2"].units[0] is rules.units["2"]
    assert [c.id for c in rules.base_categories] == ["first", "second"]
    assert [c.id for c in rules.bonus_categories] == ["bonus"] and rules.bonus_max == D(5)
    assert [i.id for i in rules.items_of_department("乙部")] == ["2", "3", "5"]
    assert rules.items_of_department("乙处") == ()


def test_optional_settings(tmp_path: Path) -> None:
    rules, problems = load(tmp_path, changed("score_step: 0.5\n", "note_max_length: 50\nexample: true\n"))
    assert problems == [] and (rules.score_step, rules.note_max_length, rules.example) == (None, 50, True)
    rules, problems = load(tmp_path, changed("base_max: 20\n", "base_max: 20\nexample: false\n"))
    assert problems == [] and rules.example is False


def test_compare_with_is_kept_with_its_place(tmp_path: Path) -> None:
    text = changed("    kind: bonus\n", "    kind: bonus\n    compare_with: ~\n")
    text = text.replace("        text: \"第二条\"\n", "        text: \"第二条\"\n        compare_with: \"2.1\"\n", 1)
    text = text.replace("            text: \"第一条\"\n", "            text: \"第一条\"\n            compare_with: \"1\"\n", 1)
    text = text.replace("    kind: base\n", "    kind: base\n    compare_with: gongzuo\n", 1)
    rules, problems = load(tmp_path, text)
    assert problems == []
    assert [c.compare_with for c in rules.categories] == [Link("gongzuo", 18, 19), None, Link(None, 52, 19)]
    assert rules.units["1.1"].compare_with == Link("1", 28, 27) and rules.units["1.2"].compare_with is None
    assert rules.items["2"].compare_with == rules.units["2"].compare_with == Link("2.1", 35, 23)


def test_the_real_2011_rules_load_clean() -> None:
    rules, problems = load_rules(REPO / "rules" / "2011.yaml", "rules/2011.yaml")
    assert problems == [] and rules.year == 2011
    assert (len(rules.items), len(rules.units), rules.base_max, rules.score_step) == (35, 50, D(100), D("0.1"))


def test_discover_years(tmp_path: Path) -> None:
    for name in ("2012.yaml", "2011.yaml", "notes.yaml", "201.yaml", "3011.yaml", "2013.yml"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert discover_years(tmp_path) == [2011, 2012]


def test_a_category_without_items(tmp_path: Path) -> None:
    text = changed("  - id: bonus\n", "  - id: empty\n    numeral: 四\n    name: 空类\n    kind: base\n    max: 5\n"
                   "    items: []\n  - id: bonus\n")
    rules, problems = load(tmp_path, text)
    assert rules is None and [(p.line, p.column, p.code, p.message) for p in problems] == [
        (45, 5, "E312", "类别“空类”各条之和为 0 分，与其分值 5 分不符"),
        (2, 1, "E313", "基础类别分值之和为 25 分，与 base_max 20 分不符")]


def test_rules_without_a_base_category(tmp_path: Path) -> None:
    rules, problems = load(tmp_path, FIXTURE.replace("    kind: base\n", "    kind: bonus\n"))
    assert rules is None and [(p.line, p.column, p.code, p.message) for p in problems] == [
        (2, 1, "E313", "基础类别分值之和为 0 分，与 base_max 20 分不符")]
