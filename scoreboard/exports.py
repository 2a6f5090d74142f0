"""Machine-readable results beside the pages: results.json, results.csv, results.xlsx, rules.json.

Every number is written from the same Decimal the pages show, as exact text: JSON numbers
like 99.5 (never 99.49999), CSV cells the same. The CSV starts with a byte-order mark so
that Excel opens the Chinese headers correctly. The workbook is for the spreadsheets that
guess otherwise (LibreOffice ignores the mark unless told the encoding, and reads a header
such as ``1.1`` as a number): its ids and names are text cells, its scores number cells.
"""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from .compare import CountyComparison, YearComparison
from .rules import Rules
from .score import Standing, YearResults
from .values import fmt, spreadsheet_text
from .workbook import Bold, Sheet, write_workbook


_NUMBER = "\ue000"  # a private-use mark around each Decimal while the C encoder runs


def to_json(value: Any, compact: bool = False) -> str:
    """JSON with Decimals written as exact numbers (99.5, never 99.49999); key order kept.

    The standard encoder writes each Decimal as a marked string, and the marks and quotes
    are then removed: exact text, at the speed of the C encoder. Should some text in the
    data contain the mark itself (notes are anyone's input), the slow exact path is taken.
    """
    marked = 0

    def mark(number: Any) -> str:
        nonlocal marked
        if not isinstance(number, Decimal):
            raise TypeError(f"not JSON serializable: {type(number).__name__}")
        marked += 1
        return _NUMBER + fmt(number) + _NUMBER

    # No indent for big documents: with an indent, json falls back to its Python encoder.
    layout = {"separators": (",", ":")} if compact else {"indent": 1}
    text = json.dumps(value, ensure_ascii=False, default=mark, **layout)
    if text.count(_NUMBER) != 2 * marked:
        return _slow_json(value, compact=compact)
    # Every mark is one of ours (counted above), each pair around a number: "\ue000" "99.5" "\ue000"
    return text.replace('"' + _NUMBER, "").replace(_NUMBER + '"', "")


def _slow_json(value: Any, indent: int = 0, compact: bool = False) -> str:
    """The same output as ``to_json``, built piece by piece."""
    pad, inner = ("", "") if compact else (" " * indent, " " * (indent + 1))
    newline, colon = ("", ":") if compact else ("\n", ": ")
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        body = ("," + newline).join(
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}{colon}{_slow_json(v, indent + 1, compact)}"
            for k, v in value.items())
        return "{" + newline + body + newline + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        body = ("," + newline).join(inner + _slow_json(v, indent + 1, compact) for v in value)
        return "[" + newline + body + newline + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def change_record(comparison: CountyComparison | None) -> dict[str, Any]:
    """Last year's total and rank and the changes since; all null when there is no result
    the year before (a new county, the first year, a gap year)."""
    if comparison is None or comparison.previous is None:
        return {"previous_total": None, "previous_rank": None, "total_change": None, "rank_change": None}
    return {"previous_total": comparison.previous_total, "previous_rank": comparison.previous_rank,
            "total_change": comparison.total_change, "rank_change": comparison.rank_change}


def _change_cells(comparison: CountyComparison | None) -> list[int | Decimal | None]:
    """The CSV's and the workbook's 上年名次, 名次变化, 上年总分, 总分变化, in that order."""
    record = change_record(comparison)
    return [record["previous_rank"], record["rank_change"], record["previous_total"], record["total_change"]]


def _csv_number(value: int | Decimal | None) -> str:
    """A change cell: empty for none, a rank as an integer, points as exact decimal text."""
    if value is None:
        return ""
    return fmt(value) if isinstance(value, Decimal) else str(value)


def _of(comparison: YearComparison | None, standing: Standing) -> CountyComparison | None:
    return None if comparison is None else comparison.counties.get(standing.score.slug)


def county_record(standing: Standing, comparison: CountyComparison | None = None) -> dict[str, Any]:
    score = standing.score
    return {
        "slug": score.slug,
        "name": score.name,
        "status": score.status,
        "provisional": score.provisional,
        "rank": standing.rank,
        "total": score.total,
        "base": score.base,
        "bonus": score.bonus,
        **change_record(comparison),
        "categories": {c.category.id: c.points for c in score.categories},
        "category_ranks": dict(standing.category_ranks),
        "items": {i.item.id: i.points for c in score.categories for i in c.items},
        "units": score.unit_points(),
        "notes": {u.unit.id: u.note for u in score.noted_units()},
        "pending": list(score.pending_units),
    }


def rules_record(rules: Rules) -> dict[str, Any]:
    return {
        "year": rules.year,
        "title": rules.title,
        "intro": rules.intro,
        "base_max": rules.base_max,
        "score_step": rules.score_step,
        "departments": [{"name": d.name, "slug": d.slug, "aliases": list(d.aliases)} for d in rules.departments],
        "categories": [{
            "id": c.id, "numeral": c.numeral, "name": c.name, "kind": c.kind, "max": c.max,
            "items": [{
                "id": i.id, "text": i.text, "max": i.max, "departments": list(i.departments),
                "parts": [{"id": p.id, "text": p.text, "max": p.max} for p in i.parts],
            } for i in c.items],
        } for c in rules.categories],
    }


def results_json(results: YearResults, comparison: YearComparison | None = None) -> str:
    """One county per line: readable, diffable, and written by the C encoder (no indent).
    With ``comparison`` (``compare.compare_years``), each row carries last year's total and
    rank and the changes; without it, those are null."""
    rules = results.rules
    head = to_json({
        "year": rules.year,
        "title": rules.title,
        "ranking": "standard competition ranking by total: equal totals share a rank, the next rank skips",
        "categories": [{"id": c.id, "name": c.name, "kind": c.kind, "max": c.max} for c in rules.categories],
    }, compact=True)
    counties = ",\n".join(to_json(county_record(s, _of(comparison, s)), compact=True) for s in results.standings)
    return head[:-1] + ',"counties":[\n' + counties + "\n]}\n"


def csv_header(rules: Rules) -> list[str]:
    items_with_parts = [i for i in rules.items.values() if i.parts]
    return (["名次", "标识", "县市区", "状态", "总分", "基础分", "加分", "上年名次", "名次变化", "上年总分", "总分变化"]
            + [c.name for c in rules.categories]
            + [f"第{i}条" for i in rules.items]
            + [p.id for i in items_with_parts for p in i.parts])


def results_csv(results: YearResults, comparison: YearComparison | None = None) -> str:
    rules = results.rules
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_text(h) for h in csv_header(rules)])
    parts = [p.id for i in rules.items.values() for p in i.parts]
    for standing in results.standings:
        score = standing.score
        items = {i.item.id: i for c in score.categories for i in c.items}
        units = score.unit_points()
        status = "草稿（暂定）" if score.provisional else ("草稿" if score.status == "draft" else "正式")
        writer.writerow(
            [standing.rank, score.slug, spreadsheet_text(score.name), status, fmt(score.total), fmt(score.base),
             fmt(score.bonus)]
            + [_csv_number(v) for v in _change_cells(_of(comparison, standing))]
            + [fmt(c.points) for c in score.categories]
            + [fmt(items[i].points) for i in rules.items]
            + ["" if units[p] is None else fmt(units[p]) for p in parts])
    return "\ufeff" + buffer.getvalue()


def rules_json(rules: Rules) -> str:
    return to_json(rules_record(rules)) + "\n"


# --- the workbook ---------------------------------------------------------------------------


def _results_sheet(results: YearResults, comparison: YearComparison | None) -> Sheet:
    rules = results.rules
    sheet = Sheet("成绩", [[Bold(title) for title in csv_header(rules)]], freeze="D2", widths={"B": 16, "C": 12})
    parts = [p.id for i in rules.items.values() for p in i.parts]
    for standing in results.standings:
        score = standing.score
        items = score.item_results
        units = score.unit_points()
        status = "草稿（暂定）" if score.provisional else ("草稿" if score.status == "draft" else "正式")
        numbers = ([score.total, score.base, score.bonus] + _change_cells(_of(comparison, standing))
                   + [c.points for c in score.categories]
                   + [items[i].points for i in rules.items] + [units[p] for p in parts])
        sheet.rows.append([standing.rank, score.slug, score.name, status, *numbers])
    return sheet


def _notes_sheet(results: YearResults) -> Sheet:
    sheet = Sheet("扣分说明", [[Bold(t) for t in ("标识", "县市区", "评分项", "得分", "满分", "说明")]], freeze="A2",
                  widths={"F": 60})
    for standing in results.standings:
        score = standing.score
        for unit in score.noted_units():
            sheet.rows.append([score.slug, score.name, unit.unit.id, unit.points, unit.unit.max,
                               unit.note])
    return sheet


def results_xlsx(results: YearResults, epoch: str | int | None = None,
                 comparison: YearComparison | None = None) -> bytes:
    """results.csv as a workbook, plus the notes; the same bytes for the same results and
    commit time (``epoch``, seconds), which dates the workbook instead of the clock. Numbers
    are number cells holding the exact Decimal; an unscored unit is an empty cell."""
    return write_workbook([_results_sheet(results, comparison), _notes_sheet(results)],
                          f"{results.rules.title}：考核结果", "build.py build", epoch)
