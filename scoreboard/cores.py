"""Work shared among the cores by forking: the children inherit everything read so far, so
only their results travel back (pickled, through a pipe), and this process works too instead
of waiting. Every process claims a few items at a time from a counter they share, so a
child that starts late or runs slower simply takes fewer; a child sends the results of each
claim as soon as it has them, and this process takes them in between its own claims, so
that nobody waits at the end for a whole share to be pickled and unpickled. Used by the
check to parse and validate score files."""
from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import traceback
from typing import Any, Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

CLAIMED = 32  # items taken at once: the shared counter's lock is taken a hundred times per national check
_LENGTH = struct.Struct("<Q")  # each message: its length, then the pickled (index, result) pairs


def map_on_cores(function: Callable[[Item], Result], items: Sequence[Item], jobs: int) -> list[Result]:
    """``[function(item) for item in items]``, on ``jobs`` processes where fork exists. An
    exception in a child is raised here as RuntimeError (its traceback printed by the child)."""
    if jobs < 2 or len(items) < 2 or not hasattr(os, "fork"):
        return [function(item) for item in items]
    import multiprocessing  # the shared counter and its lock
    counter = multiprocessing.get_context("fork").Value("q", 0)
    children = [_fork(function, items, counter) for _ in range(jobs - 1)]
    inboxes = {reading: _Inbox() for _, reading in children}
    results: list[Any] = [None] * len(items)
    try:
        while True:
            claimed = _claim(counter, len(items))
            if not claimed:
                break
            for index in claimed:
                results[index] = function(items[index])
            _receive(inboxes, results, wait=False)
        while any(not inbox.closed for inbox in inboxes.values()):
            _receive(inboxes, results, wait=True)
    except BaseException:  # this process failed: the children's work is of no use
        for pid, reading in children:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(reading)
        raise
    failed = False
    for pid, reading in children:
        os.close(reading)
        _, status = os.waitpid(pid, 0)
        failed = failed or status != 0 or not inboxes[reading].clean
    if failed:
        raise RuntimeError("a worker process failed")
    return results


class _Inbox:
    """What one child has sent so far, until a whole message is there."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.closed = False

    @property
    def clean(self) -> bool:
        return self.closed and not self.data  # no half message left: the child ended well

    def messages(self) -> list[bytes]:
        found = []
        while len(self.data) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self.data)
            if len(self.data) < _LENGTH.size + size:
                break
            found.append(bytes(self.data[_LENGTH.size:_LENGTH.size + size]))
            del self.data[:_LENGTH.size + size]
        return found


def _receive(inboxes: dict[int, _Inbox], results: list, wait: bool) -> None:
    """Take in what the children have sent: whatever is there, or (``wait``) at least something."""
    open_pipes = [reading for reading, inbox in inboxes.items() if not inbox.closed]
    ready, _, _ = select.select(open_pipes, [], [], None if wait else 0)
    for reading in ready:
        inbox = inboxes[reading]
        chunk = os.read(reading, 1 << 20)
        if not chunk:
            inbox.closed = True
            continue
        inbox.data += chunk
        for message in inbox.messages():
            for index, result in pickle.loads(message):
                results[index] = result


def _claim(counter: Any, count: int) -> range:
    """The next few items nobody has taken (none left: an empty range)."""
    with counter.get_lock():
        start = counter.value
        counter.value = start + CLAIMED
    return range(start, min(start + CLAIMED, count))


def _fork(function: Callable, items: Sequence, counter: Any) -> tuple[int, int]:
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: each claim's results down the pipe, then out without cleanup
        status = 1
        try:
            os.close(reading)
            with os.fdopen(writing, "wb") as pipe:
                while True:
                    claimed = _claim(counter, len(items))
                    if not claimed:
                        break
                    message = pickle.dumps([(index, function(items[index])) for index in claimed],
                                           protocol=pickle.HIGHEST_PROTOCOL)
                    pipe.write(_LENGTH.pack(len(message)) + message)
                    pipe.flush()
            status = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(status)
    os.close(writing)
    return pid, reading
