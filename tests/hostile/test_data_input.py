"""Hostile score files, registries and data folders: each ends in a located Chinese error.

Names that look like another county's or read reversed, notes that hide characters or run
to megabytes, numbers past Decimal's precision, files the check would not read, a deleted
year, keys that collide with the loader's internals, file names that are not UTF-8.
"""
from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from conftest import ProjectDir, score_file
from scoreboard.cli import main
from scoreboard.project import check_project
from scoreboard.scaffold import NewCountyRefused, register_county

HEAD = "county: 测试县\nyear: 2011\nstatus: draft\nscores:\n"  # the scores start on line 5


def problems(project: ProjectDir) -> list[tuple[str, int, int, str, str, str]]:
    found = check_project(project.root).problems
    return [(p.path, p.line, p.column, p.code, p.message, p.hint) for p in found]


def codes(project: ProjectDir) -> list[tuple[str, int, int, str]]:
    return [p[:4] for p in problems(project)]


@pytest.mark.parametrize("text, expected, message", [
    (HEAD + "  5: 10000000000000000000000000000\n", (5, 6, "E204"),
     "5 的分值“100000000000…”有 29 位数字，不是合理的分值"),
    (HEAD + "  5: 1234567890.5\n", (5, 6, "E204"), "5 的分值“1234567890.5”有 11 位数字，不是合理的分值"),
    (HEAD + "  1.1: {score: 2, note: \"联席会议\\u202e要纪成形未\"}\n", (5, 25, "E211"),
     "1.1 的说明的第 5 个字符是文字方向控制字符 U+202E（会让文字倒序显示）"),
    (HEAD + "  1.1: {score: 2, note: \"未召开\\u200b会议\"}\n", (5, 25, "E211"),
     "1.1 的说明的第 4 个字符是不可见字符 U+200B（零宽字符）"),
    (HEAD + "  1.1: {score: 2, note: " + "长" * 301 + "}\n", (5, 25, "E212"),
     "1.1 的说明有 301 个字，超过了细则规定的 300 个字"),
    (HEAD + "  \"\\0\": 3\n", (5, 3, "E201"), None),
])
def test_hostile_values_are_located_errors(project: ProjectDir, text: str, expected, message) -> None:
    project.register("ceshi-xian", "测试县")
    project.write("scores/2011/ceshi-xian.yaml", text)
    found = problems(project)
    assert [p[1:4] for p in found] == [expected]
    assert found[0][0] == "scores/2011/ceshi-xian.yaml"
    if message:
        assert found[0][4] == message


def test_a_megabyte_note_is_refused_without_reading_it_into_a_page(project: ProjectDir) -> None:
    project.register("ceshi-xian", "测试县")
    project.write("scores/2011/ceshi-xian.yaml", HEAD + "  1.1: {score: 2, note: " + "x" * 1_000_000 + "}\n")
    assert [c[3] for c in codes(project)] in (["E212"], ["E011"])


@pytest.mark.parametrize("name, expected", [
    ("鹭\u200b屿县", "名称“鹭[U+200B]屿县”的第 2 个字符是不可见字符 U+200B（零宽字符）"),
    ("\u202e县屿鹭", "名称“[U+202E]县屿鹭”的第 1 个字符是文字方向控制字符 U+202E（会让文字倒序显示）"),
    ("鹭屿县\\n（更正）", "名称“鹭屿县[U+000A]（更正）”的第 4 个字符是换行"),
    ("鹭屿 县", "名称“鹭屿 县”中有空格"),
])
def test_registry_names_follow_one_rule(project: ProjectDir, name: str, expected: str) -> None:
    project.add_county("luyu-xian", "鹭屿县")
    quoted = json.dumps(name, ensure_ascii=True).replace("\\\\n", "\\n")
    (project.root / "scores" / "counties.yaml").write_text(
        "counties:\n  - slug: luyu-xian\n    name: 鹭屿县\n  - slug: fake-xian\n    name: " + quoted + "\n",
        encoding="utf-8")
    found = problems(project)
    assert found[0][:4] == ("scores/counties.yaml", 5, 11, "E409") and found[0][4] == expected


def test_a_lookalike_name_is_refused(project: ProjectDir) -> None:
    project.add_county("luyu-xian", "鹭屿县")
    project.register("fake-xian", "ＡＢ县")  # full-width letters: NFKC makes them "AB县"
    project.register("ab-xian", "AB县")
    found = [p for p in problems(project) if p[3] == "E410"]
    assert [(p[0], p[1], p[3]) for p in found] == [("scores/counties.yaml", 6, "E410")]
    assert found[0][4] == "名称“AB县”与第 4 行的“ＡＢ县”看起来相同（只是全角、半角或兼容字符不同）"


@pytest.mark.parametrize("name", ["鹭\u200b屿县", "\u202e县", "甲\n乙", "ＡＢ县"])
def test_new_refuses_what_the_registry_refuses(project: ProjectDir, name: str) -> None:
    project.add_county("ab-xian", "AB县")
    with pytest.raises(NewCountyRefused):
        register_county(project.root / "scores" / "counties.yaml", "xin-xian", name)


def test_a_score_file_county_name_with_a_bidi_control_is_refused(project: ProjectDir) -> None:
    project.add_county("ceshi-xian", "测试县")
    path = project.root / "scores" / "2011" / "ceshi-xian.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("county: 测试县", "county: \"测试县\\u202e\""),
                    encoding="utf-8")
    assert codes(project) == [("scores/2011/ceshi-xian.yaml", 1, 9, "E409")]


@pytest.mark.parametrize("decoy", ["scores/old/scores/2011/ceshi-xian.yaml", "scores/2011/ceshi-xian.yaml\n",
                                   "scores/2011/ceshi-xian.yaml.bak", "scores/notes.txt"])
def test_files_the_check_would_not_read_are_reported(project: ProjectDir, decoy: str) -> None:
    project.add_county("ceshi-xian", "测试县")
    project.write(decoy, "county: 测试县\n")
    shown = decoy.replace("\n", "[U+000A]")
    assert codes(project) == [(shown, 0, 0, "E113")]


def test_deleting_a_year_does_not_pass(project: ProjectDir) -> None:
    project.add_county("ceshi-xian", "测试县")
    (project.root / "scores" / "2011" / "ceshi-xian.yaml").unlink()
    (project.root / "scores" / "2011").rmdir()
    assert codes(project) == [("rules/2011.yaml", 0, 0, "E114"), ("scores/counties.yaml", 2, 5, "E110")]
    out = io.StringIO()
    assert main(["--root", str(project.root), "build", "--site-dir", str(project.root.parent / "site")], out=out) == 1


def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(project: ProjectDir, tmp_path: Path) -> None:
    project.add_county("ceshi-xian", "测试县")
    bad = os.fsencode(project.root / "scores" / "2011") + b"/\xff\xfe-xian.yaml"
    with open(bad, "wb") as f:
        f.write(score_file("测试县").encode())
    report = tmp_path / "report.json"
    for fmt in ("text", "github"):
        out = io.StringIO()
        assert main(["--root", str(project.root), "check", "--format", fmt], out=out) == 1
        assert "scores/2011/\ufffd\ufffd-xian.yaml" in out.getvalue()
    assert main(["--root", str(project.root), "check", "--format", "codequality", "--output", str(report)]) == 1
    [entry] = json.loads(report.read_text(encoding="utf-8"))
    assert entry["location"]["path"] == "scores/2011/\ufffd\ufffd-xian.yaml" and entry["check_name"] == "E107"
