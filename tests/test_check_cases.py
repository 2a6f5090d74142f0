"""Bad score files, one case each, with every problem the check must report: place, code and wording.

Every case is a county file for the registered county 测试县 (slug ceshi-xian) in 2011.
"""
from __future__ import annotations

import pytest

from conftest import ProjectDir, score_file
from scoreboard.project import check_project

HEAD = "county: 测试县\nyear: 2011\nstatus: draft\nscores:\n"  # the scores start on line 5

CASES = [
    # id, file text, every problem in the file: (line, column, code, message, hint)
    ('boolean', HEAD + "  1.1: yes\n",
     [(5, 8, 'E204', '1.1 的“yes”是是非值，不是分值', '请填写数字')]),
    ('points-suffix', HEAD + "  1.1: 3分\n",
     [(5, 8, 'E204', '1.1 的“3分”不是纯数字', '去掉“分”字，只写数字：3')]),
    ('fullwidth-digit', HEAD + "  1.1: ３\n",
     [(5, 8, 'E204', '1.1 的“３”含有全角字符', '请使用半角数字：3')]),
    ('date', HEAD + "  1.1: 2011-05-01\n",
     [(5, 8, 'E204', '1.1 的“2011-05-01”会被读成日期，不是分值', '请填写数字')]),
    ('quoted-number', HEAD + "  1.1: '3'\n",
     [(5, 8, 'E204', '1.1 的分值“3”加了引号，会被当作文字', '去掉引号：3')]),
    ('empty-value', HEAD + "  1.1:\n",
     [(5, 7, 'E204', '1.1 的缺少分值', '在冒号后面填写数字，例如“: 3”')]),
    ('over-maximum', HEAD + "  1.1: 4\n",
     [(5, 8, 'E205', '1.1 的分值 4 超出范围：应在 0 到 3 之间', '1.1 满分 3 分')]),
    ('negative', HEAD + "  1.1: -1\n",
     [(5, 8, 'E205', '1.1 的分值 -1 超出范围：应在 0 到 3 之间', '1.1 满分 3 分')]),
    ('no-leading-zero', HEAD + "  1.1: .5\n",
     [(5, 8, 'E204', '1.1 的“.5”格式不对（小数点前缺少 0）', '请写成 0.5')]),
    ('leading-zeros', HEAD + "  1.1: 03\n",
     [(5, 8, 'E204', '1.1 的“03”格式不对（开头多了 0）', '请写成 3')]),
    ('plus-sign', HEAD + "  1.1: +3\n",
     [(5, 8, 'E204', '1.1 的“+3”不是数字', '分值只能是数字，例如 3 或 4.5')]),
    ('exponent', HEAD + "  1.1: 3e0\n",
     [(5, 8, 'E204', '1.1 的“3e0”不是数字', '分值只能是数字，例如 3 或 4.5')]),
    ('off-step', HEAD + "  1.1: 2.55\n",
     [(5, 8, 'E206', '1.1 的分值 2.55 不是 0.1 的整数倍', '2011年细则的评分最小单位是 0.1 分')]),
    ('key-as-written', HEAD + "  1.10: 1\n",
     [(5, 3, 'E201', '“1.10”不是2011年细则中的评分项', '是否应为 1.1？（键按原样读取，两者不同）')]),
    ('item-with-parts', HEAD + "  8: 16\n",
     [(5, 3, 'E202', '第8条分为若干分项，不能整体评分', '第8条分为8.1–8.5，请分别评分')]),
    ('part-of-plain-item', HEAD + "  5.1: 3\n",
     [(5, 3, 'E201', '“5.1”不是2011年细则中的评分项', '第5条不分项，请直接写 5')]),
    ('unknown-unit', HEAD + "  99: 3\n",
     [(5, 3, 'E201', '“99”不是2011年细则中的评分项', '评分项是分项编号（如 1.1）或不分项的条目编号（如 5），见考核细则')]),
    ('fullwidth-key', HEAD + "  １.１: 3\n",
     [(5, 3, 'E201', '“１.１”不是2011年细则中的评分项', '是否应为 1.1？')]),
    ('unit-key-typo', HEAD + "  1.1: {score: 2, notes: 未召开}\n",
     [(5, 19, 'E207', '不认识的键“notes”', '是否应为“note”？')]),
    ('unit-key-chinese', HEAD + "  1.1: {score: 2, 备注: 未召开}\n",
     [(5, 19, 'E207', '不认识的键“备注”', '是否应为“note”？')]),
    ('score-missing', HEAD + "  1.1: {note: 未召开}\n",
     [(5, 8, 'E208', '1.1 缺少 score', '写成 1.1: {score: 分值, note: 说明}')]),
    ('note-not-text', HEAD + "  1.1:\n    score: 2\n    note: [a, b]\n",
     [(7, 11, 'E209', '1.1 的 note 应为一段文字', '如果文字中有逗号或冒号，请给整段加引号')]),
    ('duplicate-key', HEAD + "  1.1: 3\n  1.2: 1\n  1.1: 2\n",
     [(7, 3, 'E003', '键“1.1”重复出现（第 5 行已有）', '同一个键只能写一次，请删除或合并重复的一行')]),
    ('anchor-alias', HEAD + "  1.1: &a 3\n  1.2: *a\n",
     [(5, 8, 'E004', '不允许使用锚点“&a”', '删除“&”及其后的名字'),
      (6, 8, 'E004', '不允许使用别名“*a”', '请把内容直接写出来，不要引用别处')]),
    ('tag', HEAD + "  1.1: !!float 3\n",
     [(5, 8, 'E005', '不允许使用标签“!!float”', '删除以“!”开头的标签，直接写值')]),
    ('merge-key', HEAD + "  <<: {1.1: 3}\n",
     [(5, 3, 'E006', '不允许使用合并键“<<”', '请把要合并的内容直接写出来')]),
    ('fullwidth-colon', HEAD + "  1.1：3\n  1.2: 1\n",
     [(5, 6, 'E002', 'YAML 格式错误：此处不能出现“:”', '这一行用了全角冒号“：”，请改为半角冒号“:”并在其后加一个空格')]),
    ('tab-indent', HEAD + "  1.1: 3\n\t1.2: 1\n",
     [(6, 1, 'E002', 'YAML 格式错误：出现了 Tab 字符', '请用空格缩进，不要使用 Tab')]),
    ('fullwidth-space', HEAD + "  1.1: 3\n\u3000\u30001.2: 1\n",
     [(6, 1, 'E101', '不认识的键“1.2”：它前面有全角空格', '请删除全角空格，改用半角空格缩进')]),
    ('unclosed-quote', HEAD + '  1.1: {score: 2, note: "未召开}\n',
     [(6, 1, 'E002', 'YAML 格式错误：文件意外结束（引号或括号没有闭合）', '检查引号是否成对')]),
    ('top-key-typo', "countty: 测试县\nyear: 2011\nstatus: draft\nscores:\n",
     [(1, 1, 'E101', '不认识的键“countty”', '是否应为“county”？'),
      (1, 1, 'E102', '缺少“county”', '每个评分文件都要有 county、year、status、scores 四项')]),
    ('top-key-chinese', "县: 测试县\nyear: 2011\nstatus: draft\nscores:\n",
     [(1, 1, 'E101', '不认识的键“县”', '是否应为“county”？'),
      (1, 1, 'E102', '缺少“county”', '每个评分文件都要有 county、year、status、scores 四项')]),
    ('unit-at-top-level', HEAD + "1.1: 3\n",
     [(5, 1, 'E103', '“1.1”放错了位置：评分项应写在“scores:”下面', '在它前面加两个空格，使它缩进到 scores 之下')]),
    ('top-key-in-scores', HEAD + "  status: final\n",
     [(5, 3, 'E103', '“status”放错了位置：它应写在顶层，不要缩进', '删除它前面的空格')]),
    ('missing-keys', "county: 测试县\nscores:\n",
     [(1, 1, 'E102', '缺少“year”“status”', '每个评分文件都要有 county、year、status、scores 四项')]),
    ('year-mismatch', "county: 测试县\nyear: 2012\nstatus: draft\nscores:\n",
     [(2, 7, 'E106', 'year 为 2012，但文件在 2011 年的文件夹中', '改为 year: 2011，或把文件移到 scores/2012/')]),
    ('year-fullwidth', "county: 测试县\nyear: ２０１１\nstatus: draft\nscores:\n",
     [(2, 7, 'E104', 'year 应为四位年份数字，这里是“２０１１”', '写成 year: 2011')]),
    ('name-mismatch', "county: 测试市\nyear: 2011\nstatus: draft\nscores:\n",
     [(1, 9, 'E105', 'county 写的是“测试市”，但 counties.yaml 中 ceshi-xian 登记的名称是“测试县”', '改为 county: 测试县')]),
    ('county-empty', "county:\nyear: 2011\nstatus: draft\nscores:\n",
     [(1, 8, 'E104', 'county（县市区名称）不能为空', '')]),
    ('status-chinese', "county: 测试县\nyear: 2011\nstatus: 草稿\nscores:\n",
     [(3, 9, 'E108', 'status 只能是 final（正式）或 draft（草稿），这里是“草稿”', '改为 status: draft')]),
    ('scores-as-list', HEAD + "  - 1.1: 3\n",
     [(5, 3, 'E200', 'scores 下面应是“评分项: 分值”的列表，每行一项', '例如  1.1: 3')]),
    ('final-incomplete', "county: 测试县\nyear: 2011\nstatus: final\nscores:\n  1.1: 3\n",
     [(4, 1, 'E210', 'status 为 final，但缺少 43 个基础评分项：1.2、1.3、2.1、2.2、2.3、2.4、3.1、3.2、4.1、4.2、4.3、5等', '补齐这些评分项；如果尚未评完，请把 status 改为 draft')]),
    ('empty-file', "",
     [(1, 1, 'E007', '文件是空的', '至少需要 county、year、status 和 scores')]),
    ('comment-only', "# 只有注释\n",
     [(1, 1, 'E007', '文件是空的', '至少需要 county、year、status 和 scores')]),
    ('second-document', HEAD + "---\ncounty: x\n",
     [(5, 1, 'E007', '文件中只能有一段 YAML 内容（出现了第二个“---”）', '删除“---”及其后的内容')]),
    ('not-a-mapping', "- 1\n- 2\n",
     [(1, 1, 'E100', '文件内容应为“键: 值”的形式，顶层要有 county、year、status、scores', '')]),
    ('complex-key', HEAD + "  [1, 2]: 3\n",
     [(5, 3, 'E008', '键必须是简单的文字或数字', '不要用列表或映射作键')]),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_file_is_reported_exactly(project: ProjectDir, text: str, expected: list[tuple]) -> None:
    project.register("ceshi-xian", "测试县")
    project.write("scores/2011/ceshi-xian.yaml", text)
    result = check_project(project.root)
    # Every problem, in order, with its exact wording: a slip in any message or hint shows here.
    assert [p.path for p in result.problems] == ["scores/2011/ceshi-xian.yaml"] * len(expected)
    assert [(p.line, p.column, p.code, p.message, p.hint) for p in result.problems] == expected
    assert all(p.is_error for p in result.problems) and result.has_errors


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
    assert (problem.line, problem.column, problem.code, problem.is_error) == (17, 3, "W201", False)
    assert (problem.message, problem.hint) == ("5 扣了 1 分，但没有写扣分说明", "写成 5: {score: 2, note: 扣分原因}")


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
    assert (problem.path, problem.line, problem.column, problem.code) == ("scores/2011/old-xian.yaml", 1, 1, "E109")
    assert (problem.message, problem.hint) == ("“旧县”在 counties.yaml 中登记的年份为 …–2010，不含 2011 年",
                                               "核对年份，或修改 counties.yaml 中的 from/until")


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
