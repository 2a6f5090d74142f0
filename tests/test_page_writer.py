"""Writing the data pages on every core: forked children that claim jobs from a shared
counter while MkDocs renders the content pages. A city's site is too small to fork, so these
tests lower the threshold and hold the parallel build to the serial one, byte for byte."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from scoreboard import publish
from scoreboard.publish import PageWriter
from sitebuild import build, sample_project


def files_of(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_the_parallel_build_equals_the_serial_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = sample_project(tmp_path / "project")
    code, output = build(root, tmp_path / "serial")
    assert code == 0, output
    monkeypatch.setattr(publish, "PARALLEL_PAGES", 1)  # the sample's 80-odd pages, on every core
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    code, output = build(root, tmp_path / "parallel")
    assert code == 0, output
    serial, parallel = files_of(tmp_path / "serial"), files_of(tmp_path / "parallel")
    assert len(serial) > 80 and "SHA256SUMS" in serial
    assert parallel == serial  # every page, download and checksum (the children's digests too)


def make_job(number: int):
    return lambda: [(f"page-{number}.html", f"<p>{number}</p>")]


def test_every_job_is_written_once_whichever_process_takes_it(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publish, "PARALLEL_PAGES", 1)
    digests: dict[str, str] = {}
    writer = PageWriter(tmp_path, [make_job(n) for n in range(500)], digests, workers=3)
    writer.start()
    assert len(writer.children) == 2  # and this process, the third
    assert writer.finish() == 500
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"page-{n}.html" for n in range(500))
    assert len(digests) == 500 and not writer.children


def test_a_failing_child_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publish, "PARALLEL_PAGES", 1)

    def broken() -> list:
        raise ValueError("a template error")

    jobs = [make_job(n) for n in range(50)] + [broken] + [make_job(n) for n in range(50, 100)]
    writer = PageWriter(tmp_path, jobs, workers=2)
    writer.start()
    time.sleep(0.5)  # the children take the jobs, the broken one most likely among them
    with pytest.raises((RuntimeError, ValueError)):  # a child's failure, or this process's own
        writer.finish()
    assert not writer.children


def test_abandon_stops_the_children(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publish, "PARALLEL_PAGES", 1)
    slow = [lambda: time.sleep(60) or []] * 4
    writer = PageWriter(tmp_path, slow, workers=2)
    writer.start()
    pids = [pid for pid, _ in writer.children]
    started = time.monotonic()
    writer.abandon()
    assert time.monotonic() - started < 10 and not writer.children
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, 0)  # already reaped: no zombie, no worker left writing


# --- a rebuild links the unchanged files of the last site ------------------------------------

def inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


def test_a_rebuild_keeps_unchanged_pages_and_rewrites_the_changed(tmp_path: Path) -> None:
    root = sample_project(tmp_path / "project", commit=False)
    site = tmp_path / "site"
    assert build(root, site)[0] == 0
    before = inodes(site)
    edited = root / "scores" / "2012" / "cuiyuan-qu.yaml"
    text = edited.read_text(encoding="utf-8")
    assert "  1.1: 3\n" in text
    edited.write_text(text.replace("  1.1: 3\n", "  1.1: {score: 2.5, note: 联席会议纪要缺页}\n", 1), encoding="utf-8")
    assert build(root, site)[0] == 0
    after = inodes(site)
    kept = {path for path in after if before.get(path) == after[path]}
    assert "2011/county/cuiyuan-qu.html" in kept and "2011/results.json" in kept  # last year: unchanged
    for changed in ("2012/county/cuiyuan-qu.html", "2012/results.json", "2012/results.xlsx", "SHA256SUMS"):
        assert changed not in kept
    assert len(kept) > len(after) // 2
    assert all(p.stat().st_nlink == 1 for p in site.rglob("*") if p.is_file())  # the old site is gone
    assert build(root, tmp_path / "fresh")[0] == 0
    assert files_of(site) == files_of(tmp_path / "fresh")  # linking changes no byte


def test_only_a_plain_file_of_the_last_site_is_linked(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    secret = tmp_path / "secret.html"
    secret.write_text("<p>1</p>")
    (old / "planted.html").symlink_to(secret)  # a link planted in the old site
    (old / "shared.html").write_text("<p>1</p>")
    os.link(old / "shared.html", tmp_path / "elsewhere.html")  # a file with another name elsewhere
    (old / "changed.html").write_text("<p>2</p>")
    (old / "same.html").write_text("<p>1</p>")
    for name in ("planted", "shared", "changed", "same"):
        assert publish.SiteFiles(new, previous=old).write(f"{name}.html", "<p>1</p>") == 1
        assert (new / f"{name}.html").read_text() == "<p>1</p>"
    assert not (new / "planted.html").is_symlink()
    assert (new / "planted.html").stat().st_ino != secret.stat().st_ino
    assert (new / "shared.html").stat().st_ino != (old / "shared.html").stat().st_ino
    assert (new / "changed.html").stat().st_ino != (old / "changed.html").stat().st_ino
    assert (new / "same.html").stat().st_ino == (old / "same.html").stat().st_ino
