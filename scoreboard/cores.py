"""Work shared among the cores by forking: the children inherit everything read so far, so
only their results travel back (pickled, through a pipe), and this process works too instead
of waiting. Every process claims a few items at a time from a counter they share, so a
child that starts late or runs slower simply takes fewer. Used by the check to parse and
validate score files."""
from __future__ import annotations

import os
import pickle
import signal
import traceback
from typing import Any, Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

CLAIMED = 32  # items taken at once: the shared counter's lock is taken a hundred times per national check


def map_on_cores(function: Callable[[Item], Result], items: Sequence[Item], jobs: int) -> list[Result]:
    """``[function(item) for item in items]``, on ``jobs`` processes where fork exists. An
    exception in a child is raised here as RuntimeError (its traceback printed by the child)."""
    if jobs < 2 or len(items) < 2 or not hasattr(os, "fork"):
        return [function(item) for item in items]
    import multiprocessing  # the shared counter and its lock
    counter = multiprocessing.get_context("fork").Value("q", 0)
    children = [_fork(function, items, counter) for _ in range(jobs - 1)]
    results: list[Any] = [None] * len(items)
    try:
        for index, result in _claim_and_run(function, items, counter):
            results[index] = result
    except BaseException:  # this process failed: the children's work is of no use
        for pid, reading in children:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(reading)
        raise
    failed = False
    for pid, reading in children:
        with os.fdopen(reading, "rb") as pipe:  # read before waiting: a full pipe blocks the child
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            failed = True
        elif not failed:
            for index, result in pickle.loads(data):
                results[index] = result
    if failed:
        raise RuntimeError("a worker process failed")
    return results


def _claim_and_run(function: Callable, items: Sequence, counter: Any) -> list[tuple[int, Any]]:
    """(index, result) of every item this process claims, until none is left."""
    done = []
    while True:
        with counter.get_lock():
            start = counter.value
            counter.value = start + CLAIMED
        if start >= len(items):
            return done
        done.extend((index, function(items[index])) for index in range(start, min(start + CLAIMED, len(items))))


def _fork(function: Callable, items: Sequence, counter: Any) -> tuple[int, int]:
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its results down the pipe, then out without cleanup
        status = 1
        try:
            os.close(reading)
            data = pickle.dumps(_claim_and_run(function, items, counter), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writing, "wb") as pipe:
                pipe.write(data)
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)
    os.close(writing)
    return pid, reading
