"""The command line: exit codes and exact output, called through build.main as a user would."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

import build
from conftest import REPO, ProjectDir


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    from scoreboard.cli import main
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_check_sample_data_is_clean(sample_project, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code, text = run("--root", str(sample_project), "check")
    assert code == 0
    assert text == "检查通过：32 个文件，没有发现问题。\n"  # the registry, 2 rules files, 14 + 15 score files


def test_check_reports_and_exits_1(project: ProjectDir, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    project.add_county("ceshi-xian", "测试县", deductions={"1.1": "3分"})
    code, text = run("--root", str(project.root), "check")
    assert code == 1
    assert text == (
        "scores/2011/ceshi-xian.yaml:5:8: error E204 1.1 的“3分”不是纯数字\n"
        "    提示：去掉“分”字，只写数字：3\n"
        "共 1 个错误、0 个警告（检查了 3 个文件）。\n")


def test_warnings_fail_only_under_strict(project: ProjectDir) -> None:
    project.add_county("ceshi-xian", "测试县", deductions={"5": "2"})
    assert run("--root", str(project.root), "check")[0] == 0
    assert run("--root", str(project.root), "check", "--strict")[0] == 1


def test_github_format_is_picked_by_itself(project: ProjectDir, monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    project.add_county("ceshi-xian", "测试县", deductions={"1.1": "4"})
    code, text = run("--root", str(project.root), "check")
    assert code == 1
    assert text.splitlines()[0] == (
        "::error file=scores/2011/ceshi-xian.yaml,line=5,col=8,title=E205::"
        "1.1 的分值 4 超出范围：应在 0 到 3 之间（提示：1.1 满分 3 分）")


def test_codequality_report(project: ProjectDir, tmp_path) -> None:
    project.add_county("ceshi-xian", "测试县", deductions={"1.1": "yes"})
    report = tmp_path / "gl-code-quality-report.json"
    code, _ = run("--root", str(project.root), "check", "--format", "codequality", "--output", str(report))
    assert code == 1
    [entry] = json.loads(report.read_text(encoding="utf-8"))
    assert entry["location"] == {"path": "scores/2011/ceshi-xian.yaml", "lines": {"begin": 5}}
    assert entry["severity"] == "major" and entry["check_name"] == "E204"


def test_check_only_given_paths(project: ProjectDir) -> None:
    project.add_county("a-xian", "甲县")
    project.add_county("b-xian", "乙县", deductions={"1.1": "9"})
    good = project.root / "scores" / "2011" / "a-xian.yaml"
    assert run("--root", str(project.root), "check", str(good))[0] == 0
    assert run("--root", str(project.root), "check", str(good.parent))[0] == 1


@pytest.mark.parametrize("argv", [["check", "--format", "xml"], ["frobnicate"], [], ["check", "no/such/file.yaml"],
                                  ["check", "/"],
                                  ["rank", "1999"], ["rank", "twenty"]])
def test_usage_errors_exit_2(argv: list[str], sample_project) -> None:
    # --root: a usage error is a usage error whatever the repository's own data says.
    assert build.main(["--root", str(sample_project), *argv]) == 2


def test_rank_prints_a_table(sample_project) -> None:
    code, text = run("--root", str(sample_project), "rank", "2011")
    assert code == 0
    lines = text.splitlines()
    assert lines[0] == "2011年度县市区工会工作考核细则 总排名"
    assert lines[1].split() == ["名次", "县市区", "组织建设", "工资集体协商", "素质提升", "扶贫帮困", "基础分", "加分", "总分"]
    assert lines[2].split() == ["1", "芷澜县", "24.5", "24", "25", "25", "98.5", "12.5", "111"]
    assert lines[4].split()[:2] == ["3", "鹭屿县"] and lines[5].split()[:2] == ["3", "榆湾市"]
    assert "苇渚区" not in text


def test_rank_with_drafts_marks_them(sample_project) -> None:
    code, text = run("--root", str(sample_project), "rank", "2011", "--drafts")
    assert code == 0
    assert "苇渚区*" in text and text.endswith("* 草稿，成绩为暂定\n")


def test_runs_as_a_script_without_traceback(tmp_path) -> None:
    bad = tmp_path / "p"
    ProjectDir(bad).register("x-xian", "某县")
    (bad / "scores" / "2011" / "x-xian.yaml").write_bytes(b"\xff\xfe\x00garbage")
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(bad), "check"],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "scores/2011/x-xian.yaml:1:1: error E001" in done.stdout


def test_new_writes_a_file_that_checks_clean(project: ProjectDir) -> None:
    project.add_county("ceshi-xian", "测试县")
    code, text = run("--root", str(project.root), "new", "2011", "xin-xian", "--name", "新县")
    assert code == 0
    assert text.splitlines()[:2] == ["已写入 scores/counties.yaml", "已写入 scores/2011/xin-xian.yaml"]
    assert run("--root", str(project.root), "check")[0] == 0
    written = (project.root / "scores" / "2011" / "xin-xian.yaml").read_text(encoding="utf-8")
    assert written.startswith("# yaml-language-server: $schema=../schema/2011.json\n")
    assert "  8.1: 5      # 满分 5 分：" in written and "status: draft" in written
    assert run("--root", str(project.root), "new", "2011", "xin-xian", "--name", "新县")[0] == 2
    assert run("--root", str(project.root), "new", "2011", "Bad_Slug", "--name", "坏县")[0] == 2
    assert run("--root", str(project.root), "new", "1999", "old-xian", "--name", "旧县")[0] == 2


def test_schema_writes_and_checks_the_json_schema(project: ProjectDir) -> None:
    from scoreboard.schema import schema_path
    path = schema_path(project.root, 2011)
    code, text = run("--root", str(project.root), "schema", "--check")
    assert code == 1 and text == "scores/schema/2011.json 与考核细则不一致；请运行 python build.py schema 并提交\n"
    assert not path.exists()
    code, text = run("--root", str(project.root), "schema")
    assert (code, text) == (0, "scores/schema/2011.json\n") and path.is_file()
    assert run("--root", str(project.root), "schema", "--check") == (0, "")
    path.write_text(path.read_text(encoding="utf-8").replace("1.1", "1.9", 1), encoding="utf-8")
    assert run("--root", str(project.root), "schema", "--check")[0] == 1
