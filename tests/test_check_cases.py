"""Bad score files, one case each, with the exact (line, column, code) the check must report.

Every case is a county file for the registered county 测试县 (slug ceshi-xian) in 2011.
"""
from __future__ import annotations

import pytest

from conftest import ProjectDir, score_file
from scoreboard.project import check_project

HEAD = "county: 测试县\nyear: 2011\nstatus: draft\nscores:\n"  # the scores start on line 5

CASES = [
    # id, file text, expected [(line, column, code)], a phrase the first message or hint must contain
    ("boolean", HEAD + "  1.1: yes\n", [(5, 8, "E204")], "是非值"),
    ("points-suffix", HEAD + "  1.1: 3分\n", [(5, 8, "E204")], "去掉“分”字，只写数字：3"),
    ("fullwidth-digit", HEAD + "  1.1: ３\n", [(5, 8, "E204")], "请使用半角数字：3"),
    ("date", HEAD + "  1.1: 2011-05-01\n", [(5, 8, "E204")], "日期"),
    ("quoted-number", HEAD + "  1.1: '3'\n", [(5, 8, "E204")], "去掉引号"),
    ("empty-value", HEAD + "  1.1:\n", [(5, 7, "E204")], "缺少分值"),
    ("over-maximum", HEAD + "  1.1: 4\n", [(5, 8, "E205")], "应在 0 到 3 之间"),
    ("negative", HEAD + "  1.1: -1\n", [(5, 8, "E205")], "超出范围"),
    ("no-leading-zero", HEAD + "  1.1: .5\n", [(5, 8, "E204")], "请写成 0.5"),
    ("leading-zeros", HEAD + "  1.1: 03\n", [(5, 8, "E204")], "请写成 3"),
    ("plus-sign", HEAD + "  1.1: +3\n", [(5, 8, "E204")], "不是数字"),
    ("exponent", HEAD + "  1.1: 3e0\n", [(5, 8, "E204")], "不是数字"),
    ("off-step", HEAD + "  1.1: 2.55\n", [(5, 8, "E206")], "0.1 的整数倍"),
    ("key-as-written", HEAD + "  1.10: 1\n", [(5, 3, "E201")], "是否应为 1.1？"),
    ("item-with-parts", HEAD + "  8: 16\n", [(5, 3, "E202")], "第8条分为8.1–8.5，请分别评分"),
    ("part-of-plain-item", HEAD + "  5.1: 3\n", [(5, 3, "E201")], "第5条不分项，请直接写 5"),
    ("unknown-unit", HEAD + "  99: 3\n", [(5, 3, "E201")], "不是2011年细则中的评分项"),
    ("fullwidth-key", HEAD + "  １.１: 3\n", [(5, 3, "E201")], "是否应为 1.1？"),
    ("unit-key-typo", HEAD + "  1.1: {score: 2, notes: 未召开}\n", [(5, 19, "E207")], "是否应为“note”？"),
    ("unit-key-chinese", HEAD + "  1.1: {score: 2, 备注: 未召开}\n", [(5, 19, "E207")], "是否应为“note”？"),
    ("score-missing", HEAD + "  1.1: {note: 未召开}\n", [(5, 8, "E208")], "缺少 score"),
    ("note-not-text", HEAD + "  1.1:\n    score: 2\n    note: [a, b]\n", [(7, 11, "E209")], "应为一段文字"),
    ("duplicate-key", HEAD + "  1.1: 3\n  1.2: 1\n  1.1: 2\n", [(7, 3, "E003")], "第 5 行已有"),
    ("anchor-alias", HEAD + "  1.1: &a 3\n  1.2: *a\n", [(5, 8, "E004"), (6, 8, "E004")], "锚点"),
    ("tag", HEAD + "  1.1: !!float 3\n", [(5, 8, "E005")], "标签"),
    ("merge-key", HEAD + "  <<: {1.1: 3}\n", [(5, 3, "E006")], "合并键"),
    ("fullwidth-colon", HEAD + "  1.1：3\n  1.2: 1\n", [(5, 6, "E002")], "全角冒号"),
    ("tab-indent", HEAD + "  1.1: 3\n\t1.2: 1\n", [(6, 1, "E002")], "Tab"),
    ("fullwidth-space", HEAD + "  1.1: 3\n\u3000\u30001.2: 1\n", [(6, 1, "E101")], "全角空格"),
    ("unclosed-quote", HEAD + "  1.1: {score: 2, note: \"未召开}\n", [(6, 1, "E002")], "引号"),
    ("top-key-typo", "countty: 测试县\nyear: 2011\nstatus: draft\nscores:\n", [(1, 1, "E101"), (1, 1, "E102")],
     "是否应为“county”？"),
    ("top-key-chinese", "县: 测试县\nyear: 2011\nstatus: draft\nscores:\n", [(1, 1, "E101"), (1, 1, "E102")],
     "是否应为“county”？"),
    ("unit-at-top-level", HEAD + "1.1: 3\n", [(5, 1, "E103")], "应写在“scores:”下面"),
    ("top-key-in-scores", HEAD + "  status: final\n", [(5, 3, "E103")], "应写在顶层"),
    ("missing-keys", "county: 测试县\nscores:\n", [(1, 1, "E102")], "缺少“year”“status”"),
    ("year-mismatch", "county: 测试县\nyear: 2012\nstatus: draft\nscores:\n", [(2, 7, "E106")], "scores/2012/"),
    ("year-fullwidth", "county: 测试县\nyear: ２０１１\nstatus: draft\nscores:\n", [(2, 7, "E104")], "year: 2011"),
    ("name-mismatch", "county: 测试市\nyear: 2011\nstatus: draft\nscores:\n", [(1, 9, "E105")], "county: 测试县"),
    ("county-empty", "county:\nyear: 2011\nstatus: draft\nscores:\n", [(1, 8, "E104")], "不能为空"),
    ("status-chinese", "county: 测试县\nyear: 2011\nstatus: 草稿\nscores:\n", [(3, 9, "E108")], "status: draft"),
    ("scores-as-list", HEAD + "  - 1.1: 3\n", [(5, 3, "E200")], "每行一项"),
    ("final-incomplete", "county: 测试县\nyear: 2011\nstatus: final\nscores:\n  1.1: 3\n", [(4, 1, "E210")],
     "缺少 43 个基础评分项"),
    ("empty-file", "", [(1, 1, "E007")], "空"),
    ("comment-only", "# 只有注释\n", [(1, 1, "E007")], "空"),
    ("second-document", HEAD + "---\ncounty: x\n", [(5, 1, "E007")], "第二个"),
    ("not-a-mapping", "- 1\n- 2\n", [(1, 1, "E100")], "county"),
    ("complex-key", HEAD + "  [1, 2]: 3\n", [(5, 3, "E008")], "简单的文字"),
]


@pytest.mark.parametrize("text, expected, phrase", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_file_is_reported_exactly(project: ProjectDir, text: str, expected, phrase: str) -> None:
    project.register("ceshi-xian", "测试县")
    project.write("scores/2011/ceshi-xian.yaml", text)
    result = check_project(project.root)
    found = [(p.line, p.column, p.code) for p in result.problems if p.path == "scores/2011/ceshi-xian.yaml"]
    assert found == expected, [str(p) for p in result.problems]
    first = next(p for p in result.problems if p.path == "scores/2011/ceshi-xian.yaml")
    assert phrase in first.message + first.hint
    assert result.has_errors


def test_not_utf8_names_the_encoding(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    project.write("scores/2011/ceshi-xian.yaml", "county: 测试县\nyear: 2011\n".encode("gbk"))
    [problem] = check_project(project.root).problems
    assert (problem.line, problem.column, problem.code) == (1, 9, "E001")
    assert "不是 UTF-8 编码" in problem.message and "GBK" in problem.message


def test_bom_and_crlf_are_accepted(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    text = score_file("测试县").replace("\n", "\r\n")
    project.write("scores/2011/ceshi-xian.yaml", b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = check_project(project.root)
    assert result.problems == []
    assert [s.slug for s in result.sheets[2011]] == ["ceshi-xian"]


def test_deduction_without_note_is_a_warning(project: ProjectDir) -> None:
    project.add_county("ceshi-xian", "测试县", deductions={"5": "2"})
    [problem] = check_project(project.root).problems
    assert (problem.line, problem.code, problem.is_error) == (17, "W201", False)
    assert "扣了 1 分" in problem.message


def test_bonus_below_maximum_needs_no_note(project: ProjectDir) -> None:
    project.add_county("ceshi-xian", "测试县", deductions={"30": "3"})
    assert check_project(project.root).problems == []


def test_unregistered_slug(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    project.write("scores/2011/ceshi-xian.yaml", score_file("测试县"))
    project.write("scores/2011/ceshi-xain.yaml", score_file("测试县"))
    codes = [(p.path, p.line, p.code, p.hint) for p in check_project(project.root).problems]
    assert codes == [("scores/2011/ceshi-xain.yaml", 1, "E107",
                      "counties.yaml 中“测试县”的 slug 是 ceshi-xian，文件应命名为 ceshi-xian.yaml")]


def test_bad_file_name(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    project.write("scores/2011/ceshi-xian.yaml", score_file("测试县"))
    project.write("scores/2011/测试县.yaml", score_file("测试县"))
    [problem] = check_project(project.root).problems
    assert (problem.path, problem.code) == ("scores/2011/测试县.yaml", "E107")


def test_registered_county_without_file(project: ProjectDir) -> None:
    project.add_county("ceshi-xian", "测试县")
    project.register("other-xian", "别处县")
    [problem] = check_project(project.root).problems
    assert (problem.path, problem.line, problem.column, problem.code) == ("scores/counties.yaml", 4, 5, "E110")
    assert "scores/2011/other-xian.yaml" in problem.message


def test_county_outside_its_years(project: ProjectDir) -> None:
    project.counties.append(("old-xian", "旧县", "    until: 2010\n"))
    project.add_county("ceshi-xian", "测试县")
    project.write("scores/2011/old-xian.yaml", score_file("旧县"))
    [problem] = check_project(project.root).problems
    assert (problem.path, problem.code) == ("scores/2011/old-xian.yaml", "E109")


def test_all_problems_in_all_files_sorted(project: ProjectDir) -> None:
    project.register("a-xian", "甲县")
    project.register("b-xian", "乙县")
    project.write("scores/2011/b-xian.yaml", HEAD.replace("测试县", "乙县") + "  1.1: 9\n  1.2: yes\n")
    project.write("scores/2011/a-xian.yaml", HEAD.replace("测试县", "甲县") + "  99: 1\n")
    found = [(p.path, p.line, p.code) for p in check_project(project.root).problems]
    assert found == [("scores/2011/a-xian.yaml", 5, "E201"),
                     ("scores/2011/b-xian.yaml", 5, "E205"), ("scores/2011/b-xian.yaml", 6, "E204")]


def test_year_folder_without_rules(project: ProjectDir) -> None:
    project.add_county("ceshi-xian", "测试县")
    project.write("scores/2099/ceshi-xian.yaml", score_file("测试县", 2099))
    [problem] = check_project(project.root).problems
    assert (problem.path, problem.code) == ("scores/2099", "E111")
