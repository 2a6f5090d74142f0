"""score.py, piece by piece: units, items, categories, totals, ranks and what results.json and
the CSV say about them (status, pending units, notes), on sheets made in the test."""
from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal

import pytest

from conftest import REPO, RULES_2011
from scoreboard.exports import results_csv, results_json
from scoreboard.rules import load_rules
from scoreboard.score import ZERO, competition_ranks, score_sheet, score_year
from scoreboard.validate import Entry, ScoreSheet

D = Decimal
FIXTURES = REPO / "tests" / "fixtures"
BASE_UNITS = [u for u in RULES_2011.units.values() if not u.is_bonus]


def sheet(slug: str, values: dict[str, str | tuple[str, str]], status: str = "final", full: bool = True) -> ScoreSheet:
    """Every base unit at its maximum when ``full``, then the given values (or (value, note))."""
    entries = {u.id: Entry(u.id, u.max, "") for u in BASE_UNITS} if full else {}
    for unit_id, value in values.items():
        points, note = value if isinstance(value, tuple) else (value, "")
        entries[unit_id] = Entry(unit_id, D(points), note)
    return ScoreSheet(slug, f"{slug}县", 2011, status, entries, f"scores/2011/{slug}.yaml")


def test_a_full_final_sheet() -> None:
    score = score_sheet(RULES_2011, sheet("a", {"8.1": ("4.5", "续签未完成"), "30": "2"}))
    assert (score.slug, score.name, score.status) == ("a", "a县", "final")
    assert (score.base, score.bonus, score.total) == (D("99.5"), D(2), D("101.5"))
    assert not score.provisional and score.pending_units == ()
    assert [c.category.id for c in score.categories] == [c.id for c in RULES_2011.categories]
    assert score.category("gongzi-xieshang").points == D("24.5")
    item = score.item_results["8"]
    assert (item.points, item.pending) == (D("15.5"), False)
    unit = score.units_of("8")[0]
    assert (unit.unit.id, unit.points, unit.note, unit.pending, unit.deduction) == ("8.1", D("4.5"), "续签未完成", False, D("0.5"))
    # Absent bonus units of a final sheet score 0 and are not pending.
    bonus = score.unit_points()
    assert (bonus["30"], bonus["31"], bonus["35"]) == (D(2), ZERO, ZERO)
    absent = score.units_of("31")[0]
    assert (absent.points, absent.note, absent.pending, absent.deduction) == (ZERO, "", False, D(5))
    assert len(score.unit_points()) == len(RULES_2011.units) == 50


def test_a_draft_sheet_is_pending_where_it_is_silent() -> None:
    score = score_sheet(RULES_2011, sheet("b", {"1.1": "3", "1.2": "0.5", "30": "1"}, status="draft", full=False))
    assert (score.base, score.bonus, score.total) == (D("3.5"), D(1), D("4.5"))
    assert score.provisional
    assert score.pending_units == tuple(u.id for u in RULES_2011.units.values() if u.id not in ("1.1", "1.2", "30"))
    item = score.item_results["1"]
    assert (item.points, item.pending) == (D("3.5"), True)
    pending = score.units_of("1")[2]
    assert (pending.unit.id, pending.points, pending.note, pending.pending, pending.deduction) == ("1.3", None, "", True, ZERO)
    assert score.unit_points()["31"] is None  # a draft's absent bonus is pending too, not 0
    assert (score.item_results["30"].pending, score.item_results["31"].pending) == (False, True)


def test_a_complete_draft_is_not_provisional() -> None:
    score = score_sheet(RULES_2011, sheet("c", {u.id: str(u.max) for u in RULES_2011.units.values()}, status="draft"))
    assert not score.provisional and score.pending_units == ()
    assert (score.base, score.bonus, score.total) == (D(100), D(30), D(130))


@pytest.fixture(scope="module")
def rules_2012(tmp_path_factory: pytest.TempPathFactory):
    """The 2012 fixture rules: base 20, bonus items 4 and 5 of 5 points each, capped at 5 in all."""
    path = tmp_path_factory.mktemp("rules") / "2012.yaml"
    shutil.copy(FIXTURES / "rules-2012.yaml", path)
    rules, problems = load_rules(path, "rules/2012.yaml")
    assert problems == []
    return rules


@pytest.mark.parametrize("bonus, capped", [({}, 0), ({"4": "4.5"}, "4.5"), ({"4": "2.5", "5": "2.5"}, 5),
                                           ({"4": "3", "5": "2.5"}, 5), ({"4": "5", "5": "5"}, 5)])
def test_bonus_is_capped_at_the_category_maximum(rules_2012, bonus: dict[str, str], capped) -> None:
    entries = {u.id: Entry(u.id, u.max, "") for u in rules_2012.units.values() if not u.is_bonus}
    entries.update({k: Entry(k, D(v), "") for k, v in bonus.items()})
    score = score_sheet(rules_2012, ScoreSheet("d", "d县", 2012, "final", entries, "scores/2012/d.yaml"))
    assert score.bonus == score.category("bonus").points == D(capped)
    assert (score.base, score.total) == (D(20), D(20) + D(capped))
    assert score.item_results["4"].points == D(bonus.get("4", 0))  # the cap is on the category, not the item


def test_a_base_category_is_the_sum_of_its_items() -> None:
    score = score_sheet(RULES_2011, sheet("e", {"1.1": "0", "5": "0"}))
    assert score.category("zuzhi-jianshe").points == D(25) - D(3) - RULES_2011.items["5"].max
    assert score.base == D(100) - D(3) - RULES_2011.items["5"].max


@pytest.mark.parametrize("values, ranks", [
    ([], {}),
    ([("a", D(0))], {"a": 1}),
    ([("b", D(0)), ("a", D(0))], {"a": 1, "b": 1}),
    ([("a", D(1)), ("b", D(2)), ("c", D(3))], {"c": 1, "b": 2, "a": 3}),
    ([("a", D(5)), ("b", D(5)), ("c", D(5)), ("d", D(4))], {"a": 1, "b": 1, "c": 1, "d": 4}),
    ([("a", D(9)), ("b", D(8)), ("c", D(8)), ("d", D(7)), ("e", D(7))], {"a": 1, "b": 2, "c": 2, "d": 4, "e": 4}),
    ([("a", D("1.0")), ("b", D("1.00"))], {"a": 1, "b": 1}),
])
def test_competition_ranks(values: list[tuple[str, Decimal]], ranks: dict[str, int]) -> None:
    assert competition_ranks(values) == ranks


def test_score_year_ranks_overall_and_per_category() -> None:
    sheets = [sheet("z", {"8.1": "4"}), sheet("a", {"1.1": "2", "30": "1"}), sheet("m", {"1.1": "2"}),
              sheet("draft", {"1.1": "3"}, status="draft", full=False)]
    results = score_year(RULES_2011, sheets)
    assert results.year == 2011 and results.rules is RULES_2011
    assert [(s.score.slug, s.rank, s.score.total) for s in results.standings] == [
        ("a", 1, D(100)), ("m", 2, D(99)), ("z", 2, D(99))]
    assert results.by_slug()["m"].category_ranks == {
        "zuzhi-jianshe": 2, "gongzi-xieshang": 1, "suzhi-tisheng": 1, "fupin-bangkun": 1, "liangdian-gongzuo": 2}
    assert [s.score.slug for s in results.category_order("zuzhi-jianshe")] == ["z", "a", "m"]
    assert [s.score.slug for s in results.category_order("liangdian-gongzuo")] == ["a", "m", "z"]
    assert results.average(lambda s: s.total) == D("99.33")
    assert results.average(lambda s: s.bonus) == D("0.33")
    with_drafts = score_year(RULES_2011, sheets, include_drafts=True)
    assert [(s.score.slug, s.rank) for s in with_drafts.standings][-1] == ("draft", 4)
    assert set(with_drafts.by_slug()) == {"a", "m", "z", "draft"}


def test_average_of_nothing_is_none() -> None:
    assert score_year(RULES_2011, []).average(lambda s: s.total) is None
    assert score_year(RULES_2011, [sheet("d", {}, status="draft", full=False)]).standings == ()


def test_average_is_rounded_to_hundredths() -> None:
    results = score_year(RULES_2011, [sheet("a", {"1.1": "2.9"}), sheet("b", {}), sheet("c", {})])
    assert results.average(lambda s: s.total) == D("99.97")  # 299.9 / 3 = 99.9666…


def test_item_averages_in_one_pass_equal_each_item_s_average() -> None:
    results = score_year(RULES_2011, [sheet("a", {"1.1": "2.9", "3": "0", "31": "5"}), sheet("b", {"1.1": "2"}),
                                      sheet("c", {"3": "1.5"})])
    averages = results.item_averages()
    assert list(averages) == list(RULES_2011.items)
    assert averages == {i: results.average(lambda s, i=i: s.item_results[i].points) for i in RULES_2011.items}
    assert averages["31"] == D("1.67")  # a bonus item: 5, 0, 0 → 1.666…
    assert set(score_year(RULES_2011, []).item_averages().values()) == {None}


def results_of(*sheets: ScoreSheet) -> tuple[list[dict], list[list[str]]]:
    results = score_year(RULES_2011, list(sheets), include_drafts=True)
    counties = json.loads(results_json(results))["counties"]
    rows = list(csv.reader(io.StringIO(results_csv(results).lstrip("\ufeff"))))
    return counties, rows


def test_results_say_final_draft_and_provisional() -> None:
    complete = {u.id: str(u.max) for u in RULES_2011.units.values()}
    counties, rows = results_of(sheet("a", {}), sheet("b", complete, status="draft"),
                                sheet("c", {"1.1": "3"}, status="draft", full=False))
    assert [(c["slug"], c["status"], c["provisional"]) for c in counties] == [
        ("b", "draft", False), ("a", "final", False), ("c", "draft", True)]
    assert rows[0][:4] == ["名次", "标识", "县市区", "状态"]
    assert [row[1:4] for row in rows[1:]] == [["b", "b县", "草稿"], ["a", "a县", "正式"], ["c", "c县", "草稿（暂定）"]]


def test_a_pending_unit_has_no_value_and_no_note() -> None:
    counties, rows = results_of(sheet("c", {"1.1": ("2", "少一次"), "1.2": "1"}, status="draft", full=False))
    [county] = counties
    assert county["notes"] == {"1.1": "少一次"}
    assert (county["units"]["1.1"], county["units"]["1.2"], county["units"]["1.3"]) == (2, 1, None)
    assert county["pending"][:3] == ["1.3", "2.1", "2.2"] and "1.1" not in county["pending"]
    header, row = rows[0], rows[1]
    assert (row[header.index("1.1")], row[header.index("1.3")]) == ("2", "")


def test_a_category_without_items_scores_a_decimal_zero(tmp_path) -> None:
    # Possible in a rules file (a category kept for its number, max 0): its points are still
    # a Decimal, which every page formats; an int 0 would not format.
    text = (FIXTURES / "rules-2012.yaml").read_text(encoding="utf-8").replace(
        "  - id: bonus\n", "  - id: empty\n    numeral: 四\n    name: 空类\n    kind: base\n    max: 0\n    items: []\n"
        "  - id: bonus\n", 1)
    (tmp_path / "2012.yaml").write_text(text, encoding="utf-8")
    rules, problems = load_rules(tmp_path / "2012.yaml", "rules/2012.yaml")
    assert problems == []
    entries = {u.id: Entry(u.id, u.max, "") for u in rules.units.values() if not u.is_bonus}
    score = score_sheet(rules, ScoreSheet("e", "e县", 2012, "final", entries, "scores/2012/e.yaml"))
    empty = score.category("empty")
    assert (empty.items, empty.points, type(empty.points)) == ((), ZERO, Decimal)
    assert (score.base, type(score.base)) == (D(20), Decimal)


def test_equal_item_results_are_shared_and_units_stay_the_countys() -> None:
    a = score_sheet(RULES_2011, sheet("a", {"1.1": "3", "1.2": ("0.5", "示范点未达标")}))
    b = score_sheet(RULES_2011, sheet("b", {"1.1": ("2.5", "纪要缺页"), "1.2": "1"}))
    assert a.item_results["1"] is b.item_results["1"]  # 4.5 = 3 + 0.5 + 1 = 2.5 + 1 + 1: one object
    assert a.category("zuzhi-jianshe").points is b.category("zuzhi-jianshe").points
    assert [(u.unit.id, u.points, u.note) for u in a.units_of("1")] == [
        ("1.1", D(3), ""), ("1.2", D("0.5"), "示范点未达标"), ("1.3", D(1), "")]
    assert [(u.unit.id, u.points, u.note) for u in b.units_of("1")] == [
        ("1.1", D("2.5"), "纪要缺页"), ("1.2", D(1), ""), ("1.3", D(1), "")]
    assert a.unit_points()["1.2"] == D("0.5") and b.unit_points()["1.2"] == D(1)


def test_a_shared_sum_keeps_the_text_it_was_written_with() -> None:
    short = score_sheet(RULES_2011, sheet("c", {"1.1": "2.5"}))
    long = score_sheet(RULES_2011, sheet("d", {"1.1": "2.50"}))
    assert short.item_results["1"].points == long.item_results["1"].points
    assert (str(short.item_results["1"].points), str(long.item_results["1"].points)) == ("4.5", "4.50")
    assert short.item_results["1"] is not long.item_results["1"]
