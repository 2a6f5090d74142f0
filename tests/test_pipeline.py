"""The GitLab pipeline, run: `.gitlab-ci.yml` under gitlab-ci-local on a copy of this work tree.

test_workflows.py reads the CI files; this runs them the way the project is used. A merge
request that changes one score must pass every job, and once merged the default branch's
pipeline must publish it; a merge request with a mistake must fail `check`, with the file and
line in its Code Quality report, and the `diff` job must say why it has no table.

gitlab-ci-local (npm, installed by .ci/install-test-tools.sh with the Node 22 it needs) runs
every job with its shell executor: `--force-shell-executor` runs the jobs on this machine
instead of in the `python:3.11-bookworm` image, and `--shell-isolation` gives each job its own
copy of the repository (made with rsync), as a runner would. `python` in the jobs is the one
running these tests, so the jobs' `pip install` finds everything installed and needs no network.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from scoreboard.values import fmt

REPO = Path(__file__).resolve().parent.parent
GITLAB_CI_LOCAL = REPO / ".tools" / "node_modules" / ".bin" / "gitlab-ci-local"

# Set for everything the simulated pipeline runs: its `test` job runs pytest, and if that ever
# reached this file again, each pipeline would start another one.
NESTED = "SCOREBOARD_PIPELINE_TEST"
# What the simulated `test` job runs (through PYTEST_ADDOPTS, so that the job's own script is
# the real one) instead of the whole suite, which takes minutes with the browser tests and
# holds this file. These are the tool's own tests on fixtures — every bad-input case, the
# scoring, the command line — so the job still fails when the tool is broken, and passes
# whatever the data says, as the real `test` job must.
TOOL_TESTS = ("tests/test_check_cases.py", "tests/test_score.py", "tests/test_cli.py")
NOTE = "续签工作未按时完成"


@dataclass
class Pipeline:
    code: int
    output: str
    jobs: dict[str, str]  # job name: PASS, FAIL or WARN, as gitlab-ci-local's summary says
    root: Path

    def artifact(self, job: str, path: str) -> Path:
        return self.root / ".gitlab-ci-local" / "artifacts" / job / path

    def log(self, job: str) -> str:
        return (self.root / ".gitlab-ci-local" / "output" / f"{job}.log").read_text(encoding="utf-8")

    def __str__(self) -> str:
        """For a failed assertion: each job's result, and the end of every failed job's log."""
        text = f"gitlab-ci-local exit {self.code}, jobs {self.jobs}"
        for job in (name for name, status in self.jobs.items() if status != "PASS"):
            lines = [line for line in self.log(job).splitlines() if "Requirement already satisfied" not in line]
            text += f"\n--- {job} ---\n" + "\n".join(lines[-40:])
        return text if self.jobs else text + "\n" + self.output[-4000:]


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "test@example.org"}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def project_repository(root: Path) -> Path:
    """A repository whose `main` holds this work tree as it is now (what is being tested,
    committed or not), with an `origin` as a GitLab clone has one."""
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():  # (a file deleted but not yet committed is left out)
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "工作区")
    # gitlab-ci-local reads the project's path from origin's URL and the default branch from
    # origin/HEAD.
    git(root, "remote", "add", "origin", "https://gitlab.example.org/city/scoreboard.git")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(root, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
    return root


# A plain score of a final file: `  8.1: 5`.
_PLAIN_SCORE = re.compile(r"^  (\d+(?:\.\d+)*): (\d+(?:\.\d+)?)[ \t]*$", re.MULTILINE)


def a_plain_score(root: Path) -> tuple[Path, re.Match]:
    """The first final score file's first plain score of at least 1. Found, not named: the
    sample data may change, and this test must not pin it."""
    for path in sorted((root / "scores").glob("[12][0-9][0-9][0-9]/*.yaml")):
        text = path.read_text(encoding="utf-8")
        if not re.search(r"^status: final\s*$", text, re.MULTILINE):
            continue
        for match in _PLAIN_SCORE.finditer(text):
            if Decimal(match[2]) >= 1:
                return path, match
    raise AssertionError("no final score file in scores/ has a plain score of at least 1")


@dataclass
class Change:
    base: str  # the commit the merge request branched from
    path: str  # the score file changed, from the repository's root
    line: int
    unit: str
    old: Decimal
    new: Decimal  # the old score less 0.5


def change_branch(root: Path, name: str, replacement: str) -> Change:
    """Branch `name` off main with one score line's value replaced by `replacement`, in which
    `{value}` is the old value and `{less}` the old less 0.5; committed."""
    base = git(root, "rev-parse", "HEAD").strip()
    git(root, "checkout", "-q", "-b", name)
    path, match = a_plain_score(root)
    text = path.read_text(encoding="utf-8")
    old = Decimal(match[2])
    new = f"  {match[1]}: " + replacement.format(value=match[2], less=fmt(old - Decimal("0.5")))
    path.write_text(text[:match.start()] + new + text[match.end():], encoding="utf-8")
    git(root, "commit", "-q", "-am", f"{path.stem} 第{match[1]}项")
    return Change(base, path.relative_to(root).as_posix(), text.count("\n", 0, match.start()) + 1,
                  match[1], old, old - Decimal("0.5"))


def run_pipeline(root: Path, *options: str) -> Pipeline:
    venv_bin = Path(sys.executable).parent  # not resolved: a venv's bin/ holds its `python`
    env = {**os.environ, NESTED: "1",
           "PATH": os.pathsep.join([str(venv_bin), str(GITLAB_CI_LOCAL.parent), os.environ.get("PATH", "")])}
    command = [str(GITLAB_CI_LOCAL), "--force-shell-executor", "--shell-isolation", "--no-color",
               "--no-artifacts-to-source", "--concurrency", "2",
               "--variable", f"PYTEST_ADDOPTS={' '.join(TOOL_TESTS)}", *options]
    done = subprocess.run(command, cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=900)
    output = done.stdout + done.stderr
    jobs = dict((name, status) for status, name in re.findall(r"^\s*(PASS|FAIL|WARN)\s+(\S+)\s*$", output, re.MULTILINE))
    return Pipeline(done.returncode, output, jobs, root)


def merge_request_pipeline(root: Path, base: str) -> Pipeline:
    """As GitLab runs a merge request's pipeline: no branch variable, the base commit given."""
    return run_pipeline(root, "--variable", "CI_PIPELINE_SOURCE=merge_request_event",
                        "--ignore-predefined-vars", "CI_PIPELINE_SOURCE",
                        "--variable", f"CI_MERGE_REQUEST_DIFF_BASE_SHA={base}",
                        "--unset-variable", "CI_COMMIT_BRANCH")


@pytest.fixture(autouse=True)
def not_inside_a_pipeline() -> None:
    """Fails, loudly, instead of starting a pipeline inside the pipeline that runs this."""
    assert NESTED not in os.environ, f"{NESTED} is set: the pipeline's test job reached test_pipeline.py"
    assert GITLAB_CI_LOCAL.exists(), f"{GITLAB_CI_LOCAL} is missing: run .ci/install-test-tools.sh"


def test_a_valid_score_change_passes_and_once_merged_is_published(tmp_path: Path) -> None:
    root = project_repository(tmp_path / "repo")
    change = change_branch(root, "deduction", "{{score: {less}, note: " + NOTE + "}}")

    mr = merge_request_pipeline(root, change.base)
    assert mr.code == 0, mr
    assert mr.jobs == {"check": "PASS", "test": "PASS", "diff": "PASS", "preview": "PASS"}, mr
    assert "passed" in mr.log("test") and "failed" not in mr.log("test")
    report = json.loads(mr.artifact("check", "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert report == []
    changes = mr.artifact("diff", "result-changes.md").read_text(encoding="utf-8")
    assert changes.startswith("### 评分变化：")
    assert f"{change.unit}：{fmt(change.old)} → {fmt(change.new)}（{NOTE}）" in changes, changes
    assert changes in mr.log("diff")
    assert (mr.artifact("preview", "site/index.html")).is_file()

    # Merged: the default branch's pipeline runs check, test and pages, and publishes.
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--ff-only", "deduction")
    shutil.rmtree(root / ".gitlab-ci-local")
    published = run_pipeline(root)
    assert published.code == 0, published
    assert published.jobs == {"check": "PASS", "test": "PASS", "pages": "PASS"}, published
    public = published.artifact("pages", "public")
    assert (public / "index.html").is_file()
    slug = Path(change.path).stem
    year = Path(change.path).parent.name  # scores/<year>/<slug>.yaml: that year's scorecard
    card = public / year / "county" / f"{slug}.html"
    assert NOTE in card.read_text(encoding="utf-8")


def test_a_mistake_fails_check_with_its_place_and_the_diff_says_why(tmp_path: Path) -> None:
    root = project_repository(tmp_path / "repo")
    change = change_branch(root, "typo", "{value}分")
    place = f"{change.path}:{change.line}:"

    mr = merge_request_pipeline(root, change.base)
    assert mr.code != 0
    assert mr.jobs["check"] == "FAIL" and mr.jobs["diff"] == "FAIL", mr
    assert mr.jobs["test"] == "PASS", f"a data mistake must not fail the tool's tests\n{mr}"
    assert "preview" not in mr.jobs, "no preview is built from invalid data"
    report = json.loads(mr.artifact("check", "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert [(e["location"]["path"], e["location"]["lines"]["begin"], e["check_name"]) for e in report] \
        == [(change.path, change.line, "E204")]
    assert place in mr.log("check")
    # The diff job: its artifact kept although it failed, saying why; the problem in its log.
    changes = mr.artifact("diff", "result-changes.md").read_text(encoding="utf-8")
    assert changes.startswith("### 评分变化：无法比较") and place in changes, changes
    assert place in mr.log("diff")
