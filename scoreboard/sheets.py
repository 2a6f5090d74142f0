"""Department scoring sheets: ``build.py sheet YEAR --department 名称`` writes an .xlsx workbook.

The departments score in Excel or WPS; the repository stays the single source of truth.
A workbook has one row per county registered that year (in the order of counties.yaml)
and, for every unit the department scores, a score column ``<id> 得分`` and a note column
``<id> 说明``, pre-filled with the current values. ``build.py import`` (sheet_import.py)
reads it back. The layout is declared here once, for both directions.

What a workbook records for the import, on the hidden sheet ``_scoreboard``: the format,
the year and the department it was made for, and every pre-filled value. A cell that
still holds its pre-filled value changes nothing, so a workbook returned late does not
undo what changed in the repository since, and two departments that share an item
conflict only where both changed it.

Every text cell is written as text: a county name or a note that starts with ``=``, ``+``,
``-`` or ``@`` carries Excel's quote prefix, so that it can never become a formula.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .registry import County, Registry
from .rules import Department, Rules, Unit
from .validate import Entry, ScoreSheet
from .values import fmt

if TYPE_CHECKING:  # openpyxl is imported only when a workbook is made or read
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

FORMAT = "scoreboard-sheet"
FORMAT_VERSION = 1
SCORE_SHEET = "评分"
UNITS_SHEET = "评分项"
HELP_SHEET = "填写说明"
META_SHEET = "_scoreboard"
SLUG_HEADER = "标识"
NAME_HEADER = "县市区"
SCORE, NOTE = "得分", "说明"
FIRST_UNIT_COLUMN = 3  # A: slug, B: name, then a score and a note column per unit
META_ROWS = {"format": 1, "year": 2, "department": 3}
META_TABLE_ROW = 5  # the header of the pre-filled values: slug, unit, score, note
HEADER = re.compile(r"\s*(\S+?)\s*(得分|说明)\s*")
# What Excel, WPS and LibreOffice read as the start of a formula when a cell is edited.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what an .xlsx cannot hold


def header(unit_id: str, kind: str) -> str:
    return f"{unit_id} {kind}"


def find_department(rules: Rules, label: str) -> Department | None:
    """The department named ``label``: by its name, its slug or one of its aliases."""
    label = label.strip()
    for department in rules.departments:
        if label in (department.name, department.slug, *department.aliases):
            return department
    return None


def department_units(rules: Rules, department: Department) -> list[Unit]:
    """The units the department scores, in the order of the rules."""
    return [unit for item in rules.items_of_department(department.name) for unit in item.units]


def counties_of(registry: Registry, year: int) -> list[County]:
    """The counties registered for ``year``, in the order of counties.yaml."""
    return sorted(registry.active_in(year), key=lambda c: (c.line, c.column))


def default_filename(year: int, department: Department) -> str:
    return f"{year}-{department.name}.xlsx"


@dataclass(frozen=True)
class SheetContent:
    """What one department's workbook shows: the counties, the units, the current values."""

    rules: Rules
    department: Department
    counties: list[County]
    units: list[Unit]
    entries: dict[str, dict[str, Entry]]  # slug → unit id → the entry in its score file

    def current(self, slug: str, unit_id: str) -> tuple[Decimal | None, str]:
        entry = self.entries.get(slug, {}).get(unit_id)
        return (entry.score, entry.note) if entry else (None, "")


def sheet_content(rules: Rules, registry: Registry, sheets: list[ScoreSheet], department: Department) -> SheetContent:
    by_slug = {s.slug: s.entries for s in sheets}
    return SheetContent(rules, department, counties_of(registry, rules.year), department_units(rules, department),
                        by_slug)


# --- writing ------------------------------------------------------------------------------

def set_text(cell, text: str) -> None:
    """``text`` as a text cell that no spreadsheet turns into a formula."""
    text = _ILLEGAL.sub("", text)
    cell.value = text
    cell.data_type = "s"  # openpyxl makes a string starting with "=" a formula: undo that
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True


def build_workbook(content: SheetContent) -> "Workbook":
    from openpyxl import Workbook

    workbook = Workbook()
    scores = workbook.active
    scores.title = SCORE_SHEET
    _write_scores(scores, content)
    _write_units(workbook.create_sheet(UNITS_SHEET), content)
    _write_help(workbook.create_sheet(HELP_SHEET), content)
    _write_meta(workbook.create_sheet(META_SHEET), content)
    rules, department = content.rules, content.department
    workbook.properties.title = f"{rules.year}年度 {department.name} 评分表"
    workbook.properties.subject = rules.title
    workbook.properties.creator = "build.py sheet"
    workbook.properties.keywords = f"{FORMAT} {rules.year} {department.slug}"
    workbook.active = 0
    return workbook


def _header_style(cell) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor="FFE7E6E6")
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _fit_width(sheet: "Worksheet") -> None:
    """Printed one page wide (as many pages long as it takes)."""
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _protect(sheet: "Worksheet") -> None:
    """Locked cells cannot be edited; columns and rows can still be resized. No password:
    the assessment office can lift the protection (审阅 → 撤销工作表保护) when it must."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _write_scores(sheet: "Worksheet", content: SheetContent) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    rules = content.rules
    step = f"，最小单位 {fmt(rules.score_step)} 分" if rules.score_step else ""
    for column, text in ((1, SLUG_HEADER), (2, NAME_HEADER)):
        set_text(sheet.cell(1, column), text)
        _header_style(sheet.cell(1, column))
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 12
    last_row = len(content.counties) + 1
    unlocked = Protection(locked=False)
    for k, unit in enumerate(content.units):
        score_column = FIRST_UNIT_COLUMN + 2 * k
        note_column = score_column + 1
        score_letter, note_letter = get_column_letter(score_column), get_column_letter(note_column)
        for column, kind in ((score_column, SCORE), (note_column, NOTE)):
            cell = sheet.cell(1, column)
            set_text(cell, header(unit.id, kind))
            _header_style(cell)
        comment = Comment(f"{unit.id}　满分 {fmt(unit.max)} 分{'（加分项）' if unit.is_bonus else ''}\n{unit.text}",
                          "build.py sheet", width=320, height=160)
        sheet.cell(1, score_column).comment = comment
        sheet.column_dimensions[score_letter].width = 9
        sheet.column_dimensions[note_letter].width = 30
        for row, county in enumerate(content.counties, start=2):
            score, note = content.current(county.slug, unit.id)
            score_cell, note_cell = sheet.cell(row, score_column), sheet.cell(row, note_column)
            if score is not None:
                score_cell.value = score
            score_cell.number_format = "General"
            score_cell.protection = unlocked
            if note:
                set_text(note_cell, note)
            note_cell.number_format = "@"  # what is typed stays text: "=…" or "-…" too
            note_cell.protection = unlocked
            note_cell.alignment = Alignment(wrap_text=True, vertical="top")
        if content.counties:
            validation = DataValidation(
                type="decimal", operator="between", formula1="0", formula2=fmt(unit.max), allow_blank=True,
                showErrorMessage=True, showInputMessage=True, errorStyle="stop",
                errorTitle="分值超出范围"[:32], error=f"{unit.id} 的得分应为 0 到 {fmt(unit.max)} 之间的数字{step}。"[:255],
                promptTitle=f"{unit.id} 满分 {fmt(unit.max)} 分"[:32],
                prompt=f"填写实得分（0–{fmt(unit.max)}{step}）；扣分请在右边“说明”中写明原因。"[:255])
            validation.add(f"{score_letter}2:{score_letter}{last_row}")
            sheet.add_data_validation(validation)
    for row, county in enumerate(content.counties, start=2):
        for column, text in ((1, county.slug), (2, county.name)):
            set_text(sheet.cell(row, column), text)
            sheet.cell(row, column).number_format = "@"
    sheet.freeze_panes = "C2"
    sheet.row_dimensions[1].height = 30
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:B"
    _protect(sheet)


def _write_units(sheet: "Worksheet", content: SheetContent) -> None:
    from openpyxl.styles import Alignment

    rules = content.rules
    titles = ("评分项", "满分", "考核内容", "所属条目", "考核部门")
    for column, text in enumerate(titles, start=1):
        set_text(sheet.cell(1, column), text)
        _header_style(sheet.cell(1, column))
    for row, unit in enumerate(content.units, start=2):
        item = rules.items[unit.item_id]
        set_text(sheet.cell(row, 1), unit.id)
        sheet.cell(row, 2).value = unit.max
        set_text(sheet.cell(row, 3), unit.text)
        set_text(sheet.cell(row, 4), f"第{item.id}条" + ("（加分项）" if unit.is_bonus else ""))
        set_text(sheet.cell(row, 5), "、".join(item.departments))
        for column in range(1, 6):
            sheet.cell(row, column).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (8, 7, 70, 14, 24)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    _fit_width(sheet)
    _protect(sheet)


def _write_help(sheet: "Worksheet", content: SheetContent) -> None:
    from openpyxl.styles import Alignment, Font

    rules, department = content.rules, content.department
    step = f"{fmt(rules.score_step)} 分" if rules.score_step else "不限"
    unit_ids = "、".join(u.id for u in content.units)
    lines = [
        (f"{rules.title} · {department.name}评分表", ""),
        ("", ""),
        ("年度", f"{rules.year}"),
        ("考核部门", department.name),
        ("县市区", f"{len(content.counties)} 个（按县市区名单的顺序）"),
        ("评分项", f"{len(content.units)} 个：{unit_ids}"),
        ("", ""),
        ("填写方法", ""),
        ("1", f"在“{SCORE_SHEET}”工作表中，每行一个县市区；每个评分项有两列：“得分”和“说明”。表中已预填当前的分值和说明。"),
        ("2", "只改需要改的格子。扣分时把“得分”改为实得分（不是扣掉的分），并在“说明”中写明扣分原因；扣分原因会在网站上公开。"),
        ("3", f"得分只填数字，在 0 与该项满分之间，最小单位 {step}；不写“分”字，不用公式。各项满分和考核内容见“{UNITS_SHEET}”工作表，"
              "也可以把鼠标停在“得分”列的标题上查看。"),
        ("4", "空着的格子表示不改动该项（原有的说明不会因为格子空着而被删除）。"),
        ("5", "标识、县市区两列和标题行不能修改；请不要增删行列、移动列或改工作表的名称。"),
        ("6", f"本表只用于 {rules.year} 年度、{department.name}的评分，不要用来填写其他年度或其他部门的评分。"),
        ("7", "填好后保存为 .xlsx 格式（WPS：文件 → 另存为 → Excel 工作簿 *.xlsx），发回考核办。"
              "考核办导入后，改动经检查和审核才会公布。"),
    ]
    for row, (label, text) in enumerate(lines, start=1):
        set_text(sheet.cell(row, 1), label)
        set_text(sheet.cell(row, 2), text)
        sheet.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row, 1).alignment = Alignment(vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 100
    _fit_width(sheet)
    _protect(sheet)


def _write_meta(sheet: "Worksheet", content: SheetContent) -> None:
    """The record the import reads: format, year, department, and every pre-filled value."""
    rules = content.rules
    values = {"format": (FORMAT, str(FORMAT_VERSION)), "year": (str(rules.year), ""),
              "department": (content.department.name, "")}
    for key, row in META_ROWS.items():
        set_text(sheet.cell(row, 1), key)
        first, second = values[key]
        set_text(sheet.cell(row, 2), first)
        if second:
            set_text(sheet.cell(row, 3), second)
    for column, text in enumerate(("slug", "unit", "score", "note"), start=1):
        set_text(sheet.cell(META_TABLE_ROW, column), text)
    row = META_TABLE_ROW + 1
    for county in content.counties:
        for unit in content.units:
            score, note = content.current(county.slug, unit.id)
            set_text(sheet.cell(row, 1), county.slug)
            set_text(sheet.cell(row, 2), unit.id)
            set_text(sheet.cell(row, 3), "" if score is None else fmt(score))
            set_text(sheet.cell(row, 4), note)
            row += 1
    sheet.sheet_state = "hidden"
    _protect(sheet)


def write_workbook(content: SheetContent, output: Path) -> Path:
    """Save the workbook through a temporary file beside it: a failure leaves no half file."""
    import os

    workbook = build_workbook(content)
    output.parent.mkdir(parents=True, exist_ok=True)
    temp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        workbook.save(temp)
        os.replace(temp, output)
    finally:
        if temp.exists():
            temp.unlink()
    return output


# --- choosing what to write ---------------------------------------------------------------

def year_problems(project, year: int) -> list:
    """The problems that stop a year's workbooks: its rules, the registry, its score files."""
    own = (f"rules/{year}.yaml", "scores/counties.yaml", f"scores/{year}")
    return [p for p in project.problems if p.path in own or p.path.startswith(f"scores/{year}/")]


def sheet_plan(project, year: int, department_label: str | None, output: Path | None) -> list[tuple[SheetContent, Path]]:
    """The workbooks to write: one department's (``output`` a file), or every department's
    that scores something (``department_label`` None; ``output`` a folder). ValueError for a
    department that does not exist or scores nothing."""
    rules, registry = project.rules[year], project.registry
    if department_label is not None:
        department = find_department(rules, department_label)
        if department is None:
            names = "、".join(d.name for d in rules.departments)
            raise ValueError(f"{year} 年细则中没有考核部门“{department_label}”（有：{names}）")
        departments = [department]
    else:
        departments = list(rules.departments)
    planned = []
    for department in departments:
        content = sheet_content(rules, registry, project.sheets.get(year, []), department)
        if not content.units:
            if department_label is not None:
                raise ValueError(f"{department.name}在 {year} 年细则中没有考核的评分项")
            continue
        if department_label is not None and output is not None and not output.is_dir():
            path = output
        else:
            path = (output or Path(".")) / default_filename(year, department)
        planned.append((content, path))
    return planned
