"""Work shared among the cores by forking: the children inherit everything read so far, so
only their results travel back (pickled, through a pipe), and this process does a share
itself instead of waiting. Used by the check to parse and validate score files."""
from __future__ import annotations

import os
import pickle
import traceback
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_on_cores(function: Callable[[Item], Result], items: Sequence[Item], jobs: int) -> list[Result]:
    """``[function(item) for item in items]``, on ``jobs`` processes where fork exists: one
    contiguous share each, this process the first. An exception in a child is raised here as
    RuntimeError (its traceback printed by the child)."""
    shares = _shares(len(items), jobs if hasattr(os, "fork") else 1)
    children = [_fork(function, items, share) for share in shares[1:]]
    try:
        results = [function(item) for item in items[shares[0].start:shares[0].stop]] if shares else []
    except BaseException:
        for pid, reading in children:
            os.close(reading)
            os.waitpid(pid, 0)
        raise
    failed = False
    for pid, reading in children:
        with os.fdopen(reading, "rb") as pipe:  # read before waiting: a full pipe blocks the child
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            failed = True
        elif not failed:
            results.extend(pickle.loads(data))
    if failed:
        raise RuntimeError("a worker process failed")
    return results


def _shares(count: int, jobs: int) -> list[range]:
    """``count`` items cut into at most ``jobs`` contiguous ranges of nearly equal length."""
    jobs = max(1, min(jobs, count))
    size, extra = divmod(count, jobs)
    bounds = [i * size + min(i, extra) for i in range(jobs + 1)]
    return [range(bounds[i], bounds[i + 1]) for i in range(jobs) if bounds[i] < bounds[i + 1]]


def _fork(function: Callable, items: Sequence, share: range) -> tuple[int, int]:
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its share's results down the pipe, then out without cleanup
        status = 1
        try:
            os.close(reading)
            data = pickle.dumps([function(items[i]) for i in share], protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writing, "wb") as pipe:
                pipe.write(data)
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)
    os.close(writing)
    return pid, reading
