"""Exports opened in a spreadsheet: no text cell from the data becomes a formula."""
from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from conftest import RULES_2011
from scoreboard.exports import results_csv
from scoreboard.score import score_year
from scoreboard.validate import ScoreSheet
from scoreboard.values import name_refusal, spreadsheet_text

FORMULAS = ['=HYPERLINK("http://example.com/x","点击")', "+1+1", "@SUM(A1:A9)", "-2+3", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_is_neutralised(text: str) -> None:
    assert spreadsheet_text(text) == "'" + text


@pytest.mark.parametrize("text", ["鹭屿县", "4.5", "A=B", "1+1"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert spreadsheet_text(text) == text


def sheet(slug: str, name: str) -> ScoreSheet:
    return ScoreSheet(slug, name, 2011, "draft", {}, f"scores/2011/{slug}.yaml")


def test_results_csv_neutralises_names_and_headers_but_keeps_numbers() -> None:
    rules = replace(RULES_2011, categories=(replace(RULES_2011.categories[0], name="=组织建设"),
                                            *RULES_2011.categories[1:]))
    results = score_year(rules, [sheet(f"c{i}", text) for i, text in enumerate(FORMULAS)], include_drafts=True)
    rows = list(csv.reader(io.StringIO(results_csv(results).lstrip("\ufeff"))))
    assert "'=组织建设" in rows[0]
    names = {row[1]: row[2] for row in rows[1:]}
    assert names == {f"c{i}": "'" + text for i, text in enumerate(FORMULAS)}
    for row in rows[1:]:
        assert row[4] == "0" and row[0] == "1"  # numbers stay numbers


@pytest.mark.parametrize("name", ["=HYPERLINK(1)", "+1县", "-2县", "@县"])
def test_registry_names_cannot_start_like_a_formula(name: str) -> None:
    assert "公式" in name_refusal(name)[0]
