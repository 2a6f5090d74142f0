"""Machine-readable results beside the pages: results.json, results.csv, rules.json.

Every number is written from the same Decimal the pages show, as exact text: JSON numbers
like 99.5 (never 99.49999), CSV cells the same. The CSV starts with a byte-order mark so
that Excel opens the Chinese headers correctly.
"""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

from .rules import Rules
from .score import Standing, YearResults
from .values import fmt, spreadsheet_text


_NUMBER = "\ue000"  # a private-use mark around each Decimal while the C encoder runs
_MARKED_NUMBER = re.compile('"' + _NUMBER + '([-0-9.]+)' + _NUMBER + '"')


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
    return _MARKED_NUMBER.sub(r"\1", text)


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


def county_record(standing: Standing) -> dict[str, Any]:
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
        "categories": {c.category.id: c.points for c in score.categories},
        "category_ranks": dict(standing.category_ranks),
        "items": {i.item.id: i.points for c in score.categories for i in c.items},
        "units": {u.unit.id: u.points for c in score.categories for i in c.items for u in i.units},
        "notes": {u.unit.id: u.note for c in score.categories for i in c.items for u in i.units if u.note},
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


def results_json(results: YearResults) -> str:
    """One county per line: readable, diffable, and written by the C encoder (no indent)."""
    rules = results.rules
    head = to_json({
        "year": rules.year,
        "title": rules.title,
        "ranking": "standard competition ranking by total: equal totals share a rank, the next rank skips",
        "categories": [{"id": c.id, "name": c.name, "kind": c.kind, "max": c.max} for c in rules.categories],
    }, compact=True)
    counties = ",\n".join(to_json(county_record(s), compact=True) for s in results.standings)
    return head[:-1] + ',"counties":[\n' + counties + "\n]}\n"


def csv_header(rules: Rules) -> list[str]:
    items_with_parts = [i for i in rules.items.values() if i.parts]
    return (["名次", "标识", "县市区", "状态", "总分", "基础分", "加分"]
            + [c.name for c in rules.categories]
            + [f"第{i}条" for i in rules.items]
            + [p.id for i in items_with_parts for p in i.parts])


def results_csv(results: YearResults) -> str:
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
            + [fmt(c.points) for c in score.categories]
            + [fmt(items[i].points) for i in rules.items]
            + ["" if units[p] is None else fmt(units[p]) for p in parts])
    return "\ufeff" + buffer.getvalue()


def rules_json(rules: Rules) -> str:
    return to_json(rules_record(rules)) + "\n"
