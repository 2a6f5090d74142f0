"""One year against the year before: hand-computed changes, the rules' compare_with, the
registry's continues, ties, gap years, and the problems a wrong declaration gives."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import RULES_2011, RULES_2011_FILE, RULES_2012_FILE, ProjectDir
from scoreboard.compare import (Change, CategoryChange, TimelinePoint, compare_all, compare_years, county_timeline,
                                link_problems, links, rank_change_label, signed)
from scoreboard.exports import results_csv, results_json
from scoreboard.problems import error
from scoreboard.project import check_project
from scoreboard.registry import load_registry
from scoreboard.rules import Link, load_rules
from scoreboard.score import score_year
from scoreboard.validate import Entry, ScoreSheet

D = Decimal
RULES_2012, _ = load_rules(RULES_2012_FILE, "rules/2012.yaml")
RULES_2012_TEXT = RULES_2012_FILE.read_text(encoding="utf-8")


def sheet(slug: str, values: dict[str, str], rules) -> ScoreSheet:
    """Every base unit of ``rules`` at its maximum, then the given values."""
    entries = {u.id: Entry(u.id, u.max, "") for u in rules.units.values() if not u.is_bonus}
    entries.update({k: Entry(k, D(v), "") for k, v in values.items()})
    return ScoreSheet(slug, slug, rules.year, "final", entries, f"scores/{rules.year}/{slug}.yaml")


def line_of(text: str, needle: str) -> int:
    """The line (from 1) of the one line that contains ``needle``."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


def rules_from(tmp_path: Path, text: str, year: int = 2012):
    path = tmp_path / f"{year}.yaml"
    path.write_text(text, encoding="utf-8")
    return load_rules(path, f"rules/{year}.yaml")


def registry_from(tmp_path: Path, text: str):
    path = tmp_path / "counties.yaml"
    path.write_text(text, encoding="utf-8")
    return load_registry(path, "scores/counties.yaml")


REGISTRY = """\
counties:
  - slug: aa
    name: 甲县
  - slug: bb
    name: 乙县
  - slug: cc
    name: 丙县
  - slug: dd
    name: 丁县
  - slug: ee
    name: 戊县
  - slug: old
    name: 旧县
    until: 2011
  - slug: neu
    name: 新区
    from: 2012
    continues: old
  - slug: ff
    name: 己区
    from: 2012
"""


@pytest.fixture
def two_years(tmp_path: Path):
    """2011 (real rules) and 2012 (the invented rules: 5 and 7 have new maxima, 8 and 8.1 a new
    text declared comparable, 16 declared not comparable), with ties in both years, a renamed
    county (old → neu), a new one (ff) and one that fell (aa).

    2011: aa 105 (1), bb 101 (2), cc 101 (2), ee 100 (4), old 99 (5), dd 98 (6).
    2012: dd 105 (1), bb 102 (2), cc 102 (2), neu 100 (4), ee 99.5 (5), ff 99 (6), aa 98 (7).
    """
    registry, problems = registry_from(tmp_path, REGISTRY)
    assert problems == []
    r11 = score_year(RULES_2011, [
        sheet("aa", {"30": "5"}, RULES_2011), sheet("bb", {"8.1": "4", "33": "2"}, RULES_2011),
        sheet("cc", {"9": "2", "31": "3"}, RULES_2011), sheet("dd", {"1.1": "1"}, RULES_2011),
        sheet("ee", {}, RULES_2011), sheet("old", {"14": "3"}, RULES_2011)])
    r12 = score_year(RULES_2012, [
        sheet("aa", {"8.1": "3"}, RULES_2012), sheet("bb", {"33": "2"}, RULES_2012),
        sheet("cc", {"31": "2"}, RULES_2012), sheet("dd", {"30": "5"}, RULES_2012),
        sheet("neu", {"14": "4"}, RULES_2012), sheet("ff", {"1.1": "2"}, RULES_2012),
        sheet("ee", {"7": "0.5"}, RULES_2012)])
    return registry, r11, r12


# --- totals and ranks, by hand ---------------------------------------------------------------

def test_totals_and_ranks_against_last_year(two_years) -> None:
    registry, r11, r12 = two_years
    comparison = compare_years(r12, r11, registry)
    table = [(c.slug, c.previous_slug, c.previous_total, c.previous_rank, c.standing.score.total, c.standing.rank,
              c.total_change, c.rank_change) for c in comparison.counties.values()]
    assert table == [
        ("dd", "dd", D(98), 6, D(105), 1, D(7), 5),
        ("bb", "bb", D(101), 2, D(102), 2, D(1), 0),     # tied with cc in both years
        ("cc", "cc", D(101), 2, D(102), 2, D(1), 0),
        ("neu", "old", D(99), 5, D(100), 4, D(1), 1),    # renamed: last year's result is old's
        ("ee", "ee", D(100), 4, D("99.5"), 5, D("-0.5"), -1),
        ("ff", None, None, None, D(99), 6, None, None),  # new: no result the year before
        ("aa", "aa", D(105), 1, D(98), 7, D(-7), -6),    # fell
    ]
    assert [rank_change_label(c) for c in comparison.counties.values()] == ["↑5", "=", "=", "↑1", "↓1", "新", "↓6"]
    assert (comparison.year, comparison.previous_year) == (2012, 2011)


def test_base_and_bonus_changes(two_years) -> None:
    registry, r11, r12 = two_years
    dd, aa = compare_years(r12, r11, registry).of("dd"), compare_years(r12, r11, registry).of("aa")
    assert (dd.base_change, dd.bonus_change) == (D(2), D(5))
    assert (aa.base_change, aa.bonus_change) == (D(-2), D(-5))


def test_without_the_registry_a_renamed_county_is_new(two_years) -> None:
    _, r11, r12 = two_years
    assert compare_years(r12, r11).of("neu").previous is None


def test_a_gap_year_compares_with_nothing(two_years) -> None:
    """2012 after 2010 (no 2011): not compared with two years ago."""
    registry, r11, r12 = two_years
    r10 = score_year(replace(RULES_2011, year=2010), [sheet("bb", {}, RULES_2011)])
    assert r10.year == 2010
    by_year = compare_all({2010: r10, 2012: r12}, registry)
    assert by_year[2010].previous_year is None and by_year[2012].previous_year is None
    assert all(c.previous is None and c.total_change is None for c in by_year[2012].counties.values())
    assert compare_years(r12, r10, registry).of("bb").previous is None
    assert compare_all({2011: r11, 2012: r12}, registry)[2012].of("bb").previous_rank == 2


def test_the_first_year_compares_with_nothing(two_years) -> None:
    registry, r11, _ = two_years
    comparison = compare_years(r11, None, registry)
    assert comparison.previous_year is None
    assert [c.previous for c in comparison.counties.values()] == [None] * 6
    assert comparison.most_improved() == []


# --- units, items and categories --------------------------------------------------------------

def test_unit_links_follow_text_maximum_and_declarations() -> None:
    found = links(RULES_2012, RULES_2011)
    assert "5" not in found.units and "7" not in found.units      # the maximum changed
    assert found.units["8.1"] == "8.1"                             # new text, declared comparable
    assert found.items["8"] == "8"                                 # likewise the whole item
    assert "16" not in found.units and "16" not in found.items     # unchanged, declared not comparable
    assert found.units["8.2"] == "8.2" and found.units["14"] == "14" and found.items["14"] == "14"
    assert len(found.units) == len(RULES_2012.units) - 3
    assert found.categories == {c.id: c.id for c in RULES_2011.categories}


def test_unit_and_category_changes(two_years) -> None:
    registry, r11, r12 = two_years
    comparison = compare_years(r12, r11, registry)
    aa, ee, neu = comparison.of("aa"), comparison.of("ee"), comparison.of("neu")
    assert aa.unit("8.1") == Change(D(5), D(-2))            # text changed, declared comparable
    assert aa.item("8") == Change(D(16), D(-2))
    assert ee.unit("7") is None and ee.item("7") is None    # maximum changed: not comparable
    assert aa.unit("16") is None                            # declared compare_with: null
    assert neu.unit("14") == Change(D(3), D(1))             # the renamed county's own last year
    assert aa.category("gongzi-xieshang") == CategoryChange(D(25), D(-2), 1, -6)
    assert comparison.of("cc").category("gongzi-xieshang") == CategoryChange(D(23), D(2), 6, 5)
    assert comparison.of("ff").category("gongzi-xieshang") is None and comparison.of("ff").unit("1.1") is None
    assert aa.category("liangdian-gongzuo") == CategoryChange(D(5), D(-5), 1, -3)  # 0 points: rank 4 of 7


def test_a_category_continues_under_a_new_id(tmp_path: Path, two_years) -> None:
    registry, r11, _ = two_years
    text = RULES_2012_TEXT.replace("  - id: gongzi-xieshang\n", "  - id: gongzi\n    compare_with: gongzi-xieshang\n")
    rules, problems = rules_from(tmp_path, text)
    assert problems == []
    assert links(rules, RULES_2011).categories["gongzi"] == "gongzi-xieshang"
    r12 = score_year(rules, [sheet("cc", {}, rules)])
    assert compare_years(r12, r11, registry).of("cc").category("gongzi") == CategoryChange(D(23), D(2), 6, 5)
    unlinked, _ = rules_from(tmp_path, RULES_2012_TEXT.replace(
        "  - id: gongzi-xieshang\n", "  - id: gongzi-xieshang\n    compare_with: null\n"))
    assert "gongzi-xieshang" not in links(unlinked, RULES_2011).categories
    r12 = score_year(unlinked, [sheet("cc", {}, unlinked)])
    comparison = compare_years(r12, r11, registry)
    assert comparison.of("cc").category("gongzi-xieshang") is None
    assert comparison.most_improved("gongzi-xieshang") == []


def test_most_improved(two_years) -> None:
    registry, r11, r12 = two_years
    comparison = compare_years(r12, r11, registry)
    assert [c.slug for c in comparison.most_improved()] == ["dd", "neu", "bb", "cc", "ee", "aa"]
    # 工资集体协商: cc +2 (rank 6 → 1), bb +1 (5 → 1), then no change, then aa −2.
    assert [c.slug for c in comparison.most_improved("gongzi-xieshang")] == ["cc", "bb", "dd", "ee", "neu", "aa"]


def test_timeline_follows_continues_both_ways(two_years) -> None:
    registry, r11, r12 = two_years
    expected = [TimelinePoint(2011, "old", "old", D(99), 5, 6), TimelinePoint(2012, "neu", "neu", D(100), 4, 7)]
    assert county_timeline({2012: r12, 2011: r11}, registry, "neu") == expected
    assert county_timeline({2011: r11, 2012: r12}, registry, "old") == expected
    assert county_timeline({2011: r11, 2012: r12}, registry, "ff") == [TimelinePoint(2012, "ff", "ff", D(99), 6, 7)]


@pytest.mark.parametrize(("value", "text"), [(None, ""), (D("1.50"), "+1.5"), (D(-2), "−2"), (D("0.0"), "0")])
def test_signed(value, text: str) -> None:
    assert signed(value) == text


# --- exports ------------------------------------------------------------------------------------

def test_results_json_and_csv_carry_the_changes(two_years) -> None:
    registry, r11, r12 = two_years
    comparison = compare_years(r12, r11, registry)
    text = results_json(r12, comparison)
    rows = {c["slug"]: c for c in json.loads(text)["counties"]}
    assert [(s, rows[s]["previous_total"], rows[s]["previous_rank"], rows[s]["total_change"], rows[s]["rank_change"])
            for s in ("dd", "neu", "ee", "ff")] == [
        ("dd", 98, 6, 7, 5), ("neu", 99, 5, 1, 1), ("ee", 100, 4, -0.5, -1), ("ff", None, None, None, None)]
    assert '"slug":"ee"' in text and '"previous_total":100,"previous_rank":4,"total_change":-0.5,"rank_change":-1' in text
    csv_rows = {r["标识"]: r for r in csv.DictReader(io.StringIO(results_csv(r12, comparison).lstrip("\ufeff")))}
    assert [(csv_rows[s]["上年名次"], csv_rows[s]["名次变化"], csv_rows[s]["上年总分"], csv_rows[s]["总分变化"])
            for s in ("aa", "ee", "ff")] == [("1", "-6", "105", "-7"), ("4", "-1", "100", "-0.5"), ("", "", "", "")]
    first = json.loads(results_json(r11))["counties"][0]
    assert [first[k] for k in ("previous_total", "previous_rank", "total_change", "rank_change")] == [None] * 4


# --- the rules: compare_with and example ---------------------------------------------------------

def test_the_example_rules_say_so() -> None:
    assert (RULES_2012.example, RULES_2011.example) == (True, False)
    assert RULES_2012.items["8"].compare_with == Link("8", line_of(RULES_2012_TEXT, 'compare_with: "8"'), 23)
    assert RULES_2012.units["16"].compare_with == Link(None, line_of(RULES_2012_TEXT, "compare_with: null   #"), 23)


@pytest.mark.parametrize(("old", "new", "needle", "column", "code", "message"), [
    ('compare_with: "8.1"', "compare_with: [8.1]", "compare_with: [8.1]", 27, "E323",
     "“compare_with”的值“?”不是上一年度的编号，也不是 null"),
    ('compare_with: "8.1"', 'compare_with: "第8.1项"', "第8.1项", 27, "E323",
     "“compare_with”的值“第8.1项”不是上一年度的编号，也不是 null"),
    ('compare_with: "8"', 'compare_with: "8.1"', '"8.1"     # 条文只改了年份', 23, "E323",  # an item with parts: an item
     "“compare_with”的值“8.1”不是上一年度的编号，也不是 null"),
    ("example: true", "example: yes", "example: yes", 10, "E324", "“example”只能是 true 或 false"),
])
def test_bad_declarations_are_problems_on_their_line(tmp_path: Path, old, new, needle, column, code, message) -> None:
    text = RULES_2012_TEXT.replace(old, new, 1)
    rules, problems = rules_from(tmp_path, text)
    assert rules is None
    assert [(p.line, p.column, p.code, p.message) for p in problems] == [(line_of(text, needle), column, code, message)]


def test_compare_with_must_name_last_years_id(project: ProjectDir) -> None:
    text = (RULES_2012_TEXT.replace('compare_with: "8.1"', 'compare_with: "8.9"')
            .replace("  - id: suzhi-tisheng\n", "  - id: suzhi-tisheng\n    compare_with: suzhi\n"))
    project.write("rules/2012.yaml", text)
    found = [p for p in check_project(project.root).problems if p.code.startswith("E32")]
    assert found == [
        error("rules/2012.yaml", line_of(text, 'compare_with: "8.9"'), 27, "E325",
              "8.1 的 compare_with 指向“8.9”，但 2011 年的细则中没有这个评分项",
              "写 rules/2011.yaml 中存在的编号；不与上一年度比较写 compare_with: null"),
        error("rules/2012.yaml", line_of(text, "compare_with: suzhi"), 19, "E325",
              "类别“素质提升”的 compare_with 指向“suzhi”，但 2011 年的细则中没有这个类别",
              "写 rules/2011.yaml 中存在的编号；不与上一年度比较写 compare_with: null"),
    ]


def test_compare_with_needs_last_years_rules(project: ProjectDir) -> None:
    text = RULES_2012_TEXT.replace("year: 2012", "year: 2013")
    project.write("rules/2013.yaml", text)
    found = [p for p in check_project(project.root).problems if p.code.startswith("E32")]
    hint = "没有上一年度的细则时不能写 compare_with；删去这一行"
    assert found == [  # compare_with: null is fine without last year
        error("rules/2013.yaml", line_of(text, 'compare_with: "8"'), 23, "E326",
              "第8条的 compare_with 要与 2012 年比较，但没有 rules/2012.yaml", hint),
        error("rules/2013.yaml", line_of(text, 'compare_with: "8.1"'), 27, "E326",
              "8.1 的 compare_with 要与 2012 年比较，但没有 rules/2012.yaml", hint),
    ]


def test_broken_last_year_is_reported_once(project: ProjectDir) -> None:
    """Last year's rules with an error of their own: this year's links are not checked against nothing."""
    project.write("rules/2011.yaml", RULES_2011_FILE.read_text(encoding="utf-8").replace("base_max: 100", "base_max: 99"))
    project.write("rules/2012.yaml", RULES_2012_TEXT)
    codes = [p.code for p in check_project(project.root).problems if p.code.startswith("E3")]
    assert codes == ["E313"]
    assert link_problems({2012: RULES_2012}, unreadable=[2011]) == []


# --- the registry: continues ------------------------------------------------------------------------

def test_continues_is_read(tmp_path: Path) -> None:
    registry, problems = registry_from(tmp_path, REGISTRY)
    assert problems == []
    neu = registry.counties["neu"]
    assert (neu.continues, neu.continues_line, neu.continues_column) == ("old", 18, 16)
    assert registry.predecessor("neu", 2012) == "old" and registry.predecessor("neu", 2013) == "neu"
    assert registry.lineage("neu") == registry.lineage("old") == ["old", "neu"]


@pytest.mark.parametrize(("entries", "line", "column", "code", "message"), [
    ("  - slug: b\n    name: 乙\n    continues: a\n", 7, 16, "E411", "写了 continues 却没有写 from"),
    ("  - slug: b\n    name: 乙\n    from: 2012\n    continues: [a]\n", 8, 16, "E411", "“continues”应为改名之前的 slug"),
    ("  - slug: b\n    name: 乙\n    from: 2012\n    continues: c\n", 8, 16, "E412", "continues 指向的“c”没有登记"),
    ("  - slug: b\n    name: 乙\n    from: 2012\n    continues: b\n", 8, 16, "E413", "“b”不能接续它自己"),
    ("  - slug: b\n    name: 乙\n    from: 2011\n    continues: a\n", 8, 16, "E414",
     "“a”在 2011 年仍登记为参加考核，不能由“b”接续"),
    ("  - slug: b\n    name: 乙\n    from: 2012\n    continues: a\n"
     "  - slug: c\n    name: 丙\n    from: 2012\n    continues: a\n", 12, 16, "E415", "“a”已由第 5 行的“b”接续"),
])
def test_bad_continues_is_a_problem_on_its_line(tmp_path: Path, entries, line, column, code, message) -> None:
    text = "counties:\n  - slug: a\n    name: 甲\n    until: 2011\n" + entries
    registry, problems = registry_from(tmp_path, text)
    assert registry is None
    assert [(p.line, p.column, p.code, p.message) for p in problems] == [(line, column, code, message)]


def test_a_cycle_of_continues_is_a_problem(tmp_path: Path) -> None:
    text = ("counties:\n"
            "  - slug: a\n    name: 甲\n    from: 2013\n    continues: b\n"
            "  - slug: b\n    name: 乙\n    from: 2012\n    until: 2012\n    continues: a\n")
    registry, problems = registry_from(tmp_path, text)
    assert registry is None
    assert [(p.line, p.column, p.code, p.message) for p in problems] == [
        (5, 16, "E413", "“a”的 continues 绕回了它自己"), (10, 16, "E413", "“b”的 continues 绕回了它自己")]


# --- the sample (tests/fixtures/sample: 2011 and the invented 2012) ------------------------------------

def test_the_sample_compares_across_the_rename(sample_project: Path) -> None:
    project = check_project(sample_project)
    assert not project.has_errors, project.problems
    by_year = {year: score_year(project.rules[year], project.sheets[year]) for year in (2011, 2012)}
    comparison = compare_all(by_year, project.registry)[2012]
    luyu = comparison.of("luyu-qu")
    assert (luyu.previous_slug, luyu.previous_total, luyu.previous_rank, luyu.total_change, luyu.rank_change) == (
        "luyu-xian", D(104), 3, D(9), 2)
    yuwan = comparison.of("yuwan-shi")  # tied third in 2011, third alone in 2012
    assert (yuwan.previous_rank, yuwan.standing.rank, yuwan.rank_change, yuwan.total_change) == (3, 3, 0, D(1))
    assert comparison.of("chengxia-qu").previous is None   # new in 2012
    assert comparison.of("weizhu-qu").previous is None     # a draft in 2011: not published, not compared
    jifeng = comparison.of("jifeng-shi")
    assert (jifeng.unit("8.1"), jifeng.item("8"), jifeng.unit("5")) == (Change(D(4), D(1)), Change(D(15), D(1)), None)
    assert [c.slug for c in comparison.most_improved()[:2]] == ["tongai-xian", "luyu-qu"]
    assert [(p.year, p.slug, p.total, p.rank, p.ranked) for p in county_timeline(by_year, project.registry, "luyu-xian")
            ] == [(2011, "luyu-xian", D(104), 3, 13), (2012, "luyu-qu", D(113), 1, 15)]


def test_rank_compare_prints_the_changes(sample_project: Path) -> None:
    from test_cli import run
    code, text = run("--root", str(sample_project), "rank", "2012", "--compare")
    assert code == 0
    lines = text.splitlines()
    assert lines[1].split()[-4:] == ["上年名次", "名次变化", "上年总分", "总分变化"]
    rows = {line.split()[1]: line.split()[8:] for line in lines[2:]}
    assert rows["鹭屿区"] == ["113", "3", "↑2", "104", "+9"]
    assert rows["芷澜县"] == ["101.5", "1", "↓5", "111", "−9.5"]
    assert rows["柘汀县"] == ["102.8", "5", "=", "102.8", "0"]
    assert rows["澄霞区"] == ["103", "新"]
    code, text = run("--root", str(sample_project), "rank", "2011", "--compare")
    assert text.splitlines()[-1] == "没有 2010 年的考核结果，无从比较"
    assert {line.split()[-1] for line in text.splitlines()[2:-1]} == {"新"}

