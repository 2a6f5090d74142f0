"""Work shared among forked processes: results in order, whichever process made them."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from scoreboard import project as project_module
from scoreboard.cores import map_on_cores
from scoreboard.project import check_project
from sitebuild import sample_project


def slow_square(n: int) -> tuple[int, int]:
    time.sleep(0.002)  # long enough for every process to claim some
    return n * n, os.getpid()


def test_results_come_back_in_order_from_every_process() -> None:
    found = map_on_cores(slow_square, list(range(301)), 3)
    assert [square for square, _ in found] == [n * n for n in range(301)]
    assert len({pid for _, pid in found}) == 3 and os.getpid() in {pid for _, pid in found}


def test_a_slow_process_takes_fewer_items() -> None:
    parent = os.getpid()

    def slow_here(n: int) -> int:
        time.sleep(0.02 if os.getpid() == parent else 0.001)
        return os.getpid()

    found = map_on_cores(slow_here, list(range(400)), 2)
    assert found.count(parent) < 150  # claimed in turns, not split in halves


def test_a_failing_child_is_an_error_here() -> None:
    parent = os.getpid()

    def fails_in_a_child(n: int) -> int:
        time.sleep(0.001)
        if os.getpid() != parent:
            raise ValueError("broken")
        return n

    with pytest.raises(RuntimeError, match="worker process failed"):
        map_on_cores(fails_in_a_child, list(range(200)), 2)


def test_a_failure_here_waits_for_the_children(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()

    def fails_here(n: int) -> int:
        if os.getpid() == parent:
            raise ValueError("broken")
        time.sleep(0.01)  # the children are slow: this process gets to claim some
        return n

    forked: list[int] = []
    fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forked.append(fork()) or forked[-1])
    with pytest.raises(ValueError):
        map_on_cores(fails_here, list(range(300)), 3)
    assert len(forked) == 2
    for pid in forked:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already reaped: no child left behind


def test_the_check_on_several_cores_equals_the_check_on_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = sample_project(tmp_path / "project", commit=False)
    (root / "scores" / "2011" / "beishan-xian.yaml").write_text("county: 北杉县\nscores:\n  1.1: 3分\n", encoding="utf-8")
    alone = check_project(root, jobs=1)
    monkeypatch.setattr(project_module, "PARALLEL_THRESHOLD", 1)
    shared = check_project(root, jobs=3)
    assert alone.problems and shared.problems == alone.problems
    assert shared.sheets == alone.sheets and sum(len(s) for s in shared.sheets.values()) > 20
