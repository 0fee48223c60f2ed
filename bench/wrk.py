"""Run wrk (https://github.com/wg/wrk) against one URL and parse what it prints.

``wrk --latency`` ends its report with a latency distribution (50/75/90/99%), the request count,
socket errors (only when there were some), non-2xx/3xx responses (only when there were some) and
requests per second; :func:`parse` turns that text into a :class:`WrkResult`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_REQUESTS = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),", re.M)
_NON_OK = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


class WrkError(RuntimeError):
    """wrk could not run, or printed something this module cannot read."""


@dataclass(frozen=True)
class Load:
    """How hard to push: wrk's threads, open connections, seconds and request timeout."""

    threads: int = 2
    connections: int = 64
    seconds: float = 10.0
    timeout_s: float = 2.0


@dataclass(frozen=True)
class WrkResult:
    """One wrk run. Latencies in milliseconds; ``percentiles_ms`` keyed "50", "75", "90", "99"."""

    requests_per_s: float
    requests: int
    seconds: float
    percentiles_ms: dict[str, float]
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def p50_ms(self) -> float:
        return self.percentiles_ms["50"]

    @property
    def p99_ms(self) -> float:
        return self.percentiles_ms["99"]

    @property
    def errors(self) -> int:
        """Failed requests of any kind: bad status, connect/read/write errors, timeouts."""
        return self.non_2xx_3xx + sum(self.socket_errors.values())


def parse(text: str) -> WrkResult:
    """Read the report printed by ``wrk --latency``."""
    rps = _RPS.search(text)
    count = _REQUESTS.search(text)
    percentiles = {m[1]: _to_ms(m[2], m[3]) for m in _PERCENTILE.finditer(text)}
    if not rps or not count or set(percentiles) != {"50", "75", "90", "99"}:
        raise WrkError(f"unexpected wrk output:\n{text}")
    non_ok = _NON_OK.search(text)
    sockets = _SOCKET.search(text)
    return WrkResult(
        requests_per_s=float(rps[1]),
        requests=int(count[1]),
        seconds=_to_ms(count[2], count[3]) / 1000.0,
        percentiles_ms=percentiles,
        non_2xx_3xx=int(non_ok[1]) if non_ok else 0,
        socket_errors=_socket_errors(sockets),
    )


def run(url: str, load: Load, *, headers: dict[str, str] | None = None) -> WrkResult:
    """Load ``url`` for ``load.seconds`` with keep-alive connections and return the figures."""
    command = [
        _executable(),
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{load.seconds:g}s",
        f"--timeout={load.timeout_s:g}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=load.seconds + 30, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise WrkError(f"wrk did not finish: {' '.join(command)}") from exc
    if done.returncode != 0:
        raise WrkError(f"wrk exited {done.returncode}: {done.stderr.strip() or done.stdout}")
    return parse(done.stdout)


def _executable() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkError("wrk is not installed (Debian: apt-get install wrk)")
    return path


def _to_ms(number: str, unit: str) -> float:
    return float(number) * _UNITS_MS[unit]


def _socket_errors(match: re.Match | None) -> dict[str, int]:
    if match is None:
        return {}
    names = ("connect", "read", "write", "timeout")
    return {name: int(value) for name, value in zip(names, match.groups(), strict=True)}
