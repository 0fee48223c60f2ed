"""The TV client under Xvfb against a real backend, next to a minimal Kivy app in the same run.

One run on one machine, everything on loopback and in a temporary directory:

1. build a catalog feed of 2,000 courses (the demo courses repeated with unique external ids,
   numbered titles, grades varied within their stage and spread over the demo series plus 28
   more), import it into a fresh database (``edutv catalog import``) and start ``edutv serve``
   on a free loopback port; posters point at files that do not exist, so cards show placeholders;
2. start one Xvfb (1920x1080x24) that every app process of the run draws on;
3. cold start, N times, alternately the reference and the TV app (bench/tv_driver.py): from
   spawning the process to the first screen drawn and the first key press's effect swapped to
   the screen (TV: the home rows; reference: one label), each with a fresh client data directory;
4. in the last started process of each: 200 key presses through the home rows (RIGHT and LEFT
   along rows, DOWN and UP between them, every press moving the focus), each timed from the key
   dispatch to the first buffer swap after the focus changed; VmRSS after 3 s idle on home;
   then ~20 page switches: OK on a card until the course screen is drawn with its lessons, Back
   until home is drawn again;
5. print the figures, TV / reference ratios and PASS/FAIL against the issue's targets, and write
   them to ``bench/results/tv_client.json``.

The reference is what Kivy, SDL2, Xvfb and Mesa's llvmpipe cost on this machine for the same
window and the same key path, so the ratios say how much the client adds. Exit status: 0 when
the benchmark ran, whatever the verdicts; 1 when it could not run; 130 when interrupted.

    .venv/bin/python bench/tv_client.py [--starts N] [--presses N] [--switches N] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import servers
from catalog_report import BenchError, Verdict
from runner import header, run_bench

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "tv_client.json"
DRIVER = BENCH / "tv_driver.py"
SCREEN = "1920x1080x24"
COURSES = 2000
EXTRA_SERIES = 28
KEYS = {"UP": 273, "DOWN": 274, "LEFT": 276, "RIGHT": 275, "OK": 13, "BACK": 27}
TARGETS = {"start_s": 2.0, "key_p95_ms": 50.0, "switch_ms": 300.0, "rss_mib": 200.0}
APP_START_TIMEOUT_S = 60.0
APP_REPLY_TIMEOUT_S = 15.0
APP_STOP_TIMEOUT_S = 10.0


# ------------------------------------------------------------------------------------ set-up


def build_feed(count: int = COURSES) -> dict:
    """``count`` courses from the demo catalog: unique ids, numbered titles, varied series and
    grades (grades stay within each course's stage), spread over ``EXTRA_SERIES`` more series."""
    from tv_backend.demo.content import COURSES as DEMO
    from tv_backend.demo.content import SERIES, STAGE_GRADES
    from tv_backend.demo.seed import demo_feed, lesson_key
    from tv_backend.media.ladder import LessonMedia

    posters = {c.key: f"posters/{c.key}.jpg" for c in DEMO}
    media = {
        key: LessonMedia(master=f"lessons/{key}/master.m3u8", duration=36.0)
        for c in DEMO
        for key in (lesson_key(c, n) for n in range(1, len(c.lessons) + 1))
    }
    base = demo_feed(DEMO, posters, media, source="bench")["courses"]
    extra = [
        {
            "code": f"bench-{n:02d}",
            "name": {"zh": f"基准系列 {n}", "en": f"Bench series {n}"},
            "description": {"zh": "基准测试用", "en": "For the benchmark"},
            "color": f"#{(n * 0x2F4B3D) & 0xFFFFFF:06X}",
        }
        for n in range(1, EXTRA_SERIES + 1)
    ]
    series = [*SERIES, *(s["code"] for s in extra)]
    courses = []
    for n in range(count):
        source = base[n % len(base)]
        copy = json.loads(json.dumps(source))
        round_ = n // len(base)
        copy["external_id"] = f"{source['external_id']}:{round_}"
        copy["title"] = {k: f"{v} {round_ + 1}" for k, v in source["title"].items()}
        copy["series"] = series[n % len(series)]
        grades = STAGE_GRADES[copy["stage"]]
        if grades:
            copy["grade"] = grades[n % len(grades)]
        for lesson in copy["lessons"]:
            lesson["external_id"] = f"{lesson['external_id']}:{round_}"
        courses.append(copy)
    return {
        "feed": "edutv.catalog",
        "version": 1,
        "source": "bench",
        "series": extra,
        "courses": courses,
    }


@contextmanager
def xvfb(workdir: Path) -> Iterator[str]:
    """One Xvfb on a free display (``-displayfd``), no TCP; yields DISPLAY; always stopped."""
    binary = shutil.which("Xvfb")
    if binary is None:
        raise BenchError("Xvfb is not installed (apt package xvfb)")
    read, write = os.pipe()
    log = (workdir / "xvfb.log").open("wb")
    process = subprocess.Popen(
        [binary, "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write,),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    os.close(write)
    try:
        number = _read_display(read, process)
        yield f":{number}"
    finally:
        os.close(read)
        log.close()
        _stop(process, signal.SIGTERM)


def _read_display(fd: int, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + 30
    data = b""
    os.set_blocking(fd, False)
    while time.monotonic() < deadline and not data.endswith(b"\n"):
        if process.poll() is not None:
            raise BenchError(f"Xvfb exited {process.returncode}")
        with suppress(BlockingIOError):
            data += os.read(fd, 64)
        time.sleep(0.05)
    if not data.strip().isdigit():
        raise BenchError("Xvfb did not report its display within 30 s")
    return data.strip().decode()


def _stop(process: subprocess.Popen, stop: signal.Signals) -> None:
    """Ask ``process`` to stop, then kill whatever is left of its session's process group."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            process.send_signal(stop)
        with suppress(subprocess.TimeoutExpired):
            process.wait(APP_STOP_TIMEOUT_S)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(5)


# ------------------------------------------------------------------------------- the apps


class AppProcess:
    """One driven app (bench/tv_driver.py) spoken to over stdin/stdout; its own session."""

    def __init__(self, mode: str, env: dict[str, str], log: Path) -> None:
        self.mode = mode
        self._log = log.open("wb")
        self.spawned = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            cwd=ROOT,
            text=True,
            encoding="utf-8",
            start_new_session=True,
        )
        self._replies: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        started = self._next(APP_START_TIMEOUT_S, "start-up")
        self.phases = {k: v - self.spawned for k, v in started["phases"].items()}

    def _read(self) -> None:
        for line in self.proc.stdout:
            if line.startswith("@@ "):
                self._replies.put(json.loads(line[3:]))

    def _next(self, timeout: float, what: str) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer = self._replies.get(timeout=0.2)
                break
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise BenchError(
                        f"{self.mode} app exited {self.proc.returncode} before answering {what}:"
                        f"\n{_tail(Path(self._log.name))}"
                    ) from None
                if time.monotonic() > deadline:
                    raise BenchError(
                        f"{self.mode} app: no answer to {what} in {timeout:g} s "
                        f"(log: {self._log.name})"
                    ) from None
        if not answer.get("ok"):
            raise BenchError(f"{self.mode} app: {what}: {answer.get('error')}")
        return answer

    def call(self, command: dict, timeout: float = APP_REPLY_TIMEOUT_S) -> dict:
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self._next(timeout, command["cmd"])

    def press(self, key: str, expect: str = "focus", limit: float = 5) -> dict:
        return self.call({"cmd": "press", "code": KEYS[key], "expect": expect, "limit": limit})

    def state(self) -> dict:
        return self.call({"cmd": "state"})["state"]

    def close(self) -> None:
        if self.proc.poll() is None:
            with suppress(BenchError, OSError):
                self.call({"cmd": "quit"}, timeout=APP_STOP_TIMEOUT_S)
            with suppress(subprocess.TimeoutExpired):
                self.proc.wait(APP_STOP_TIMEOUT_S)
        _stop(self.proc, signal.SIGTERM)
        for stream in (self.proc.stdin, self.proc.stdout, self._log):
            with suppress(OSError):
                stream.close()


def _tail(log: Path, lines: int = 15) -> str:
    with suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"


def app_env(display: str, backend: str, data_dir: Path) -> dict[str, str]:
    """The app's environment: our Xvfb, the backend, a fresh client cache, no proxies."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TV_", "KCFG_")) and k.lower() not in _PROXIES
    }
    env.update(
        {
            "DISPLAY": display,
            "TV_BACKEND_URL": backend,
            "TV_CLIENT_DATA_DIR": str(data_dir),
            "TV_LANGUAGE": "zh",
            "KCFG_GRAPHICS_WIDTH": "1920",
            "KCFG_GRAPHICS_HEIGHT": "1080",
        }
    )
    return env


_PROXIES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


# ----------------------------------------------------------------------------------- the run


def run(args: argparse.Namespace, workdir: Path) -> dict:
    data_dir = workdir / "origin"
    data_dir.mkdir()
    feed = workdir / "feed.json"
    feed.write_text(json.dumps(build_feed(args.courses), ensure_ascii=False))
    env = servers.origin_env(data_dir, redis_url="", threads=4)
    setup = {"import": servers.import_feed(feed, env), "load_before": os.getloadavg()}
    apps: dict[str, dict] = {"reference": {"starts": []}, "tv": {"starts": []}}
    with ExitStack() as stack:
        origin = stack.enter_context(servers.origin(env, workers=1, log=workdir / "gunicorn.log"))
        home = json.loads(servers.fetch(f"{origin.url}/api/v1/home").body)
        setup["home_rows"] = [len(row["items"]) for row in home["rows"]]
        display = stack.enter_context(xvfb(workdir))
        last: dict[str, AppProcess] = {}
        for number in range(1, args.starts + 1):
            for mode in ("reference", "tv"):
                _progress(f"cold start {number}/{args.starts}: {mode}")
                if mode in last:
                    last.pop(mode).close()
                client_dir = workdir / f"{mode}-client-{number}"
                app = AppProcess(
                    mode, app_env(display, origin.url, client_dir), workdir / f"{mode}-{number}.log"
                )
                stack.callback(app.close)
                apps[mode]["starts"].append(app.phases)
                last[mode] = app
        for mode in ("reference", "tv"):
            _progress(f"{mode}: {args.presses} key presses, then {args.switches} page switches")
            apps[mode].update(session(last[mode], args))
            last.pop(mode).close()
    setup["load_after"] = os.getloadavg()
    return report(args, setup, apps)


def session(app: AppProcess, args: argparse.Namespace) -> dict:
    """Key presses through home, idle memory, page switches, memory again."""
    state = app.state()
    rows = {key: n for n, (key, _size) in enumerate(state.get("row_sizes", []))}
    sizes = [size for _key, size in state.get("row_sizes", [])]
    presses = list(plan(app, rows, sizes, args.presses))
    idle_fps = frame_rate(app, args.idle)
    posters: dict[str, int] = {}
    for poster in app.state().get("posters", {}).values():
        posters[poster] = posters.get(poster, 0) + 1
    memory_idle = servers.memory_mib(app.proc.pid)
    switches = {"open": [], "open_shown": [], "back": [], "handler_open": []}
    for n in range(args.switches):
        opened = app.press("OK", expect="course", limit=10)
        back = app.press("BACK", expect="home", limit=10)
        switches["open"].append(opened["ms"])
        switches["open_shown"].append(opened["shown_ms"])
        switches["handler_open"].append(opened["handler_ms"])
        switches["back"].append(back["ms"])
        switches.setdefault("open_events", []).append(opened.get("events_ms", {}))
        switches.setdefault("open_flips", []).append(opened["flips"])
        app.press("LEFT" if n % 2 else "RIGHT")  # another course next time (not recorded)
    course_fps = 0.0
    if app.mode == "tv":  # the course screen idle (the reference has nothing to load)
        app.press("OK", expect="course", limit=30)
        course_fps = frame_rate(app, args.idle)
        app.press("BACK", expect="home", limit=10)
    time.sleep(args.idle)
    return {
        "idle_fps_home": idle_fps,
        "poster_states_idle_home": posters,
        "idle_fps_course": course_fps,
        "presses": presses,
        "memory_idle_home": memory_idle,
        "memory_after_switches": servers.memory_mib(app.proc.pid),
        "switches": switches,
        "home_rows": len(sizes),
    }


def frame_rate(app: AppProcess, seconds: float) -> float:
    """Buffer swaps per second while nothing is pressed for ``seconds``."""
    before = app.call({"cmd": "frames"})
    time.sleep(seconds)
    after = app.call({"cmd": "frames"})
    return (after["frames"] - before["frames"]) / (after["at"] - before["at"])


def plan(app: AppProcess, rows: dict[str, int], sizes: list[int], count: int) -> Iterator[dict]:
    """Press ``count`` keys that each move the focus: up to 5 along a row (RIGHT, or LEFT at its
    end), then one to the next row (DOWN, or UP once at the bottom). Yields each measured press.

    The reference app has no rows: it gets the same mix, every arrow moves its box."""
    row, index = _position(app.state().get("focus"), rows)
    vertical, horizontal = "DOWN", "RIGHT"
    for n in range(count):
        if (n + 1) % 6 == 0:
            bottom, top = row == len(sizes) - 1, row == 0
            if sizes and ((vertical == "DOWN" and bottom) or (vertical == "UP" and top)):
                vertical = "UP" if vertical == "DOWN" else "DOWN"
            key = vertical
        else:
            if sizes:
                end = sizes[row] - 1
                right_end, left_end = index >= end, index <= 0
                if (horizontal == "RIGHT" and right_end) or (horizontal == "LEFT" and left_end):
                    horizontal = "LEFT" if horizontal == "RIGHT" else "RIGHT"
            key = horizontal
        answer = app.press(key)
        if sizes:
            row, index = _position(answer["focus"].partition(":")[2], rows)
        yield {"key": key, **{k: answer[k] for k in ("ms", "handler_ms", "flips", "focus")}}


def _position(focus: str | None, rows: dict[str, int]) -> tuple[int, int]:
    """(row number, card index) of a home focus key such as ``series-tongbu/3``."""
    row_key, _, index = (focus or "").rpartition("/")
    return rows.get(row_key, 0), int(index) if index.isdigit() else 0


# ---------------------------------------------------------------------------------- report


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def stats(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
        "max": max(values),
        "min": min(values),
        "mean": sum(values) / len(values),
    }


def report(args: argparse.Namespace, setup: dict, apps: dict) -> dict:
    figures = {}
    for mode, got in apps.items():
        starts = got["starts"]
        presses = got["presses"]
        figures[mode] = {
            "start_interactive_s": stats([s["interactive"] for s in starts]),
            "start_drawn_s": stats([s["drawn"] for s in starts]),
            "key_ms": stats([p["ms"] for p in presses]),
            "key_handler_ms": stats([p["handler_ms"] for p in presses]),
            "key_ms_by_key": {
                key: stats([p["ms"] for p in presses if p["key"] == key])
                for key in sorted({p["key"] for p in presses})
            },
            "open_ms": stats(got["switches"]["open"]),
            "open_shown_ms": stats(got["switches"]["open_shown"]),
            "open_handler_ms": stats(got["switches"]["handler_open"]),
            "back_ms": stats(got["switches"]["back"]),
            "rss_idle_home_mib": got["memory_idle_home"]["rss"],
            "pss_idle_home_mib": got["memory_idle_home"]["pss"],
            "rss_after_switches_mib": got["memory_after_switches"]["rss"],
            "idle_fps_home": got["idle_fps_home"],
            "idle_fps_course": got["idle_fps_course"],
        }
    tv, ref = figures["tv"], figures["reference"]
    ratios = {
        "start_interactive_median": tv["start_interactive_s"]["median"]
        / ref["start_interactive_s"]["median"],
        "key_p50": tv["key_ms"]["median"] / ref["key_ms"]["median"],
        "key_p95": tv["key_ms"]["p95"] / ref["key_ms"]["p95"],
        "open_median": tv["open_ms"]["median"] / ref["open_ms"]["median"],
        "back_median": tv["back_ms"]["median"] / ref["back_ms"]["median"],
        "rss_idle": tv["rss_idle_home_mib"] / ref["rss_idle_home_mib"],
    }
    return {
        **header(args),
        "setup": setup,
        "figures": figures,
        "ratios_tv_over_reference": ratios,
        "verdicts": [v.__dict__ | {"pass": v.passed} for v in verdicts(tv)],
        "raw": apps,
    }


def verdicts(tv: dict) -> list[Verdict]:
    start, key = tv["start_interactive_s"], tv["key_ms"]
    opened, back = tv["open_ms"], tv["back_ms"]
    return [
        Verdict(
            f"cold start to interactive home < {TARGETS['start_s']:g} s (median and max)",
            start["max"] < TARGETS["start_s"],
            f"median {start['median']:.2f} s, max {start['max']:.2f} s over {start['n']} starts",
        ),
        Verdict(
            f"key press to focus drawn p95 < {TARGETS['key_p95_ms']:g} ms",
            key["p95"] < TARGETS["key_p95_ms"],
            f"p50 {key['median']:.1f} ms, p95 {key['p95']:.1f} ms, max {key['max']:.1f} ms "
            f"over {key['n']} presses",
        ),
        Verdict(
            f"page switch < {TARGETS['switch_ms']:g} ms (p95 of open and of back)",
            max(opened["p95"], back["p95"]) < TARGETS["switch_ms"],
            f"open median {opened['median']:.0f} / p95 {opened['p95']:.0f} ms, "
            f"back median {back['median']:.0f} / p95 {back['p95']:.0f} ms",
        ),
        Verdict(
            f"RSS idle on home < {TARGETS['rss_mib']:g} MB (read as MiB)",
            tv["rss_idle_home_mib"] < TARGETS["rss_mib"],
            f"VmRSS {tv['rss_idle_home_mib']:.0f} MiB (Pss {tv['pss_idle_home_mib']:.0f} MiB)",
        ),
    ]


def show(report_: dict) -> None:
    setup, config = report_["setup"], report_["config"]
    tv, ref = report_["figures"]["tv"], report_["figures"]["reference"]
    ratios = report_["ratios_tv_over_reference"]
    rows = setup["home_rows"]
    print(
        f"\nTV client under Xvfb {SCREEN} (Mesa), {report_['machine']['cpus']} CPUs; backend "
        f"edutv serve with {config['courses']:,} courses: home {len(rows)} rows x "
        f"<= {max(rows)} cards; reference: minimal Kivy app, same window and key path"
    )
    load = setup["load_before"][0]
    if load > report_["machine"]["cpus"] / 2:
        print(f"warning: load average {load:.1f} before the run: figures are noisy")
    print(f"\n{'measure':<36}{'TV':>12}{'reference':>12}{'TV/ref':>9}{'target':>11}")
    lines = [
        (
            "cold start interactive median s",
            "start_interactive_s",
            "median",
            "start_interactive_median",
            "< 2",
        ),
        ("cold start interactive max s", "start_interactive_s", "max", None, "< 2"),
        ("cold start home drawn median s", "start_drawn_s", "median", None, ""),
        ("key -> focus drawn p50 ms", "key_ms", "median", "key_p50", ""),
        ("key -> focus drawn p95 ms", "key_ms", "p95", "key_p95", "< 50"),
        ("key -> focus drawn max ms", "key_ms", "max", None, ""),
        ("key handler (no draw) p95 ms", "key_handler_ms", "p95", None, ""),
        ("OK -> course drawn median ms", "open_ms", "median", "open_median", "< 300"),
        ("OK -> course drawn p95 ms", "open_ms", "p95", None, "< 300"),
        ("OK -> course shown (loading) med ms", "open_shown_ms", "median", None, ""),
        ("Back -> home drawn median ms", "back_ms", "median", "back_median", "< 300"),
        ("Back -> home drawn p95 ms", "back_ms", "p95", None, "< 300"),
    ]
    for label, name, field, ratio, target in lines:
        cell = f"{ratios[ratio]:>8.1f}x" if ratio else f"{'':>9}"
        print(f"{label:<36}{tv[name][field]:>12.2f}{ref[name][field]:>12.2f}{cell}{target:>11}")
    print(
        f"{'VmRSS idle on home MiB':<36}{tv['rss_idle_home_mib']:>12.0f}"
        f"{ref['rss_idle_home_mib']:>12.0f}{ratios['rss_idle']:>8.1f}x{'< 200':>11}"
    )
    print(
        f"{'VmRSS after page switches MiB':<36}{tv['rss_after_switches_mib']:>12.0f}"
        f"{ref['rss_after_switches_mib']:>12.0f}"
    )
    print(f"{'frames/s idle on home':<36}{tv['idle_fps_home']:>12.1f}{ref['idle_fps_home']:>12.1f}")
    print(f"{'frames/s idle on course (TV)':<36}{tv['idle_fps_course']:>12.1f}")
    print(
        "\nTV key -> drawn by key: "
        + ", ".join(
            f"{key} n={s['n']} p50 {s['median']:.1f} / p95 {s['p95']:.1f} ms"
            for key, s in tv["key_ms_by_key"].items()
        )
    )
    phases = report_["raw"]["tv"]["starts"]
    print(
        "TV start-up phases (s after spawn, median): "
        + ", ".join(
            f"{name} {percentile([p[name] for p in phases if name in p], 0.5):.2f}"
            for name in (
                "main",
                "window",
                "imported",
                "build",
                "built",
                "first_flip",
                "home_request",
                "home_answer",
                "drawn",
                "interactive",
            )
            if any(name in p for p in phases)
        )
    )
    print()
    for v in report_["verdicts"]:
        print(f"{'PASS' if v['pass'] else 'FAIL'}  {v['target']}: {v['detail']}")


# ------------------------------------------------------------------------------ command line


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5, help="cold starts of each app")
    parser.add_argument("--presses", type=int, default=200, help="timed key presses on home")
    parser.add_argument("--switches", type=int, default=20, help="OK/Back page switch pairs")
    parser.add_argument("--courses", type=int, default=COURSES, help="courses in the catalog")
    parser.add_argument("--idle", type=float, default=3.0, help="seconds idle before VmRSS")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args(argv)
    if args.starts < 1 or args.presses < 1 or args.switches < 1:
        parser.error("--starts, --presses and --switches must be at least 1")
    return args


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    return run_bench("tv_client", parse_args(argv), run, show, errors=(servers.ServerError,))


if __name__ == "__main__":
    sys.exit(main())
