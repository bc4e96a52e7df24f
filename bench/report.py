"""The benchmark's results: the table, the ratios, the targets, JSON.

Ratios are taken within one run only (the machine is shared and runs vary);
a ratio involving a broken row (non-2xx responses, socket errors, items run
out) or a missing one is not computed, and a target that depends on it is
reported as not measured rather than met or missed.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.scenarios import LABELS, PEERS, peer_row
from bench.wrk import Result

OIDC_PROVIDER_PACKAGE = (
    Path(__file__).resolve().parent
    / "peers/oidc_provider/node_modules/oidc-provider/package.json"
)


@dataclass
class Row:
    """One scenario's outcome: a wrk result, or the error that prevented it.

    ``queries`` comes from bench/query_counts.py (None: not counted);
    ``peak_mb`` is the largest VmHWM among the serving processes (the
    workers) read right after the measured run: a high-water mark since
    each worker started, so it includes the scenarios before on that server.
    """

    key: str
    server: str
    result: Result | None = None
    warmup: Result | None = None
    error: str | None = None
    queries: int | None = None
    peak_mb: float | None = None

    @property
    def usable(self) -> bool:
        """True when the row has a result that measured the happy path."""
        return self.result is not None and not self.result.broken


@dataclass(frozen=True)
class Target:
    """A target: a throughput ratio or a p99 bound."""

    text: str
    key: str
    other: str | None  # the denominator of a ratio; None for a p99 bound
    bound: float  # ratio at least this, or p99 below this many ms


TARGETS = [
    Target(
        "introspection >= node-oidc-provider",
        "introspection",
        "node_introspection",
        1.0,
    ),
    Target("introspection >= 50% of bare", "introspection", "bare", 0.5),
    Target(
        "client_credentials >= 75% of node-oidc-provider",
        "client_credentials",
        "node_client_credentials",
        0.75,
    ),
    Target("client_credentials >= 30% of bare", "client_credentials", "bare", 0.3),
    Target("protected API, cache hit >= 70% of bare", "me_remote_hit", "bare", 0.7),
    Target("code exchange >= 25% of bare", "code_exchange", "bare", 0.25),
    Target(
        "client_credentials >= 100x stock DOT",
        "client_credentials",
        "dot_client_credentials",
        100.0,
    ),
    Target(
        "introspection >= 100x stock DOT", "introspection", "dot_introspection", 100.0
    ),
    Target("refresh >= 25% of bare", "refresh", "bare", 0.25),
    Target("consent page >= 15% of bare", "consent", "bare", 0.15),
    Target(
        "client_credentials >= 50% of node-oidc-provider (Redis)",
        "client_credentials",
        "noderedis_client_credentials",
        0.5,
    ),
    Target(
        "introspection >= 67% of node-oidc-provider (Redis)",
        "introspection",
        "noderedis_introspection",
        2 / 3,
    ),
    Target(
        "client_credentials >= 1.5x DOT configured for speed",
        "client_credentials",
        "fastdot_client_credentials",
        1.5,
    ),
    Target(
        "introspection >= 1.5x DOT configured for speed",
        "introspection",
        "fastdot_introspection",
        1.5,
    ),
    Target(
        "code exchange >= 1.5x DOT configured for speed",
        "code_exchange",
        "fastdot_code_exchange",
        1.5,
    ),
    Target(
        "refresh >= 1.5x DOT configured for speed", "refresh", "fastdot_refresh", 1.5
    ),
    Target(
        "consent page >= 1.5x DOT configured for speed",
        "consent",
        "fastdot_consent",
        1.5,
    ),
    Target("introspection p99 < 25 ms", "introspection", None, 25.0),
    Target("protected API (local) p99 < 25 ms", "me_local", None, 25.0),
    Target(
        "protected API (remote, cache hit) p99 < 25 ms", "me_remote_hit", None, 25.0
    ),
]


def ratio(rows: dict[str, Row], key: str, other: str) -> float | None:
    """Throughput of ``key`` over ``other``; None unless both are usable."""
    a, b = rows.get(key), rows.get(other)
    if a is None or b is None or not (a.usable and b.usable):
        return None
    assert a.result is not None and b.result is not None
    return a.result.rps / b.result.rps if b.result.rps else None


def evaluate(rows: dict[str, Row]) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it is met (None:
    not measured)."""
    out = []
    for target in TARGETS:
        if target.other is None:
            row = rows.get(target.key)
            value = row.result.p99_ms if row and row.usable and row.result else None
            met = None if value is None else value < target.bound
            shown = None if value is None else "%.1f ms" % value
        else:
            value = ratio(rows, target.key, target.other)
            met = None if value is None else value >= target.bound
            shown = None if value is None else _times(value)
        out.append({"target": target.text, "value": value, "shown": shown, "met": met})
    return out


def _ordered(rows: dict[str, Row]) -> dict[str, Row]:
    """``rows`` in the order of bench/scenarios.py."""
    return {key: rows[key] for key in LABELS if key in rows}


def _times(value: float) -> str:
    """A ratio as a percentage below one, else as "N.NNx" ("Nx" from ten)."""
    if value >= 10:
        return "%.0fx" % value
    return "%.2fx" % value if value >= 1 else "%.0f%%" % (100 * value)


def _cell(value: float | int | None, fmt: str) -> str:
    """A table cell: ``value`` formatted, or blank when there is none."""
    return "" if value is None else fmt % value


def print_table(rows: dict[str, Row]) -> None:
    """Print the results, then a warning per broken row, then the targets."""
    rows = _ordered(rows)
    head = "%-46s %8s %7s %7s %7s %5s %4s %6s %6s" + " %12s" * len(PEERS)
    print(
        head
        % (
            "scenario",
            "req/s",
            "p50 ms",
            "p99 ms",
            "non-2xx",
            "sock",
            "qry",
            "MB/wkr",
            "% bare",
            *PEERS.values(),
        )
    )
    for key, row in rows.items():
        r = row.result
        print(
            head
            % (
                LABELS[key][:46],
                _cell(r.rps if r else None, "%.0f"),
                _cell(r.p50_ms if r else None, "%.2f"),
                _cell(r.p99_ms if r else None, "%.2f"),
                _cell(r.non_2xx if r else None, "%d"),
                _cell(r.socket_errors if r else None, "%d"),
                _cell(row.queries, "%d"),
                _cell(row.peak_mb, "%.0f"),
                _cell(_pct(ratio(rows, key, "bare")), "%.0f%%"),
                *(_cell(peer_ratio(rows, key, peer), "%.2f") for peer in PEERS),
            )
        )
    print(
        "qry: database queries per request (bench/query_counts.py); MB/wkr: "
        "peak resident memory (VmHWM) of the largest worker so far; x <peer>: "
        "our req/s over the peer's for the same operation (node-oidc-provider "
        "in memory and with Redis; DOT stock and configured for speed)"
    )
    for key, row in rows.items():
        if row.error:
            print("WARNING: %s: not measured: %s" % (LABELS[key], row.error))
        elif row.result is not None and row.result.broken:
            r = row.result
            print(
                "WARNING: %s: broken measurement (%d non-2xx, %d socket errors%s)"
                % (
                    LABELS[key],
                    r.non_2xx,
                    r.socket_errors,
                    ", ran out of single-use items" if r.exhausted else "",
                )
            )
    print("\ntargets")
    for target in evaluate(rows):
        verdict = {True: "met", False: "NOT met", None: "not measured"}[target["met"]]
        print("  %-56s %10s  %s" % (target["target"], target["shown"] or "", verdict))


def peer_ratio(rows: dict[str, Row], key: str, peer: str) -> float | None:
    """Ours over ``peer`` for the operation of row ``key`` (None: no such row,
    or not usable)."""
    other = peer_row(key, peer)
    return ratio(rows, key, other) if other else None


def _round(value: float | None) -> float | None:
    """A ratio to four decimals for the JSON (None stays None)."""
    return None if value is None else round(value, 4)


def _pct(value: float | None) -> float | None:
    """A ratio as a percentage (None stays None)."""
    return None if value is None else 100 * value


def machine() -> dict[str, Any]:
    """CPU model, core count, memory and kernel of this machine."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text()
    total = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE)
    return {
        "cpu": model.group(1).strip() if model else platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": round(int(total.group(1)) / 2**20, 1) if total else None,
        "kernel": platform.release(),
        "arch": platform.machine(),
    }


def package_versions() -> dict[str, str]:
    """Python and the packages on the measured paths, node and oidc-provider."""
    versions = {"python": platform.python_version()}
    for name in ("django", "django-oauth-toolkit", "granian"):
        versions[name] = importlib.metadata.version(name)
    node = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=False
    )
    versions["node"] = node.stdout.strip()
    try:
        versions["oidc-provider"] = json.loads(OIDC_PROVIDER_PACKAGE.read_text())[
            "version"
        ]
    except OSError:
        versions["oidc-provider"] = ""
    return versions


def document(rows: dict[str, Row], **context: Any) -> dict[str, Any]:
    """The JSON report: ``context`` (machine, versions, command lines,
    settings) plus every scenario and the targets."""
    rows = _ordered(rows)
    scenarios = {}
    for key, row in rows.items():
        r = row.result
        scenarios[key] = {
            "label": LABELS[key],
            "server": row.server,
            "rps": round(r.rps, 1) if r else None,
            "p50_ms": r.p50_ms if r else None,
            "p99_ms": r.p99_ms if r else None,
            "requests": r.requests if r else None,
            "non_2xx": r.non_2xx if r else None,
            "socket_errors": r.socket_errors if r else None,
            "items_used": r.items_used if r else None,
            "items_exhausted": r.exhausted if r else None,
            "queries_per_request": row.queries,
            "peak_worker_mb": row.peak_mb,
            "vs_bare": _round(ratio(rows, key, "bare")),
            "vs_node_oidc_provider": _round(peer_ratio(rows, key, "node")),
            "vs_node_oidc_provider_redis": _round(peer_ratio(rows, key, "noderedis")),
            "vs_stock_dot": _round(peer_ratio(rows, key, "dot")),
            "vs_dot_for_speed": _round(peer_ratio(rows, key, "fastdot")),
            "error": row.error,
        }
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        **context,
        "scenarios": scenarios,
        "targets": evaluate(rows),
    }


def write(path: Path, report: dict[str, Any]) -> None:
    """Write ``report`` to ``path`` atomically (a .tmp file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n")
    tmp.replace(path)
