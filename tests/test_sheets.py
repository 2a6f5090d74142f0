"""Department scoring sheets: ``build.py sheet`` writes a workbook, a department fills it,
``build.py import`` writes exactly the changed units back, or refuses with the cell and
writes nothing."""
from __future__ import annotations

import functools
import html
import io
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")

from conftest import RULES_2011, ProjectDir, full_scores  # noqa: E402
from scoreboard.cli import main  # noqa: E402
from scoreboard.load import Mapping, parse  # noqa: E402
from scoreboard.project import check_project  # noqa: E402
from scoreboard.scaffold import new_score_file  # noqa: E402
from scoreboard.score_edit import UnitValue, edit_score_text, note_scalar  # noqa: E402
from scoreboard.sheets import department_units, find_department  # noqa: E402
from scoreboard.values import fmt  # noqa: E402

JICENG = find_department(RULES_2011, "基层工作部")
JICENG_UNITS = [u.id for u in department_units(RULES_2011, JICENG)]

REGISTRY = """\
# 县市区名单（测试）
counties:
  - slug: zhen-xian
    name: 甄县
  - slug: an-qu
    name: 安区
  - slug: jiu-xian
    name: 旧县
    until: 2010
  - slug: bei-shi
    name: 贝市
"""


def zhen_text() -> str:
    """A final file written by hand: comments, all three ways of writing a unit."""
    body = full_scores(deductions={
        "1.2": "{score: 0.5, note: 示范点仅建成1个}",
        "8.3": "{score: 1.5, note: '女职工专项合同签订率为81%'}",
        "33": "{score: 4, note: 举办培训班12期}",
    })
    body = body.replace("  1.1: 3\n", "  # 一、组织建设\n  1.1: 3    # 联席会议已召开\n")
    body = body.replace("  2.2: 1\n", "  2.2:\n    score: 1\n")
    body = body.replace("  5: 3\n", "  5:\n    score: 2\n    note: 示范点未验收\n")
    return "# yaml-language-server: $schema=../schema/2011.json\n# 甄县 2011\ncounty: 甄县\nyear: 2011\nstatus: final\n" + body


def bei_bytes() -> bytes:
    """A final file saved on Windows: BOM, CRLF, no line break after the last line."""
    text = "county: 贝市\r\nyear: 2011\r\nstatus: final\r\n" + full_scores().replace("\n", "\r\n")
    return b"\xef\xbb\xbf" + text.rstrip("\r\n").encode("utf-8")


@pytest.fixture
def data(project: ProjectDir) -> ProjectDir:
    project.write("scores/counties.yaml", REGISTRY)
    project.write("scores/2011/zhen-xian.yaml", zhen_text())
    project.write("scores/2011/an-qu.yaml", new_score_file(RULES_2011, "安区"))  # a draft with placeholders
    project.write("scores/2011/bei-shi.yaml", bei_bytes())
    assert [p for p in check_project(project.root).problems if p.is_error] == []
    return project


def run(root: Path, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--root", str(root), *argv], out=out)
    return code, out.getvalue()


def make_sheet(project: ProjectDir, tmp_path: Path, department: str = "基层工作部", name: str = "") -> Path:
    path = tmp_path / (name or f"{department}.xlsx")
    code, text = run(project.root, "sheet", "2011", "--department", department, "-o", str(path))
    assert code == 0, text
    return path


def where(path: Path, slug: str, title: str) -> str:
    """The cell of ``title``'s column in ``slug``'s row, as the refusals name it."""
    return _layout(str(path), path.stat().st_mtime_ns)[(slug, title)]


@functools.lru_cache(maxsize=64)
def _layout(path: str, _mtime: int) -> dict[tuple[str, str], str]:
    sheet = openpyxl.load_workbook(path)["评分"]
    columns = {c.value: c.column_letter for c in sheet[1]}
    rows = {c.value: c.row for c in sheet["A"][1:]}
    return {(slug, title): f"{letter}{row}" for slug, row in rows.items() for title, letter in columns.items()}


def fill(path: Path, changes: dict[tuple[str, str], object], out: Path | None = None, formats: dict | None = None) -> Path:
    book = openpyxl.load_workbook(path)
    sheet = book["评分"]
    for (slug, title), value in changes.items():
        cell = sheet[where(path, slug, title)]
        cell.value = value
        if formats and (slug, title) in formats:
            cell.number_format = formats[(slug, title)]
    book.save(out or path)
    return out or path


def snapshot(project: ProjectDir) -> dict[str, bytes]:
    return {p.relative_to(project.root).as_posix(): p.read_bytes()
            for p in sorted((project.root / "scores").rglob("*.yaml"))}


# --- the workbook -------------------------------------------------------------------------

def test_the_workbook_has_a_row_per_county_of_the_year_in_registry_order(data, tmp_path):
    book = openpyxl.load_workbook(make_sheet(data, tmp_path))
    assert book.sheetnames[:3] == ["评分", "评分项", "填写说明"]
    sheet = book["评分"]
    assert [(sheet.cell(r, 1).value, sheet.cell(r, 2).value) for r in range(2, sheet.max_row + 1)] == [
        ("zhen-xian", "甄县"), ("an-qu", "安区"), ("bei-shi", "贝市")]  # 旧县 left in 2010
    titles = [c.value for c in sheet[1]]
    assert titles[:2] == ["标识", "县市区"]
    assert titles[2:] == [f"{u} {kind}" for u in JICENG_UNITS for kind in ("得分", "说明")]
    assert "30" in JICENG_UNITS and "8.1" not in JICENG_UNITS


def test_the_workbook_is_prefilled_with_the_current_values(data, tmp_path):
    path = make_sheet(data, tmp_path)
    sheet = openpyxl.load_workbook(path)["评分"]
    value = lambda slug, title: sheet[where(path, slug, title)].value  # noqa: E731
    assert value("zhen-xian", "1.1 得分") == 3 and value("zhen-xian", "1.1 说明") is None
    assert value("zhen-xian", "1.2 得分") == 0.5 and value("zhen-xian", "1.2 说明") == "示范点仅建成1个"
    assert value("zhen-xian", "5 得分") == 2 and value("zhen-xian", "5 说明") == "示范点未验收"
    assert value("zhen-xian", "30 得分") is None  # a bonus unit not scored: empty
    assert value("an-qu", "6.1 得分") == 0.5 and value("bei-shi", "7 得分") == 0.5


def test_units_of_several_departments_are_in_each_of_their_sheets(data, tmp_path):
    for department in ("基层工作部", "经审办", "女工部"):
        titles = [c.value for c in openpyxl.load_workbook(make_sheet(data, tmp_path, department))["评分"][1]]
        assert "2.1 得分" in titles and "6.3 说明" in titles, department
    titles = [c.value for c in openpyxl.load_workbook(make_sheet(data, tmp_path, "经审办"))["评分"][1]]
    assert "1.1 得分" not in titles and "34 得分" in titles


def test_the_second_sheet_lists_each_unit_with_its_maximum_and_full_text(data, tmp_path):
    sheet = openpyxl.load_workbook(make_sheet(data, tmp_path))["评分项"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    units = department_units(RULES_2011, JICENG)
    assert [r[0] for r in rows] == [u.id for u in units]
    assert [Decimal(str(r[1])) for r in rows] == [u.max for u in units]
    assert [r[2] for r in rows] == [u.text for u in units]  # the full criterion, not shortened


def test_score_cells_carry_data_validation_between_0_and_the_maximum(data, tmp_path):
    path = make_sheet(data, tmp_path)
    sheet = openpyxl.load_workbook(path)["评分"]
    rules = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    for unit in department_units(RULES_2011, JICENG):
        column = re.match(r"[A-Z]+", where(path, "zhen-xian", f"{unit.id} 得分")).group()
        validation = rules[f"{column}2:{column}4"]
        assert (validation.type, validation.operator) == ("decimal", "between")
        assert (validation.formula1, validation.formula2) == ("0", fmt(unit.max))
        assert validation.showErrorMessage and validation.allow_blank


def test_ids_are_locked_the_header_frozen_notes_are_text(data, tmp_path):
    path = make_sheet(data, tmp_path)
    sheet = openpyxl.load_workbook(path)["评分"]
    assert sheet.protection.sheet
    assert sheet.freeze_panes == "C2"
    assert sheet["A2"].protection.locked and sheet["B2"].protection.locked and sheet["C1"].protection.locked
    score, note = sheet[where(path, "an-qu", "1.1 得分")], sheet[where(path, "an-qu", "1.1 说明")]
    assert not score.protection.locked and not note.protection.locked
    assert note.number_format == "@" and sheet["A2"].data_type == "s" and sheet["B2"].data_type == "s"


def test_notes_cannot_become_formulas(data, tmp_path):
    text = (data.root / "scores/2011/bei-shi.yaml").read_bytes().decode("utf-8-sig")
    text = text.replace("  1.2: 1\r\n", '  1.2: {score: 0.5, note: "=1+1"}\r\n')
    text = text.replace("  1.3: 1\r\n", '  1.3: {score: 0.5, note: "@SUM(A1)"}\r\n')
    text = text.replace("  2.1: 2\r\n", '  2.1: {score: 1.5, note: "-2+3"}\r\n')
    data.write("scores/2011/bei-shi.yaml", text)
    path = make_sheet(data, tmp_path)
    sheet = openpyxl.load_workbook(path)["评分"]
    for title, note in (("1.2 说明", "=1+1"), ("1.3 说明", "@SUM(A1)"), ("2.1 说明", "-2+3")):
        cell = sheet[where(path, "bei-shi", title)]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (note, "s", True), title
    assert not sheet[where(path, "bei-shi", "1.1 说明")].quotePrefix
    with zipfile.ZipFile(path) as archive:
        assert not any(re.search(r"<f[ >]", archive.read(n).decode())
                       for n in archive.namelist() if n.startswith("xl/worksheets/"))
    # and the untouched workbook imports as no change at all: the notes are the files' own text
    before = snapshot(data)
    code, text = run(data.root, "import", str(path))
    assert code == 0 and "没有需要写入的改动" in text and snapshot(data) == before


def test_any_text_written_is_a_text_cell_with_a_quote_prefix_when_it_looks_like_a_formula():
    from scoreboard.sheets import set_text
    sheet = openpyxl.Workbook().active
    for k, text in enumerate(["=HYPERLINK(1)", "+1", "-1", "@A1", "\tx", "\rx", "鹭屿县", "1.5"], start=1):
        cell = sheet.cell(k, 1)
        set_text(cell, text)
        assert cell.data_type == "s" and cell.value == text
        assert cell.quotePrefix == (k <= 6), text


def test_sheet_for_every_department(data, tmp_path):
    code, text = run(data.root, "sheet", "2011", "--all", "-o", str(tmp_path / "all"))
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert names == sorted(f"2011-{d.name}.xlsx" for d in RULES_2011.departments)
    assert text.count("已写入") == len(RULES_2011.departments)


def test_sheet_usage_errors(data, tmp_path):
    assert run(data.root, "sheet", "2011", "--department", "不存在部", "-o", str(tmp_path / "x.xlsx"))[0] == 2
    assert run(data.root, "sheet", "2010", "--department", "基层工作部")[0] == 2
    assert run(data.root, "sheet", "2011")[0] == 2  # --department or --all
    # an alias names its department
    code, text = run(data.root, "sheet", "2011", "--department", "帮扶维权中心", "-o", str(tmp_path / "w.xlsx"))
    assert code == 0 and "维权帮扶中心" in text


def test_sheet_refuses_while_the_year_has_errors(data, tmp_path):
    data.write("scores/2011/an-qu.yaml", new_score_file(RULES_2011, "安区").replace("  1.1: 3", "  1.1: 3分"))
    code, text = run(data.root, "sheet", "2011", "--department", "基层工作部", "-o", str(tmp_path / "x.xlsx"))
    assert code == 1 and "E204" in text and "未生成评分表" in text and not (tmp_path / "x.xlsx").exists()


# --- the round trip -----------------------------------------------------------------------

def test_round_trip_changes_exactly_the_lines_of_the_changed_units(data, tmp_path):
    path = make_sheet(data, tmp_path)
    fill(path, {
        ("zhen-xian", "1.1 得分"): 2.5,                       # plain, with a comment after it
        ("zhen-xian", "1.1 说明"): "联席会议: 未形成纪要 #1",   # a note that needs quotes
        ("zhen-xian", "1.2 说明"): "示范点仅建成1个，台账不全",   # only the note of a flow mapping
        ("zhen-xian", "2.2 说明"): "涵盖单位不足",              # a block mapping gains a note
        ("zhen-xian", "5 得分"): 2.5,                          # a block mapping's score
        ("zhen-xian", "30 得分"): 3,                           # absent: a new line after 29
        ("an-qu", "4.2 得分"): "1.5",                          # a number typed as text
        ("an-qu", "4.2 说明"): "-乡镇工会未全覆盖",
        ("an-qu", "30 得分"): 2,                               # the commented-out placeholder
        ("an-qu", "30 说明"): "新建工会85家",
        ("bei-shi", "7 得分"): 0,                              # CRLF, BOM, no final line break
        ("bei-shi", "7 说明"): "未报送",
    })
    before = snapshot(data)
    code, text = run(data.root, "import", str(path))
    assert code == 0, text
    after = snapshot(data)
    assert set(before) == set(after)
    assert after["scores/counties.yaml"] == before["scores/counties.yaml"]
    old = before["scores/2011/zhen-xian.yaml"].decode()
    expected = swap(old, ("  1.1: 3    # 联席会议已召开\n",
                          '  1.1: {score: 2.5, note: "联席会议: 未形成纪要 #1"}    # 联席会议已召开\n'),
                    ("  1.2: {score: 0.5, note: 示范点仅建成1个}\n", "  1.2: {score: 0.5, note: 示范点仅建成1个，台账不全}\n"),
                    ("  2.2:\n    score: 1\n", "  2.2:\n    score: 1\n    note: 涵盖单位不足\n"),
                    ("  5:\n    score: 2\n", "  5:\n    score: 2.5\n"),
                    ("  29: 2\n", "  29: 2\n  30: 3\n"))
    assert after["scores/2011/zhen-xian.yaml"].decode() == expected
    old = before["scores/2011/an-qu.yaml"].decode()
    (placeholder,) = [line for line in old.splitlines(keepends=True) if line.startswith("  # 30: 0 ")]
    (line_4_2,) = [line for line in old.splitlines(keepends=True) if line.startswith("  4.2: 2 ")]
    expected = swap(old, (line_4_2, line_4_2.replace("  4.2: 2", '  4.2: {score: 1.5, note: "-乡镇工会未全覆盖"}')),
                    (placeholder, placeholder.replace("  # 30: 0", "  30: {score: 2, note: 新建工会85家}")))
    assert after["scores/2011/an-qu.yaml"].decode() == expected
    old_bytes, new_bytes = before["scores/2011/bei-shi.yaml"], after["scores/2011/bei-shi.yaml"]
    assert new_bytes.decode() == swap(old_bytes.decode(), ("  7: 0.5\r\n", "  7: {score: 0, note: 未报送}\r\n"))
    assert new_bytes.startswith(b"\xef\xbb\xbf") and not new_bytes.endswith(b"\n")
    assert [p for p in check_project(data.root).problems if p.is_error] == []
    assert "\n检查通过：5 个文件，没有发现问题。\n" in text


def swap(text: str, *pairs: tuple[str, str]) -> str:
    """``text`` with each old part, which must be there exactly once, replaced by the new."""
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_import_prints_the_check_the_diff_and_a_commit_message(data, tmp_path):
    path = make_sheet(data, tmp_path)
    fill(path, {("zhen-xian", "1.3 得分"): 0.5, ("zhen-xian", "1.3 说明"): "推优入党无记录"})
    message_file = tmp_path / "message.txt"
    code, text = run(data.root, "import", str(path), "--message-file", str(message_file))
    assert code == 0
    assert text.startswith("已读取 基层工作部.xlsx：2011年度 基层工作部，3 个县市区，2 个格子有改动\n"
                           "已写入 scores/2011/zhen-xian.yaml\n\n检查通过：")
    assert "比较 导入前 → 导入后\n\n2011年度：\n  甄县（zhen-xian）：总分 " in text
    assert "    1.3：1 → 0.5（推优入党无记录）\n" in text
    assert "涉及的考核部门：基层工作部\n" in text
    message = message_file.read_text(encoding="utf-8")
    assert message == ("2011年度评分：导入基层工作部的评分表（1 个县市区，1 项）\n\n"
                       "评分表：基层工作部.xlsx（基层工作部）\n\n"
                       "甄县 1.3：1 → 0.5（推优入党无记录）\n")
    assert "建议的提交说明：\n    2011年度评分：导入基层工作部的评分表（1 个县市区，1 项）\n" in text


def test_an_empty_cell_leaves_the_unit_as_it_is(data, tmp_path):
    path = make_sheet(data, tmp_path)
    fill(path, {("zhen-xian", "1.2 得分"): None, ("zhen-xian", "1.2 说明"): None, ("zhen-xian", "5 说明"): "  "})
    before = snapshot(data)
    code, text = run(data.root, "import", str(path))
    assert code == 0 and "没有需要写入的改动" in text
    assert snapshot(data) == before


def test_several_departments_agreeing_on_a_shared_unit(data, tmp_path):
    first, second = make_sheet(data, tmp_path), make_sheet(data, tmp_path, "经审办")
    fill(first, {("an-qu", "2.1 得分"): 1.5, ("an-qu", "2.1 说明"): "三个委员会未同步建立"})
    fill(second, {("an-qu", "2.1 得分"): 1.5, ("an-qu", "34 得分"): 1, ("an-qu", "34 说明"): "经审工作获省级表彰"})
    code, text = run(data.root, "import", str(first), str(second))
    assert code == 0, text
    scores = (data.root / "scores/2011/an-qu.yaml").read_text(encoding="utf-8")
    assert "  2.1: {score: 1.5, note: 三个委员会未同步建立} " in scores
    assert "  34: {score: 1, note: 经审工作获省级表彰} " in scores
    assert "导入基层工作部、经审办的评分表" in text


def test_a_late_workbook_does_not_undo_later_changes(data, tmp_path):
    path = make_sheet(data, tmp_path)
    zhen = data.root / "scores/2011/zhen-xian.yaml"
    zhen.write_text(zhen.read_text(encoding="utf-8").replace("  1.3: 1\n", "  1.3: {score: 0.8, note: 复核}\n"),
                    encoding="utf-8")
    fill(path, {("an-qu", "1.1 得分"): 2})  # 1.3 of 甄县 still shows 1: left as it was
    code, text = run(data.root, "import", str(path))
    assert code == 0, text
    assert "  1.3: {score: 0.8, note: 复核}\n" in zhen.read_text(encoding="utf-8")


# --- refusals: the cell, a Chinese message, nothing written -------------------------------

def refused(data: ProjectDir, *argv: str) -> str:
    before = snapshot(data)
    code, text = run(data.root, "import", *argv)
    assert code == 1, text
    assert text.endswith("处问题，没有写入任何文件。\n")
    assert snapshot(data) == before
    return text


def test_refuses_a_county_not_in_the_registry(data, tmp_path):
    path = make_sheet(data, tmp_path)
    book = openpyxl.load_workbook(path)
    book["评分"]["A3"].value = "nan-xian"
    book["评分"]["B3"].value = "南县"
    book.save(path)
    text = refused(data, str(path))
    assert "基层工作部.xlsx 评分!A3：“nan-xian”不是县市区名单 counties.yaml 中登记的县市区" in text


def test_refuses_a_county_not_assessed_that_year(data, tmp_path):
    path = make_sheet(data, tmp_path)
    book = openpyxl.load_workbook(path)
    book["评分"]["A3"].value, book["评分"]["B3"].value = "jiu-xian", "旧县"
    book.save(path)
    assert "基层工作部.xlsx 评分!A3：旧县（jiu-xian）在 counties.yaml 中登记的年份为 …–2010，不参加 2011 年度考核" in refused(data, str(path))


def test_refuses_a_unit_not_in_the_rules(data, tmp_path):
    path = make_sheet(data, tmp_path)
    book = openpyxl.load_workbook(path)
    book["评分"]["C1"].value = "1.4 得分"
    book.save(path)
    assert "基层工作部.xlsx 评分!C1：“1.4”不是 2011 年细则中的评分项" in refused(data, str(path))


def test_refuses_a_unit_the_department_does_not_score(data, tmp_path):
    path = make_sheet(data, tmp_path)
    book = openpyxl.load_workbook(path)
    book["评分"]["C1"].value = "8.1 得分"
    book.save(path)
    text = refused(data, str(path))
    assert "基层工作部.xlsx 评分!C1：8.1 不由基层工作部考核（考核部门：维权帮扶中心、女工部），不能在基层工作部的评分表中填写" in text


@pytest.mark.parametrize("value, message", [
    (3.5, "甄县 1.1 的得分 3.5 超出范围：应在 0 到 3 之间"),
    (-1, "甄县 1.1 的得分 -1 超出范围：应在 0 到 3 之间"),
    (2.55, "甄县 1.1 的得分 2.55 不是 0.1 的整数倍"),
    ("3分", "甄县 1.1 的得分：“3分”不是纯数字（去掉“分”字，只写数字：3）"),
    ("三", "甄县 1.1 的得分：“三”不是数字"),
    ("２", "甄县 1.1 的得分：“２”含有全角字符（请使用半角数字：2）"),
    (True, "甄县 1.1 的得分是是非值"),
])
def test_refuses_a_value_out_of_range_or_not_a_number(data, tmp_path, value, message):
    path = make_sheet(data, tmp_path)
    fill(path, {("zhen-xian", "1.1 得分"): value, ("an-qu", "1.1 得分"): 2})  # the valid change is not written either
    assert f"基层工作部.xlsx 评分!{where(path, 'zhen-xian', '1.1 得分')}：{message}" in refused(data, str(path))


@pytest.mark.parametrize("title, value", [("1.1 得分", "=2+1"), ("1.1 得分", "=MAX(0,1)"), ("1.1 说明", "=HYPERLINK(\"x\")"),
                                          ("1.1 说明", "=1+1")])
def test_refuses_a_formula(data, tmp_path, title, value):
    path = make_sheet(data, tmp_path)
    fill(path, {("zhen-xian", title): value})
    book = openpyxl.load_workbook(path)
    assert book["评分"][where(path, "zhen-xian", title)].data_type == "f"  # a real formula in the file
    text = refused(data, str(path))
    assert f"基层工作部.xlsx 评分!{where(path, 'zhen-xian', title)}：甄县 1.1 的{title[4:]}是公式“{value}”" in text


def test_refuses_text_that_starts_with_an_equals_sign(data, tmp_path):
    path = make_sheet(data, tmp_path)
    book = openpyxl.load_workbook(path)
    cell = book["评分"][where(path, "zhen-xian", "1.1 说明")]
    cell.value, cell.data_type = "=cmd|' /C calc'!A0", "s"  # text, not a formula, in the file
    book.save(path)
    assert f"评分!{cell.coordinate}：甄县 1.1 的说明是公式" in refused(data, str(path))


def test_refuses_a_date(data, tmp_path):
    import datetime
    path = make_sheet(data, tmp_path)
    fill(path, {("zhen-xian", "1.1 得分"): 2}, formats={("zhen-xian", "1.1 得分"): "yyyy-mm-dd"})
    fill(path, {("an-qu", "1.1 说明"): datetime.date(2011, 3, 1)})
    text = refused(data, str(path))
    assert f"评分!{where(path, 'zhen-xian', '1.1 得分')}：甄县 1.1 的得分是日期格式" in text
    assert f"评分!{where(path, 'an-qu', '1.1 说明')}：安区 1.1 的说明是日期格式" in text


def test_refuses_a_sheet_for_another_year(data, tmp_path):
    path = make_sheet(data, tmp_path)
    text = refused(data, "--year", "2012", str(path))
    assert "基层工作部.xlsx _scoreboard!B2：此表是为 2011 年度生成的评分表，本次导入指定的是 --year 2012" in text
    book = openpyxl.load_workbook(path)
    book["_scoreboard"]["B2"].value = "2010"
    book.save(tmp_path / "2010.xlsx")
    text = refused(data, str(tmp_path / "2010.xlsx"))
    assert "2010.xlsx _scoreboard!B2：此表是为 2010 年度生成的，但没有 2010 年度的考核细则 rules/2010.yaml" in text


def test_refuses_workbooks_of_different_years_together(data, tmp_path):
    rules = (data.root / "rules/2011.yaml").read_text(encoding="utf-8")
    data.write("rules/2012.yaml", rules.replace("year: 2011", "year: 2012", 1))
    data.write("scores/2012/zhen-xian.yaml", zhen_text().replace("year: 2011", "year: 2012"))
    data.write("scores/2012/an-qu.yaml", new_score_file(RULES_2011, "安区").replace("year: 2011", "year: 2012"))
    data.write("scores/2012/bei-shi.yaml", bei_bytes().replace(b"year: 2011", b"year: 2012"))
    first = make_sheet(data, tmp_path)
    second = tmp_path / "2012.xlsx"
    assert run(data.root, "sheet", "2012", "--department", "经审办", "-o", str(second))[0] == 0
    fill(second, {("an-qu", "2.1 得分"): 1})
    text = refused(data, str(first), str(second))
    assert "2012.xlsx _scoreboard!B2：此表是为 2012 年度生成的评分表，与 基层工作部.xlsx 的 2011 年度不同" in text


def test_refuses_two_sheets_setting_a_unit_differently(data, tmp_path):
    first, second = make_sheet(data, tmp_path), make_sheet(data, tmp_path, "女工部")
    fill(first, {("bei-shi", "2.3 得分"): 0.5, ("bei-shi", "1.1 得分"): 2})
    fill(second, {("bei-shi", "2.3 得分"): 0.8})
    text = refused(data, str(first), str(second))
    assert (f"女工部.xlsx 评分!{where(second, 'bei-shi', '2.3 得分')}：2.3 的得分填的是 0.8，"
            f"与 基层工作部.xlsx 评分!{where(first, 'bei-shi', '2.3 得分')} 填的 0.5 不同") in text


def test_refuses_a_change_over_a_value_changed_since(data, tmp_path):
    path = make_sheet(data, tmp_path)
    zhen = data.root / "scores/2011/zhen-xian.yaml"
    zhen.write_text(zhen.read_text(encoding="utf-8").replace("  1.3: 1\n", "  1.3: 0.8\n"), encoding="utf-8")
    fill(path, {("zhen-xian", "1.3 得分"): 0.5})
    text = refused(data, str(path))
    assert (f"评分!{where(path, 'zhen-xian', '1.3 得分')}：生成此表之后，甄县 1.3 的得分在评分文件中已由 1 改为 0.8，"
            "表中填的是 0.5") in text


def test_refuses_what_is_not_a_workbook_of_ours(data, tmp_path):
    (tmp_path / "scores.xlsx").write_bytes(b"PK\x03\x04 not really")
    assert "scores.xlsx：无法读取：不是有效的 .xlsx 工作簿" in refused(data, str(tmp_path / "scores.xlsx"))
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert "old.xls：是 .xls 格式，不是 .xlsx" in refused(data, str(tmp_path / "old.xls"))
    book = openpyxl.Workbook()
    book.active.title = "评分"
    book.save(tmp_path / "mine.xlsx")
    assert "mine.xlsx：不是由 build.py sheet 生成的评分表" in refused(data, str(tmp_path / "mine.xlsx"))
    assert run(data.root, "import", str(tmp_path / "missing.xlsx"))[0] == 2


def test_refuses_a_note_without_a_score_for_an_unscored_unit(data, tmp_path):
    path = make_sheet(data, tmp_path)
    fill(path, {("zhen-xian", "30 说明"): "新建工会"})
    assert f"评分!{where(path, 'zhen-xian', '30 说明')}：甄县 30 在评分文件中还没有分值" in refused(data, str(path))


def test_refuses_a_note_the_check_would_refuse(data, tmp_path):
    path = make_sheet(data, tmp_path)
    fill(path, {("zhen-xian", "1.1 说明"): "未召开\u202e会议", ("an-qu", "1.1 说明"): "长" * 301})
    text = refused(data, str(path))
    assert f"评分!{where(path, 'zhen-xian', '1.1 说明')}：甄县 1.1 的说明的第 4 个字符是文字方向控制字符 U+202E" in text
    assert f"评分!{where(path, 'an-qu', '1.1 说明')}：安区 1.1 的说明有 301 个字，超过了细则规定的 300 个字" in text


def test_every_refusal_is_listed_at_once(data, tmp_path):
    path = make_sheet(data, tmp_path)
    fill(path, {("zhen-xian", "1.1 得分"): 9, ("an-qu", "1.2 得分"): "x", ("bei-shi", "7 说明"): "=1"})
    text = refused(data, str(path))
    assert text.endswith("共 3 处问题，没有写入任何文件。\n")


# --- WPS-style files ----------------------------------------------------------------------

def _rewrite(path: Path, out: Path, edit) -> Path:
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        files = {name: source.read(name) for name in source.namelist()}
        for name, data in edit(files).items():
            target.writestr(name, data)
    return out


def to_shared_strings(files: dict[str, bytes]) -> dict[str, bytes]:
    """Every inline string made a shared string, as Excel and WPS write them."""
    from xml.sax.saxutils import escape
    strings: list[str] = []

    def share(match: re.Match) -> str:
        strings.append(html.unescape(re.sub(r"<[^>]+>", "", match.group(2))))  # &#22522; and &amp; alike
        return f'{match.group(1)} t="s"><v>{len(strings) - 1}</v></c>'

    for name in [n for n in files if n.startswith("xl/worksheets/sheet")]:
        xml = files[name].decode("utf-8")
        files[name] = re.sub(r'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?) t="inlineStr"><is>(.*?)</is></c>', share, xml).encode()
    table = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
    files["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">{table}</sst>').encode()
    types = files["[Content_Types].xml"].decode()
    files["[Content_Types].xml"] = types.replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')).encode()
    rels = files["xl/_rels/workbook.xml.rels"].decode()
    files["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>", (
        '<Relationship Id="rIdSST" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>')).encode()
    return files


def test_inline_strings_and_shared_strings_read_alike(data, tmp_path):
    path = make_sheet(data, tmp_path)
    fill(path, {("zhen-xian", "1.1 得分"): 2.5, ("zhen-xian", "1.1 说明"): "联席会议未形成纪要",
                ("an-qu", "1.2 得分"): "0.5", ("an-qu", "1.2 说明"): "“示范点”未验收"})
    with zipfile.ZipFile(path) as archive:
        assert 't="inlineStr"' in archive.read("xl/worksheets/sheet1.xml").decode()  # openpyxl writes inline strings
    shared = _rewrite(path, tmp_path / "wps.xlsx", to_shared_strings)
    with zipfile.ZipFile(shared) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        assert 't="inlineStr"' not in sheet and 't="s"' in sheet
    project_copy = ProjectDir.__new__(ProjectDir)
    project_copy.root = tmp_path / "copy"
    shutil.copytree(data.root, project_copy.root)
    assert run(data.root, "import", str(path))[0] == 0
    assert run(project_copy.root, "import", str(shared))[0] == 0
    assert snapshot(data) == snapshot(project_copy)
    assert "  1.2: {score: 0.5, note: “示范点”未验收} " in (data.root / "scores/2011/an-qu.yaml").read_text(encoding="utf-8")


def test_a_date_written_as_a_number_with_a_date_format_is_refused(data, tmp_path):
    """WPS stores a typed date as a number with a date format: not read as that number."""
    path = make_sheet(data, tmp_path)
    fill(path, {("zhen-xian", "1.1 得分"): 2})
    cell = where(path, "zhen-xian", "1.1 得分")

    def as_date(files: dict[str, bytes]) -> dict[str, bytes]:
        styles = files["xl/styles.xml"].decode()
        count = int(re.search(r'<cellXfs count="([0-9]+)"', styles).group(1))
        styles = re.sub(r'<cellXfs count="[0-9]+">(.*?)</cellXfs>',
                        lambda m: f'<cellXfs count="{count + 1}">{m.group(1)}<xf numFmtId="14" fontId="0" fillId="0" '
                                  f'borderId="0" applyNumberFormat="1"/></cellXfs>', styles, flags=re.S)
        files["xl/styles.xml"] = styles.encode()
        sheet = files["xl/worksheets/sheet1.xml"].decode()
        files["xl/worksheets/sheet1.xml"] = re.sub(rf'<c r="{cell}"[^>]*>', f'<c r="{cell}" s="{count}">', sheet).encode()
        return files

    dated = _rewrite(path, tmp_path / "dated.xlsx", as_date)
    assert openpyxl.load_workbook(dated)["评分"][cell].is_date
    assert f"dated.xlsx 评分!{cell}：甄县 1.1 的得分是日期格式" in refused(data, str(dated))


def test_a_number_saved_with_floating_point_noise_reads_as_typed(data, tmp_path):
    path = make_sheet(data, tmp_path)
    cell = where(path, "zhen-xian", "1.1 得分")

    def noisy(files: dict[str, bytes]) -> dict[str, bytes]:
        sheet = files["xl/worksheets/sheet1.xml"].decode()
        files["xl/worksheets/sheet1.xml"] = re.sub(rf'(<c r="{cell}"[^>]*>)<v>[^<]*</v>', r"\g<1><v>2.2999999999999998</v>",
                                                   sheet).encode()
        return files

    assert run(data.root, "import", str(_rewrite(path, tmp_path / "noisy.xlsx", noisy)))[0] == 0
    assert "  1.1: 2.3    # 联席会议已召开\n" in (data.root / "scores/2011/zhen-xian.yaml").read_text(encoding="utf-8")


# --- editing in place ---------------------------------------------------------------------

@pytest.mark.parametrize("note", [
    "普通说明", "含: 冒号", "含 # 井号", "'单引号'", '"双引号"', "-开头", "- 列表", "=1+1", "@x", "!tag", "&anchor",
    "*alias", "yes", "No", "null", "~", "12", "1.5", "2011-01-01", "{score: 5}", "[1]", "a,b", "反斜杠\\n", "%x",
    "`x`", "?x", "|x", ">x", "“推优入党”", "《规划》", "完成92%", "x: y, note: z", "tab\there",
])
def test_notes_are_written_as_text_that_reads_back_exactly(note):
    text = "county: 甲县\nyear: 2011\nstatus: draft\nscores:\n  1.1: 3\n"
    new = edit_score_text(text, RULES_2011, [UnitValue("1.1", Decimal("2"), note)])
    tree, problems = parse(new, "x.yaml")
    assert problems == [] and isinstance(tree, Mapping)
    node = tree.get("scores").get("1.1").get("note")
    assert node.text == note
    assert node.plain == (note_scalar(note) == note)
    assert new.count("\n") == text.count("\n")


def test_units_are_inserted_in_the_order_of_the_rules_with_the_files_indentation():
    text = "county: 甲县\nyear: 2011\nstatus: draft\nscores:\n    1.2: 1   # c\n    # 二\n    8.1: 5\n"
    new = edit_score_text(text, RULES_2011, [UnitValue("8.2", Decimal(4), ""), UnitValue("1.1", Decimal(3), ""),
                                             UnitValue("1.3", Decimal(1), "x"), UnitValue("2.1", Decimal(2), "")])
    assert new == ("county: 甲县\nyear: 2011\nstatus: draft\nscores:\n    1.1: 3\n    1.2: 1   # c\n"
                   "    1.3: {score: 1, note: x}\n    2.1: 2\n    # 二\n    8.1: 5\n    8.2: 4\n")
    empty = "county: 甲县\nyear: 2011\nstatus: draft\nscores:\n"
    assert edit_score_text(empty, RULES_2011, [UnitValue("5", Decimal(3), "")]) == empty + "  5: 3\n"


def test_random_notes_read_back_exactly_or_are_refused_as_invisible_characters():
    import random
    from scoreboard.sheet_import import read_note
    alphabet = list(":#,[]{}&*!|>'\"%@`~-?=+.0123456789 \t\n\\/") + list("说明扣分：，“”《》（）　") + ["\u2028", "\x07", "\ufeff"]
    chance = random.Random(14)
    unit = RULES_2011.units["1.1"]
    for _ in range(400):
        raw = "".join(chance.choice(alphabet) for _ in range(chance.randint(1, 12)))
        cell = openpyxl.Workbook().active["A1"]
        cell._value, cell.data_type = raw, "s"  # as read from the file: "_x0007_" is read as "\\x07"
        note, refusal = read_note(cell, unit, "甲县", None)
        if refusal or note is None:
            assert note is None and (refusal is None and not raw.strip() or "控制字符" in refusal or "公式" in refusal), raw
            continue
        text = "county: 甲县\nyear: 2011\nstatus: draft\nscores:\n  1.1: 3\n"
        new = edit_score_text(text, RULES_2011, [UnitValue("1.1", Decimal("2"), note)])
        tree, problems = parse(new, "x.yaml")
        assert problems == [], (raw, new)
        assert tree.get("scores").get("1.1").get("note").text == note, (raw, new)


def test_str_cells_read_as_text_and_iso_date_cells_are_refused(data, tmp_path):
    """Other writers' cell types: t="str" (a string without a formula), t="d" (an ISO date)."""
    path = make_sheet(data, tmp_path)
    note, score = where(path, "zhen-xian", "1.1 说明"), where(path, "an-qu", "1.1 得分")

    def retype(files: dict[str, bytes]) -> dict[str, bytes]:
        sheet = files["xl/worksheets/sheet1.xml"].decode()
        sheet = re.sub(rf'<c r="{note}"([^>]*?)(/>|>.*?</c>)', rf'<c r="{note}" t="str"><v>未形成纪要</v></c>', sheet)
        files["xl/worksheets/sheet1.xml"] = sheet.encode()
        return files

    typed = _rewrite(path, tmp_path / "typed.xlsx", retype)
    fill(typed, {("zhen-xian", "1.1 得分"): 2.5})
    assert run(data.root, "import", str(typed))[0] == 0
    assert "  1.1: {score: 2.5, note: 未形成纪要}    # 联席会议已召开\n" in (
        data.root / "scores/2011/zhen-xian.yaml").read_text(encoding="utf-8")

    def dated(files: dict[str, bytes]) -> dict[str, bytes]:
        sheet = files["xl/worksheets/sheet1.xml"].decode()
        sheet = re.sub(rf'<c r="{score}"([^>]*?)(/>|>.*?</c>)', rf'<c r="{score}" t="d"><v>2011-03-01T00:00:00</v></c>', sheet)
        files["xl/worksheets/sheet1.xml"] = sheet.encode()
        return files

    assert f"iso.xlsx 评分!{score}：安区 1.1 的得分是日期格式" in refused(data, str(_rewrite(make_sheet(data, tmp_path, name="x.xlsx"), tmp_path / "iso.xlsx", dated)))
