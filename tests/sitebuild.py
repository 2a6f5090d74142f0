"""Builds a site once per test session: the fixture project, and the repository's own data."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

from conftest import FIXTURES, RULES_2011_FILE, RULES_2012_FILE, SAMPLE
from gitrepo import Repo
from scoreboard.cli import main

FIXTURE = FIXTURES / "site"


def fixture_project(target: Path) -> Path:
    """The fixture's scores with the real 2011 rules, in a folder that is not a git repository."""
    shutil.copytree(FIXTURE / "scores", target / "scores")
    (target / "rules").mkdir()
    shutil.copy(RULES_2011_FILE, target / "rules" / "2011.yaml")
    return target


def sample_project(target: Path, commit: bool = True) -> Path:
    """The sample data with its rules (2011, and the invented 2012); committed once, so that
    pages carry a version stamp, unless ``commit`` is false."""
    shutil.copytree(SAMPLE, target / "scores")
    (target / "rules").mkdir()
    shutil.copy(RULES_2011_FILE, target / "rules" / "2011.yaml")
    shutil.copy(RULES_2012_FILE, target / "rules" / "2012.yaml")
    if commit:
        Repo(target).commit("2011年度考核结果（示例）", "县总工会考核办", "2012-01-05T10:00:00+08:00")
    return target


def build(root: Path, site_dir: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--root", str(root), "build", "--site-dir", str(site_dir), *extra], out=out)
    return code, out.getvalue()
