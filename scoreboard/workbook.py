"""A results workbook (.xlsx) written as its XML parts, for speed and byte-stable output.

The published ``results.xlsx`` is a plain table: text cells, number cells, a bold header
row, frozen panes, column widths. openpyxl writes one cell in about 5 µs, which at 2,900
counties × 100 columns is a second and a half of every build; writing the SpreadsheetML
parts as text takes a tenth of that. The department workbooks (``build.py sheet``), which
need data validation and sheet protection, stay with openpyxl, and the tests read this
workbook back with openpyxl.

Text never becomes a formula here: every text cell is an inline string; one that a
spreadsheet would re-read as a formula once edited (= + - @ tab CR LF first) carries Excel's
quote prefix. Every part and every zip entry is dated by the commit, not the clock.
"""
from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Iterator, Sequence

from .values import FORMULA_STARTS

EPOCH_MIN = 315532800  # 1980-01-01: the earliest date a zip entry can carry
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what an .xlsx cannot hold
STYLE_PLAIN, STYLE_BOLD, STYLE_QUOTED = 0, 1, 2


class Bold(str):
    """A header cell's text."""


Cell = str | Bold | Decimal | int | None  # a Decimal is written exactly, as its own text


@dataclass
class Sheet:
    name: str
    rows: list[Sequence[Cell]] = field(default_factory=list)
    freeze: str | None = None  # the first cell that scrolls, e.g. "D2"
    widths: dict[str, int] = field(default_factory=dict)  # column letter → width in characters


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _xml_text(text: str) -> str:
    return _ILLEGAL.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(reference: str, value: Cell) -> str:
    kind = type(value)
    if kind is Decimal or kind is int:  # most cells: the fast path first
        return f'<c r="{reference}"><v>{value}</v></c>'
    if value is None:
        return ""
    text = str(value)
    style = STYLE_BOLD if isinstance(value, Bold) else STYLE_QUOTED if text.startswith(FORMULA_STARTS + ("\n",)) \
        else STYLE_PLAIN
    space = ' xml:space="preserve"' if text != text.strip() else ""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{reference}"{styled} t="inlineStr"><is><t{space}>{_xml_text(text)}</t></is></c>'


ROWS_PER_PART = 256  # rows joined into one piece of a streamed worksheet


def _sheet_xml_parts(sheet: Sheet) -> Iterator[str]:
    """The worksheet's XML in pieces of a few hundred rows: a national sheet is 20 MB of
    text, and whole (with its rows' list and its UTF-8 copy) it was the peak of a build."""
    letters = [column_letter(i) for i in range(1, max((len(r) for r in sheet.rows), default=0) + 1)]
    views = ""
    if sheet.freeze:
        column, row = re.fullmatch(r"([A-Z]+)([0-9]+)", sheet.freeze).groups()  # type: ignore[union-attr]
        x_split = letters.index(column) if column in letters else 0
        y_split = int(row) - 1
        split = (f' xSplit="{x_split}"' if x_split else "") + (f' ySplit="{y_split}"' if y_split else "")
        pane = "bottomRight" if x_split and y_split else "bottomLeft" if y_split else "topRight"
        views = (f'<sheetViews><sheetView workbookViewId="0"><pane{split} topLeftCell="{sheet.freeze}"'
                 f' activePane="{pane}" state="frozen"/><selection pane="{pane}"/></sheetView></sheetViews>')
    cols = "".join(f'<col min="{letters.index(c) + 1}" max="{letters.index(c) + 1}" width="{w}" customWidth="1"/>'
                   for c, w in sorted(sheet.widths.items(), key=lambda cw: letters.index(cw[0])))
    yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'{views}<sheetFormatPr defaultRowHeight="15"/>{"<cols>" + cols + "</cols>" if cols else ""}'
           '<sheetData>')
    for start in range(0, len(sheet.rows), ROWS_PER_PART):
        body = []
        for number, row in enumerate(sheet.rows[start:start + ROWS_PER_PART], start + 1):
            # Numbers inline (most cells of a results sheet): _cell's fast path, without the call.
            cells = "".join([f'<c r="{letter}{number}"><v>{value}</v></c>' if type(value) is Decimal or type(value) is int
                             else _cell(f"{letter}{number}", value) for letter, value in zip(letters, row)])
            body.append(f'<row r="{number}">{cells}</row>')
        yield "".join(body)
    yield "</sheetData></worksheet>"


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '{sheets}'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    '</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    '</Relationships>')
# Three cell formats: plain, bold (the header), and the quote prefix (text that looks like a formula).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def _workbook_xml(sheets: list[Sheet]) -> str:
    entries = "".join(f'<sheet name="{_xml_text(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, s in enumerate(sheets, 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<bookViews><workbookView/></bookViews><sheets>{entries}</sheets></workbook>')


def _workbook_rels(sheets: list[Sheet]) -> str:
    entries = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    styles = (f'<Relationship Id="rId{len(sheets) + 1}" '
              'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{entries}{styles}'
            '</Relationships>')


def _core_xml(title: str, creator: str, moment: datetime) -> str:
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{_xml_text(title)}</dc:title><dc:creator>{_xml_text(creator)}</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            '</cp:coreProperties>')


_APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        '<Application>build.py</Application></Properties>')


def write_workbook(sheets: list[Sheet], title: str, creator: str, epoch: int | str | None) -> bytes:
    """The .xlsx bytes: the same for the same sheets, title and commit time (seconds)."""
    moment = datetime.fromtimestamp(max(int(epoch or 0), EPOCH_MIN), tz=timezone.utc)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1))
    parts = [("[Content_Types].xml", _CONTENT_TYPES.replace("{sheets}", overrides)),
             ("_rels/.rels", _ROOT_RELS),
             ("docProps/core.xml", _core_xml(title, creator, moment)),
             ("docProps/app.xml", _APP),
             ("xl/workbook.xml", _workbook_xml(sheets)),
             ("xl/_rels/workbook.xml.rels", _workbook_rels(sheets)),
             ("xl/styles.xml", _STYLES),
             *((f"xl/worksheets/sheet{i}.xml", _sheet_xml_parts(s)) for i, s in enumerate(sheets, 1))]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, pieces in parts:
            info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as entry:  # streamed: a worksheet is never whole in memory
                for piece in ([pieces] if isinstance(pieces, str) else pieces):
                    entry.write(piece.encode("utf-8"))
    return buffer.getvalue()


def rows_of(values: Iterable[Sequence[Cell]]) -> list[Sequence[Cell]]:
    return list(values)
