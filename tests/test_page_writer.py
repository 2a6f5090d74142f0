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
