"""``build --site-dir`` never destroys data, and a killed build never leaves no site.

Each refused folder is a real tree: the project itself, its parent, its data folders, a
clone, a folder of someone's files. After a refusal the data is byte for byte untouched.
Kills are real (SIGKILL to a running build) or the exact leftovers a kill would leave.
"""
from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from scoreboard.cli import main
from scoreboard.publish import MARKER, exchange, leftovers, recover, swap_by_renames
from sitebuild import build, fixture_project


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(root: Path, site_dir: Path, capsys: pytest.CaptureFixture[str], checked: bool = False,
            zip_too: bool = False) -> str:
    """Run the build; it must be a usage error (exit 2), before the check unless ``checked``."""
    before = tree(root)
    capsys.readouterr()
    code = main(["--root", str(root), "build", "--site-dir", str(site_dir), *(["--zip"] if zip_too else [])])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert checked or captured.out == ""
    assert tree(root) == before
    return captured.err.strip()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = fixture_project(tmp_path / "p")
    (project / ".git").mkdir()  # a clone: losing .git loses the history
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    return project


def test_the_project_itself_is_refused(root: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)
    message = refused(root, Path("."), capsys)
    assert message == "build.py: 错误：输出目录 . 是项目目录或其上级目录，构建会删除整个项目；请另选一个目录，例如 site/"
    assert (root / ".git" / "HEAD").exists()


def test_an_ancestor_of_the_project_is_refused(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = refused(root, root.parent, capsys)
    assert message == f"build.py: 错误：输出目录 {root.parent} 是项目目录或其上级目录，构建会删除整个项目；请另选一个目录，例如 site/"


def test_the_repository_of_the_tool_is_refused(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = refused(root, REPO, capsys)
    assert message == f"build.py: 错误：输出目录 {REPO} 是项目目录或其上级目录，构建会删除整个项目；请另选一个目录，例如 site/"


@pytest.mark.parametrize("name", ["scores", "rules", "content", "theme", ".git"])
def test_a_data_folder_of_the_project_is_refused(root: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    (root / name).mkdir(exist_ok=True)
    message = refused(root, root / name, capsys)
    assert message == f"build.py: 错误：输出目录 {root / name} 位于项目的 {name}/ 之中，构建会覆盖数据；请另选一个目录，例如 site/"


def test_a_folder_inside_the_data_is_refused(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = refused(root, root / "scores" / "2011", capsys)
    assert message == f"build.py: 错误：输出目录 {root / 'scores' / '2011'} 位于项目的 scores/ 之中，构建会覆盖数据；请另选一个目录，例如 site/"


def test_another_clone_is_refused(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other-clone"
    (other / ".git").mkdir(parents=True)
    (other / "rules").mkdir()
    message = refused(root, other, capsys)
    assert message == f"build.py: 错误：输出目录 {other} 中有 rules、.git，像是一个项目而不是网站，不能覆盖"
    assert (other / ".git").is_dir()


def test_a_folder_named_like_data_elsewhere_is_refused(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = refused(root, tmp_path / "backup" / "scores", capsys)
    assert message == "build.py: 错误：输出目录不能叫 scores：这是项目数据或仓库的目录名；请另选一个目录，例如 site/"


def test_a_folder_of_other_files_is_refused(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "报告.docx").write_bytes(b"PK\x03\x04")
    message = refused(root, documents, capsys)
    assert message == (f"build.py: 错误：输出目录 {documents} 不是空的，也不是本工具生成的网站（没有 {MARKER}），不能覆盖；"
                       "请另选一个目录，或确认无用后自己删除它")
    assert (documents / "报告.docx").read_bytes() == b"PK\x03\x04"


def test_a_file_is_refused(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "notes.txt"
    plain.write_text("x", encoding="utf-8")
    message = refused(root, plain, capsys)
    assert message == f"build.py: 错误：输出目录 {plain} 已存在，但不是文件夹"
    assert plain.read_text(encoding="utf-8") == "x"


def test_an_empty_folder_and_an_earlier_site_are_accepted(root: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, output = build(root, empty)
    assert code == 0, output
    assert (empty / MARKER).is_file()
    assert MARKER not in (empty / "SHA256SUMS").read_text(encoding="utf-8")
    (empty / "stale.html").write_text("old", encoding="utf-8")
    code, output = build(root, empty)  # a site of ours: replaced whole
    assert code == 0, output
    assert not (empty / "stale.html").exists()


def test_a_second_build_at_the_same_time_is_refused(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "out" / "site"
    site.parent.mkdir()
    holder = os.open(site.parent, os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)  # what a running build holds
        message = refused(root, site, capsys, checked=True)  # the lock is taken after the check
    finally:
        os.close(holder)
    assert message == f"build.py: 错误：另一个构建正在写入 {site.parent} 中的网站，请等它结束后再试"
    assert not site.exists()


def test_exchange_swaps_two_folders_atomically(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_text("a", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x").write_text("b", encoding="utf-8")
    assert exchange(tmp_path / "a", tmp_path / "b") is True  # Linux ≥ 3.15 on a local file system
    assert (tmp_path / "a" / "x").read_text(encoding="utf-8") == "b"
    assert (tmp_path / "b" / "x").read_text(encoding="utf-8") == "a"


def test_the_fallback_swap_by_two_renames(tmp_path: Path) -> None:
    site, staging = tmp_path / "site", tmp_path / ".site.building-x"
    for folder, text in ((site, "old"), (staging, "new")):
        folder.mkdir()
        (folder / "index.html").write_text(text, encoding="utf-8")
    swap_by_renames(staging, site)
    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def _old_site(site: Path) -> bytes:
    return (site / "2011" / "index.html").read_bytes()


def test_killed_between_the_two_renames_the_next_build_restores_and_rebuilds(root: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(root, site)[0] == 0
    before = _old_site(site)
    # Exactly what the two-rename swap leaves when killed between its steps: the site moved
    # aside as .site.old-<pid>, the new one complete in .site.building-*, no site/.
    site.rename(tmp_path / ".site.old-4194305")
    (tmp_path / ".site.building-k1ll3d").mkdir()
    (tmp_path / ".site.building-k1ll3d" / "index.html").write_text("half", encoding="utf-8")
    recover(site)
    assert _old_site(site) == before  # the old site is back before anything else happens
    assert leftovers(site) == []
    code, output = build(root, site)
    assert code == 0, output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []


def test_a_leftover_of_our_own_pid_does_not_crash_the_next_build(root: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(root, site)[0] == 0
    stale = tmp_path / f".site.old-{os.getpid()}"  # a dead build that had this pid
    (stale / "2011").mkdir(parents=True)
    (stale / "2011" / "index.html").write_text("stale", encoding="utf-8")
    code, output = build(root, site)
    assert code == 0, output
    assert not stale.exists()


def test_a_real_kill_mid_build_leaves_a_whole_site(root: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(root, site)[0] == 0
    before = tree(site)
    child = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "build",
                              "--site-dir", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while not any(p.name.startswith(".site.building-") for p in tmp_path.iterdir()):
            assert child.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    assert tree(site) == before  # the old site, whole
    assert leftovers(site) != []  # what the kill left behind
    code, output = build(root, site)
    assert code == 0, output
    assert leftovers(site) == []
    assert tree(site) == before  # same input, same bytes


def test_a_committed_site_link_is_refused(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "runner-home" / "autostart"
    os.symlink(elsewhere, root / "site")  # the default --site-dir, committed as a link
    capsys.readouterr()
    assert main(["--root", str(root), "build"]) == 2
    assert capsys.readouterr().err.strip() == f"build.py: 错误：输出目录 {root / 'site'} 是符号链接，不能写入；请给出真实的目录"
    assert not elsewhere.exists()


def test_a_committed_dist_link_is_refused(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, root / "dist")
    message = refused(root, tmp_path / "site", capsys, zip_too=True)
    assert message == f"build.py: 错误：{root / 'dist'} 不是普通文件夹（可能是符号链接），不能在其中写入压缩包"
    assert list(elsewhere.iterdir()) == []


def test_a_link_in_the_archives_place_is_replaced_not_followed(root: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (root / "dist").mkdir()
    os.symlink(victim, root / "dist" / "scoreboard-2011-nogit.zip")
    code, output = build(root, tmp_path / "site", "--zip")
    assert code == 0, output
    assert victim.read_text(encoding="utf-8") == "keep me"
    archive = root / "dist" / "scoreboard-2011-nogit.zip"
    assert not archive.is_symlink() and archive.read_bytes().startswith(b"PK\x03\x04")
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["scoreboard-2011-nogit.zip"]
