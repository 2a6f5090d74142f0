"""A real score change goes green: the suite tests the tool, not this year's results.

The repository's `scores/` will hold real results that change every year. A valid pull request
that changes one score must not turn the tests red. This test makes such a change in a copy of
the repository (the README's own example: 8.1 from 5 to 4.5 with a note, which moves 鹭屿县
from a shared third place to fourth, and a reworded note), commits it, and runs the suite
there. The browser, pipeline and this test itself are left out of the inner run: they run in
the outer one, and the inner run checks only that no test depends on the data.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO
from gitrepo import Repo

SCORE_FILE = "scores/2011/luyu-xian.yaml"
# Test files that drive outside programs (Chromium, gitlab-ci-local, language servers): slow, and
# they read no data of their own; they run in the outer suite.
OUTSIDE_TOOLS = ("tests/test_browser.py", "tests/test_pipeline.py", "tests/test_real_edit.py", "tests/test_lsp.py",
                 "tests/test_a11y.py", "tests/test_lighthouse.py", "tests/hostile/test_csp.py")


def tracked_and_new_files(repo: Path) -> list[str]:
    """The files a clone would hold: tracked and not-ignored new ones (NUL-delimited)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=repo, capture_output=True, check=True).stdout
    return [name for name in listed.decode("utf-8").split("\0") if name and (repo / name).is_file()]


def copy_of_the_repository(target: Path) -> Repo:
    for name in tracked_and_new_files(REPO):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name, follow_symlinks=False)
    repo = Repo(target)
    repo.commit("当前版本", "维护者", "2012-01-05T10:00:00+08:00")
    return repo


def change_a_score(repo: Repo) -> None:
    """Edit the live sample file, whatever its current values: 8.1 → 4.5 with a note."""
    path = repo.root / SCORE_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = [("  8.1: {score: 4.5, note: 续签工作未按时完成}\n" if line.startswith("  8.1:") else line) for line in lines]
    assert changed != lines, f"{SCORE_FILE} has no 8.1 line to change"
    noted = [line.replace("note: ", "note: 复核后：", 1) if "note: " in line and not line.startswith("  8.1:") else line
             for line in changed]
    path.write_text("".join(noted), encoding="utf-8")
    repo.commit("鹭屿县第8.1项扣0.5分", "考核办", "2012-01-10T10:00:00+08:00")


def test_a_valid_score_change_keeps_the_suite_green(tmp_path: Path) -> None:
    repo = copy_of_the_repository(tmp_path / "clone")
    change_a_score(repo)
    ignored = [f"--ignore={path}" for path in OUTSIDE_TOOLS]
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "GITHUB_"))}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *ignored],
                          cwd=repo.root, capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout
    # The edit really is in the data the inner suite checked and built.
    check = subprocess.run([sys.executable, "build.py", "rank", "2011"], cwd=repo.root, capture_output=True, text=True)
    assert check.returncode == 0 and "鹭屿县" in check.stdout
