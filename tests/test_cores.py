"""Work shared among forked processes: results in order, whichever process made them."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from scoreboard import project as project_module
from scoreboard.cores import _shares, map_on_cores
from scoreboard.project import check_project
from sitebuild import sample_project


@pytest.mark.parametrize("count, jobs, lengths", [(10, 3, [4, 3, 3]), (2, 4, [1, 1]), (0, 2, []), (7, 1, [7])])
def test_shares_are_contiguous_and_nearly_equal(count: int, jobs: int, lengths: list[int]) -> None:
    shares = _shares(count, jobs)
    assert [len(s) for s in shares] == lengths
    assert [i for s in shares for i in s] == list(range(count))


def test_results_come_back_in_order_from_every_process() -> None:
    found = map_on_cores(lambda n: (n * n, os.getpid()), list(range(101)), 3)
    assert [square for square, _ in found] == [n * n for n in range(101)]
    assert len({pid for _, pid in found}) == 3 and found[0][1] == os.getpid()


def test_a_failing_child_is_an_error_here() -> None:
    def last_fails(n: int) -> int:
        if n == 9:
            raise ValueError("broken")
        return n

    with pytest.raises(RuntimeError, match="worker process failed"):
        map_on_cores(last_fails, list(range(10)), 2)


def test_a_failure_here_waits_for_the_children(monkeypatch: pytest.MonkeyPatch) -> None:
    def first_fails(n: int) -> int:
        if n == 0:
            raise ValueError("broken")
        return n

    forked: list[int] = []
    fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forked.append(fork()) or forked[-1])
    with pytest.raises(ValueError):
        map_on_cores(first_fails, list(range(10)), 3)
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
