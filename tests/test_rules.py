"""The rules file held against the seed document, and broken rules files reported as problems."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO, RULES_2011, RULES_2011_FILE
from scoreboard.rules import load_rules

# A copy of shared/seed/000_42bd0956bc5c150e.txt (附件1 of 2011), so the test runs in any clone.
SEED = REPO / "tests" / "fixtures" / "seed-2011.txt"


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_title_and_intro_are_verbatim(seed_text: str) -> None:
    assert RULES_2011.title in seed_text.splitlines()
    assert RULES_2011.intro in seed_text.splitlines()


def test_every_item_text_is_in_the_document(seed_text: str) -> None:
    assert len(RULES_2011.items) == 35
    assert list(RULES_2011.items) == [str(n) for n in range(1, 36)]
    for item in RULES_2011.items.values():
        assert f"{item.id}．{item.text}" in seed_text, item.id


def test_every_item_maximum_and_departments_match_the_document(seed_text: str) -> None:
    for item in RULES_2011.items.values():
        line = next(l for l in seed_text.splitlines() if l.strip().startswith(f"{item.id}．"))
        found = re.search(r"考核分值[：:]?\s*([\d.]+)\s*分，考核部门：([^）]*)", line)
        assert Decimal(found[1]) == item.max, item.id
        written = [d.replace("帮扶维权中心", "维权帮扶中心") for d in found[2].split("、")]
        assert list(item.departments) == written, item.id


def test_parts_are_those_of_the_document() -> None:
    parts = {i.id: [str(p.max) for p in i.parts] for i in RULES_2011.items.values() if i.parts}
    assert parts == {"1": ["3", "1", "1"], "2": ["2", "1", "1", "1"], "3": ["2", "2"], "4": ["2", "2", "2"],
                     "6": ["0.5", "0.5", "0.5"], "8": ["5", "5", "2", "2", "2"], "19": ["2", "2"]}
    for item in RULES_2011.items.values():
        for k, part in enumerate(item.parts, start=1):
            assert part.id == f"{item.id}.{k}"
            assert part.text in item.text


def test_sums() -> None:
    assert [c.max for c in RULES_2011.base_categories] == [Decimal(25)] * 4
    assert sum(c.max for c in RULES_2011.base_categories) == RULES_2011.base_max == 100
    for category in RULES_2011.categories:
        assert sum(i.max for i in category.items) == category.max
    [bonus] = RULES_2011.bonus_categories
    assert [i.id for i in bonus.items] == ["30", "31", "32", "33", "34", "35"]
    assert all(i.max == 5 for i in bonus.items)


def test_one_canonical_name_per_department() -> None:
    names = [d.name for d in RULES_2011.departments]
    assert "帮扶维权中心" not in names
    assert RULES_2011.items["32"].departments == ("维权帮扶中心",)
    used = {d for i in RULES_2011.items.values() for d in i.departments}
    assert used == set(names)


def _broken(tmp_path: Path, old: str, new: str, count: int = 1) -> list[tuple[int, str, str]]:
    text = RULES_2011_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "2011.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    rules, problems = load_rules(path, "rules/2011.yaml")
    assert rules is None
    return [(p.line, p.code, p.message) for p in problems]


def test_parts_not_adding_up(tmp_path: Path) -> None:
    [(line, code, message)] = _broken(tmp_path, "            max: 3\n", "            max: 2.5\n")
    assert (line, code) == (44, "E311")
    assert message == "第1条各分项之和为 4.5 分，与该条分值 5 分不符"


def test_items_not_adding_up_to_category(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "        max: 0.5\n        departments: [基层工作部]\n",
                       "        max: 1\n        departments: [基层工作部]\n")
    assert (38, "E312", "类别“组织建设”各条之和为 25.5 分，与其分值 25 分不符") in problems


def test_base_not_100(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "base_max: 100", "base_max: 90")
    assert [(c, m) for _, c, m in problems] == [("E313", "基础类别分值之和为 100 分，与 base_max 90 分不符")]


def test_unknown_department_and_item_without_department(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "departments: [基层工作部]\n        parts:", "departments: [基层部]\n        parts:")
    assert [(l, c) for l, c, _ in problems] == [(47, "E307"), (44, "E308")]


def test_duplicate_item_id(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "      - id: 7\n", "      - id: 5\n")
    assert [c for _, c, _ in problems] == ["E310"]


def test_rules_syntax_error_is_a_problem(tmp_path: Path) -> None:
    problems = _broken(tmp_path, "base_max: 100", "base_max: [100")
    assert problems and problems[0][1] == "E002"
