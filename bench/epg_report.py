"""What bench/epg_http.py measured, judged against the issue's targets, as text and JSON.

Targets (the issue): the guide window (500 channels x 24 h: 3 pages of 200) under 50 ms p50 at
the origin; its cost flat in the stored schedule's size (store B, 10,000 channel-days, at most
1.5 times store A's, about 10 channel-days beyond the window); linear playlist requests at least
1,000/s on 2 cores. Every function here is pure: figures in, figures or text out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wrk import WrkResult

MAX_WINDOW_P50_MS = 50.0
MAX_STORE_RATIO = 1.5
MIN_LIVE_RPS = 1000.0
STORES = ("origin A", "origin B")
SERVERS = (*STORES, "nginx")
KINDS = ("guide", "now", "live", "floor")


@dataclass(frozen=True)
class Verdict:
    target: str
    passed: bool
    detail: str


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: list[float]) -> dict[str, float]:
    """p50, p99 and max of a list of milliseconds (rounded to 0.01 ms) and how many."""
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 2),
        "p99": round(percentile(values, 99), 2),
        "max": round(max(values), 2) if values else math.nan,
    }


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator; NaN when the denominator is not positive."""
    return numerator / denominator if denominator > 0 else math.nan


def wrk_figures(result: WrkResult, cpu_us_per_request: float) -> dict:
    """One wrk load as JSON-ready figures."""
    return {
        "requests_per_s": result.requests_per_s,
        "requests": result.requests,
        "latency_ms": result.percentiles_ms,
        "errors": result.errors,
        "non_2xx_3xx": result.non_2xx_3xx,
        "socket_errors": result.socket_errors,
        "cpu_us_per_request": round(cpu_us_per_request, 1),
    }


def figures(results: dict) -> dict:
    """Per server: summaries of the sequential windows (warm, and cold for origins)."""
    found = {}
    for server, got in results.items():
        row = {
            "warm_window_ms": summary(got["warm"]["window_ms"]),
            "warm_request_ms": summary(got["warm"]["request_ms"]),
            "warm_now_ms": summary(got["warm_now"]["request_ms"]),
        }
        if "cold" in got:
            row["cold_window_ms"] = summary(got["cold"]["window_ms"])
            row["cold_first_page_ms"] = summary(got["cold"]["first_page_ms"])
            row["cold_now_ms"] = summary(got["cold"]["now_ms"])
        found[server] = row
    return found


def store_ratios(figs: dict, results: dict) -> dict[str, float]:
    """Store B's cost as a multiple of store A's (1.0: flat in the stored schedule's size)."""
    a, b = figs["origin A"], figs["origin B"]
    wa, wb = results["origin A"], results["origin B"]
    return {
        "warm window p50": ratio(b["warm_window_ms"]["p50"], a["warm_window_ms"]["p50"]),
        "warm now p50": ratio(b["warm_now_ms"]["p50"], a["warm_now_ms"]["p50"]),
        "guide CPU/request": ratio(
            wb["guide"]["cpu_us_per_request"], wa["guide"]["cpu_us_per_request"]
        ),
        "now CPU/request": ratio(wb["now"]["cpu_us_per_request"], wa["now"]["cpu_us_per_request"]),
        "guide p50 under load": ratio(
            wb["guide"]["latency_ms"]["50"], wa["guide"]["latency_ms"]["50"]
        ),
        "cold window p50": ratio(b["cold_window_ms"]["p50"], a["cold_window_ms"]["p50"]),
        "cold now p50": ratio(b["cold_now_ms"]["p50"], a["cold_now_ms"]["p50"]),
    }


def nginx_ratios(results: dict) -> dict[str, dict[str, float]]:
    """Per kind and origin: its requests/s as a share of nginx's; p50 and CPU as multiples."""
    found = {}
    for kind in ("guide", "now", "live"):
        reference = results["nginx"].get(kind)
        if reference is None:
            continue
        for server in STORES:
            got = results[server].get(kind)
            if got is None:
                continue
            found[f"{kind} {server}"] = {
                "throughput": ratio(got["requests_per_s"], reference["requests_per_s"]),
                "p50": ratio(got["latency_ms"]["50"], reference["latency_ms"]["50"]),
                "p99": ratio(got["latency_ms"]["99"], reference["latency_ms"]["99"]),
                "cpu_per_request": ratio(
                    got["cpu_us_per_request"], max(reference["cpu_us_per_request"], 0.1)
                ),
            }
    return found


def verdicts(figs: dict, stores: dict[str, float], results: dict) -> list[Verdict]:
    """PASS/FAIL per target of the issue."""
    found = []
    for server in STORES:
        p50 = figs[server]["warm_window_ms"]["p50"]
        found.append(
            Verdict(
                f"guide window p50 < {MAX_WINDOW_P50_MS:g} ms at the origin ({server[-1]})",
                p50 < MAX_WINDOW_P50_MS,
                f"3 pages in sequence on one connection: p50 {p50:.1f} ms, "
                f"p99 {figs[server]['warm_window_ms']['p99']:.1f} ms",
            )
        )
    for name in ("warm window p50", "guide CPU/request", "now CPU/request", "cold window p50"):
        value = stores[name]
        found.append(
            Verdict(
                f"{name}: store B / store A < {MAX_STORE_RATIO:g}",
                value < MAX_STORE_RATIO,  # NaN fails
                f"{value:.2f}x",
            )
        )
    live = results["origin B"].get("live")
    rps = live["requests_per_s"] if live else 0.0
    found.append(
        Verdict(
            f"linear playlists >= {MIN_LIVE_RPS:,.0f} requests/s at the origin",
            rps >= MIN_LIVE_RPS,
            f"{rps:,.0f} req/s (p99 {live['latency_ms']['99']:.1f} ms)" if live else "not run",
        )
    )
    failed = {
        f"{server} {kind}": got["errors"]
        for server, kinds in results.items()
        for kind, got in kinds.items()
        if isinstance(got, dict) and got.get("errors")
    }
    found.append(Verdict("no failed requests under load", not failed, str(failed or "none")))
    return found


def build(head: dict, setup: dict, results: dict, memory: dict) -> dict:
    """The whole report as JSON-ready data."""
    figs = figures(results)
    stores = store_ratios(figs, results)
    checks = verdicts(figs, stores, results)
    return {
        "benchmark": "epg_http",
        **head,
        "setup": setup,
        "figures": figs,
        "loads": {
            server: {k: v for k, v in got.items() if k in KINDS} for server, got in results.items()
        },
        "samples": {
            server: {k: v for k, v in got.items() if k not in KINDS}
            for server, got in results.items()
        },
        "store_ratios": stores,
        "nginx_ratios": nginx_ratios(results),
        "memory_mib": memory,
        "verdicts": [{"target": v.target, "pass": v.passed, "detail": v.detail} for v in checks],
    }


def show(report: dict) -> None:
    """Print the report: set-up, sequential windows, loads, ratios, verdicts."""
    config, setup, cpus = report["config"], report["setup"], report["machine"]["cpus"]
    a, b = setup["store_A"], setup["store_B"]
    print(
        f"\nprogramme guide over HTTP on {cpus} CPUs; window {setup['window'][0]} + 24 h, "
        f"500 channels in 3 pages"
    )
    print(
        f"store A: {a['channel_days']:,.0f} channel-days, {a['programmes']:,} programmes; "
        f"store B: {b['channel_days']:,} channel-days, {b['programmes']:,} programmes "
        f"(imported in {b['import_s']:g} s)"
    )
    pages = ", ".join(f"{size:,}" for size in setup["guide_bytes"].values())
    print(
        f"origin: gunicorn {config['workers']} workers x {config['threads']} threads, cache "
        f"{setup['cache']}; bodies: pages {pages} B, now {setup['now_bytes']:,} B, playlist "
        f"{setup['live_bytes']:,} B"
    )
    load = setup["load_before"][0]
    if load > cpus / 2:
        print(
            f"warning: load average {load:.1f} before the run: other work shares these CPUs, "
            "so req/s and latency are noisy; CPU us/request is the steadier figure"
        )

    print("\nsequential, one keep-alive connection (ms)")
    print(
        f"{'server':<10}{'window p50':>11}{'p99':>8}{'page p50':>10}{'now p50':>9}"
        f"{'cold window':>13}{'cold page 1':>12}{'cold now':>10}"
    )
    for server, row in report["figures"].items():
        cold = row.get("cold_window_ms")
        print(
            f"{server:<10}{row['warm_window_ms']['p50']:>11.2f}{row['warm_window_ms']['p99']:>8.2f}"
            f"{row['warm_request_ms']['p50']:>10.2f}{row['warm_now_ms']['p50']:>9.2f}"
            + (
                f"{cold['p50']:>13.1f}{row['cold_first_page_ms']['p50']:>12.1f}"
                f"{row['cold_now_ms']['p50']:>10.1f}"
                if cold
                else f"{'-':>13}{'-':>12}{'-':>10}"
            )
        )

    print(
        f"\nunder load: wrk -t{config['wrk_threads']} -c{config['connections']} "
        f"-d{config['duration']:g}s, keep-alive"
    )
    print(f"{'target':<18}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'CPU us/req':>12}{'errors':>8}")
    for kind in KINDS:
        for server in SERVERS:
            got = report["loads"].get(server, {}).get(kind)
            if got is None:
                continue
            print(
                f"{kind + ' ' + server:<18}{got['requests_per_s']:>10,.0f}"
                f"{got['latency_ms']['50']:>9.2f}{got['latency_ms']['99']:>9.2f}"
                f"{got['cpu_us_per_request']:>12.0f}{got['errors']:>8}"
            )

    rss = "; ".join(
        f"{name} " + ", ".join(f"{worker['rss']:,.0f}" for worker in workers)
        for name, workers in report["memory_mib"].items()
    )
    print(f"\nworker memory after the loads (RSS MiB): {rss}")
    print("\nstore B / store A")
    for name, value in report["store_ratios"].items():
        print(f"  {name:<22}{value:>7.2f}x")
    print(f"\n{'origin / nginx':<18}{'req/s':>10}{'p50':>9}{'p99':>9}{'CPU/req':>12}")
    for name, r in report["nginx_ratios"].items():
        print(
            f"{name:<18}{r['throughput']:>10.1%}{r['p50']:>8.1f}x{r['p99']:>8.1f}x"
            f"{r['cpu_per_request']:>11.1f}x"
        )
    print()
    for v in report["verdicts"]:
        print(f"{'PASS' if v['pass'] else 'FAIL'}  {v['target']}: {v['detail']}")
