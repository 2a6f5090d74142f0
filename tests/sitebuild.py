"""Builds a site once per test session: the fixture project, and the repository's own data."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

from conftest import REPO
from scoreboard.cli import main

FIXTURE = REPO / "tests" / "fixtures" / "site"


def fixture_project(target: Path) -> Path:
    """The fixture's scores with the real 2011 rules, in a folder that is not a git repository."""
    shutil.copytree(FIXTURE / "scores", target / "scores")
    (target / "rules").mkdir()
    shutil.copy(REPO / "rules" / "2011.yaml", target / "rules" / "2011.yaml")
    return target


def build(root: Path, site_dir: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--root", str(root), "build", "--site-dir", str(site_dir), *extra], out=out)
    return code, out.getvalue()
