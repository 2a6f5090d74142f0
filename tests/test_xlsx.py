"""results.xlsx, read back with openpyxl: ids and names are text cells (a header ``1.1``
stays text, unlike in a CSV that LibreOffice guesses at), scores are numbers equal to the
CSV's, the header row is frozen, text that looks like a formula stays text, and the bytes
depend only on the results and the commit."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import ProjectDir
from sitebuild import build


def workbook(path: Path):
    return openpyxl.load_workbook(path)


def csv_rows(site: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO((site / "2011" / "results.csv").read_text(encoding="utf-8-sig"))))


def test_the_workbook_holds_the_csv_with_text_ids_and_number_scores(fixture_site: Path) -> None:
    book = workbook(fixture_site / "2011" / "results.xlsx")
    assert book.sheetnames == ["成绩", "扣分说明"]
    sheet = book["成绩"]
    rows = csv_rows(fixture_site)
    assert sheet.max_row == len(rows) and sheet.max_column == len(rows[0])
    header = [cell for cell in sheet[1]]
    assert [c.value for c in header] == rows[0]
    assert all(c.data_type == "s" for c in header)
    assert "1.1" in rows[0] and isinstance(header[rows[0].index("1.1")].value, str)
    for cells, expected in zip(sheet.iter_rows(min_row=2), rows[1:]):
        assert cells[0].value == int(expected[0])  # rank
        assert [c.value for c in cells[1:4]] == expected[1:4] and all(c.data_type == "s" for c in cells[1:4])
        for cell, text in zip(cells[4:], expected[4:]):
            if text == "":
                assert cell.value is None
            else:
                assert cell.data_type == "n" and Decimal(str(cell.value)) == Decimal(text), (cell.coordinate, text)
    assert sheet.freeze_panes == "D2"


def test_the_notes_sheet_lists_every_note(fixture_site: Path) -> None:
    import json
    results = json.loads((fixture_site / "2011" / "results.json").read_text(encoding="utf-8"))
    expected = [(c["slug"], unit, note) for c in results["counties"] for unit, note in c["notes"].items()]
    sheet = workbook(fixture_site / "2011" / "results.xlsx")["扣分说明"]
    assert [c.value for c in sheet[1]] == ["标识", "县市区", "评分项", "得分", "满分", "说明"]
    found = [(r[0].value, r[2].value, r[5].value) for r in sheet.iter_rows(min_row=2)]
    assert found == expected and expected
    assert sheet.freeze_panes == "A2"


def test_listed_for_download_and_in_the_checksums(fixture_site: Path) -> None:
    page = (fixture_site / "2011" / "downloads.html").read_text(encoding="utf-8")
    assert '<a href="../2011/results.xlsx" download>results.xlsx</a>' in page
    sums = (fixture_site / "SHA256SUMS").read_text(encoding="utf-8")
    assert "  2011/results.xlsx\n" in sums


def test_dated_by_the_commit_not_the_clock(sample_site: Path, sample_project: Path) -> None:
    """The sample is one commit of 2012-01-05 10:00 +08:00: the workbook says so, inside
    (document properties) and out (every zip entry), whenever it is built."""
    path = sample_site / "2011" / "results.xlsx"
    book = workbook(path)
    moment = datetime(2012, 1, 5, 2, 0, 0)
    assert book.properties.created == moment and book.properties.modified == moment
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2012, 1, 5, 2, 0, 0)}


def test_same_results_same_bytes(tmp_path: Path, fixture_site: Path) -> None:
    from sitebuild import fixture_project
    root = fixture_project(tmp_path / "p")
    assert build(root, tmp_path / "again")[0] == 0
    assert (tmp_path / "again" / "2011" / "results.xlsx").read_bytes() == \
        (fixture_site / "2011" / "results.xlsx").read_bytes()


@pytest.mark.parametrize("note", ["=HYPERLINK(\"http://x\",\"点我\")", "+1", "-0.5分 扣分", "@SUM(A1)"])
def test_formula_looking_notes_stay_text(project: ProjectDir, tmp_path: Path, note: str) -> None:
    project.add_county("luyu-xian", "鹭屿县", deductions={"1.1": f"{{score: 2, note: '{note}'}}"})
    code, output = build(project.root, tmp_path / "site")
    assert code == 0, output
    sheet = workbook(tmp_path / "site" / "2011" / "results.xlsx")["扣分说明"]
    [row] = [r for r in sheet.iter_rows(min_row=2) if r[2].value == "1.1"]
    cell = row[5]
    assert cell.value == note and cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(tmp_path / "site" / "2011" / "results.xlsx") as archive:
        sheets = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets  # no formula anywhere
