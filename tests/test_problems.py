"""Problems: one value from the loader to the report, and one way of making it."""
from __future__ import annotations

from scoreboard.load import parse
from scoreboard.problems import Level, Position, Problem, Reporter


def test_a_problem_reads_as_the_check_prints_it() -> None:
    problem = Problem("scores/2011/a.yaml", 5, 8, "E204", "1.1 的“3分”不是纯数字", Level.ERROR, "去掉“分”字")
    assert str(problem) == "scores/2011/a.yaml:5:8: error E204 1.1 的“3分”不是纯数字（提示：去掉“分”字）"
    assert str(Problem("a", 0, 0, "W201", "m", Level.WARNING)) == "a:0:0: warning W201 m"


def test_a_reporter_makes_problems_at_the_place_given() -> None:
    report = Reporter("rules/2011.yaml")
    report.warning(Position(3, 4), "W999", "w")
    assert not report.has_errors
    report.error(Position(1, 2), "E999", "e", "h")
    assert report.has_errors
    assert [str(p) for p in report.problems] == ["rules/2011.yaml:3:4: warning W999 w",
                                                 "rules/2011.yaml:1:2: error E999 e（提示：h）"]


def test_the_loader_reports_through_a_reporter_counting_from_one() -> None:
    _, problems = parse("a: &x 1\n", "f.yaml")
    assert [str(p) for p in problems] == ["f.yaml:1:4: error E004 不允许使用锚点“&x”（提示：删除“&”及其后的名字）"]
