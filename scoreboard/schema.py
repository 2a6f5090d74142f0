"""A JSON Schema for one year's score files, so an editor flags mistakes while typing.

Each score file's first line is a modeline,
``# yaml-language-server: $schema=../schema/<year>.json``, which editors with a YAML
language server (VS Code's YAML extension and others) read: they then underline an unknown
unit, a score above its maximum, off the score step or a ``3分``, show each unit's maximum
and criterion text on hover over its score, and offer the missing unit ids with theirs
(tests/test_lsp.py drives the real yaml-language-server to keep it so). The schema is generated from ``rules/<year>.yaml`` into
``scores/schema/<year>.json`` (``build.py schema``); ``build.py check`` stays
the authority (it knows the registry, exact decimals and the score step), the schema is
only the early warning.
"""
from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from pathlib import Path

from .rules import Rules, Unit
from .validate import DRAFT, FINAL
from .values import fmt

# Draft-07: the YAML extension editors use supports it fully (its 2020-12 support varies by version).
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
SCHEMA_DIR = Path("scores") / "schema"
TOP_KEYS = ("county", "year", "status", "scores")


def schema_path(root: Path, year: int) -> Path:
    return root / SCHEMA_DIR / f"{year}.json"


def modeline(year: int) -> str:
    """The first line of every score file: where its schema is, relative to the file."""
    return f"# yaml-language-server: $schema=../schema/{year}.json"


def json_number(value: Decimal) -> int | float:
    """A schema bound as a JSON number: an int when integral, else the float of its decimal text."""
    if value == value.to_integral_value():
        return int(value)
    return float(fmt(value))


def unit_pattern(rules: Rules) -> str:
    """One regular expression matching exactly the unit ids, as text.

    YAML reads a key such as ``1.1`` or ``5`` as a number, and the YAML language server then
    compares it with the string names under ``properties`` and finds no match, so with
    ``additionalProperties: false`` every unit would be "not allowed". A pattern is tested
    against the key's text, so listing the ids here marks them as known; their schemas
    stay under ``properties``, which the server uses for hover and completion."""
    return "^(" + "|".join(re.escape(uid) for uid in rules.units) + ")$"


def _unit_title(unit: Unit) -> str:
    if unit.id == unit.item_id:
        return f"第{unit.item_id}条"
    return f"第{unit.item_id}条第{unit.id.split('.', 1)[1]}项"


def _unit_description(unit: Unit) -> str:
    bonus = "（加分项，不填按 0 分计）" if unit.is_bonus else ""
    return f"满分 {fmt(unit.max)} 分{bonus}。{unit.text}"


def _unit_schema(rules: Rules, unit: Unit) -> dict:
    bounds: dict = {"type": "number", "minimum": 0, "maximum": json_number(unit.max)}
    if rules.score_step is not None:
        # The YAML language server takes the remainder in decimal (0.3 is a multiple of 0.1);
        # a validator that divides in binary floating point may wrongly refuse such a score,
        # and build.py check, exact in Decimal, stays the authority.
        bounds["multipleOf"] = json_number(rules.score_step)
    description = _unit_description(unit)
    return {
        "title": _unit_title(unit),
        "description": description,
        "anyOf": [
            {**bounds, "description": description},
            {
                "type": "object",
                "description": "有扣分时写成 {score: 实得分, note: 扣分原因}",
                "properties": {
                    "score": {**bounds, "description": f"实得分，0 到 {fmt(unit.max)} 之间"},
                    "note": {"type": "string", "description": "扣分或评分说明（会在网站上公布）"},
                },
                "required": ["score"],
                "additionalProperties": False,
            },
        ],
    }


def json_schema(rules: Rules) -> dict:
    """The schema of ``scores/<year>/<slug>.yaml`` for the year of ``rules``."""
    base_units = [u.id for u in rules.units.values() if not u.is_bonus]
    step = f"，最小单位 {fmt(rules.score_step)} 分" if rules.score_step is not None else ""
    return {
        "$schema": DRAFT_07,
        "$comment": f"由 scoreboard/schema.py 根据 {rules.path} 生成，请勿手工修改；"
                    "重新生成：python -m scoreboard.schema",
        "title": f"{rules.title} · 评分文件",
        "description": f"一个县市区 {rules.year} 年度的评分：county、year、status、scores 四项。"
                       f"每个评分项的分值在 0 与该项满分之间{step}；"
                       "status 为 final 时须列出全部基础评分项，加分项不填按 0 分计。"
                       "最终以 python build.py check 的检查结果为准。",
        "type": "object",
        "properties": {
            "county": {
                "type": "string",
                "minLength": 1,
                "description": "县市区名称，须与 scores/counties.yaml 中为该文件名（slug）登记的名称一致",
            },
            "year": {
                "const": rules.year,
                "description": f"考核年度，须与文件所在文件夹一致：{rules.year}",
            },
            "status": {
                "enum": [FINAL, DRAFT],
                "description": "final：正式结果，须列出全部基础评分项；draft：草稿，未填的评分项待评，合计为暂定",
            },
            "scores": {
                "type": "object",
                "description": "评分项: 分值，每行一项。评分项是分项编号（如 1.1）或不分项的条目编号（如 5）",
                "properties": {unit.id: _unit_schema(rules, unit) for unit in rules.units.values()},
                "patternProperties": {unit_pattern(rules): True},
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
        "allOf": [
            # A misspelt key is reported on its own line ("not allowed"); only when every key
            # is known does a missing one count, else the server would also put "missing
            # property" on the file's first line, away from the mistake.
            {"if": {"propertyNames": {"enum": list(TOP_KEYS)}},
             "then": {"required": list(TOP_KEYS)}},
            {"if": {"properties": {"status": {"const": FINAL}}, "required": ["status"]},
             "then": {"properties": {"scores": {"required": base_units}}}},
        ],
    }


def schema_text(rules: Rules) -> str:
    return json.dumps(json_schema(rules), ensure_ascii=False, indent=2) + "\n"


def write_schemas(root: Path, rules_by_year: dict[int, Rules]) -> list[Path]:
    """Write ``scores/schema/<year>.json`` for every year; only files whose text changed are
    rewritten (so a watcher on scores/ is not woken for nothing). Returns every schema path."""
    written = []
    for year in sorted(rules_by_year):
        path = schema_path(root, year)
        text = schema_text(rules_by_year[year])
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m scoreboard.schema [ROOT] [--check]``: the same as ``build.py [--root ROOT] schema``."""
    from .cli import main as cli_main

    args = sys.argv[1:] if argv is None else argv
    if args and not args[0].startswith("-"):
        return cli_main(["--root", args[0], "schema", *args[1:]])
    return cli_main(["schema", *args])


if __name__ == "__main__":
    sys.exit(main())
