"""registry.py: scores/counties.yaml read and checked, every problem expected, and the
registry's answers (years, predecessors, lineages) on registries written by the test."""
from __future__ import annotations

from pathlib import Path

import pytest

from scoreboard.registry import load_registry

CASES = [
    # id, counties.yaml, every problem: (line, column, code, message, hint)
    ('not-a-mapping', '- a\n',
     [(1, 1, 'E402', 'counties.yaml 应以“counties:”开头，下面是县市区列表', '')]),
    ('no-counties', 'demo: true\n',
     [(1, 1, 'E402', 'counties.yaml 应以“counties:”开头，下面是县市区列表', '')]),
    ('counties-not-list', 'counties: a\n',
     [(1, 1, 'E402', 'counties.yaml 应以“counties:”开头，下面是县市区列表', '')]),
    ('unknown-top-key', 'counties:\n  - slug: a-xian\n    name: 甲县\nfoo: 1\n',
     [(4, 1, 'E403', '不认识的键“foo”', '顶层只能有 counties 和 demo')]),
    ('demo-yes', 'demo: yes\ncounties:\n  - slug: a-xian\n    name: 甲县\n',
     [(1, 7, 'E404', '“demo”只能是 true 或 false', '')]),
    ('entry-not-mapping', 'counties:\n  - a-xian\n',
     [(2, 5, 'E402', '每个县市区应写成“- slug: …”和“name: …”两行', '')]),
    ('entry-unknown-key', 'counties:\n  - slug: a-xian\n    name: 甲县\n    code: 1\n',
     [(4, 5, 'E403', '不认识的键“code”', '可用的键：continues、from、name、slug、until')]),
    ('entry-no-name', 'counties:\n  - slug: a-xian\n',
     [(2, 5, 'E406', '每个县市区都要有 slug 和 name', '')]),
    ('entry-no-slug', 'counties:\n  - name: 甲县\n',
     [(2, 5, 'E406', '每个县市区都要有 slug 和 name', '')]),
    ('slug-empty', 'counties:\n  - slug: ~\n    name: 甲县\n',
     [(2, 11, 'E406', 'slug不能为空', '')]),
    ('name-list', 'counties:\n  - slug: a-xian\n    name: [甲县]\n',
     [(3, 11, 'E406', 'name应为文字，这里是列表', '')]),
    ('slug-bad', 'counties:\n  - slug: A_xian\n    name: 甲县\n',
     [(2, 11, 'E407', 'slug“A_xian”只能用小写字母、数字和连字符', '例如 luyu-xian')]),
    ('from-bad', 'counties:\n  - slug: a-xian\n    name: 甲县\n    from: 11\n',
     [(4, 11, 'E408', '“from”应为四位年份', '')]),
    ('until-quoted', "counties:\n  - slug: a-xian\n    name: 甲县\n    until: '2011'\n",
     [(4, 12, 'E408', '“until”应为四位年份', '')]),
    ('from-after-until', 'counties:\n  - slug: a-xian\n    name: 甲县\n    from: 2012\n    until: 2011\n',
     [(2, 5, 'E408', '“from”晚于“until”', '')]),
    ('same-year-ok', 'counties:\n  - slug: a-xian\n    name: 甲县\n    from: 2011\n    until: 2011\n',
     []),
    ('slug-duplicate', 'counties:\n  - slug: a-xian\n    name: 甲县\n  - slug: a-xian\n    name: 乙县\n',
     [(4, 5, 'E405', 'slug“a-xian”重复（第 2 行已有）', '')]),
    ('name-duplicate', 'counties:\n  - slug: a-xian\n    name: 甲县\n  - slug: b-xian\n    name: 甲县\n',
     [(4, 5, 'E405', '名称“甲县”重复（第 2 行已有）', '')]),
    ('name-fullwidth-twin', 'counties:\n  - slug: a-xian\n    name: Ａ县\n  - slug: b-xian\n    name: A县\n',
     [(4, 5, 'E410', '名称“A县”与第 2 行的“Ａ县”看起来相同（只是全角、半角或兼容字符不同）', '同一年度的名称必须一眼可辨；请改用正式名称')]),
    ('name-reused-later', 'counties:\n  - slug: a-xian\n    name: 甲县\n    until: 2010\n  - slug: b-xian\n    name: 甲县\n    from: 2011\n',
     []),
    ('name-reused-overlap', 'counties:\n  - slug: a-xian\n    name: 甲县\n    until: 2011\n  - slug: b-xian\n    name: 甲县\n    from: 2011\n',
     [(5, 5, 'E405', '名称“甲县”重复（第 2 行已有）', '')]),
    ('name-reused-before', 'counties:\n  - slug: a-xian\n    name: 甲县\n    from: 2012\n  - slug: b-xian\n    name: 甲县\n    until: 2011\n',
     []),
    ('continues-ok', 'counties:\n  - slug: a-xian\n    name: 甲县\n    until: 2010\n  - slug: a-qu\n    name: 甲区\n    from: 2011\n    continues: a-xian\n',
     []),
    ('continues-itself', 'counties:\n  - slug: a-qu\n    name: 甲区\n    from: 2011\n    continues: a-qu\n',
     [(5, 16, 'E413', '“a-qu”不能接续它自己', 'continues 写改名或撤县设区之前的 slug')]),
    ('continues-unknown', 'counties:\n  - slug: a-qu\n    name: 甲区\n    from: 2011\n    continues: b-xian\n',
     [(5, 16, 'E412', 'continues 指向的“b-xian”没有登记', '写名单中已有的 slug（改名之前的那一个）')]),
    ('continues-active', 'counties:\n  - slug: a-xian\n    name: 甲县\n  - slug: a-qu\n    name: 甲区\n    from: 2011\n    continues: a-xian\n',
     [(7, 16, 'E414', '“a-xian”在 2011 年仍登记为参加考核，不能由“a-qu”接续', '在“a-xian”下写 until: 2010')]),
    ('continues-claimed', 'counties:\n  - slug: a-xian\n    name: 甲县\n    until: 2010\n  - slug: a-qu\n    name: 甲区\n    from: 2011\n    continues: a-xian\n  - slug: a-shi\n    name: 甲市\n    from: 2012\n    continues: a-xian\n',
     [(12, 16, 'E415', '“a-xian”已由第 5 行的“a-qu”接续', '一个县市区的历史只能由一个县市区接续；合并后新设的县市区不写 continues')]),
    ('continues-cycle', 'counties:\n  - slug: a-xian\n    name: 甲县\n    from: 2010\n    until: 2010\n    continues: b-qu\n  - slug: b-qu\n    name: 乙区\n    from: 2011\n    continues: a-xian\n',
     [(6, 16, 'E413', '“a-xian”的 continues 绕回了它自己', '检查这几个县市区的 continues，去掉其中一个'),
      (10, 16, 'E413', '“b-qu”的 continues 绕回了它自己', '检查这几个县市区的 continues，去掉其中一个')]),
    ('continues-bad', 'counties:\n  - slug: a-qu\n    name: 甲区\n    from: 2011\n    continues: A\n',
     [(5, 16, 'E411', '“continues”应为改名之前的 slug', '例如 continues: luyu-xian')]),
    ('continues-list', 'counties:\n  - slug: a-qu\n    name: 甲区\n    from: 2011\n    continues: [a]\n',
     [(5, 16, 'E411', '“continues”应为改名之前的 slug', '例如 continues: luyu-xian')]),
    ('continues-no-from', 'counties:\n  - slug: a-xian\n    name: 甲县\n    until: 2010\n  - slug: a-qu\n    name: 甲区\n    continues: a-xian\n',
     [(7, 16, 'E411', '写了 continues 却没有写 from', '写上改名或撤县设区后第一个考核年度，例如 from: 2012')]),
    ('name-control', 'counties:\n  - slug: a-xian\n    name: "甲\\u0007县"\n',
     [(3, 11, 'E409', '名称“甲[U+0007]县”的第 2 个字符是控制字符或不可见字符 U+0007', '删去这个字符后重新输入名称（不要从网页或文档中复制）')]),
    # Every entry is checked, whatever came before; a chain of continues that runs into a cycle
    # or off the registry ends.
    ('duplicate-key-in-entry', 'counties:\n  - slug: a\n    name: 甲\n    name: 乙\n',
     [(4, 5, 'E003', '键“name”重复出现（第 3 行已有）', '同一个键只能写一次，请删除或合并重复的一行')]),
    ('two-bad-entries', 'counties:\n  - slug: A\n    name: 甲县\n  - slug: B\n    name: 乙县\n',
     [(2, 11, 'E407', 'slug“A”只能用小写字母、数字和连字符', '例如 luyu-xian'),
      (4, 11, 'E407', 'slug“B”只能用小写字母、数字和连字符', '例如 luyu-xian')]),
    ('duplicate-then-bad', 'counties:\n  - slug: a-xian\n    name: 甲县\n  - slug: a-xian\n    name: 乙县\n  - slug: C\n    name: 丙县\n',
     [(4, 5, 'E405', 'slug“a-xian”重复（第 2 行已有）', ''),
      (6, 11, 'E407', 'slug“C”只能用小写字母、数字和连字符', '例如 luyu-xian')]),
    ('dangling-far-end', 'counties:\n  - slug: b-xian\n    name: 乙县\n    from: 2009\n    until: 2010\n    continues: zz\n  - slug: a-qu\n    name: 甲区\n    from: 2011\n    continues: b-xian\n',
     [(6, 16, 'E412', 'continues 指向的“zz”没有登记', '写名单中已有的 slug（改名之前的那一个）')]),
    ('cycle-beyond-start', 'counties:\n  - slug: a-qu\n    name: 甲区\n    from: 2011\n    continues: b-xian\n  - slug: b-xian\n    name: 乙县\n    from: 2010\n    until: 2010\n    continues: c-xian\n  - slug: c-xian\n    name: 丙县\n    from: 2009\n    until: 2009\n    continues: b-xian\n',
     [(5, 16, 'E413', '“a-qu”的 continues 绕回了它自己', '检查这几个县市区的 continues，去掉其中一个'),
      (10, 16, 'E413', '“b-xian”的 continues 绕回了它自己', '检查这几个县市区的 continues，去掉其中一个'),
      (15, 16, 'E415', '“b-xian”已由第 2 行的“a-qu”接续', '一个县市区的历史只能由一个县市区接续；合并后新设的县市区不写 continues')]),
]


def load(tmp_path: Path, text: str):
    path = tmp_path / "counties.yaml"
    path.write_text(text, encoding="utf-8")
    return load_registry(path, "scores/counties.yaml")


@pytest.mark.parametrize("text, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_registry_problems(tmp_path: Path, text: str, expected: list[tuple]) -> None:
    registry, problems = load(tmp_path, text)
    assert [(p.path, p.is_error) for p in problems] == [("scores/counties.yaml", True)] * len(expected)
    assert [(p.line, p.column, p.code, p.message, p.hint) for p in problems] == expected
    assert (registry is None) is bool(expected)


def test_a_missing_registry(tmp_path: Path) -> None:
    registry, problems = load_registry(tmp_path / "counties.yaml", "scores/counties.yaml")
    assert registry is None
    assert [(p.path, p.line, p.column, p.code, p.message, p.hint) for p in problems] == [
        ("scores/counties.yaml", 0, 0, "E401", "找不到县市区名单 counties.yaml",
         "在 scores/ 下建立 counties.yaml，列出每个县市区的 slug 和 name")]


def test_a_broken_registry_file(tmp_path: Path) -> None:
    registry, problems = load(tmp_path, "counties:\n  - slug: a\n  - slug: a\n    name: b: c\n")
    assert registry is None and [(p.path, p.line, p.code) for p in problems] == [("scores/counties.yaml", 4, "E002")]


REGISTRY = """demo: true
counties:
  - slug: zeta-xian
    name: 泽县
    until: 2011
  - slug: zeta-qu
    name: 泽区
    from: 2012
    until: 2013
    continues: zeta-xian
  - slug: alpha-shi
    name: 甲市
  - slug: zeta-shi
    name: 泽市
    from: 2014
    continues: zeta-qu
"""


def test_a_registry_read_whole(tmp_path: Path) -> None:
    registry, problems = load(tmp_path, REGISTRY)
    assert problems == [] and (registry.path, registry.demo) == ("scores/counties.yaml", True)
    assert list(registry.counties) == ["alpha-shi", "zeta-qu", "zeta-shi", "zeta-xian"]  # sorted by slug
    rows = [(c.slug, c.name, c.from_year, c.until_year, c.line, c.column, c.continues, c.continues_line, c.continues_column)
            for c in registry.counties.values()]
    assert rows == [("alpha-shi", "甲市", None, None, 11, 5, None, 11, 5),
                    ("zeta-qu", "泽区", 2012, 2013, 6, 5, "zeta-xian", 10, 16),
                    ("zeta-shi", "泽市", 2014, None, 13, 5, "zeta-qu", 16, 16),
                    ("zeta-xian", "泽县", None, 2011, 3, 5, None, 3, 5)]
    assert [c.slug for c in registry.active_in(2011)] == ["alpha-shi", "zeta-xian"]
    assert [c.slug for c in registry.active_in(2012)] == ["alpha-shi", "zeta-qu"]
    assert [c.slug for c in registry.active_in(2014)] == ["alpha-shi", "zeta-shi"]


@pytest.mark.parametrize("slug, year, predecessor", [
    ("zeta-qu", 2012, "zeta-xian"), ("zeta-qu", 2013, "zeta-qu"), ("zeta-qu", 2011, "zeta-qu"),
    ("alpha-shi", 2012, "alpha-shi"), ("zeta-xian", 2011, "zeta-xian"), ("nowhere", 2012, "nowhere"),
    ("zeta-shi", 2014, "zeta-qu"),
])
def test_predecessor(tmp_path: Path, slug: str, year: int, predecessor: str) -> None:
    registry, _ = load(tmp_path, REGISTRY)
    assert registry.predecessor(slug, year) == predecessor


@pytest.mark.parametrize("slug, lineage", [
    ("zeta-xian", ["zeta-xian", "zeta-qu", "zeta-shi"]), ("zeta-qu", ["zeta-xian", "zeta-qu", "zeta-shi"]),
    ("zeta-shi", ["zeta-xian", "zeta-qu", "zeta-shi"]), ("alpha-shi", ["alpha-shi"]), ("nowhere", ["nowhere"]),
])
def test_lineage(tmp_path: Path, slug: str, lineage: list[str]) -> None:
    registry, _ = load(tmp_path, REGISTRY)
    assert registry.lineage(slug) == lineage


@pytest.mark.parametrize("demo, value", [("demo: true\n", True), ("demo: false\n", False), ("", False)])
def test_demo(tmp_path: Path, demo: str, value: bool) -> None:
    registry, problems = load(tmp_path, demo + "counties:\n  - slug: a\n    name: 甲\n")
    assert problems == [] and registry.demo is value


@pytest.mark.parametrize("years, first, last", [
    ("", 1999, 2100), ("    from: 2011\n", 2011, 2100), ("    until: 2011\n", 1999, 2011),
    ("    from: 2010\n    until: 2012\n", 2010, 2012),
])
def test_active_in(tmp_path: Path, years: str, first: int, last: int) -> None:
    registry, _ = load(tmp_path, "counties:\n  - slug: a\n    name: 甲\n" + years)
    county = registry.counties["a"]
    assert [y for y in range(1999, 2101) if county.active_in(y)] == list(range(first, last + 1))


def test_a_quoted_demo_true_is_true(tmp_path) -> None:
    from scoreboard.registry import load_registry
    path = tmp_path / "counties.yaml"
    path.write_text("demo: 'true'\ncounties:\n  - slug: a-xian\n    name: 甲县\n", encoding="utf-8")
    registry, problems = load_registry(path, "scores/counties.yaml")
    assert problems == [] and registry is not None and registry.demo is True
