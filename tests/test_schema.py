"""The editor's schema (scores/schema/<year>.json): it accepts every real score file, flags
the usual mistakes, matches the rules it was made from, and every score file points to it."""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, RULES_2011, score_file
from scoreboard.load import Mapping, Node, Scalar, Sequence, load_file, parse
from scoreboard.schema import json_schema, modeline, schema_path, schema_text, unit_pattern, write_schemas
from scoreboard.values import DECIMAL_TEXT

SCORE_FILES = sorted((REPO / "scores" / "2011").glob("*.yaml"))
EVERY_YEAR_FILES = sorted((REPO / "scores").glob("[12][0-9][0-9][0-9]/*.yaml"))
REGENERATE = "重新生成：.venv/bin/python -m scoreboard.schema（然后提交 scores/schema/）"


def plain(node: Node | None):
    """A node as an editor's YAML server sees it: plain scalars that look like numbers are
    numbers (exact decimals here, so that ``multipleOf: 0.1`` is checked without binary
    rounding, as the YAML language server does), everything else is text; keys stay
    strings as written (tests/test_lsp.py covers the server, which reads them as numbers)."""
    if isinstance(node, Mapping):
        return {key.text: plain(value) for key, value in node.pairs}
    if isinstance(node, Sequence):
        return [plain(item) for item in node.items]
    assert isinstance(node, Scalar)
    if node.plain and DECIMAL_TEXT.fullmatch(node.text):
        return int(node.text) if "." not in node.text else Decimal(node.text)
    return node.text


def from_text(text: str):
    tree, problems = parse(text, "test.yaml")
    assert not problems, problems
    return plain(tree)


def exact_schema(rules=RULES_2011) -> dict:
    """The schema as its JSON text reads, with decimal fractions as Decimals."""
    return json.loads(schema_text(rules), parse_float=Decimal)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = exact_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def errors(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_sample_files_exist():
    assert len(SCORE_FILES) >= 10


@pytest.mark.parametrize("path", SCORE_FILES, ids=lambda p: p.name)
def test_every_score_file_is_valid(validator, path: Path):
    tree, problems = load_file(path, path.name)
    assert not problems
    assert errors(validator, plain(tree)) == []


def test_a_generated_full_file_and_a_draft_are_valid(validator):
    assert errors(validator, from_text(score_file("鹭屿县"))) == []
    draft = "county: 鹭屿县\nyear: 2011\nstatus: draft\nscores:\n  1.1: 3\n  30: {score: 4.5, note: 亮点}\n"
    assert errors(validator, from_text(draft)) == []


def test_over_the_maximum_is_rejected(validator):
    document = from_text(score_file("鹭屿县", deductions={"1.1": "3.5"}))
    assert any(e.startswith("scores/1.1") for e in errors(validator, document))
    document = from_text(score_file("鹭屿县", deductions={"6.1": "{score: 0.6, note: 多了}"}))
    assert errors(validator, document)
    document = from_text(score_file("鹭屿县", deductions={"30": "5.5"}))
    assert errors(validator, document)


def test_a_negative_score_is_rejected(validator):
    assert errors(validator, from_text(score_file("鹭屿县", deductions={"5": "-1"})))


def test_an_unknown_unit_key_is_rejected(validator):
    for key in ("1.10", "1.4", "36", "8"):
        text = score_file("鹭屿县") + f"  {key}: 1\n"
        assert errors(validator, from_text(text)), key


def test_a_score_with_a_unit_word_is_rejected(validator):
    document = from_text(score_file("鹭屿县", deductions={"1.1": "3分"}))
    assert document["scores"]["1.1"] == "3分"
    assert any(e.startswith("scores/1.1") for e in errors(validator, document))


def test_a_quoted_score_is_rejected(validator):
    assert errors(validator, from_text(score_file("鹭屿县", deductions={"1.1": '"3"'})))


def test_unknown_keys_inside_a_unit_are_rejected(validator):
    assert errors(validator, from_text(score_file("鹭屿县", deductions={"1.1": "{score: 3, 备注: 好}"})))
    assert errors(validator, from_text(score_file("鹭屿县", deductions={"1.1": "{note: 缺分值}"})))


def test_a_final_file_missing_a_base_unit_is_rejected(validator):
    text = score_file("鹭屿县").replace("  8.1: 5\n", "")
    assert any("8.1" in e for e in errors(validator, from_text(text)))
    # the same file as a draft: absent units are pending
    assert errors(validator, from_text(text.replace("status: final", "status: draft"))) == []


def test_absent_bonus_units_are_fine_in_a_final_file(validator):
    text = score_file("鹭屿县")
    assert "  30:" not in text
    assert errors(validator, from_text(text)) == []


def test_an_unknown_status_is_rejected(validator):
    text = score_file("鹭屿县").replace("status: final", "status: done")
    assert any(e.startswith("status") for e in errors(validator, from_text(text)))


def test_wrong_year_unknown_top_key_and_missing_keys_are_rejected(validator):
    assert errors(validator, from_text(score_file("鹭屿县", year=2012)))
    assert errors(validator, from_text(score_file("鹭屿县") + "extra: 1\n"))
    assert errors(validator, from_text("county: 鹭屿县\nyear: 2011\nstatus: draft\n"))


def test_every_unit_describes_its_maximum_and_criterion():
    units = json_schema(RULES_2011)["properties"]["scores"]["properties"]
    assert list(units) == list(RULES_2011.units)
    for unit in RULES_2011.units.values():
        description = units[unit.id]["description"]
        assert description.startswith(f"满分 {unit.max.normalize():f} 分"), description
        assert unit.text in description
    assert units["1.1"]["description"].startswith("满分 3 分。坚持和完善")
    assert units["6.1"]["anyOf"][0]["maximum"] == 0.5
    assert isinstance(units["1.1"]["anyOf"][0]["maximum"], int)


def test_final_requires_exactly_the_base_units():
    required = json_schema(RULES_2011)["allOf"][1]["then"]["properties"]["scores"]["required"]
    assert required == [u.id for u in RULES_2011.units.values() if not u.is_bonus]
    assert "30" not in required and "8.1" in required


def test_the_score_step_is_a_multiple_of_rule(validator):
    unit = json_schema(RULES_2011)["properties"]["scores"]["properties"]["1.1"]
    assert unit["anyOf"][0]["multipleOf"] == 0.1 and unit["anyOf"][1]["properties"]["score"]["multipleOf"] == 0.1
    assert any(e.startswith("scores/1.1") for e in errors(validator, from_text(score_file("鹭屿县", deductions={"1.1": "0.05"}))))
    # 0.3 is a multiple of 0.1 in decimal (the YAML language server computes it so too)
    assert errors(validator, from_text(score_file("鹭屿县", deductions={"1.1": "{score: 0.3, note: 扣分}"}))) == []
    halves = json_schema(dataclasses.replace(RULES_2011, score_step=Decimal("0.5")))
    unit = halves["properties"]["scores"]["properties"]["1.1"]
    assert unit["anyOf"][0]["multipleOf"] == 0.5
    assert unit["anyOf"][1]["properties"]["score"]["multipleOf"] == 0.5


def test_schema_text_is_deterministic():
    assert schema_text(RULES_2011) == schema_text(RULES_2011)
    assert schema_text(RULES_2011).endswith("}\n")
    assert "满分" in schema_text(RULES_2011)  # not \\u-escaped


@pytest.mark.parametrize("rules_file", sorted((REPO / "rules").glob("[12][0-9][0-9][0-9].yaml")), ids=lambda p: p.name)
def test_committed_schema_is_up_to_date(rules_file: Path):
    from scoreboard.rules import load_rules
    rules, problems = load_rules(rules_file, f"rules/{rules_file.name}")
    assert rules is not None and not problems, problems
    path = REPO / "scores" / "schema" / f"{rules.year}.json"
    assert path.exists(), f"缺少 {path.relative_to(REPO)}；{REGENERATE}"
    assert path.read_text(encoding="utf-8") == schema_text(rules), (
        f"{path.relative_to(REPO)} 与 rules/{rules_file.name} 不一致；{REGENERATE}")


def test_write_schemas(tmp_path: Path):
    written = write_schemas(tmp_path, {2011: RULES_2011})
    assert written == [schema_path(tmp_path, 2011)] == [tmp_path / "scores" / "schema" / "2011.json"]
    assert written[0].read_text(encoding="utf-8") == schema_text(RULES_2011)
    assert write_schemas(tmp_path, {2011: RULES_2011}) == written  # idempotent


@pytest.mark.parametrize("path", EVERY_YEAR_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_score_file_starts_with_the_modeline(path: Path):
    year = int(path.parent.name)
    first = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert first == modeline(year) == f"# yaml-language-server: $schema=../schema/{year}.json", (
        f"{path.relative_to(REPO)} 的第一行应为 {modeline(year)}")
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target == schema_path(REPO, year).resolve() and target.exists()


def test_unit_ids_are_known_by_pattern_too():
    """The YAML language server reads ``1.1`` as a number and matches it only by pattern."""
    pattern = json_schema(RULES_2011)["properties"]["scores"]["patternProperties"]
    assert list(pattern) == [unit_pattern(RULES_2011)] and pattern[unit_pattern(RULES_2011)] is True
    import re
    for uid in RULES_2011.units:
        assert re.fullmatch(unit_pattern(RULES_2011), uid), uid
    for other in ("1.10", "1x1", "8", "36", "11.1", "1.1 "):
        assert not re.search(unit_pattern(RULES_2011), other), other


def test_a_misspelt_top_level_key_is_reported_without_missing_keys(validator):
    """Only the misspelt key is wrong (an editor marks its line), not a "missing" status."""
    text = score_file("鹭屿县").replace("status: final", "staus: final")
    assert errors(validator, from_text(text)) == [": Additional properties are not allowed ('staus' was unexpected)"]
    # with every key known, a missing one is reported
    assert errors(validator, from_text(score_file("鹭屿县").replace("status: final\n", ""))) == [
        ": 'status' is a required property"]


def test_draft_07_editors_read_it_the_same_way():
    """Editors' YAML servers often implement draft-07 only: the schema uses no keyword whose
    meaning differs, so a draft-07 validator gives the same verdicts."""
    schema = {**exact_schema(), "$schema": "http://json-schema.org/draft-07/schema#"}
    jsonschema.Draft7Validator.check_schema(schema)
    draft7 = jsonschema.Draft7Validator(schema)
    for path in SCORE_FILES:
        assert errors(draft7, plain(load_file(path, path.name)[0])) == []
    for bad in ({"1.1": "3.5"}, {"1.1": "3分"}, {"8.1": "{score: 5, 备注: x}"}):
        assert errors(draft7, from_text(score_file("鹭屿县", deductions=bad))), bad
    missing = score_file("鹭屿县").replace("  8.1: 5\n", "")
    assert errors(draft7, from_text(missing))
