"""Process bookkeeping for the benchmark: memory, CPU, and clean shutdown.

Reads only ``/proc`` and ``pgrep -P``; signals only processes it is given
by id (a server the benchmark started and that server's own children).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """Return the ids of the direct children of ``pid`` (empty if none)."""
    out = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
    ).stdout
    return [int(child) for child in out.split()]


def peak_mb(pids: list[int]) -> float | None:
    """Return the largest VmHWM (peak resident set) among ``pids``, in MiB.

    None when no process could be read (all gone, or none given).
    """
    peaks = []
    for pid in pids:
        try:
            status = Path("/proc/%d/status" % pid).read_text()
        except OSError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return round(max(peaks), 1) if peaks else None


def _stat(pid: int) -> list[str] | None:
    """Return the fields of /proc/PID/stat after the command name, or None.

    Index 0 is field 3 of proc(5): utime is [11], stime [12], starttime [19].
    """
    try:
        stat = Path("/proc/%d/stat" % pid).read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()


def cpu_seconds(pids: list[int]) -> float:
    """Return the user + system CPU time used so far by ``pids``, summed."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def wait_idle(
    pids: list[int], below: float = 0.03, window: float = 1.0, limit: float = 90.0
) -> float:
    """Wait until ``pids`` together use less than ``below`` of one core.

    Samples over ``window`` seconds; gives up after ``limit`` seconds.
    Returns the seconds waited (``limit`` or more means it never settled).
    """
    start = time.monotonic()
    while time.monotonic() - start < limit:
        before = cpu_seconds(pids)
        time.sleep(window)
        if (cpu_seconds(pids) - before) / window < below:
            break
    return time.monotonic() - start


Snapshot = list[tuple[int, str]]


def snapshot(pids: list[int]) -> Snapshot:
    """Remember ``pids`` with their start times, for :func:`kill_survivors`."""
    taken = []
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            taken.append((pid, fields[19]))
    return taken


def kill_survivors(taken: Snapshot) -> None:
    """SIGKILL each remembered process still running: the same process (same
    start time), never another that got a recycled id."""
    for pid, started in taken:
        fields = _stat(pid)
        if fields is None or fields[19] != started:
            continue
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def stop(process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Stop a server and its worker children; never leaves one behind.

    SIGTERM to the server (granian stops its workers itself), SIGKILL after
    ``timeout`` seconds; then any child that outlived it is killed by id.
    """
    workers = snapshot(children(process.pid))
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    kill_survivors(workers)
