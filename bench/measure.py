"""Measuring one scenario: warm-up, measured run, memory, a progress line.

:class:`Bench` holds one benchmark run's configuration, its private work
folder (seeded files, wrk scripts) and the rows measured so far; a failed
scenario becomes a row with its error, so one failure never hides the
others' results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bench import procs, report, stack, wrk
from bench.scenarios import LABELS


class Serving(Protocol):
    """A server under load: ours (bench/stack.py) or a peer."""

    name: str

    def pids(self) -> list[int]: ...


@dataclass
class Bench:
    """One run: its configuration, private work folder, and the rows so far."""

    config: stack.Config
    work: Path
    queries: dict[str, int]
    rows: dict[str, report.Row] = field(default_factory=dict)

    def measure(
        self,
        key: str,
        target: Serving,
        request: wrk.Request,
        items: wrk.Items | None = None,
        settle: bool = False,
    ) -> report.Row:
        """Warm up, then measure ``request`` against ``target``; record the row.

        ``settle`` waits after each run until the target's workers are idle
        (a slow server's backlog must not spill into the next measurement).
        A failure is recorded in the row, not raised (Ctrl-C still is).
        """
        row = report.Row(key, target.name, queries=self.queries.get(key))
        if not self.config.selected(key):
            return row  # BENCH_ONLY leaves it out: not run, not reported
        self.rows[key] = row
        script = self.work / ("%s.lua" % key)
        script.write_text(wrk.lua_script(request, items, self.config.threads))
        load = {
            "connections": self.config.connections,
            "threads": self.config.threads,
        }
        try:
            row.warmup = wrk.run(
                request,
                items.warmup if items else None,
                script,
                duration=self.config.warmup,
                **load,
            )
            if settle:
                procs.wait_idle(target.pids())
            row.result = wrk.run(
                request,
                items.run if items else None,
                script,
                duration=self.config.duration,
                **load,
            )
            row.peak_mb = procs.peak_mb(target.pids())
            if settle:
                procs.wait_idle(target.pids())
        except Exception as error:  # noqa: BLE001 - recorded, shown, run goes on
            row.error = str(error)[:2000]
        _progress(row)
        return row

    def unmeasured(self, keys: list[str], error: BaseException) -> None:
        """Record ``keys`` as not measured because their server failed."""
        for key in keys:
            row = report.Row(key, "", error=str(error)[:2000])
            row.queries = self.queries.get(key)
            self.rows[key] = row
            _progress(row)

    def items(self, kind: str, single_use: bool = True) -> wrk.Items:
        """The seeded files of ``kind`` (bench/seed.py)."""
        return wrk.Items(
            self.work / ("%s-warmup.txt" % kind),
            self.work / ("%s-run.txt" % kind),
            single_use,
        )


def _progress(row: report.Row) -> None:
    """One line per finished scenario, as it finishes."""
    r = row.result
    if r is None:
        print("  %-40s failed: %s" % (LABELS[row.key], (row.error or "")[:300]))
    else:
        print(
            "  %-40s %8.0f req/s  p99 %7.2f ms  non-2xx %d"
            % (LABELS[row.key], r.rps, r.p99_ms, r.non_2xx),
            flush=True,
        )
