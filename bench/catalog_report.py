"""What bench/catalog_http.py measured, judged against the issue's targets, as text and JSON.

Targets (the issue): at 64 connections the origin reaches at least 10% of nginx's requests/s
with p99 under 50 ms; a 304 revalidation is cheaper than a 200 (more requests/s or a lower p99);
each gunicorn worker stays under 100 MB RSS (read as MiB, /proc's unit).
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime

from wrk import WrkResult

KINDS = ("list", "detail", "revalidate")  # loaded on both servers; "floor" on the origin only
MIN_SHARE = 0.10  # origin req/s as a share of nginx's
MAX_P99_MS = 50.0
MAX_WORKER_MIB = 100.0


class BenchError(RuntimeError):
    """The benchmark could not be set up or its two servers do not serve the same thing."""


@dataclass(frozen=True)
class Target:
    """One URL under load: which server, which kind of request, what it must answer."""

    server: str  # "origin" or "nginx"
    kind: str  # one of KINDS, or "floor"
    url: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.server} {self.kind}"

    @property
    def status(self) -> int:
        return 304 if self.kind == "revalidate" else 200


@dataclass(frozen=True)
class Measured:
    """A wrk run and the CPU its server's workers spent per request meanwhile (microseconds)."""

    wrk: WrkResult
    cpu_us_per_request: float


@dataclass(frozen=True)
class Verdict:
    target: str
    passed: bool
    detail: str


def verdicts(
    results: dict[str, Measured], errors: dict[str, int], memory: dict, connections: int
) -> list[Verdict]:
    """PASS/FAIL per target of the issue, from each load's median round and all its errors."""
    found = []
    for kind in KINDS:
        origin, nginx = results[f"origin {kind}"].wrk, results[f"nginx {kind}"].wrk
        share = origin.requests_per_s / nginx.requests_per_s
        found.append(
            Verdict(
                f"{kind}: throughput >= {MIN_SHARE:.0%} of nginx",
                share >= MIN_SHARE,
                f"{origin.requests_per_s:,.0f} vs {nginx.requests_per_s:,.0f} req/s = {share:.1%}",
            )
        )
        found.append(
            Verdict(
                f"{kind}: p99 < {MAX_P99_MS:g} ms at {connections} connections",
                origin.p99_ms < MAX_P99_MS,
                f"p99 {origin.p99_ms:.1f} ms",
            )
        )
    found.append(_revalidation(results["origin list"], results["origin revalidate"]))
    sizes = ", ".join(f"{w['rss']:.1f}" for w in memory["workers"])
    found.append(
        Verdict(
            f"each worker's RSS < {MAX_WORKER_MIB:g} MiB",
            max(w["rss"] for w in memory["workers"]) < MAX_WORKER_MIB,
            f"workers {sizes} MiB after the load",
        )
    )
    failed = {name: count for name, count in errors.items() if count}
    found.append(Verdict("no failed requests under load", not failed, str(failed or "none")))
    return found


def _revalidation(full: Measured, revalidate: Measured) -> Verdict:
    a, b = revalidate.wrk, full.wrk
    return Verdict(
        "origin 304 cheaper than 200",
        a.requests_per_s > b.requests_per_s or a.p99_ms < b.p99_ms,
        f"{a.requests_per_s:,.0f} vs {b.requests_per_s:,.0f} req/s, p99 {a.p99_ms:.1f} vs "
        f"{b.p99_ms:.1f} ms, CPU {revalidate.cpu_us_per_request:.0f} vs "
        f"{full.cpu_us_per_request:.0f} us/request",
    )


def median(rounds: list[Measured]) -> Measured:
    """The round with the median requests/s (the upper one of an even count)."""
    return sorted(rounds, key=lambda m: m.wrk.requests_per_s)[len(rounds) // 2]


def build(
    config: dict, setup: dict, targets: list, rounds: dict[str, list[Measured]], memory: dict
) -> dict:
    """The whole report as JSON-ready data; each target's figures are its median round."""
    results = {name: median(runs) for name, runs in rounds.items()}
    errors = {name: sum(m.wrk.errors for m in runs) for name, runs in rounds.items()}
    checks = verdicts(results, errors, memory, config["connections"])
    return {
        "benchmark": "catalog_http",
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "kernel": platform.release(),
            "python": platform.python_version(),
        },
        "config": {k: str(v) if k == "output" else v for k, v in config.items()},
        "setup": setup,
        "runs": {t.name: _record(t, results[t.name], rounds[t.name]) for t in targets},
        "ratios": {kind: _ratios(results, kind) for kind in KINDS},
        "memory_mib": memory,
        "verdicts": [{"target": v.target, "pass": v.passed, "detail": v.detail} for v in checks],
    }


def _record(target: Target, measured: Measured, rounds: list[Measured]) -> dict:
    return {
        "server": target.server,
        "kind": target.kind,
        "url": target.url,
        "status": target.status,
        **_figures(measured),
        "rounds": [_figures(m) for m in rounds],
    }


def _figures(measured: Measured) -> dict:
    result = measured.wrk
    return {
        "requests_per_s": result.requests_per_s,
        "requests": result.requests,
        "seconds": result.seconds,
        "latency_ms": result.percentiles_ms,
        "non_2xx_3xx": result.non_2xx_3xx,
        "socket_errors": result.socket_errors,
        "cpu_us_per_request": round(measured.cpu_us_per_request, 1),
    }


def _ratios(results: dict[str, Measured], kind: str) -> dict[str, float]:
    origin, nginx = results[f"origin {kind}"], results[f"nginx {kind}"]
    return {
        "throughput": origin.wrk.requests_per_s / nginx.wrk.requests_per_s,
        "p50": origin.wrk.p50_ms / nginx.wrk.p50_ms,
        "p99": origin.wrk.p99_ms / nginx.wrk.p99_ms,
        "cpu_per_request": origin.cpu_us_per_request / max(nginx.cpu_us_per_request, 0.1),
    }


def show(report: dict) -> None:
    """Print the report: settings, one row per load, origin/nginx ratios, verdicts."""
    _show_header(report)
    print(f"\n{'target':<20}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'CPU us/req':>12}{'errors':>8}")
    for name, run in report["runs"].items():
        errors = sum(r["non_2xx_3xx"] + sum(r["socket_errors"].values()) for r in run["rounds"])
        print(
            f"{name:<20}{run['requests_per_s']:>10,.0f}{run['latency_ms']['50']:>9.2f}"
            f"{run['latency_ms']['99']:>9.2f}{run['cpu_us_per_request']:>12.0f}{errors:>8}"
        )
    print(f"\n{'origin / nginx':<20}{'req/s':>10}{'p50':>9}{'p99':>9}{'CPU/req':>12}")
    for kind, ratio in report["ratios"].items():
        print(
            f"{kind:<20}{ratio['throughput']:>10.1%}{ratio['p50']:>8.1f}x{ratio['p99']:>8.1f}x"
            f"{ratio['cpu_per_request']:>11.1f}x"
        )
    print()
    for v in report["verdicts"]:
        print(f"{'PASS' if v['pass'] else 'FAIL'}  {v['target']}: {v['detail']}")


def _show_header(report: dict) -> None:
    config, setup, cpus = report["config"], report["setup"], report["machine"]["cpus"]
    rounds = f", median of {config['rounds']} rounds" if config["rounds"] > 1 else ""
    print(
        f"\ncatalog over HTTP on {cpus} CPUs shared by wrk (-t{config['wrk_threads']} "
        f"-c{config['connections']} -d{config['duration']:g}s{rounds}) and the server under load"
    )
    print(
        f"origin: gunicorn {config['workers']} workers x {config['threads']} threads, "
        f"cache {setup['cache']}; nginx: {config['nginx_workers']} workers; bodies "
        + ", ".join(f"{path} {size:,} B" for path, size in setup["bodies"].items())
    )
    load = setup["load_before"][0]
    if load > cpus / 2:
        print(
            f"warning: load average {load:.1f} before the run: other work shares these "
            "CPUs, so req/s and latency are noisy; CPU us/request is the steadier figure"
        )
