"""What bench/player.py measured, as figures per trial, a table, JSON and PASS/FAIL lines.

Pure functions over what a trial left behind: the probe's frame times (bench/player_probe.py)
and the shaper's request log (bench/shaper.py), read against the ladder's playlists.

- A **stall** is a gap of more than ``STALL_S`` between two displayed frames, or between the last
  frame and the end of the trial; the **rebuffer ratio** is the stalled time (the whole gaps)
  over the trial's wall time after its first frame. libVLC's buffering events are not used.
- The **mean bitrate** is the variants' nominal BANDWIDTH weighted by how much of each segment
  was played (segments up to the player's position at the end, the last one in part); **what
  the line allows** is the trace's mean rate over the trial, capped at the ladder's top
  BANDWIDTH (no player can fetch more than the best rendition).
- **Switches per minute**: variant changes along the played segments, per minute of wall time
  after the first frame.

Targets (issue 4): first frame p50 under 700 ms on loopback; on the traces, rebuffer ratio p90
under 2% while libVLC defaults stall, with a mean bitrate of at least 80% of what the line allows;
memory and CPU while playing 540p within 1.3x of plain libVLC.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from dataclasses import dataclass, field

STALL_S = 0.25
TARGETS = {
    "first_frame_p50_ms": 700.0,
    "rebuffer_p90": 0.02,
    "bitrate_share": 0.80,
    "resource_ratio": 1.3,
}
_ATTRIBUTE = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')


class BenchError(RuntimeError):
    """The benchmark could not be set up or a trial could not run."""


# ------------------------------------------------------------------------------- the ladder


@dataclass(frozen=True)
class Variant:
    name: str  # the rendition, from its playlist's directory ("540p")
    path: str  # URL path of its media playlist
    bandwidth: int  # bit/s, the master's BANDWIDTH (peak)
    average: int  # AVERAGE-BANDWIDTH, or BANDWIDTH where absent
    resolution: str


@dataclass(frozen=True)
class Segment:
    variant: str
    index: int
    start: float  # seconds on the lesson's timeline
    duration: float


@dataclass
class Ladder:
    """A master playlist's variants and every segment's URL path."""

    master: str
    variants: dict[str, Variant] = field(default_factory=dict)
    segments: dict[str, Segment] = field(default_factory=dict)

    @classmethod
    def parse(cls, master_path: str, read: callable) -> Ladder:
        """``read(url_path) -> text`` gives any playlist of the ladder."""
        ladder = cls(master_path)
        pending: dict[str, str] | None = None
        for line in read(master_path).splitlines():
            line = line.strip()
            if line.startswith("#EXT-X-STREAM-INF:"):
                pending = {k: v.strip('"') for k, v in _ATTRIBUTE.findall(line.partition(":")[2])}
            elif line and not line.startswith("#") and pending is not None:
                path = _join(master_path, line)
                name = posixpath.basename(posixpath.dirname(path)) or path
                bandwidth = int(pending["BANDWIDTH"])
                average = int(pending.get("AVERAGE-BANDWIDTH", bandwidth))
                variant = Variant(name, path, bandwidth, average, pending.get("RESOLUTION", "?"))
                ladder.variants[name] = variant
                ladder._add_segments(variant, read(path))
                pending = None
        if not ladder.variants:
            raise BenchError(f"{master_path}: no variants")
        return ladder

    def _add_segments(self, variant: Variant, text: str) -> None:
        start, index, duration = 0.0, 0, None
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("#EXTINF:"):
                duration = float(line.partition(":")[2].split(",")[0])
            elif line and not line.startswith("#") and duration is not None:
                path = _join(variant.path, line)
                self.segments[path] = Segment(variant.name, index, start, duration)
                start, index, duration = start + duration, index + 1, None

    def by_bandwidth(self) -> list[Variant]:
        return sorted(self.variants.values(), key=lambda v: v.bandwidth)

    @property
    def top(self) -> Variant:
        return self.by_bandwidth()[-1]


def _join(base: str, uri: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), uri))


# ---------------------------------------------------------------------------- one trial


def stalls(frames: list[float], ended: float) -> list[tuple[float, float]]:
    """(seconds after the first frame, length) of every gap over ``STALL_S``, the tail included."""
    if not frames:
        return []
    times = [*frames, max(ended, frames[-1])]
    first = frames[0]
    return [(a - first, b - a) for a, b in itertools.pairwise(times) if b - a > STALL_S]


def played(fetches: list[dict], ladder: Ladder, position_s: float) -> list[tuple[Segment, float]]:
    """Each played segment (the last fetch of each timeline index) and the seconds of it played."""
    chosen: dict[int, Segment] = {}
    for fetch in sorted(fetches, key=lambda f: f["started"]):
        segment = ladder.segments.get(fetch["path"])
        if segment is not None and fetch["status"] in (200, 206) and fetch["sent"] > 0:
            chosen[segment.index] = segment
    return [
        (s, min(s.duration, position_s - s.start))
        for _, s in sorted(chosen.items())
        if position_s > s.start
    ]


def trial_figures(
    record: dict, fetches: list[dict], ladder: Ladder, line_mean_mbps: float | None
) -> dict:
    """The figures of one trial: first frame, stalls, rebuffer ratio, bitrate, switches."""
    frames, ended = record.get("frames", []), record["ended_at"]
    if not frames:
        return {"first_frame_ms": None, "stalls": 0, "rebuffer": 1.0, "played_s": 0.0}
    watched = max(ended - frames[0], 1e-9)
    gaps = stalls(frames, ended)
    segments = played(fetches, ladder, max(record.get("position_ms", 0), 0) / 1000)
    seconds = sum(w for _, w in segments)
    nominal = (
        sum(ladder.variants[s.variant].bandwidth * w for s, w in segments) / seconds / 1e6
        if seconds
        else 0.0
    )
    names = [s.variant for s, w in segments if w > 0]
    changes = sum(1 for a, b in itertools.pairwise(names) if a != b)
    figures = {
        "first_frame_ms": (frames[0] - record["play_at"]) * 1000,
        "frames": len(frames),
        "stalls": len(gaps),
        "stalled_s": sum(g for _, g in gaps),
        "longest_stall_s": max((g for _, g in gaps), default=0.0),
        "stall_times": [[round(a, 2), round(g, 3)] for a, g in gaps],
        "rebuffer": sum(g for _, g in gaps) / watched,
        "watched_s": watched,
        "played_s": seconds,
        "mean_mbps": nominal,
        "switches": changes,
        "switches_per_min": changes / (watched / 60),
        "renditions_s": {
            name: round(sum(w for s, w in segments if s.variant == name), 2)
            for name in ladder.variants
        },
        "fetched_mbit": sum(f["sent"] for f in fetches) * 8 / 1e6,
        "lost_pictures": record.get("stats", {}).get("lost_pictures"),
    }
    if line_mean_mbps is not None:
        allowed = min(line_mean_mbps, ladder.top.bandwidth / 1e6)
        rung = best_rung(ladder, line_mean_mbps)
        figures |= {
            "line_mbps": line_mean_mbps,
            "line_carries_ladder": line_mean_mbps >= ladder.by_bandwidth()[0].bandwidth / 1e6,
            "allowed_mbps": allowed,
            "bitrate_share": nominal / allowed if allowed > 0 else 0.0,
            "best_rung_mbps": rung,
            "rung_share": nominal / rung,
        }
    return figures


def best_rung(ladder: Ladder, line_mbps: float) -> float:
    """The BANDWIDTH (Mbit/s) of the best variant the line's mean carries (else the lowest)."""
    rates = [v.bandwidth / 1e6 for v in ladder.by_bandwidth()]
    return max([r for r in rates if r <= line_mbps], default=rates[0])


# --------------------------------------------------------------------------- the report


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(trials: list[dict]) -> dict:
    """One configuration's trials on the lines (or on loopback) summed up."""
    starts = [t["first_frame_ms"] for t in trials if t["first_frame_ms"] is not None]
    rebuffer = [t["rebuffer"] for t in trials]
    found = {
        "trials": len(trials),
        "no_picture": len(trials) - len(starts),
        "first_frame_p50_ms": percentile(starts, 0.5) if starts else None,
        "first_frame_p95_ms": percentile(starts, 0.95) if starts else None,
        "stalls": sum(t["stalls"] for t in trials),
        "trials_with_stalls": sum(1 for t in trials if t["stalls"]),
        "rebuffer_p50": percentile(rebuffer, 0.5) if rebuffer else None,
        "rebuffer_p90": percentile(rebuffer, 0.9) if rebuffer else None,
    }
    shares = [t["bitrate_share"] for t in trials if "bitrate_share" in t]
    carried = [t["bitrate_share"] for t in trials if t.get("line_carries_ladder")]
    if shares:
        found |= {
            "mean_mbps": sum(t["mean_mbps"] for t in trials) / len(trials),
            "line_mbps": sum(t["line_mbps"] for t in trials) / len(trials),
            "bitrate_share_p50": percentile(shares, 0.5),
            "bitrate_share_min": min(shares),
            "rung_share_p50": percentile([t["rung_share"] for t in trials], 0.5),
            "carried_trials": len(carried),
            "bitrate_share_carried_p50": percentile(carried, 0.5) if carried else None,
            "switches_per_min": sum(t["switches_per_min"] for t in trials) / len(trials),
        }
    return found


def verdicts(report: dict, edutv: str, plain: str) -> list[dict]:
    """PASS/FAIL per target of the issue, for the EduTV configuration."""
    loop = report["loopback"]
    lines = report["traces"]["all"]
    found = []
    first = loop[edutv]["first_frame_p50_ms"]
    found.append(
        _verdict(
            f"first frame p50 < {TARGETS['first_frame_p50_ms']:g} ms on loopback",
            first is not None and first < TARGETS["first_frame_p50_ms"],
            f"EduTV p50 {_ms(first)}, p95 {_ms(loop[edutv]['first_frame_p95_ms'])}; libVLC "
            f"defaults p50 {_ms(loop[plain]['first_frame_p50_ms'])}",
        )
    )
    if lines:
        ours, theirs = lines[edutv], lines[plain]
        found.append(
            _verdict(
                f"rebuffer ratio p90 < {TARGETS['rebuffer_p90']:.0%} on the traces",
                ours["rebuffer_p90"] < TARGETS["rebuffer_p90"],
                f"EduTV p90 {ours['rebuffer_p90']:.1%} ({ours['stalls']} stalls in "
                f"{ours['trials']} trials); libVLC defaults p90 {theirs['rebuffer_p90']:.1%} "
                f"({theirs['stalls']} stalls)",
            )
        )
        found.append(
            _verdict(
                "libVLC defaults stall on the same traces (the lines are hard enough)",
                theirs["stalls"] > 0,
                f"{theirs['stalls']} stalls in {theirs['trials_with_stalls']} of "
                f"{theirs['trials']} trials",
            )
        )
        judged = ours["bitrate_share_carried_p50"]
        if judged is None:  # no window where the line carries even the lowest rung
            judged = ours["bitrate_share_p50"]
        found.append(
            _verdict(
                f"mean bitrate >= {TARGETS['bitrate_share']:.0%} of what the line allows (p50 "
                "of the windows whose line carries the lowest rung)",
                judged >= TARGETS["bitrate_share"],
                f"EduTV {judged:.0%} over {ours['carried_trials']} such windows, "
                f"{ours['bitrate_share_p50']:.0%} over all {ours['trials']} (lowest "
                f"{ours['bitrate_share_min']:.0%}); libVLC defaults "
                f"{_share(theirs['bitrate_share_carried_p50'])} and "
                f"{theirs['bitrate_share_p50']:.0%}",
            )
        )
    for mode, measured in report.get("resources", {}).get("modes", {}).items():
        for key, label in (("rss", "memory (VmRSS)"), ("cpu", "CPU")):
            ratio = measured["ratios"][key]
            found.append(
                _verdict(
                    f"{label} playing 540p < {TARGETS['resource_ratio']:g}x plain libVLC ({mode})",
                    ratio < TARGETS["resource_ratio"],
                    f"{ratio:.2f}x ({_usage_detail(measured['figures'], key, edutv, plain)})",
                )
            )
    return found


def notes(report: dict, edutv: str, plain: str) -> list[str]:
    """What a reader must know to trust the verdicts (printed after them)."""
    found = []
    window = report.get("resources", {}).get("modes", {}).get("window")
    if window:
        ours, theirs = window["figures"][edutv], window["figures"][plain]
        if ours["draws_per_s"] < 0.9 * theirs["draws_per_s"]:
            per_draw = (ours["cpu_share"] / max(ours["draws_per_s"], 0.1)) / (
                theirs["cpu_share"] / max(theirs["draws_per_s"], 0.1)
            )
            found.append(
                f"in the window EduTV drew {ours['draws_per_s']:.1f} frames/s against "
                f"{theirs['draws_per_s']:.1f} for plain libVLC: render-bound under software GL, "
                f"so its CPU ratio covers fewer frames ({per_draw:.1f}x per frame drawn)"
            )
    return found


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _usage_detail(figures: dict, key: str, edutv: str, plain: str) -> str:
    ours, theirs = figures[edutv], figures[plain]
    if key == "rss":
        return f"{ours['rss_mean_mib']:.0f} vs {theirs['rss_mean_mib']:.0f} MiB"
    return f"{ours['cpu_share']:.1%} vs {theirs['cpu_share']:.1%} of a CPU"


def _verdict(target: str, passed: bool, detail: str) -> dict:
    return {"target": target, "pass": bool(passed), "detail": detail}


def _ms(value: float | None) -> str:
    return "no picture" if value is None else f"{value:.0f} ms"


# ------------------------------------------------------------------------------- the table


def show(report: dict) -> None:
    """Print the run: the set-up, one block per phase, then the verdicts."""
    config, names = report["config"], report["configurations"]
    print(
        f"\nEduTV player vs libVLC defaults, {report['machine']['cpus']} CPUs, libVLC "
        f"{report['setup']['libvlc']}; ladder "
        + ", ".join(
            f"{v['name']} {v['bandwidth'] / 1e6:.2f} Mbit/s" for v in report["setup"]["ladder"]
        )
    )
    for name, options in report["setup"]["options"].items():
        player = report["setup"]["players"][name]
        shown = " ".join(options) or "(no options)"
        print(f"  {name}: {'the EduTV player, ' if player == 'edutv' else ''}{shown}")
    print(f"  EduTV: {report['setup']['edutv_source']}")
    load, cpus = report["setup"]["load_before"][0], report["machine"]["cpus"]
    if load > cpus / 2:
        print(
            f"warning: load average {load:.1f} before the run: other work shares these CPUs, "
            "so first frames, stalls and CPU figures are noisy"
        )
    if report["setup"].get("trace_note"):
        print(f"  note: {report['setup']['trace_note']}")
    width = max(14, *(len(n) for n in names))
    print(f"\nfirst frame on loopback ({config['starts']} starts each, unshaped)")
    print(f"{'':<{width}}{'p50 ms':>9}{'p95 ms':>9}{'stalls':>8}")
    for name in names:
        s = report["loopback"][name]
        print(
            f"{name:<{width}}{_num(s['first_frame_p50_ms'])}{_num(s['first_frame_p95_ms'])}"
            f"{s['stalls']:>8}"
        )
    if report["traces"]["per_trace"]:
        _show_traces(report, names, width)
    if report.get("resources"):
        _show_resources(report["resources"], names, width)
    print()
    for v in report.get("verdicts", []):
        print(f"{'PASS' if v['pass'] else 'FAIL'}  {v['target']}: {v['detail']}")
    for note in report.get("notes", []):
        print(f"note  {note}")


def _show_traces(report: dict, names: list[str], width: int) -> None:
    config = report["config"]
    print(
        f"\non the traces ({config['trials']} windows of {config['seconds']:g} s each, "
        f"{config['latency_ms']:g} ms latency; configurations side by side on twin lines)"
    )
    print(
        f"{'trace / configuration':<{width + 16}}{'line':>7}{'first':>7}{'stalls':>7}"
        f"{'rebuf p50':>10}{'p90':>7}{'Mbit/s':>8}{'share':>7}{'rung':>6}{'sw/min':>7}"
    )
    blocks = [*report["traces"]["per_trace"].items(), ("all", report["traces"]["all"])]
    for trace, by_name in blocks:
        for name in names:
            s = by_name[name]
            print(
                f"{(trace + ' / ' + name):<{width + 16}}{s['line_mbps']:>7.2f}"
                f"{_num(s['first_frame_p50_ms'], 7)}{s['stalls']:>7}{s['rebuffer_p50']:>10.1%}"
                f"{s['rebuffer_p90']:>7.1%}{s['mean_mbps']:>8.2f}{s['bitrate_share_p50']:>7.0%}"
                f"{s['rung_share_p50']:>6.0%}{s['switches_per_min']:>7.1f}"
            )
    print(
        "line: the trace's mean Mbit/s over the windows; first: first frame p50 ms on the line;\n"
        "share: mean nominal bitrate / min(line mean, top BANDWIDTH), p50 (the target's);\n"
        "rung: mean nominal bitrate / BANDWIDTH of the best rung the line's mean carries, p50"
    )


def _show_resources(resources: dict, names: list[str], width: int) -> None:
    print(
        f"\nplaying 540p for {resources['seconds']:g} s, measured from "
        f"{resources['measure_from']:g} s after the first frame, median of "
        f"{resources['rounds']} rounds (pics/s: pictures libVLC displayed; draws/s: window "
        "buffer swaps)"
    )
    for mode, found in resources["modes"].items():
        print(f"{mode}: {found['how']}")
        print(
            f"{'':<{width}}{'VmRSS MiB':>11}{'max':>7}{'CPU s':>8}{'CPU %':>8}{'chroma':>8}"
            f"{'pics/s':>8}{'draws/s':>9}"
        )
        for name in names:
            f = found["figures"][name]
            print(
                f"{name:<{width}}{f['rss_mean_mib']:>11.0f}{f['rss_max_mib']:>7.0f}"
                f"{f['cpu_s']:>8.2f}{f['cpu_share']:>8.1%}{f['chroma']:>8}"
                f"{f['pictures_per_s']:>8.1f}{f['draws_per_s'] or float('nan'):>9.1f}"
            )
        ratios = found["ratios"]
        print(f"{'EduTV / plain':<{width}}{ratios['rss']:>10.2f}x{'':>7}{ratios['cpu']:>7.2f}x")


def _num(value: float | None, size: int = 9) -> str:
    return f"{'-':>{size}}" if value is None else f"{value:>{size}.0f}"
