"""Scoring is exact and ranks are standard competition ranks; the sample data scores as expected."""
from __future__ import annotations

import shutil
from decimal import Decimal

from conftest import FIXTURES, RULES_2011, ProjectDir
from scoreboard.project import check_project
from scoreboard.rules import load_rules
from scoreboard.score import competition_ranks, score_year
from scoreboard.validate import Entry, ScoreSheet
from scoreboard.values import fmt

D = Decimal


def sheet(slug: str, values: dict[str, str], status: str = "final", rules=RULES_2011) -> ScoreSheet:
    """Every base unit at its maximum, then the given values."""
    entries = {u.id: Entry(u.id, u.max, "") for u in rules.units.values() if not u.is_bonus}
    entries.update({k: Entry(k, D(v), "") for k, v in values.items()})
    if status == "draft":
        entries = {k: v for k, v in entries.items() if k in values}
    return ScoreSheet(slug, slug, rules.year, status, entries, f"scores/{rules.year}/{slug}.yaml")


def test_competition_ranks_share_and_skip() -> None:
    ranks = competition_ranks([("d", D(98)), ("b", D("99.5")), ("a", D(100)), ("c", D("99.5"))])
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_tie_order_is_by_slug_not_input_order() -> None:
    results = score_year(RULES_2011, [sheet("zz", {"5": "2"}), sheet("aa", {"7": "0"}), sheet("mm", {})])
    # zz loses 1 point, aa loses 0.5, mm none.
    assert [(s.score.slug, s.rank) for s in results.standings] == [("mm", 1), ("aa", 2), ("zz", 3)]
    tied = score_year(RULES_2011, [sheet("zz", {"5": "2.5"}), sheet("aa", {"5": "2.5"})])
    assert [(s.score.slug, s.rank) for s in tied.standings] == [("aa", 1), ("zz", 1)]


def test_decimals_are_exact() -> None:
    values = {"6.1": "0.1", "6.2": "0.2", "6.3": "0.4", "7": "0.3"}
    [standing] = score_year(RULES_2011, [sheet("a", values)]).standings
    organisation = standing.score.category("zuzhi-jianshe")
    assert organisation.points == D("24.0")
    assert (str(organisation.points), fmt(standing.score.base)) == ("24.0", "99")
    assert standing.score.total == D("99")


def test_bonus_adds_to_total_and_category_ranks() -> None:
    results = score_year(RULES_2011, [sheet("a", {"30": "4.5", "35": "5"}), sheet("b", {"8.1": "4"})])
    a, b = results.standings
    assert (a.score.base, a.score.bonus, a.score.total) == (D(100), D("9.5"), D("109.5"))
    assert (b.score.base, b.score.bonus, b.score.total) == (D(99), D(0), D(99))
    assert b.category_ranks == {"zuzhi-jianshe": 1, "gongzi-xieshang": 2, "suzhi-tisheng": 1,
                                "fupin-bangkun": 1, "liangdian-gongzuo": 2}


def test_bonus_is_capped_by_the_rules(tmp_path) -> None:
    shutil.copy(FIXTURES / "rules-2012.yaml", tmp_path / "2012.yaml")
    rules, problems = load_rules(tmp_path / "2012.yaml", "rules/2012.yaml")
    assert problems == []
    [standing] = score_year(rules, [sheet("a", {"4": "4", "5": "3"}, rules=rules)]).standings
    assert (standing.score.bonus, standing.score.total) == (D(5), D(25))


def test_drafts_are_left_out_unless_asked_and_then_provisional() -> None:
    sheets = [sheet("a", {}), sheet("b", {"1.1": "3", "8.1": "4"}, status="draft")]
    assert [s.score.slug for s in score_year(RULES_2011, sheets).standings] == ["a"]
    with_drafts = score_year(RULES_2011, sheets, include_drafts=True)
    draft = with_drafts.by_slug()["b"].score
    assert draft.provisional and draft.total == D(7)
    assert "1.2" in draft.pending_units and "30" in draft.pending_units
    assert not with_drafts.by_slug()["a"].score.provisional


def test_sample_data_scores_exactly(sample_project) -> None:
    project = check_project(sample_project)
    assert not project.has_errors, project.problems
    results = score_year(project.rules[2011], project.sheets[2011])
    table = [(s.rank, s.score.slug, fmt(s.score.base), fmt(s.score.bonus), fmt(s.score.total))
             for s in results.standings]
    assert table[:6] == [
        (1, "zhilan-xian", "98.5", "12.5", "111"),
        (2, "jifeng-shi", "96", "11", "107"),
        (3, "luyu-xian", "97", "7", "104"),
        (3, "yuwan-shi", "96.5", "7.5", "104"),
        (5, "zheting-xian", "99.3", "3.5", "102.8"),
        (6, "cuiyuan-qu", "95", "5", "100"),
    ]
    assert len(table) == 13  # the draft is not ranked by default


def test_multi_year_project(project: ProjectDir) -> None:
    shutil.copy(FIXTURES / "rules-2012.yaml", project.root / "rules" / "2012.yaml")
    project.add_county("jia-xian", "甲县")
    project.write("scores/2012/jia-xian.yaml",
                  "county: 甲县\nyear: 2012\nstatus: final\nscores:\n  1.1: 4\n  1.2: {score: 1.5, note: 少一次}\n"
                  "  2: 4\n  3: 10\n  5: 2.5\n")
    result = check_project(project.root)
    assert result.problems == []
    assert result.years == [2011, 2012]
    [standing] = score_year(result.rules[2012], result.sheets[2012]).standings
    assert (fmt(standing.score.base), fmt(standing.score.total)) == ("19.5", "22")
    # The 2012 step is 0.5: 0.3 is fine in 2011 and an error in 2012.
    project.write("scores/2012/jia-xian.yaml", "county: 甲县\nyear: 2012\nstatus: draft\nscores:\n  3: 9.3\n")
    [problem] = check_project(project.root).problems
    assert (problem.path, problem.line, problem.code) == ("scores/2012/jia-xian.yaml", 5, "E206")


def test_json_numbers_are_exact_even_when_a_note_holds_the_marker() -> None:
    from scoreboard.exports import to_json
    data = {"total": D("99.7"), "parts": [D("0.1"), D("0.2")], "note": "x", "none": None, "flag": True}
    fast = to_json(data)
    assert fast == '{\n "total": 99.7,\n "parts": [\n  0.1,\n  0.2\n ],\n "note": "x",\n "none": null,\n "flag": true\n}'
    tricky = dict(data, note="\ue0001\ue000")
    assert to_json(tricky) == fast.replace('"note": "x"', '"note": "\ue0001\ue000"')
    compact = to_json(data, compact=True)
    assert compact == '{"total":99.7,"parts":[0.1,0.2],"note":"x","none":null,"flag":true}'
    assert to_json(tricky, compact=True) == compact.replace('"note":"x"', '"note":"\ue0001\ue000"')
