"""bench/epg_report.py: the pure figures, ratios and verdicts (no timing is asserted here)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str):
    # By path, not by sys.path: bench/ holds a tv_client.py that would shadow the package.
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


wrk = _load("wrk")
report = _load("epg_report")


def _load_figures(rps: float, p50: float, cpu: float, errors: int = 0) -> dict:
    result = wrk.WrkResult(
        requests_per_s=rps,
        requests=int(rps * 3),
        seconds=3.0,
        percentiles_ms={"50": p50, "75": p50, "90": p50, "99": p50 * 2},
        non_2xx_3xx=errors,
    )
    return report.wrk_figures(result, cpu)


def _server(window_ms: float, cold_ms: float | None, cpu: float, live: float | None = None):
    got = {
        "warm": {"window_ms": [window_ms] * 5, "request_ms": [window_ms / 3] * 15},
        "warm_now": {"window_ms": [1.0] * 5, "request_ms": [1.0] * 5},
        "guide": _load_figures(500, 20, cpu),
        "now": _load_figures(900, 10, cpu / 2),
    }
    if cold_ms is not None:
        got["cold"] = {"window_ms": [cold_ms], "first_page_ms": [cold_ms], "now_ms": [cold_ms]}
    if live is not None:
        got["live"] = _load_figures(live, 5, 100)
    return got


def _results(*, b_cold: float = 100.0, live: float = 1500.0) -> dict:
    return {
        "origin A": _server(30.0, 100.0, 1000),
        "origin B": _server(33.0, b_cold, 1100, live=live),
        "nginx": _server(3.0, None, 50, live=20000),
    }


def test_percentile_interpolates_between_ranks() -> None:
    assert report.percentile([4, 1, 3, 2], 50) == 2.5
    assert report.percentile([1, 2, 3, 4, 5], 0) == 1
    assert report.percentile([1, 2, 3, 4, 5], 100) == 5
    assert report.percentile([7], 99) == 7
    assert math.isnan(report.percentile([], 50))


def test_summary_rounds_and_counts() -> None:
    assert report.summary([1.0, 2.0, 3.0]) == {"n": 3, "p50": 2.0, "p99": 2.98, "max": 3.0}


def test_ratio_is_nan_without_a_positive_denominator() -> None:
    assert report.ratio(3, 2) == 1.5
    assert math.isnan(report.ratio(3, 0))


def test_store_ratios_divide_b_by_a() -> None:
    results = _results(b_cold=250.0)
    ratios = report.store_ratios(report.figures(results), results)
    assert ratios["warm window p50"] == pytest.approx(1.1)
    assert ratios["guide CPU/request"] == pytest.approx(1.1)
    assert ratios["cold window p50"] == pytest.approx(2.5)


def _verdicts(results: dict) -> dict[str, bool]:
    figs = report.figures(results)
    found = report.verdicts(figs, report.store_ratios(figs, results), results)
    return {v.target: v.passed for v in found}


def test_verdicts_pass_when_every_target_is_met() -> None:
    assert all(_verdicts(_results()).values())


def test_a_cold_build_growing_with_the_store_fails_the_flat_cost_target() -> None:
    verdicts = _verdicts(_results(b_cold=400.0))
    assert verdicts["cold window p50: store B / store A < 1.5"] is False
    assert verdicts["warm window p50: store B / store A < 1.5"] is True


def test_slow_playlists_and_failed_requests_fail() -> None:
    results = _results(live=900.0)
    results["origin A"]["now"] = _load_figures(900, 10, 500, errors=3)
    verdicts = _verdicts(results)
    assert verdicts["linear playlists >= 1,000 requests/s at the origin"] is False
    assert verdicts["no failed requests under load"] is False


def test_build_and_show_print_every_verdict(capsys) -> None:
    head = {
        "when": "now",
        "machine": {"cpus": 2},
        "config": {
            "workers": 2,
            "threads": 4,
            "wrk_threads": 2,
            "connections": 64,
            "duration": 3.0,
        },
    }
    setup = {
        "window": ["2026-11-29T10:00:00Z", "2026-11-30T10:00:00Z"],
        "store_A": {"channel_days": 510, "programmes": 18000, "import_s": 3.0},
        "store_B": {"channel_days": 10000, "programmes": 360000, "import_s": 100.0},
        "guide_bytes": {"a": 1, "b": 2, "c": 3},
        "now_bytes": 4,
        "live_bytes": 5,
        "cache": "ok",
        "load_before": [0.5, 0.5, 0.5],
    }
    built = report.build(head, setup, _results(), {})
    report.show(built)
    out = capsys.readouterr().out
    assert len(built["verdicts"]) == 8
    assert out.count("PASS") == 8
    assert "guide origin B" in out and "live nginx" in out
