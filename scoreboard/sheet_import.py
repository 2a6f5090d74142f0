"""``build.py import FILE.xlsx …``: filled department workbooks back into the score files.

Reads every workbook completely before anything is written, and refuses, with the file,
the sheet, the cell and a Chinese message, whatever it cannot take as it stands: a
workbook not made by ``build.py sheet`` or made for another year, a county or a unit that
is not in the registry or the rules, a unit the department does not score, a value that
is not a number or out of range, a formula, a date, two workbooks setting one unit
differently, a unit changed in the repository since the workbook was made. One refusal
and nothing is written.

Cell content is untrusted: it is read as values, never evaluated (formulas are refused,
not computed), and a note goes into YAML as plain text (score_edit.note_scalar).

A cell counts as set when it is not empty and differs from the value the workbook was
made with (recorded on its hidden sheet): an empty cell, or one left as it was, changes
nothing. What is set is written by score_edit, which changes only the lines of the units
that change; the new files are checked before they are written, the whole project after.
"""
from __future__ import annotations

import datetime
import os
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .diff import ResultsDiff, _unit_text, compare
from .load import Scalar, decode, parse
from .project import Project, check_project, display
from .registry import County
from .rules import DEFAULT_NOTE_MAX_LENGTH, Department, Rules, Unit
from .score_edit import EditError, UnitValue, edit_score_text
from .sheets import (FIRST_UNIT_COLUMN, FORMAT, FORMAT_VERSION, HEADER, META_ROWS, META_SHEET, META_TABLE_ROW,
                     NAME_HEADER, NOTE, SCORE, SCORE_SHEET, SLUG_HEADER, department_units, find_department)
from .validate import ScoreSheet, validate_sheet
from .values import DECIMAL_TEXT, fmt, is_multiple, note_refusal, number_refusal

SCORE_FIELD, NOTE_FIELD = "score", "note"
_FIELD_WORDS = {SCORE_FIELD: "得分", NOTE_FIELD: "说明"}
_FLOAT_NOISE = Decimal("1e-9")  # binary floating point: 4.5 may be saved as 4.4999999999999991
MAX_UNPACKED = 200 * 1024 * 1024  # a national workbook unpacks to a few MB; more is no scoring sheet


@dataclass(frozen=True)
class Where:
    """A place in a workbook: the file, and a sheet and cell when there is one."""

    file: str
    sheet: str = ""
    cell: str = ""

    def __str__(self) -> str:
        if self.cell:
            return f"{self.file} {self.sheet}!{self.cell}"
        if self.sheet:
            return f"{self.file} 工作表“{self.sheet}”"
        return self.file


@dataclass(frozen=True)
class Refusal:
    where: Where
    message: str

    def __str__(self) -> str:
        return f"{self.where}：{self.message}"


@dataclass(frozen=True)
class Setting:
    """One value a workbook sets: a unit's score or note for one county."""

    slug: str
    unit_id: str
    field: str
    value: Decimal | str
    original: Decimal | str | None  # what the workbook was made with; None: no record
    recorded: bool
    where: Where


@dataclass
class Workbook:
    """What was read from one workbook."""

    file: str
    year: int
    department: Department
    counties: int = 0
    settings: list[Setting] = field(default_factory=list)


@dataclass
class ImportResult:
    refusals: list[Refusal] = field(default_factory=list)
    workbooks: list[Workbook] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    project: Project | None = None  # the project checked after writing
    diff: ResultsDiff | None = None

    @property
    def year(self) -> int | None:
        return self.workbooks[0].year if self.workbooks else None


# --- reading cells ------------------------------------------------------------------------

def _is_formula(cell) -> bool:
    value = cell.value
    return cell.data_type == "f" or (isinstance(value, str) and value.lstrip().startswith("="))


def _is_date(cell) -> bool:
    return isinstance(cell.value, (datetime.date, datetime.time, datetime.timedelta)) or bool(
        getattr(cell, "is_date", False) and cell.value is not None)


def _refuse_kind(cell, what: str) -> str | None:
    """Why a cell's kind of content cannot be read as ``what`` (None: it can be looked at)."""
    if _is_formula(cell):
        formula = getattr(cell.value, "text", None) or cell.value  # an array formula is an object
        return f"{what}是公式“{formula}”：请直接填写，不要用公式（公式不会被计算）"
    if cell.data_type == "e":
        return f"{what}是错误值“{cell.value}”"
    if isinstance(cell.value, bool) or cell.data_type == "b":
        return f"{what}是是非值（TRUE/FALSE）"
    if _is_date(cell):
        return f"{what}是日期格式，读不出填写的内容：请把单元格格式改为“常规”（数字）或“文本”后重新填写"
    return None


def _number(value: int | float | Decimal) -> Decimal | None:
    try:
        number = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def read_score(cell, unit: Unit, rules: Rules, label: str) -> tuple[Decimal | None, str | None]:
    """The score in ``cell`` (None when empty), or the reason it is refused."""
    what = f"{label} {unit.id} 的得分"
    if cell is None or cell.value is None:
        return None, None
    refusal = _refuse_kind(cell, what)
    if refusal:
        return None, refusal
    value = cell.value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, None
        if not DECIMAL_TEXT.fullmatch(text):
            message, hint = number_refusal(Scalar(text, 0, 0, True)) or (f"“{text}”不是数字", "")
            return None, f"{what}：{message}" + (f"（{hint}）" if hint else "")
        number = Decimal(text)
    elif isinstance(value, (int, float, Decimal)):
        if "%" in (cell.number_format or ""):
            return None, f"{what}是百分比格式：请把单元格格式改为“常规”后填写分值"
        number = _number(value)
        if number is None:
            return None, f"{what}不是数字"
    else:
        return None, f"{what}无法识别"
    step = rules.score_step
    if step and not is_multiple(number, step) and isinstance(value, float):
        nearest = (number / step).to_integral_value() * step
        if abs(number - nearest) <= _FLOAT_NOISE:
            number = nearest
    number = Decimal(fmt(number)) if number != 0 else Decimal(0)
    if number < 0 or number > unit.max:
        return None, f"{what} {fmt(number)} 超出范围：应在 0 到 {fmt(unit.max)} 之间"
    if step and not is_multiple(number, step):
        return None, f"{what} {fmt(number)} 不是 {fmt(step)} 的整数倍（{rules.year}年细则的评分最小单位是 {fmt(step)} 分）"
    return number, None


def _bad_character(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ch in "\ufeff\ufffe\uffff" for ch in text)


def read_note(cell, unit: Unit, label: str, original: str | None,
              limit: int = DEFAULT_NOTE_MAX_LENGTH) -> tuple[str | None, str | None]:
    """The note in ``cell`` (None when empty), or the reason it is refused. Line breaks and
    tabs become spaces: a note is one line of the score file."""
    what = f"{label} {unit.id} 的说明"
    if cell is None or cell.value is None:
        return None, None
    value = cell.value
    if isinstance(value, str) and value.strip() == original and not cell.data_type == "f":
        return original, None  # as it was made: whatever it holds, it is the file's own text
    refusal = _refuse_kind(cell, what)
    if refusal:
        return None, refusal
    if isinstance(value, str):
        text = value
    elif isinstance(value, (int, float, Decimal)):
        number = _number(value)
        if number is None:
            return None, f"{what}无法识别"
        text = fmt(number)
    else:
        return None, f"{what}无法识别"
    text = " ".join(text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n")).strip()
    if not text:
        return None, None
    if _bad_character(text):
        return None, f"{what}含有不可见的控制字符，请删除后重新输入"
    refusal = note_refusal(text, limit)  # what the check refuses in a note, said at the cell
    if refusal:
        _, message, hint = refusal
        return None, f"{label} {unit.id} 的{message}（{hint}）"
    return text, None


def _filled(cell) -> bool:
    value = cell.value
    return value is not None and not (isinstance(value, str) and not value.strip())


def _text(cell) -> str:
    """A cell read as text (identifiers, names, the record): '' when empty."""
    if cell is None or cell.value is None:
        return ""
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- reading workbooks --------------------------------------------------------------------

def _cells_by_row(sheet) -> dict[int, dict[int, object]]:
    """The cells a sheet holds, by row and column. Only cells that exist are visited (a
    sheet formatted down to row 1,048,576 holds no more of them)."""
    rows: dict[int, dict[int, object]] = {}
    for (row, column), cell in sheet._cells.items():  # openpyxl's store of the cells read
        rows.setdefault(row, {})[column] = cell
    return rows


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(column)


def _open(path: Path, shown: str):
    import openpyxl

    suffix = path.suffix.lower()
    if suffix in (".xls", ".et", ".ett", ".ods", ".csv"):
        return None, f"是 {suffix} 格式，不是 .xlsx：请在 WPS 或 Excel 中“另存为”Excel 工作簿（*.xlsx）后再导入"
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except OSError as exc:
        return None, f"无法读取：{exc.strerror or exc}"
    except zipfile.BadZipFile:
        return None, "无法读取：不是有效的 .xlsx 工作簿（WPS 请“另存为”Excel 工作簿 *.xlsx）"
    if unpacked > MAX_UNPACKED:
        return None, f"解压后有 {unpacked // 1024 // 1024} MB，不像是评分表，没有读取"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "data validation extension is not supported" and the like
            return openpyxl.load_workbook(path, data_only=False, keep_links=False, rich_text=False), None
    except OSError as exc:
        return None, f"无法读取：{exc.strerror or exc}"
    except Exception:  # noqa: BLE001 - any failure to parse an untrusted file is the same answer
        return None, "无法读取：不是有效的 .xlsx 工作簿（WPS 请“另存为”Excel 工作簿 *.xlsx）"


def _read_record(book, shown: str, project: Project) -> tuple[int | None, Rules | None, Department | None,
                                                              dict[tuple[str, str], tuple[Decimal | None, str]],
                                                              list[Refusal]]:
    """The hidden sheet: format, year, department, and the values the workbook was made with."""
    nothing = (None, None, None, {}, [])
    if META_SHEET not in book.sheetnames or _text(book[META_SHEET].cell(META_ROWS["format"], 2)) != FORMAT:
        return (*nothing[:4], [Refusal(Where(shown), f"不是由 build.py sheet 生成的评分表（缺少隐藏的工作表“{META_SHEET}”），"
                                                    "无法确定年度和考核部门：请用 build.py sheet 生成的表格填写")])
    meta = book[META_SHEET]
    version = _text(meta.cell(META_ROWS["format"], 3))
    if not version.isdigit() or int(version) > FORMAT_VERSION:
        return (*nothing[:4], [Refusal(Where(shown, META_SHEET, "C1"), f"评分表的格式版本“{version}”不认识：请更新本程序")])
    year_text = _text(meta.cell(META_ROWS["year"], 2))
    year_where = Where(shown, META_SHEET, f"B{META_ROWS['year']}")
    if not (year_text.isdigit() and len(year_text) == 4):
        return (*nothing[:4], [Refusal(year_where, f"记录的年度“{year_text}”不是四位年份")])
    year = int(year_text)
    rules = project.rules.get(year)
    if rules is None:
        have = "、".join(map(str, project.years)) or "无"
        return (*nothing[:4], [Refusal(year_where, f"此表是为 {year} 年度生成的，但没有 {year} 年度的考核细则 rules/{year}.yaml"
                                                   f"（现有：{have}）")])
    label = _text(meta.cell(META_ROWS["department"], 2))
    department = find_department(rules, label)
    if department is None:
        return (year, rules, None, {}, [Refusal(Where(shown, META_SHEET, f"B{META_ROWS['department']}"),
                                                f"考核部门“{label}”不在 {year} 年细则的部门名单中")])
    originals: dict[tuple[str, str], tuple[Decimal | None, str]] = {}
    for row, cells in sorted(_cells_by_row(meta).items()):
        if row <= META_TABLE_ROW:
            continue
        slug, unit_id = _text(cells.get(1)), _text(cells.get(2))
        score_text, note = _text(cells.get(3)), _text(cells.get(4))
        score = Decimal(score_text) if DECIMAL_TEXT.fullmatch(score_text) else None
        if slug and unit_id:
            originals[(slug, unit_id)] = (score, note)
    return year, rules, department, originals, []


def _read_columns(header_row: dict[int, object], rows: dict[int, dict[int, object]], shown: str, rules: Rules,
                  department: Department) -> tuple[dict[int, tuple[Unit, str]], list[Refusal]]:
    """The unit and kind (得分/说明) of each column, from the header row."""
    refusals: list[Refusal] = []
    mine = {u.id for u in department_units(rules, department)}
    columns: dict[int, tuple[Unit, str]] = {}
    seen: dict[tuple[str, str], str] = {}
    for column, expected in ((1, SLUG_HEADER), (2, NAME_HEADER)):
        if _text(header_row.get(column)) != expected:
            refusals.append(Refusal(Where(shown, SCORE_SHEET, f"{_letter(column)}1"),
                                    f"标题应为“{expected}”：请不要移动、增删或改动标识和县市区两列"))
    last = max([c for cells in rows.values() for c in cells] + [0])
    for column in range(FIRST_UNIT_COLUMN, last + 1):
        where = Where(shown, SCORE_SHEET, f"{_letter(column)}1")
        cell = header_row.get(column)
        if cell is not None and _is_formula(cell):
            refusals.append(Refusal(where, "列标题不能是公式"))
            continue
        title = _text(cell)
        if not title:
            used = [r for r, cells in rows.items() if r > 1 and _text(cells.get(column))]
            if used:
                refusals.append(Refusal(Where(shown, SCORE_SHEET, f"{_letter(column)}{min(used)}"),
                                        "这一列有内容，但没有列标题，无法确定是哪个评分项"))
            continue
        match = HEADER.fullmatch(title)
        if not match:
            refusals.append(Refusal(where, f"列标题“{title}”应为“评分项 {SCORE}”或“评分项 {NOTE}”，例如“1.1 {SCORE}”"))
            continue
        unit_id, kind = match.groups()
        if unit_id not in rules.units:
            if unit_id in rules.items:
                parts = rules.items[unit_id].parts
                message = f"第{unit_id}条分为{parts[0].id}–{parts[-1].id}，不能整体评分"
            else:
                message = f"“{unit_id}”不是 {rules.year} 年细则中的评分项"
            refusals.append(Refusal(where, message))
            continue
        if unit_id not in mine:
            others = "、".join(rules.items[rules.units[unit_id].item_id].departments)
            refusals.append(Refusal(where, f"{unit_id} 不由{department.name}考核（考核部门：{others}），"
                                           f"不能在{department.name}的评分表中填写"))
            continue
        if (unit_id, kind) in seen:
            refusals.append(Refusal(where, f"列标题“{title}”与 {seen[(unit_id, kind)]} 重复"))
            continue
        seen[(unit_id, kind)] = where.cell
        columns[column] = (rules.units[unit_id], kind)
    return columns, refusals


def read_workbook(path: Path, shown: str, project: Project) -> tuple[Workbook | None, list[Refusal]]:
    """Everything one workbook sets, or the refusals that stop it."""
    book, failure = _open(path, shown)
    if book is None:
        return None, [Refusal(Where(shown), failure)]
    year, rules, department, originals, refusals = _read_record(book, shown, project)
    if refusals:
        return None, refusals
    assert rules is not None and department is not None and year is not None
    if SCORE_SHEET not in book.sheetnames:
        return None, [Refusal(Where(shown), f"找不到工作表“{SCORE_SHEET}”：请不要改工作表的名称")]
    registry = project.registry
    if registry is None:
        return None, [Refusal(Where(shown), "县市区名单 scores/counties.yaml 有错误，请先运行 build.py check 修正")]
    rows = _cells_by_row(book[SCORE_SHEET])
    columns, refusals = _read_columns(rows.get(1, {}), rows, shown, rules, department)
    result = Workbook(shown, year, department)
    files = {s.slug: s for s in project.sheets.get(year, [])}
    seen_rows: dict[str, int] = {}
    for row, cells in sorted(rows.items()):
        if row == 1 or not any(_filled(c) for c in cells.values()):
            continue
        county = _read_county(cells, row, shown, year, registry, files, project, seen_rows, refusals)
        if county is None:
            continue
        result.counties += 1
        for column, (unit, kind) in sorted(columns.items()):
            recorded = (county.slug, unit.id) in originals
            original_score, original_note = originals.get((county.slug, unit.id), (None, ""))
            where = Where(shown, SCORE_SHEET, f"{_letter(column)}{row}")
            if kind == SCORE:
                value, refusal = read_score(cells.get(column), unit, rules, county.name)
                original: Decimal | str | None = original_score
            else:
                value, refusal = read_note(cells.get(column), unit, county.name, original_note if recorded else None,
                                           getattr(rules, "note_max_length", DEFAULT_NOTE_MAX_LENGTH))
                original = original_note
            if refusal:
                refusals.append(Refusal(where, refusal))
            elif value is not None and (not recorded or value != original):
                field_name = SCORE_FIELD if kind == SCORE else NOTE_FIELD
                result.settings.append(Setting(county.slug, unit.id, field_name, value, original, recorded, where))
    return (None if refusals else result), refusals


def _read_county(cells: dict[int, object], row: int, shown: str, year: int, registry, files: dict[str, ScoreSheet],
                 project: Project, seen_rows: dict[str, int], refusals: list[Refusal]) -> County | None:
    slug_where = Where(shown, SCORE_SHEET, f"A{row}")
    slug_cell, name_cell = cells.get(1), cells.get(2)
    for cell, where in ((slug_cell, slug_where), (name_cell, Where(shown, SCORE_SHEET, f"B{row}"))):
        if cell is not None and cell.data_type == "f":  # text is compared with the registry as it is
            refusals.append(Refusal(where, "不能是公式"))
            return None
    slug, name = _text(slug_cell), _text(name_cell)
    if not slug:
        refusals.append(Refusal(slug_where, "这一行填了内容，但没有县市区标识"))
        return None
    county = registry.counties.get(slug)
    if county is None:
        by_name = [c.slug for c in registry.counties.values() if c.name == name]
        hint = f"（名单中“{name}”的标识是 {by_name[0]}）" if by_name else ""
        refusals.append(Refusal(slug_where, f"“{slug}”不是县市区名单 counties.yaml 中登记的县市区{hint}"))
        return None
    if not county.active_in(year):
        span = f"{county.from_year or '…'}–{county.until_year or '…'}"
        refusals.append(Refusal(slug_where, f"{county.name}（{slug}）在 counties.yaml 中登记的年份为 {span}，不参加 {year} 年度考核"))
        return None
    if name and name != county.name:
        refusals.append(Refusal(Where(shown, SCORE_SHEET, f"B{row}"),
                                f"县市区名称“{name}”与标识 {slug} 登记的名称“{county.name}”不一致"))
        return None
    if slug in seen_rows:
        refusals.append(Refusal(slug_where, f"{county.name}（{slug}）在第 {seen_rows[slug]} 行已经出现过"))
        return None
    seen_rows[slug] = row
    if slug not in files:
        path = project.root / "scores" / str(year) / f"{slug}.yaml"
        reason = "有错误，请先运行 build.py check 修正" if path.exists() else "不存在，请先用 build.py new 新建"
        refusals.append(Refusal(slug_where, f"评分文件 scores/{year}/{slug}.yaml {reason}"))
        return None
    return county


# --- from settings to files ---------------------------------------------------------------

def _shown(value: Decimal | str | None) -> str:
    if value is None or value == "":
        return "（空）"
    return fmt(value) if isinstance(value, Decimal) else f"“{value}”"


def _merge(workbooks: list[Workbook], refusals: list[Refusal]) -> dict[tuple[str, str, str], Setting]:
    """One setting per county, unit and field; two workbooks that disagree are refused."""
    chosen: dict[tuple[str, str, str], Setting] = {}
    for book in workbooks:
        for setting in book.settings:
            key = (setting.slug, setting.unit_id, setting.field)
            earlier = chosen.get(key)
            if earlier is None:
                chosen[key] = setting
            elif earlier.value != setting.value:
                word = _FIELD_WORDS[setting.field]
                refusals.append(Refusal(setting.where, f"{setting.unit_id} 的{word}填的是 {_shown(setting.value)}，"
                                                       f"与 {earlier.where} 填的 {_shown(earlier.value)} 不同：请两处统一后再导入"))
    return chosen


def _plan(chosen: dict[tuple[str, str, str], Setting], sheets: dict[str, ScoreSheet],
          refusals: list[Refusal]) -> dict[str, list[UnitValue]]:
    """What each county's units become; a unit changed in the repository since the workbook
    was made, and set to something else in it, is refused."""
    by_county: dict[str, dict[str, dict[str, Setting]]] = {}
    for (slug, unit_id, field_name), setting in chosen.items():
        by_county.setdefault(slug, {}).setdefault(unit_id, {})[field_name] = setting
    plan: dict[str, list[UnitValue]] = {}
    for slug, units in by_county.items():
        sheet = sheets[slug]
        for unit_id, fields in units.items():
            entry = sheet.entries.get(unit_id)
            current = {SCORE_FIELD: entry.score if entry else None, NOTE_FIELD: entry.note if entry else ""}
            target = dict(current)
            stale = False
            for field_name, setting in fields.items():
                now = current[field_name]
                if setting.value == now:
                    continue
                if setting.recorded and setting.original != now:
                    word = _FIELD_WORDS[field_name]
                    refusals.append(Refusal(setting.where, (
                        f"生成此表之后，{sheet.name} {unit_id} 的{word}在评分文件中已由 {_shown(setting.original)} "
                        f"改为 {_shown(now)}，表中填的是 {_shown(setting.value)}：请核对后用 build.py sheet 重新生成评分表再填写")))
                    stale = True
                target[field_name] = setting.value
            if stale or target == current:
                continue
            if target[SCORE_FIELD] is None:
                where = fields[NOTE_FIELD].where
                refusals.append(Refusal(where, f"{sheet.name} {unit_id} 在评分文件中还没有分值：填写说明时请同时填写得分"))
                continue
            plan.setdefault(slug, []).append(UnitValue(unit_id, target[SCORE_FIELD], target[NOTE_FIELD]))
    return plan


def _new_texts(root: Path, year: int, rules: Rules, project: Project, sheets: dict[str, ScoreSheet],
               plan: dict[str, list[UnitValue]], refusals: list[Refusal]) -> dict[Path, bytes]:
    """The new bytes of every file to change, each checked as ``build.py check`` would."""
    out: dict[Path, bytes] = {}
    for slug, values in sorted(plan.items()):
        path = root / "scores" / str(year) / f"{slug}.yaml"
        shown = display(root, path)
        data = path.read_bytes()
        bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        text, _ = decode(data, shown)
        try:
            new_text = edit_score_text(text or "", rules, values)
        except EditError as exc:
            refusals.append(Refusal(Where(shown), f"无法自动修改：{exc}；请手工修改这个文件"))
            continue
        tree, problems = parse(new_text, shown)
        sheet, more = validate_sheet(tree, shown, slug, year, rules, project.registry) if tree is not None else (None, [])
        errors = [p for p in problems + more if p.is_error]
        if sheet is None or errors:
            refusals += [Refusal(Where(shown), f"修改后第 {p.line} 行有错误：{p.code} {p.message}") for p in errors]
            continue
        wanted = {v.unit_id: (v.score, v.note) for v in values}
        before = sheets[slug]
        for unit_id in set(sheet.entries) | set(before.entries):
            entry = sheet.entries.get(unit_id)
            got = (entry.score, entry.note) if entry else None
            old = before.entries.get(unit_id)
            expected = wanted.get(unit_id, (old.score, old.note) if old else None)
            if got != expected:  # a bug: refuse rather than write a file that says something else
                refusals.append(Refusal(Where(shown), f"内部错误：修改后 {unit_id} 读出的值与预期不符，未写入"))
                break
        else:
            out[path] = bom + new_text.encode("utf-8")
    return out


def _write(files: dict[Path, bytes]) -> None:
    """Each file through a temporary file beside it; all are prepared before any replaces."""
    temps: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            temp = path.with_name(f".{path.name}.{os.getpid()}.import")
            temp.write_bytes(data)
            os.chmod(temp, os.stat(path).st_mode & 0o7777)
            temps.append((temp, path))
        for temp, path in temps:
            os.replace(temp, path)
    finally:
        for temp, _ in temps:
            if temp.exists():
                temp.unlink()


def import_workbooks(root: Path, paths: list[Path], year: int | None = None) -> ImportResult:
    """Read every workbook, refuse or write, then check the project and compare."""
    result = ImportResult()
    before = check_project(root)
    for path in paths:
        book, refusals = read_workbook(path, path.name if len({p.name for p in paths}) == len(paths) else str(path),
                                       before)
        result.refusals += refusals
        if book is not None:
            result.workbooks.append(book)
    wanted = year if year is not None else (result.workbooks[0].year if result.workbooks else None)
    for book in result.workbooks:
        if book.year != wanted:
            where = Where(book.file, META_SHEET, f"B{META_ROWS['year']}")
            reason = f"本次导入指定的是 --year {year}" if year is not None else \
                f"与 {result.workbooks[0].file} 的 {wanted} 年度不同：不同年度的评分表请分别导入"
            result.refusals.append(Refusal(where, f"此表是为 {book.year} 年度生成的评分表，{reason}"))
    if result.refusals or not result.workbooks:
        return result
    assert wanted is not None
    rules = before.rules[wanted]
    chosen = _merge(result.workbooks, result.refusals)
    sheets = {s.slug: s for s in before.sheets.get(wanted, [])}
    plan = _plan(chosen, sheets, result.refusals)
    files = _new_texts(root, wanted, rules, before, sheets, plan, result.refusals)
    if result.refusals or not files:
        return result
    _write(files)
    result.written = [display(root, p) for p in files]
    result.project = check_project(root)
    result.diff = compare(before, result.project, "导入前", "导入后")
    return result


# --- words --------------------------------------------------------------------------------

def refusal_text(result: ImportResult) -> str:
    lines = [str(r) for r in result.refusals]
    lines.append(f"共 {len(result.refusals)} 处问题，没有写入任何文件。")
    return "\n".join(lines) + "\n"


def commit_message(result: ImportResult) -> str:
    """A commit message naming the departments and the workbooks, listing every change."""
    diff = result.diff
    departments = list(dict.fromkeys(b.department.name for b in result.workbooks))
    changes = [(c, u) for c in (diff.counties if diff else []) for u in c.units]
    counties = len({c.slug for c, _ in changes})
    lines = [f"{result.year}年度评分：导入{'、'.join(departments)}的评分表（{counties} 个县市区，{len(changes)} 项）", ""]
    for book in result.workbooks:
        lines.append(f"评分表：{book.file}（{book.department.name}）")
    lines.append("")
    lines += [f"{county.name} {_unit_text(unit)}" for county, unit in changes]
    return "\n".join(lines) + "\n"
