"""validate.py, branch by branch: every message, hint and position of a score file's check.

Complements tests/test_check_cases.py (one case per common mistake) with the paths that only
rarer input takes: lists where text belongs, guessed statuses and keys, nulls, the registry's
years, the truncated list of missing units, and a loop that must go on after a bad key.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RULES_2011, ProjectDir
from scoreboard.load import parse
from scoreboard.project import check_project
from scoreboard.registry import load_registry
from scoreboard.validate import DRAFT, FINAL, did_you_mean, validate_sheet

PATH = "scores/2011/ceshi-xian.yaml"
HEAD = "county: 测试县\nyear: 2011\nstatus: draft\nscores:\n"  # the scores start on line 5
MISSING_HINT = "补齐这些评分项；如果尚未评完，请把 status 改为 draft"


def top(county: str = "测试县", year: str = "2011", status: str = "draft", scores: str = "") -> str:
    """A score file's four top-level lines; ``scores`` continues the ``scores:`` line."""
    return f"county: {county}\nyear: {year}\nstatus: {status}\nscores:{scores}\n"


def problems_of(project: ProjectDir, text: str, slug: str = "ceshi-xian") -> list[tuple]:
    project.write(f"scores/2011/{slug}.yaml", text)
    result = check_project(project.root)
    for p in result.problems:
        assert p.is_error == p.code.startswith("E"), p
    return [(p.path, p.line, p.column, p.code, p.message, p.hint) for p in result.problems]


CASES = [
    # id, file text, every problem: (line, column, code, message, hint)
    ('year-list', top(year="[2011]"),
     [(2, 7, 'E104', 'year 应为四位年份数字，这里是“?”', '写成 year: 2011')]),
    ('year-quoted', top(year='"2011"'),
     [(2, 7, 'E104', 'year 应为四位年份数字，这里是“2011”', '写成 year: 2011')]),
    ('year-short', top(year="11"),
     [(2, 7, 'E104', 'year 应为四位年份数字，这里是“11”', '写成 year: 2011')]),
    ('year-nian', top(year="2010年"),
     [(2, 7, 'E104', 'year 应为四位年份数字，这里是“2010年”', '写成 year: 2010')]),
    ('year-fullwidth-other', top(year="２０１０"),
     [(2, 7, 'E104', 'year 应为四位年份数字，这里是“２０１０”', '写成 year: 2010')]),
    ('status-list', top(status="[final]"),
     [(3, 9, 'E108', 'status 只能是 final（正式）或 draft（草稿），这里是“?”', '正式结果写 final，尚未定稿写 draft')]),
    ('status-Final', top(status="Final", scores="\n  1.1: 3"),
     [(3, 9, 'E108', 'status 只能是 final（正式）或 draft（草稿），这里是“Final”', '改为 status: final'),
      (4, 1, 'E210', 'status 为 final，但缺少 43 个基础评分项：1.2、1.3、2.1、2.2、2.3、2.4、3.1、3.2、4.1、4.2、4.3、5等', '补齐这些评分项；如果尚未评完，请把 status 改为 draft')]),
    ('status-zhengshi', top(status="正式", scores="\n  1.1: 3"),
     [(3, 9, 'E108', 'status 只能是 final（正式）或 draft（草稿），这里是“正式”', '改为 status: final'),
      (4, 1, 'E210', 'status 为 final，但缺少 43 个基础评分项：1.2、1.3、2.1、2.2、2.3、2.4、3.1、3.2、4.1、4.2、4.3、5等', '补齐这些评分项；如果尚未评完，请把 status 改为 draft')]),
    ('status-DRAFT', top(status="DRAFT"),
     [(3, 9, 'E108', 'status 只能是 final（正式）或 draft（草稿），这里是“DRAFT”', '改为 status: draft')]),
    ('status-done', top(status="done"),
     [(3, 9, 'E108', 'status 只能是 final（正式）或 draft（草稿），这里是“done”', '正式结果写 final，尚未定稿写 draft')]),
    ('status-empty', top(status=""),
     [(3, 8, 'E108', 'status 只能是 final（正式）或 draft（草稿），这里是“?”', '正式结果写 final，尚未定稿写 draft')]),
    ('status-padded', top(status='"draft "'),
     []),
    ('county-list', top(county="[测试县]"),
     [(1, 9, 'E104', 'county（县市区名称）应为文字，这里是列表', '')]),
    ('county-null', top(county="null"),
     [(1, 9, 'E104', 'county（县市区名称）不能为空', '')]),
    ('county-NULL', top(county="NULL"),
     [(1, 9, 'E104', 'county（县市区名称）不能为空', '')]),
    ('county-missing', "year: 2011\nstatus: draft\nscores:\n",
     [(1, 1, 'E102', '缺少“county”', '每个评分文件都要有 county、year、status、scores 四项')]),
    ('scores-null', top(scores=" ~"),
     []),
    ('scores-quoted-empty', top(scores=" ''"),
     [(4, 9, 'E200', 'scores 下面应是“评分项: 分值”的列表，每行一项', '例如  1.1: 3')]),
    ('scores-number', top(scores=" 3"),
     [(4, 9, 'E200', 'scores 下面应是“评分项: 分值”的列表，每行一项', '例如  1.1: 3')]),
    ('key-item-8', HEAD + "  第8条: 3\n",
     [(5, 3, 'E201', '“第8条”不是2011年细则中的评分项', '第8条分为8.1–8.5，请分别评分')]),
    ('key-item-5', HEAD + "  第5条: 3\n",
     [(5, 3, 'E201', '“第5条”不是2011年细则中的评分项', '是否应为 5？')]),
    ('key-ideographic-comma', HEAD + "  1、1: 3\n",
     [(5, 3, 'E201', '“1、1”不是2011年细则中的评分项', '是否应为 1.1？')]),
    ('key-comma', HEAD + "  1,1: 3\n",
     [(5, 3, 'E201', '“1,1”不是2011年细则中的评分项', '是否应为 1.1？')]),
    ('key-fullwidth-comma', HEAD + "  1，1: 3\n",
     [(5, 3, 'E201', '“1，1”不是2011年细则中的评分项', '是否应为 1.1？')]),
    ('key-fullwidth-stop', HEAD + "  1。1: 3\n",
     [(5, 3, 'E201', '“1。1”不是2011年细则中的评分项', '是否应为 1.1？')]),
    ('key-hyphen', HEAD + "  1-1: 3\n",
     [(5, 3, 'E201', '“1-1”不是2011年细则中的评分项', '是否应为 1.1？')]),
    ('key-leading-zero-part', HEAD + "  1.01: 3\n",
     [(5, 3, 'E201', '“1.01”不是2011年细则中的评分项', '是否应为 1.1？（键按原样读取，两者不同）')]),
    ('key-leading-zero-item', HEAD + "  01.1: 3\n",
     [(5, 3, 'E201', '“01.1”不是2011年细则中的评分项', '是否应为 1.1？（键按原样读取，两者不同）')]),
    ('key-part-zero', HEAD + "  1.0: 3\n",
     [(5, 3, 'E201', '“1.0”不是2011年细则中的评分项', '评分项是分项编号（如 1.1）或不分项的条目编号（如 5），见考核细则')]),
    ('key-no-such-part', HEAD + "  8.6: 3\n",
     [(5, 3, 'E201', '“8.6”不是2011年细则中的评分项', '评分项是分项编号（如 1.1）或不分项的条目编号（如 5），见考核细则')]),
    ('key-no-such-item', HEAD + "  99.1: 3\n",
     [(5, 3, 'E201', '“99.1”不是2011年细则中的评分项', '评分项是分项编号（如 1.1）或不分项的条目编号（如 5），见考核细则')]),
    ('loop-continues', HEAD + "  99: 1\n  1.1: 9\n",
     [(5, 3, 'E201', '“99”不是2011年细则中的评分项', '评分项是分项编号（如 1.1）或不分项的条目编号（如 5），见考核细则'),
      (6, 8, 'E205', '1.1 的分值 9 超出范围：应在 0 到 3 之间', '1.1 满分 3 分')]),
    ('loop-continues-after-item', HEAD + "  8: 1\n  1.1: 9\n",
     [(5, 3, 'E202', '第8条分为若干分项，不能整体评分', '第8条分为8.1–8.5，请分别评分'),
      (6, 8, 'E205', '1.1 的分值 9 超出范围：应在 0 到 3 之间', '1.1 满分 3 分')]),
    ('loop-continues-after-top-key', HEAD + "  year: 2011\n  1.1: 9\n",
     [(5, 3, 'E103', '“year”放错了位置：它应写在顶层，不要缩进', '删除它前面的空格'),
      (6, 8, 'E205', '1.1 的分值 9 超出范围：应在 0 到 3 之间', '1.1 满分 3 分')]),
    ('note-null', HEAD + "  1.1: {score: 2, note: ~}\n",
     [(5, 3, 'W201', '1.1 扣了 1 分，但没有写扣分说明', '写成 1.1: {score: 2, note: 扣分原因}')]),
    ('note-word-null', HEAD + "  1.1: {score: 2, note: null}\n",
     [(5, 3, 'W201', '1.1 扣了 1 分，但没有写扣分说明', '写成 1.1: {score: 2, note: 扣分原因}')]),
    ('note-quoted-tilde', HEAD + '  1.1: {score: 2, note: "~"}\n',
     []),
    ('note-blank', HEAD + '  1.1: {score: 2, note: "  "}\n',
     [(5, 3, 'W201', '1.1 扣了 1 分，但没有写扣分说明', '写成 1.1: {score: 2, note: 扣分原因}')]),
    ('note-mapping', HEAD + "  1.1: {score: 2, note: {a: 1}}\n",
     [(5, 25, 'E209', '1.1 的 note 应为一段文字', '如果文字中有逗号或冒号，请给整段加引号')]),
    ('score-list', HEAD + "  1.1: [3]\n",
     [(5, 8, 'E204', '1.1 的分值应为数字，这里是列表', '写成“1.1: 3”或“1.1: {score: 3, note: 说明}”')]),
    ('score-mapping', HEAD + "  1.1: {score: {a: 1}}\n",
     [(5, 16, 'E204', '1.1 的分值应为数字，这里是映射（键: 值）', '写成“1.1: 3”或“1.1: {score: 3, note: 说明}”')]),
    ('score-fullwidth-stop', HEAD + "  1.1: 2。5\n",
     [(5, 8, 'E204', '1.1 的“2。5”含有全角字符', '请使用半角数字：2.5')]),
    ('score-negative-fraction', HEAD + "  1.1: -.5\n",
     [(5, 8, 'E204', '1.1 的“-.5”格式不对（小数点前缺少 0）', '请写成 -0.5')]),
    ('unit-keys-unknown-no-score', HEAD + "  1.1: {points: 2}\n",
     [(5, 9, 'E207', '不认识的键“points”', '是否应为“score”？')]),
    ('unit-keys-two-unknown', HEAD + "  1.1: {score: 2, foo: 1, 分值: 2}\n",
     [(5, 19, 'E207', '不认识的键“foo”', '这里只能有 score（分值）和 note（说明）'),
      (5, 27, 'E207', '不认识的键“分值”', '是否应为“score”？')]),
    ('unit-key-capital', HEAD + "  1.1: {Score: 2}\n",
     [(5, 9, 'E207', '不认识的键“Score”', '是否应为“score”？')]),
    ('top-key-capital', "County: 测试县\nyear: 2011\nstatus: draft\nscores:\n",
     [(1, 1, 'E101', '不认识的键“County”', '是否应为“county”？'),
      (1, 1, 'E102', '缺少“county”', '每个评分文件都要有 county、year、status、scores 四项')]),
    ('top-key-unknown', HEAD + "foo: 1\n",
     [(5, 1, 'E101', '不认识的键“foo”', '顶层只能有 county、year、status、scores')]),
    ('top-key-score', HEAD + "score: 1\n",
     [(5, 1, 'E103', '“score”放错了位置：评分项应写在“scores:”下面', '在它前面加两个空格，使它缩进到 scores 之下')]),
    ('top-key-note', HEAD + "note: x\n",
     [(5, 1, 'E103', '“note”放错了位置：评分项应写在“scores:”下面', '在它前面加两个空格，使它缩进到 scores 之下')]),
    ('top-key-synonym', HEAD + "分数: 1\n",
     [(5, 1, 'E101', '不认识的键“分数”', '是否应为“scores”？')]),
    ('deduction-warning', HEAD + "  5: 2\n",
     [(5, 3, 'W201', '5 扣了 1 分，但没有写扣分说明', '写成 5: {score: 2, note: 扣分原因}')]),
    ('bonus-below-max', HEAD + "  30: 2\n",
     []),
    ('at-maximum', HEAD + "  1.1: 3\n",
     []),
    ('at-zero', HEAD + "  1.1: 0\n",
     [(5, 3, 'W201', '1.1 扣了 3 分，但没有写扣分说明', '写成 1.1: {score: 0, note: 扣分原因}')]),
    ('minus-zero', HEAD + "  1.1: -0\n",
     [(5, 3, 'W201', '1.1 扣了 3 分，但没有写扣分说明', '写成 1.1: {score: 0, note: 扣分原因}')]),
    ('just-over', HEAD + "  1.1: 3.1\n",
     [(5, 8, 'E205', '1.1 的分值 3.1 超出范围：应在 0 到 3 之间', '1.1 满分 3 分')]),
    ("note-bidi", HEAD + '  1.1: {score: 2, note: "未\u202e召开"}\n',
     [(5, 25, "E211", "1.1 的说明的第 2 个字符是文字方向控制字符 U+202E（会让文字倒序显示）",
       "删去这个字符（它在网页上看不见，却会改变文字的显示）")]),
    ("note-too-long", HEAD + "  1.1: {score: 2, note: " + "长" * 301 + "}\n",
     [(5, 25, "E212", "1.1 的说明有 301 个字，超过了细则规定的 300 个字", "写明扣分原因即可；详细材料请另行存档")]),
    ("note-longest", HEAD + "  1.1: {score: 2, note: " + "长" * 300 + "}\n", []),
    ("note-padded-longest", HEAD + '  1.1: {score: 2, note: "  ' + "长" * 300 + '  "}\n', []),  # counted stripped
    ("scores-word-null", top(scores=" null"), []),
    ("year-with-a-letter", top(year="2010X"), [(2, 7, "E104", "year 应为四位年份数字，这里是“2010X”", "写成 year: 2011")]),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_score_file_is_reported_exactly(project: ProjectDir, text: str, expected: list[tuple]) -> None:
    project.register("ceshi-xian", "测试县")
    assert problems_of(project, text) == [(PATH, *p) for p in expected]


def final_without(count: int) -> str:
    """A final file that leaves out the first ``count`` base units (the 2011 rules have 44)."""
    base = [u for u in RULES_2011.units.values() if not u.is_bonus]
    return top(status="final", scores="".join(f"\n  {u.id}: {u.max}" for u in base[count:]))


@pytest.mark.parametrize("count, shown", [
    (1, "1.1"),
    (2, "1.1、1.2"),
    (12, "1.1、1.2、1.3、2.1、2.2、2.3、2.4、3.1、3.2、4.1、4.2、4.3"),
    (13, "1.1、1.2、1.3、2.1、2.2、2.3、2.4、3.1、3.2、4.1、4.2、4.3等"),
])
def test_missing_units_are_listed_up_to_twelve(project: ProjectDir, count: int, shown: str) -> None:
    project.register("ceshi-xian", "测试县")
    assert problems_of(project, final_without(count)) == [
        (PATH, 4, 1, "E210", f"status 为 final，但缺少 {count} 个基础评分项：{shown}", MISSING_HINT)]


def test_units_written_wrongly_are_not_also_missing(project: ProjectDir) -> None:
    # 8 instead of its parts, and 1.1 with a bad value: each reported once, not again as missing.
    base = [u for u in RULES_2011.units.values() if not u.is_bonus and u.item_id != "8" and u.id != "1.1"]
    text = top(status="final", scores="\n  1.1: yes\n  8: 16" + "".join(f"\n  {u.id}: {u.max}" for u in base))
    project.register("ceshi-xian", "测试县")
    assert problems_of(project, text) == [
        (PATH, 5, 8, "E204", "1.1 的“yes”是是非值，不是分值", "请填写数字"),
        (PATH, 6, 3, "E202", "第8条分为若干分项，不能整体评分", "第8条分为8.1–8.5，请分别评分")]


def test_a_final_file_without_scores_lists_every_unit(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    assert problems_of(project, "county: 测试县\nyear: 2011\nstatus: final\nscores: ~\n") == [
        (PATH, 4, 1, "E210", "status 为 final，但缺少 44 个基础评分项："
         "1.1、1.2、1.3、2.1、2.2、2.3、2.4、3.1、3.2、4.1、4.2、4.3等", MISSING_HINT)]


def test_a_file_without_scores_key_is_not_also_incomplete(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    assert problems_of(project, "county: 测试县\nyear: 2011\nstatus: final\n") == [
        (PATH, 1, 1, "E102", "缺少“scores”", "每个评分文件都要有 county、year、status、scores 四项")]


def test_unregistered_slug_close_to_a_registered_one(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    project.write(PATH, top())
    assert problems_of(project, top(county="别处县"), slug="ceshi-xain") == [
        ("scores/2011/ceshi-xain.yaml", 1, 1, "E107", "文件名“ceshi-xain”不是 counties.yaml 中登记的 slug",
         "是否应为“ceshi-xian”？")]


def test_unregistered_slug_like_no_other(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    project.write(PATH, top())
    assert problems_of(project, top(county="别处县"), slug="qita") == [
        ("scores/2011/qita.yaml", 1, 1, "E107", "文件名“qita”不是 counties.yaml 中登记的 slug",
         "先在 scores/counties.yaml 中登记这个县市区")]


def test_unregistered_slug_whose_name_is_registered(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    project.register("other-xian", "别处县")
    project.write(PATH, top())
    project.write("scores/2011/other-xian.yaml", top(county="别处县"))
    assert problems_of(project, top(county="别处县"), slug="biechu") == [
        ("scores/2011/biechu.yaml", 1, 1, "E107", "文件名“biechu”不是 counties.yaml 中登记的 slug",
         "counties.yaml 中“别处县”的 slug 是 other-xian，文件应命名为 other-xian.yaml")]


@pytest.mark.parametrize("years, span", [
    ("    until: 2010\n", "…–2010"),
    ("    from: 2012\n", "2012–…"),
    ("    from: 2005\n    until: 2010\n", "2005–2010"),
])
def test_county_outside_its_years(project: ProjectDir, years: str, span: str) -> None:
    project.counties.append(("old-xian", "旧县", years))
    project.register("ceshi-xian", "测试县")
    project.write(PATH, top())
    assert problems_of(project, top(county="旧县"), slug="old-xian") == [
        ("scores/2011/old-xian.yaml", 1, 1, "E109", f"“旧县”在 counties.yaml 中登记的年份为 {span}，不含 2011 年",
         "核对年份，或修改 counties.yaml 中的 from/until")]


@pytest.mark.parametrize("years", ["    from: 2011\n", "    until: 2011\n", "    from: 2011\n    until: 2011\n"])
def test_county_in_its_first_or_last_year(project: ProjectDir, years: str) -> None:
    project.counties.append(("ceshi-xian", "测试县", years))
    project._write_registry()
    assert problems_of(project, top()) == []


def test_top_level_list_after_a_comment_is_reported_where_it_starts(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    assert problems_of(project, "# 注释\n- 1\n") == [
        (PATH, 2, 1, "E100", "文件内容应为“键: 值”的形式，顶层要有 county、year、status、scores", "")]


def sheet_of(text: str, registry_text: str | None, tmp_path: Path, folder_year: int = 2011):
    tree, problems = parse(text, PATH)
    assert problems == []
    registry = None
    if registry_text is not None:
        (tmp_path / "counties.yaml").write_text(registry_text, encoding="utf-8")
        registry, problems = load_registry(tmp_path / "counties.yaml", "scores/counties.yaml")
        assert problems == []
    return validate_sheet(tree, PATH, "ceshi-xian", folder_year, RULES_2011, registry)


REGISTRY = "counties:\n  - slug: ceshi-xian\n    name: 测试县\n"


def test_a_valid_sheet_keeps_every_entry(tmp_path: Path) -> None:
    text = HEAD + "  1.1: 3\n  8.1: {score: 4.5, note: \" 续签未完成 \"}\n  30: 2\n"
    sheet, problems = sheet_of(text, REGISTRY, tmp_path)
    assert problems == []
    assert (sheet.slug, sheet.name, sheet.year, sheet.status, sheet.path, sheet.is_draft) == (
        "ceshi-xian", "测试县", 2011, DRAFT, PATH, True)
    assert [(e.unit_id, str(e.score), e.note) for e in sheet.entries.values()] == [
        ("1.1", "3", ""), ("8.1", "4.5", "续签未完成"), ("30", "2", "")]


def test_a_final_sheet_is_not_a_draft(tmp_path: Path) -> None:
    sheet, problems = sheet_of(final_without(0), REGISTRY, tmp_path)
    assert problems == [] and sheet.status == FINAL and not sheet.is_draft
    assert len(sheet.entries) == 44


def test_a_sheet_with_warnings_only_is_kept(tmp_path: Path) -> None:
    sheet, problems = sheet_of(HEAD + "  5: 2\n", REGISTRY, tmp_path)
    assert [p.code for p in problems] == ["W201"] and sheet is not None and str(sheet.entries["5"].score) == "2"


def test_without_a_registry_the_name_is_the_file_s(tmp_path: Path) -> None:
    # counties.yaml missing or broken (reported on its own): the score file is still checked.
    sheet, problems = sheet_of(top(county=" 别处县 ", scores="\n  1.1: 3"), None, tmp_path)
    assert problems == [] and sheet.name == "别处县"


def test_the_folder_decides_the_year(tmp_path: Path) -> None:
    sheet, problems = sheet_of(top(year="2011"), None, tmp_path, folder_year=2011)
    assert sheet.year == 2011
    sheet, problems = sheet_of(top(year="2011"), None, tmp_path, folder_year=2012)
    assert sheet is None and [(p.line, p.column, p.code, p.message, p.hint) for p in problems] == [
        (2, 7, "E106", "year 为 2011，但文件在 2012 年的文件夹中", "改为 year: 2012，或把文件移到 scores/2011/")]


@pytest.mark.parametrize("tree", [None, parse("3\n", PATH)[0], parse("[1, 2]\n", PATH)[0]])
def test_a_file_that_is_no_mapping_is_reported_at_its_start(tree) -> None:
    sheet, problems = validate_sheet(tree, PATH, "ceshi-xian", 2011, RULES_2011, None)
    assert sheet is None
    assert [(p.path, p.line, p.column, p.code, p.hint, p.is_error) for p in problems] == [
        (PATH, 1, 1, "E100", "", True)]


@pytest.mark.parametrize("word, choices, hint", [
    ("备注", ("score", "note"), "是否应为“note”？"),
    ("分数", ("score", "note"), ""),  # a synonym of a key that is not among the choices
    ("ＮＯＴＥ", ("score", "note"), "是否应为“note”？"),
    (" Note ", ("score", "note"), "是否应为“note”？"),
    ("nte", ("score", "note"), "是否应为“note”？"),
    ("xyz", ("score", "note"), ""),
    ("statu", ("county", "year", "status", "scores"), "是否应为“status”？"),
])
def test_did_you_mean(word: str, choices: tuple[str, ...], hint: str) -> None:
    assert did_you_mean(word, choices) == hint


def test_equal_entries_without_a_note_are_one_object_and_keep_their_text(tmp_path: Path) -> None:
    import pickle
    first, _ = sheet_of(HEAD + "  1.1: 2.5\n  1.2: 1\n  8.1: {score: 4.5, note: 续签未完成}\n", REGISTRY, tmp_path)
    second, _ = sheet_of(HEAD + "  1.1: 2.50\n\n  1.2: 1  # 已核\n  8.1: {score: 4.5, note: 续签未完成}\n", REGISTRY,
                         tmp_path)
    assert first.entries["1.2"] is second.entries["1.2"]  # same unit and score, wherever written: shared
    assert first.entries["8.1"] == second.entries["8.1"] and first.entries["8.1"] is not second.entries["8.1"]
    assert (str(first.entries["1.1"].score), str(second.entries["1.1"].score)) == ("2.5", "2.50")
    assert first.entries["1.1"] is not second.entries["1.1"]
    copy = pickle.loads(pickle.dumps(second))  # how the check's workers send sheets back
    assert copy == second and copy.entries["1.2"] is first.entries["1.2"]
    assert str(copy.entries["1.1"].score) == "2.50"
