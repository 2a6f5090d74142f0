"""New counties: the generated score file passes the check as it is; the registry grows by
text, keeping its comments, and refuses bad or duplicate entries."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RULES_2011, SAMPLE, ProjectDir
from scoreboard.load import Mapping, Scalar, parse
from scoreboard.project import check_project
from scoreboard.registry import load_registry
from scoreboard.scaffold import NewCountyRefused, new_county, new_score_file, register_county, shorten, yaml_text
from scoreboard.schema import modeline
from scoreboard.values import fmt

BASE = [u for u in RULES_2011.units.values() if not u.is_bonus]
BONUS = [u for u in RULES_2011.units.values() if u.is_bonus]


def problems_of(project: ProjectDir) -> list[str]:
    checked = check_project(project.root)
    return [f"{p.path}:{p.line}:{p.column}: {p.code} {p.message}" for p in checked.problems]


def test_a_new_file_passes_the_check_as_a_draft(project: ProjectDir):
    project.register("xin-xian", "新县")
    project.write("scores/2011/xin-xian.yaml", new_score_file(RULES_2011, "新县"))
    checked = check_project(project.root)
    assert checked.problems == []
    (sheet,) = checked.sheets[2011]
    assert sheet.is_draft and sheet.name == "新县" and sheet.year == 2011
    assert {e.unit_id: e.score for e in sheet.entries.values()} == {u.id: u.max for u in BASE}


def test_a_new_file_made_final_passes_too(project: ProjectDir):
    project.register("xin-xian", "新县")
    text = new_score_file(RULES_2011, "新县").replace("status: draft", "status: final")
    project.write("scores/2011/xin-xian.yaml", text)
    assert problems_of(project) == []


def test_a_new_file_lists_every_base_unit_at_its_maximum():
    text = new_score_file(RULES_2011, "新县")
    tree, problems = parse(text, "new.yaml")
    assert problems == [] and isinstance(tree, Mapping)
    assert [(k.text, v.text) for k, v in tree.pairs if isinstance(v, Scalar)] == [
        ("county", "新县"), ("year", "2011"), ("status", "draft")]
    scores = tree.get("scores")
    assert isinstance(scores, Mapping)
    assert [(k.text, v.text) for k, v in scores.pairs] == [(u.id, fmt(u.max)) for u in BASE]
    lines = text.splitlines()
    for unit in BASE:
        (line,) = [x for x in lines if x.startswith(f"  {unit.id}: ")]
        assert f"# 满分 {fmt(unit.max)} 分：" in line
        assert shorten(unit.text)[:-1] in line


def test_a_new_file_starts_with_the_modeline_and_explains_itself():
    lines = new_score_file(RULES_2011, "新县").splitlines()
    assert lines[0] == modeline(2011)
    header = "\n".join(line for line in lines if line.startswith("# "))
    assert "扣分" in header and "note" in header and "final" in header
    assert "  # 一、组织建设（25 分）" in lines
    assert "  # 四、扶贫帮困（25 分）" in lines
    assert any(line.startswith("  # 五、亮点工作") for line in lines)


def test_bonus_units_are_commented_out():
    lines = new_score_file(RULES_2011, "新县").splitlines()
    for unit in BONUS:
        (line,) = [x for x in lines if x.startswith(f"  # {unit.id}: 0 ")]
        assert f"# 加分项，满分 {fmt(unit.max)} 分：" in line
        assert not any(x.startswith(f"  {unit.id}:") for x in lines)
    # uncommenting one gives a valid bonus line
    uncommented = [x.replace(f"  # {BONUS[0].id}: 0", f"  {BONUS[0].id}: 0", 1) for x in lines]
    tree, problems = parse("\n".join(uncommented), "x.yaml")
    assert problems == [] and tree.get("scores").get(BONUS[0].id).text == "0"


def test_long_criteria_are_shortened():
    assert shorten("短") == "短"
    long = "甲" * 60
    assert shorten(long) == "甲" * 39 + "…" and len(shorten(long)) == 40
    lines = new_score_file(RULES_2011, "新县").splitlines()
    (line,) = [x for x in lines if x.startswith("  8.1: ")]
    assert line.endswith("…") and RULES_2011.units["8.1"].text not in line


def test_a_name_that_is_not_plain_yaml_is_quoted(project: ProjectDir):
    for name in ("名称: 有冒号", "yes", "2011", "# 县"):
        assert parse(f"county: {yaml_text(name)}\n", "x")[0].get("county").text == name
    project.register("yes-xian", '"yes"')
    project.write("scores/2011/yes-xian.yaml", new_score_file(RULES_2011, "yes"))
    assert problems_of(project) == []


def test_an_empty_name_is_refused():
    with pytest.raises(NewCountyRefused, match="不能为空"):
        new_score_file(RULES_2011, "  ")


REGISTRY = """\
# 示例数据：以下县市区均为虚构。
demo: true
counties:
  - slug: luyu-xian   # 最早的县
    name: 鹭屿县
  - slug: songlan-shi
    name: 松岚市
    from: 2011
"""


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "counties.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def test_register_appends_as_text(registry: Path):
    register_county(registry, "xin-xian", "新县")
    assert registry.read_text(encoding="utf-8") == REGISTRY + "  - slug: xin-xian\n    name: 新县\n"
    loaded, problems = load_registry(registry, "counties.yaml")
    assert problems == [] and loaded.demo
    assert loaded.counties["xin-xian"].name == "新县"


def test_register_keeps_crlf_a_bom_and_what_follows_the_list(tmp_path: Path):
    path = tmp_path / "counties.yaml"
    path.write_bytes(b"\xef\xbb\xbfcounties:\r\n- slug: a\r\n  name: A\r\n\r\n# demo\r\ndemo: true\r\n")
    register_county(path, "b", "B")
    assert path.read_bytes() == (b"\xef\xbb\xbfcounties:\r\n- slug: a\r\n  name: A\r\n- slug: b\r\n  name: B\r\n"
                                 b"\r\n# demo\r\ndemo: true\r\n")


@pytest.mark.parametrize("slug", ["Luyu", "lu_yu", "lu yu", "-luyu", "luyu-", "lu--yu", "鹭屿", ""])
def test_register_refuses_a_bad_slug(registry: Path, slug: str):
    with pytest.raises(NewCountyRefused, match="只能用小写字母、数字和连字符"):
        register_county(registry, slug, "新县")
    assert registry.read_text(encoding="utf-8") == REGISTRY


def test_register_refuses_a_duplicate_slug(registry: Path):
    with pytest.raises(NewCountyRefused, match="luyu-xian.*已经.*登记"):
        register_county(registry, "luyu-xian", "新县")
    assert registry.read_text(encoding="utf-8") == REGISTRY


def test_register_refuses_a_duplicate_name(registry: Path):
    with pytest.raises(NewCountyRefused, match="鹭屿县.*已经.*登记"):
        register_county(registry, "luyu-xian-2", "鹭屿县")
    assert registry.read_text(encoding="utf-8") == REGISTRY


def test_register_refuses_a_broken_registry(tmp_path: Path):
    path = tmp_path / "counties.yaml"
    path.write_text("counties:\n  - slug: Bad\n    name: 坏\n", encoding="utf-8")
    with pytest.raises(NewCountyRefused, match="错误"):
        register_county(path, "xin-xian", "新县")


def test_register_then_write_then_check_passes(project: ProjectDir):
    project.add_county("luyu-xian", "鹭屿县")
    registry = project.root / "scores" / "counties.yaml"
    register_county(registry, "xin-xian", "新县")
    project.write("scores/2011/xin-xian.yaml", new_score_file(RULES_2011, "新县"))
    assert problems_of(project) == []


def test_registering_without_a_file_is_reported(project: ProjectDir):
    project.add_county("luyu-xian", "鹭屿县")
    register_county(project.root / "scores" / "counties.yaml", "xin-xian", "新县")
    assert [p.split(": ", 1)[1][:4] for p in problems_of(project)] == ["E110"]


def test_new_county_registers_and_writes(project: ProjectDir):
    project.add_county("luyu-xian", "鹭屿县")
    written = new_county(project.root, RULES_2011, "xin-xian", "新县")
    assert written == [project.root / "scores" / "counties.yaml", project.root / "scores" / "2011" / "xin-xian.yaml"]
    assert problems_of(project) == []
    with pytest.raises(NewCountyRefused, match="已经存在"):
        new_county(project.root, RULES_2011, "xin-xian", "新县")


def test_new_county_for_a_registered_county_only_writes_its_file(project: ProjectDir):
    project.register("xin-xian", "新县")
    before = (project.root / "scores" / "counties.yaml").read_text(encoding="utf-8")
    assert new_county(project.root, RULES_2011, "xin-xian", "新县") == [
        project.root / "scores" / "2011" / "xin-xian.yaml"]
    assert (project.root / "scores" / "counties.yaml").read_text(encoding="utf-8") == before
    assert problems_of(project) == []
    (project.root / "scores" / "2011" / "xin-xian.yaml").unlink()
    with pytest.raises(NewCountyRefused, match="已登记为“新县”"):
        new_county(project.root, RULES_2011, "xin-xian", "另一个县")


def test_the_sample_registry_accepts_a_new_county(tmp_path: Path):
    path = tmp_path / "counties.yaml"
    original = (SAMPLE / "counties.yaml").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    register_county(path, "xin-xian", "新县")
    assert path.read_text(encoding="utf-8") == original + "  - slug: xin-xian\n    name: 新县\n"
