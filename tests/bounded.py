"""Run a reader on a hostile file in a forked child, under a time and address-space limit.

The child inherits the test process (numnet already imported), lowers its RLIMIT_AS to what it
uses now plus ``memory`` bytes, runs the call and reports back how it ended: ("ok", None) or
("raised", exception type name, message). A child that runs past ``seconds`` is killed and
reported as ("timeout", seconds); one that dies (killed for memory, a crash) as ("died", code).
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time

GiB = 1024**3


def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def run_bounded(fn, *args, seconds: float = 20.0, memory: int = 2 * GiB, **kwargs) -> tuple:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report and leave without running the parent's cleanup
        os.close(read_end)
        try:
            limit = _address_space() + memory
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            try:
                fn(*args, **kwargs)
                outcome = ("ok", None)
            except BaseException as err:  # noqa: BLE001 - reported to the parent as it is
                outcome = ("raised", type(err).__name__, str(err)[:2000],
                           [c.__name__ for c in type(err).__mro__])
            os.write(write_end, pickle.dumps(outcome))
        finally:
            os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + seconds
    chunks = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return ("timeout", seconds)
            ready, _, _ = select.select([read_end], [], [], left)
            if ready:
                chunk = os.read(read_end, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        return ("died", status)
    return pickle.loads(b"".join(chunks))


def outcome_ok(outcome, error_names=("ModelFileError",)) -> bool:
    """Whether the call succeeded or raised one of the documented errors (by class name, or
    a subclass of one)."""
    if outcome[0] == "ok":
        return True
    return outcome[0] == "raised" and any(name in outcome[3] for name in error_names)
