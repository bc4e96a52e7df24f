"""Driving one scenario with wrk, from its own process, over loopback.

A :class:`Request` is what every request of a run looks like; with
:class:`Items` each request also takes the next line of a file (a code and
its verifier, a refresh token, an access token, a session key): ``{0}``,
``{1}`` in the body or a header value stand for that line's comma-separated
fields. Each wrk thread takes every Nth line (its id from ``setup``), so no
two requests of a run share a line; single-use items are never replayed:
when a thread runs out it stops and sends one request that fails, so the
run shows as broken instead of measuring the error path quietly.

The generated Lua script counts non-2xx responses itself (wrk's own count
lets 3xx through) and reports through ``done()`` in one machine-readable
line, parsed into a :class:`Result`.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

EXHAUSTED_PATH = "/bench-items-exhausted"

RESULT_RE = re.compile(r"^BENCH_RESULT (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Request:
    """The request a scenario repeats: ``{N}`` marks field N of the item."""

    base_url: str
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


@dataclass(frozen=True)
class Items:
    """Files of one item per line: one for the warm-up, one for the run.

    ``single_use`` items (codes, refresh tokens) are never sent twice;
    others (session keys) are taken round-robin.
    """

    warmup: Path
    run: Path
    single_use: bool = True


@dataclass(frozen=True)
class Result:
    """One wrk run: throughput, latency and everything that went wrong."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    items_used: int
    exhausted: bool

    @property
    def rps(self) -> float:
        """Completed requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def broken(self) -> bool:
        """True when the run measured something else than the happy path."""
        return bool(self.non_2xx or self.socket_errors or self.exhausted)


def _lua_string(text: str) -> str:
    """A Lua string literal for ASCII ``text`` (JSON escapes are Lua escapes)."""
    if not text.isascii():
        raise ValueError("wrk scripts carry ASCII only")
    return json.dumps(text)


def _lua_template(template: str) -> str:
    """A Lua expression building ``template`` from the item's fields ``f``."""
    parts = re.split(r"\{(\d)\}", template)
    pieces = [
        _lua_string(part) if n % 2 == 0 else "f[%d]" % (int(part) + 1)
        for n, part in enumerate(parts)
        if part
    ]
    return " .. ".join(pieces) or '""'


def _is_template(text: str) -> bool:
    """True when ``text`` takes fields of an item (``{0}``, ``{1}``...)."""
    return re.search(r"\{\d\}", text) is not None


COMMON_LUA = """
threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

bad, used, exhausted = 0, 0, 0
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local b, u, x = 0, 0, 0
  for _, t in ipairs(threads) do
    b = b + t:get("bad"); u = u + t:get("used"); x = x + t:get("exhausted")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), b, e.connect + e.read + e.write + e.timeout, u, x))
end
"""

WALK_LUA = """
items, count, position = {}, 0, 0
function init(args)
  local k = 0
  for line in io.lines(args[1]) do
    if line ~= "" then
      if k %% %(threads)d == id then
        local f = {}
        for part in string.gmatch(line, "[^,]+") do f[#f + 1] = part end
        count = count + 1
        items[count] = f
      end
      k = k + 1
    end
  end
end

function request()
  if position >= count then
    if %(single_use)s or count == 0 then
      exhausted = 1
      wrk.thread:stop()
      return wrk.format("GET", %(exhausted_path)s)
    end
    position = 0
  end
  position = position + 1
  used = used + 1
  local f = items[position]
  return wrk.format(%(method)s, %(path)s, {%(headers)s}, %(body)s)
end
"""


def lua_script(request: Request, items: Items | None, threads: int) -> str:
    """Return the wrk script for ``request`` (walking a file when ``items``).

    Every request carries all of ``request.headers`` (with a form
    Content-Type when there is a body): wrk.format replaces wrk.headers
    with the table it is given, so the walking script builds the whole set.
    """
    headers = dict(request.headers)
    if request.body:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    if items is None:
        if any(_is_template(text) for text in (request.body, *headers.values())):
            raise ValueError("a templated request needs items")
        lines = ["wrk.method = %s" % _lua_string(request.method)]
        for key, value in headers.items():
            lines.append(
                "wrk.headers[%s] = %s" % (_lua_string(key), _lua_string(value))
            )
        if request.body:
            lines.append("wrk.body = %s" % _lua_string(request.body))
        return "\n".join(lines) + "\n" + COMMON_LUA
    walk = WALK_LUA % {
        "threads": threads,
        "single_use": "true" if items.single_use else "false",
        "exhausted_path": _lua_string(EXHAUSTED_PATH),
        "method": _lua_string(request.method),
        "path": _lua_string(request.path),
        "headers": ", ".join(
            "[%s] = %s" % (_lua_string(key), _lua_template(value))
            for key, value in headers.items()
        ),
        "body": _lua_template(request.body) if request.body else "nil",
    }
    return COMMON_LUA + walk


def run(
    request: Request,
    items_file: Path | None,
    script: Path,
    *,
    duration: str,
    connections: int,
    threads: int,
) -> Result:
    """Run wrk once with ``script`` (see :func:`lua_script`) and parse it.

    Raises RuntimeError when wrk fails or prints no result line.
    """
    argv = [
        "wrk",
        "-t%d" % threads,
        "-c%d" % connections,
        "-d" + duration,
        "--timeout",
        "30s",
        "-s",
        str(script),
        request.base_url + request.path,
    ]
    if items_file is not None:
        argv += ["--", str(items_file)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    match = RESULT_RE.search(done.stdout)
    if done.returncode or not match:
        raise RuntimeError(
            "wrk failed (%d): %s %s" % (done.returncode, done.stdout, done.stderr)
        )
    requests, duration_us, p50, p99, bad, errors, used, exhausted = (
        int(float(value)) for value in match.group(1).split()
    )
    return Result(
        requests=requests,
        seconds=duration_us / 1e6,
        p50_ms=p50 / 1000,
        p99_ms=p99 / 1000,
        non_2xx=bad,
        socket_errors=errors,
        items_used=used,
        exhausted=bool(exhausted),
    )
