"""The EduTV player against plain libVLC on the same HLS ladder and the same shaped lines.

One run on one machine, everything on loopback:

1. build (or reuse, in ``.cache/bench-media``) one demo lesson's HLS ladder with the project's
   own pipeline (tv_backend.media: five rungs 180p-540p, 2 s segments, 64 s), read its playlists;
2. first frame on loopback: ``--starts`` plays of the master playlist per configuration,
   alternating, through an unshaped bench/shaper.py; time from ``play()``/``open()`` to the
   first picture displayed;
3. on the traces (../shared/fixtures/traces, "seconds  Mbit/s"; a built-in synthetic trace where
   they are absent): ``--trials`` windows per trace, spread over it; in each, both configurations
   play side by side for ``--seconds``, each through its own shaper replaying the same window
   (a twin household line: same rates, same latency); per trial the first frame, stalls (frame
   gaps over 250 ms), rebuffer ratio, mean nominal bitrate against what the line allows,
   switches per minute (bench/player_report.py defines each);
4. playing 540p (that variant's media playlist, unshaped), each configuration alternating:
   CPU time and VmRSS of its process over ``--resource-seconds`` from 3 s after the first
   frame, the player alone and then drawn in a 1920x1080 Kivy window under Xvfb;
5. print the figures, EduTV / plain ratios and PASS/FAIL against the issue's targets, and write
   them to ``bench/results/player.json``.

Each play is one process (bench/player_probe.py), audio into libVLC's dummy output (there is no
sound device; both alike). "libVLC defaults" is a plain instance with no options, its video into
RV32 callbacks (libVLC converts; what python-vlc's examples do). "EduTV" is the shipped player,
tv_client.player.vlc_player (``make_instance``, ``VlcPlayer``: its options, relay and I420
picture buffers; its ``VideoView`` in the window); where that module cannot be imported, plain
libVLC with ``CANDIDATE_EDUTV_OPTIONS`` into I420 callbacks stands in, and the run says so.
``--research`` instead plays candidate libVLC options (all I420) and the shipped player on the
same lines, four side by side, and writes ``bench/results/player_research.json``.

Exit status: 0 when the benchmark ran, whatever the verdicts; 1 when it could not run; 130 when
interrupted.

    .venv/bin/python bench/player.py [--starts N] [--trials N] [--seconds S] [--keep]
    .venv/bin/python bench/player.py --trace norway_bus_10 --trace 1.5 --trials 2
    .venv/bin/python bench/player.py --research --parallel 4 --trials 4
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path

import player_report
import shaper
from player_report import BenchError, Ladder
from runner import header, run_bench

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "player.json"
RESEARCH_RESULTS = BENCH / "results" / "player_research.json"
PROBE = BENCH / "player_probe.py"
MEDIA = ROOT / ".cache" / "bench-media"
LESSON = "bench-lesson"
MASTER = f"/lessons/{LESSON}/master.m3u8"
RESOURCE_VARIANT = "540p"
MEASURE_FROM_S = 3.0
SCREEN = "1920x1080x24"  # the Kivy window's Xvfb screen (as bench/tv_client.py)
PROBE_GRACE_S = 45.0  # a probe gets this long beyond its play time before it is killed

# Both configurations run headless: no sound device, so audio goes to libVLC's dummy output.
ENVIRONMENT = ["--aout=adummy"]


@dataclass(frozen=True)
class Config:
    """One way of playing: which player, libVLC options and the chroma of plain callbacks.

    ``player`` is "plain" (a libVLC instance with ``options``, into the probe's callbacks in
    ``chroma``) or "edutv" (tv_client.player.vlc_player as shipped, ``options`` as extras).
    """

    name: str
    options: tuple[str, ...]
    chroma: str
    player: str = "plain"


PLAIN = Config("libVLC defaults", (), "RV32")
EDUTV_NAME = "EduTV"
EDUTV = Config(EDUTV_NAME, (), "I420", "edutv")

# ---- CANDIDATE EDUTV OPTIONS -------------------------------------------------------------
# Measured in place of the EduTV player only where tv_client/player/vlc_player.py cannot be
# imported; chosen from `bench/player.py --research` (bench/results/player_research.json).
CANDIDATE_EDUTV_OPTIONS: tuple[str, ...] = (
    "--adaptive-logic=rate",
    "--network-caching=300",
)
# --------------------------------------------------------------------------------------------

RESEARCH: dict[str, tuple[str, ...]] = {
    "defaults": (),
    "predictive": ("--adaptive-logic=predictive",),
    "nearoptimal": ("--adaptive-logic=nearoptimal",),
    "rate": ("--adaptive-logic=rate",),
    "fixedrate 1M": ("--adaptive-logic=fixedrate", "--adaptive-bw=122"),  # KiB/s
    "lowest": ("--adaptive-logic=lowest",),
    "highest": ("--adaptive-logic=highest",),
    "caching 300": ("--network-caching=300",),
    "rate caching 300": ("--adaptive-logic=rate", "--network-caching=300"),
    "rate caching 3000": ("--adaptive-logic=rate", "--network-caching=3000"),
    "nearopt caching 300": ("--adaptive-logic=nearoptimal", "--network-caching=300"),
    "maxheight 360": ("--adaptive-maxheight=360",),
}

_EDUTV_PROBE = """
import json
from tv_client.player import vlc_player as m
m.VlcPlayer, m.make_instance  # what the probe uses
print(json.dumps(list(m.VLC_OPTIONS)))
"""


def edutv_config() -> tuple[Config, str, list[str]]:
    """The EduTV configuration, where it comes from, and the libVLC options it ships with.

    The shipped player when tv_client.player.vlc_player imports (checked in a subprocess, as
    the probes import it); else plain libVLC with the candidate options above.
    """
    done = subprocess.run(
        [sys.executable, "-c", _EDUTV_PROBE],
        cwd=ROOT,  # `-c` puts the checkout first: the package, not bench/tv_client.py
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    with suppress(ValueError, IndexError):
        options = json.loads(done.stdout.strip().splitlines()[-1])
        source = "tv_client.player.vlc_player (VlcPlayer, make_instance, VLC_OPTIONS) as shipped"
        return EDUTV, source, options
    lines = (done.stderr or "").strip().splitlines()
    why = lines[-1] if lines else "no output"
    source = f"CANDIDATE_EDUTV_OPTIONS in bench/player.py (tv_client.player.vlc_player: {why})"
    config = Config(EDUTV_NAME, CANDIDATE_EDUTV_OPTIONS, "I420")
    return config, source, list(CANDIDATE_EDUTV_OPTIONS)


# ------------------------------------------------------------------------------------ set-up


def ensure_media(root: Path = MEDIA) -> Ladder:
    """One lesson's ladder built by the project's pipeline (reused when up to date)."""
    from tv_backend.media.ladder import LessonSpec, MediaError, build_lessons

    spec = LessonSpec(
        key=LESSON,
        title_zh="基准测试课",
        title_en="Benchmark lesson",
        course_zh="播放器基准",
        number=1,
        body="b60",
    )
    try:
        build_lessons(root, [spec])
    except MediaError as exc:
        raise BenchError(f"could not build the HLS ladder: {exc}") from exc
    return Ladder.parse(MASTER, lambda path: (root / path.lstrip("/")).read_text())


def traces(names: list[str] | None) -> tuple[list[shaper.Trace], str]:
    """The shared traces (or those named), else the synthetic one, and a note saying which."""
    try:
        if names:
            return [shaper.find_trace(n) for n in names], ""
        found = shaper.shared_traces()
    except (shaper.TraceError, OSError) as exc:
        raise BenchError(str(exc)) from exc
    if found:
        return found, ""
    note = f"{shaper.TRACES} is absent: using the built-in synthetic trace"
    print(f"player: {note}", file=sys.stderr)
    return [shaper.synthetic()], note


# ---------------------------------------------------------------------------------- trials


@dataclass(frozen=True)
class Played:
    """What one play left: the probe's record, the line's request log, when the line started."""

    config: Config
    record: dict
    fetches: list[dict]
    line_started: float | None


def play_together(
    configs: list[Config],
    *,
    path: str,
    seconds: float,
    trace: shaper.Trace | None,
    offset: float,
    latency_s: float,
    workdir: Path,
    tag: str,
    measure_from: float | None = None,
    display: str | None = None,
) -> list[Played]:
    """Each configuration plays ``path`` through its own line (same trace window), at once.

    With ``display`` the probes draw the pictures in a Kivy window on that X display.
    """
    with ExitStack() as stack:
        lines, probes = [], []
        for config in configs:
            line = shaper.Line(trace, offset=offset, latency_s=latency_s)
            served = stack.enter_context(shaper.serve(line, root=MEDIA))
            job = {
                "player": config.player,
                "url": served.url + path,
                "options": [*(ENVIRONMENT if config.player == "plain" else ()), *config.options],
                "chroma": config.chroma,
                "seconds": seconds,
                "measure_from": measure_from,
                "view": display is not None,
            }
            log = workdir / f"{tag}-{_slug(config.name)}.log"
            lines.append(line)
            probes.append(stack.enter_context(_Probe(job, log, _probe_env(display))))
        records = [probe.result(seconds + PROBE_GRACE_S) for probe in probes]
    return [
        Played(config, record, [asdict(f) for f in line.fetches()], line.started)
        for config, record, line in zip(configs, records, lines, strict=True)
    ]


class _Probe:
    """bench/player_probe.py running one job in its own session; always stopped."""

    def __init__(self, job: dict, log: Path, env: dict[str, str]) -> None:
        self.job, self.log, self.env = job, log, env

    def __enter__(self) -> _Probe:
        self._err = self.log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(PROBE), json.dumps(self.job)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._err,
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        return self

    def result(self, timeout: float) -> dict:
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BenchError(f"a probe did not finish in {timeout:g} s (log: {self.log})") from None
        lines = out.decode(errors="replace").strip().splitlines()
        if self.proc.returncode != 0 or not lines:
            raise BenchError(f"a probe exited {self.proc.returncode} (log: {self.log})")
        record = json.loads(lines[-1])
        if "error" in record:
            raise BenchError(f"a probe failed: {record['error']} (log: {self.log})")
        return record

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)
        self._err.close()


def _probe_env(display: str | None) -> dict[str, str]:
    """No proxies (loopback only); with a display, Kivy's window on it at TV size."""
    proxies = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
    env = {k: v for k, v in os.environ.items() if k.lower() not in proxies}
    env = {k: v for k, v in env.items() if not k.startswith("KCFG_")}
    if display is not None:
        width, height = SCREEN.split("x")[:2]
        env |= {"DISPLAY": display, "KCFG_GRAPHICS_WIDTH": width, "KCFG_GRAPHICS_HEIGHT": height}
    return env


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower())


# ------------------------------------------------------------------------------------ phases


def loopback(configs: list[Config], args: argparse.Namespace, ladder: Ladder, workdir: Path):
    """Time to first frame on an unshaped loopback line, configurations alternating."""
    trials: dict[str, list[dict]] = {c.name: [] for c in configs}
    for number in range(args.starts):
        order = configs if number % 2 == 0 else configs[::-1]
        for config in order:
            _progress(f"first frame on loopback {number + 1}/{args.starts}: {config.name}")
            (played,) = play_together(
                [config],
                path=MASTER,
                seconds=args.start_seconds,
                trace=None,
                offset=0.0,
                latency_s=0.0,
                workdir=workdir,
                tag=f"start{number}",
            )
            figures = player_report.trial_figures(played.record, played.fetches, ladder, None)
            trials[config.name].append(figures)
    return trials


def on_traces(
    configs: list[Config],
    all_traces: list[shaper.Trace],
    args: argparse.Namespace,
    ladder: Ladder,
    workdir: Path,
) -> dict[str, dict[str, list[dict]]]:
    """Every trace window played by groups of ``args.parallel`` configurations side by side."""
    groups = [configs[i : i + args.parallel] for i in range(0, len(configs), args.parallel)]
    found: dict[str, dict[str, list[dict]]] = {}
    for trace in all_traces:
        found[trace.name] = {c.name: [] for c in configs}
        for number in range(args.trials):
            offset = round(number * trace.period / args.trials, 3)
            for group in groups:
                order = group if number % 2 == 0 else group[::-1]
                _progress(
                    f"{trace.name} window {number + 1}/{args.trials} (from {offset:g} s): "
                    + " | ".join(c.name for c in order)
                )
                played = play_together(
                    order,
                    path=MASTER,
                    seconds=args.seconds,
                    trace=trace,
                    offset=offset,
                    latency_s=args.latency_ms / 1000,
                    workdir=workdir,
                    tag=f"{_slug(trace.name)}{number}",
                )
                for p in played:
                    found[trace.name][p.config.name].append(_on_line(p, trace, offset, ladder))
    return found


def _on_line(played: Played, trace: shaper.Trace, offset: float, ladder: Ladder) -> dict:
    started = played.line_started or played.record["play_at"]
    window = played.record["ended_at"] - started
    mean = trace.mean(offset, offset + window)
    figures = player_report.trial_figures(played.record, played.fetches, ladder, mean)
    return {"offset_s": offset, **figures}


HOW = {
    "headless": (
        "the player alone, no window, each in its own process: EduTV's VlcPlayer (relay, I420 "
        "picture buffers, pumped every 0.1 s) vs plain libVLC into RV32 callbacks"
    ),
    "window": (
        f"in a {SCREEN.rsplit('x', 1)[0]} Kivy window under Xvfb (Mesa llvmpipe): EduTV's "
        "VlcPlayer drawn by its VideoView (I420, three textures, YUV shader) vs plain libVLC "
        "RV32 into one BGRA texture; software GL shades every pixel on the CPU, which a TV's "
        "GPU does for free, so CPU here is an upper bound"
    ),
    "candidates": (
        "no window: libVLC with the candidate EduTV options into I420 callbacks vs plain "
        "libVLC into RV32 callbacks, each in its own process"
    ),
}


def resources(
    configs: list[Config], args: argparse.Namespace, workdir: Path, display: str | None
) -> dict:
    """CPU and VmRSS of each configuration's process playing the 540p playlist, alternating:
    the player alone, then (with a display) drawn in a Kivy window as on a TV."""
    shipped = any(c.player == "edutv" for c in configs)
    modes = {"headless" if shipped else "candidates": None}
    if shipped and display:
        modes["window"] = display
    found = {}
    for mode, screen in modes.items():
        rounds = _resource_rounds(configs, args, workdir, mode, screen)
        figures = {
            c.name: {
                **{k: statistics.median(r[k] for r in rounds[c.name]) for k in rounds[c.name][0]},
                "chroma": c.chroma,
            }
            for c in configs
        }
        ours, theirs = figures[EDUTV_NAME], figures[PLAIN.name]
        ratios = {
            "rss": ours["rss_mean_mib"] / theirs["rss_mean_mib"],
            "cpu": ours["cpu_s"] / max(theirs["cpu_s"], 0.01),
        }
        found[mode] = {"how": HOW[mode], "figures": figures, "ratios": ratios, "raw": rounds}
    return {
        "seconds": args.resource_seconds,
        "measure_from": MEASURE_FROM_S,
        "rounds": args.resource_rounds,
        "modes": found,
    }


def _resource_rounds(
    configs: list[Config], args: argparse.Namespace, workdir: Path, mode: str, display: str | None
) -> dict[str, list[dict]]:
    path = f"/lessons/{LESSON}/{RESOURCE_VARIANT}/index.m3u8"
    rounds: dict[str, list[dict]] = {c.name: [] for c in configs}
    for number in range(args.resource_rounds):
        for config in configs if number % 2 == 0 else configs[::-1]:
            _progress(
                f"playing {RESOURCE_VARIANT} ({mode}) {number + 1}/{args.resource_rounds}: "
                f"{config.name}"
            )
            (played,) = play_together(
                [config],
                path=path,
                seconds=args.resource_seconds + MEASURE_FROM_S + 2,
                trace=None,
                offset=0.0,
                latency_s=0.0,
                workdir=workdir,
                tag=f"{mode}{number}",
                measure_from=MEASURE_FROM_S,
                display=display,
            )
            record = played.record
            if "usage" not in record:
                raise BenchError(f"{config.name} showed no picture playing {RESOURCE_VARIANT}")
            shown = len(record["frames"]) / (record["ended_at"] - record["frames"][0])
            drawn = record.get("window", {}).get("flips_per_s")
            rounds[config.name].append(
                record["usage"] | {"pictures_per_s": shown, "draws_per_s": drawn or 0.0}
            )
    return rounds


@contextmanager
def screen(wanted: bool, workdir: Path) -> Iterator[str | None]:
    """An Xvfb for the Kivy window (bench/tv_client.py's), or None: not wanted or not there."""
    if not wanted:
        yield None
        return
    spec = importlib.util.spec_from_file_location("bench_tv_client", BENCH / "tv_client.py")
    module = importlib.util.module_from_spec(spec)  # by path: the name is the package's too
    spec.loader.exec_module(module)
    try:
        with module.xvfb(workdir) as display:
            yield display
    except module.BenchError as exc:
        print(f"player: no Kivy window ({exc}); the player alone only", file=sys.stderr)
        yield None


# ----------------------------------------------------------------------------------- the run


def run(args: argparse.Namespace, workdir: Path) -> dict:
    _progress("building (or reusing) the HLS ladder in .cache/bench-media ...")
    ladder = ensure_media()
    all_traces, note = traces(args.trace)
    if args.research:
        configs = [Config(name, opts, "I420") for name, opts in RESEARCH.items()]
        configs.append(EDUTV)
        if args.only:
            configs = [c for c in configs if c.name in args.only]
        _, source, shipped = edutv_config()
        source = f"research candidates, and the EduTV player from {source}"
    else:
        edutv, source, shipped = edutv_config()
        configs = [PLAIN, edutv]
    started = time.monotonic()
    report = {
        "benchmark": "player_research" if args.research else "player",
        **header(args),
        "configurations": [c.name for c in configs],
        "setup": {
            "libvlc": _libvlc_version(),
            "environment_options": ENVIRONMENT,
            "options": {
                c.name: shipped if c.player == "edutv" else list(c.options) for c in configs
            },
            "players": {c.name: c.player for c in configs},
            "chroma": {c.name: c.chroma for c in configs},
            "edutv_source": source,
            "trace_note": note,
            "traces": {
                t.name: {"period_s": t.period, "mean_mbps": t.mean(0, t.period)} for t in all_traces
            },
            "ladder": [asdict(v) for v in ladder.by_bandwidth()],
            "load_before": os.getloadavg(),
        },
    }
    loop = loopback(configs, args, ladder, workdir)
    lines = on_traces(configs, all_traces, args, ladder, workdir) if args.trials else {}
    report["loopback"] = {name: player_report.summary(t) for name, t in loop.items()}
    report["traces"] = {
        "per_trace": {
            trace: {name: player_report.summary(t) for name, t in by_name.items()}
            for trace, by_name in lines.items()
        },
        "all": {
            c.name: player_report.summary([t for by in lines.values() for t in by[c.name]])
            for c in configs
        }
        if lines
        else {},
    }
    if not args.research and args.resource_rounds:
        with screen(not args.no_window, workdir) as display:
            report["resources"] = resources(configs, args, workdir, display)
    if not args.research:
        report["verdicts"] = player_report.verdicts(report, EDUTV_NAME, PLAIN.name)
        report["notes"] = player_report.notes(report, EDUTV_NAME, PLAIN.name)
    report["raw"] = {"loopback": loop, "traces": lines}
    report["setup"]["load_after"] = os.getloadavg()
    report["setup"]["run_s"] = round(time.monotonic() - started, 1)
    return report


def _libvlc_version() -> str:
    import vlc

    return vlc.libvlc_get_version().decode()


# ------------------------------------------------------------------------------ command line


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=6, help="loopback plays per configuration")
    parser.add_argument("--start-seconds", type=float, default=2.5, help="each loopback play")
    parser.add_argument("--trials", type=int, default=4, help="windows per trace (0: none)")
    parser.add_argument("--seconds", type=float, default=30.0, help="each window's play time")
    parser.add_argument("--latency-ms", type=float, default=40.0, help="per response on a trace")
    parser.add_argument("--trace", action="append", help="a trace (file, name, Mbit/s); repeat")
    parser.add_argument("--resource-seconds", type=float, default=12.0, help="540p measure time")
    parser.add_argument("--resource-rounds", type=int, default=2, help="540p plays each (0: none)")
    parser.add_argument(
        "--no-window", action="store_true", help="measure 540p without the Kivy window"
    )
    parser.add_argument("--research", action="store_true", help="compare candidate options")
    parser.add_argument(
        "--only",
        action="append",
        choices=[*RESEARCH, EDUTV_NAME],
        help="with --research: only this configuration (repeat)",
    )
    parser.add_argument(
        "--parallel", type=int, default=2, help="configurations side by side on a trace"
    )
    parser.add_argument("--output", type=Path, help="JSON results file")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args(argv)
    if args.starts < 1 or args.seconds < 5 or args.parallel < 1:
        parser.error("--starts and --parallel must be at least 1, --seconds at least 5")
    if args.seconds > 55:
        parser.error("--seconds: the lesson is 64 s long; at most 55")
    args.output = args.output or (RESEARCH_RESULTS if args.research else RESULTS)
    return args


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    errors = (ImportError, BenchError)  # player_report.BenchError: a ladder without variants
    return run_bench("player", parse_args(argv), run, player_report.show, errors=errors)


if __name__ == "__main__":
    sys.exit(main())
