"""The programme guide and linear channels over HTTP: ``edutv serve`` against nginx.

One run on one machine, everything on loopback:

1. a catalog feed of the demo courses whose lessons all play one real HLS ladder (bench/player.py
   ``ensure_media``, in ``.cache/bench-media``), imported into two fresh SQLite databases;
2. a synthetic, deterministic schedule of 500 channels (programmes of 20-60 min, back to back
   from 18 days before today, 00:00 UTC), written with ``epg.xmltv.write_xmltv`` and imported
   with ``edutv epg import``:

   - store **A** ("10 channel-days"): what the window shows (each channel's programmes
     overlapping the 24 h window) plus 10 channel-days beyond it (10 channels' previous day);
   - store **B** ("10,000 channel-days"): 20 whole days of all 500 channels, one file per day;

   both answer the same window with the same bytes (checked);
3. one ``edutv serve`` per store (gunicorn, 2 workers x 4 threads, response cache in Redis, fresh
   namespaces), and nginx serving the origin's answers as static files (checked byte for byte);
4. the guide window (500 channels x 24 h from this hour = 3 pages of ``limit=200``) and
   ``/api/v1/guide/now``: a full window fetched page after page on one keep-alive connection
   (warm, ``--samples`` times), the first window and now/next after a schedule change (a one
   programme re-import bumps the guide version: cold), and wrk loads (the three pages round-robin);
5. linear playlists ``/live/<channel>/<rendition>.m3u8`` of 4 channels round-robin with wrk on
   the origin of store B, and nginx serving a copy of them;
6. print the figures with B/A and origin/nginx ratios and PASS/FAIL against the issue's targets
   (bench/epg_report.py), and write them to ``bench/results/epg_http.json``.

wrk shares the CPUs with the server under load (2 threads on a 2-core machine), so figures compare
servers within one run; CPU time per request is the figure least disturbed by other work.
Exit status: 0 when the benchmark ran, whatever the verdicts; 1 when it could not run; 130 when
interrupted.

    .venv/bin/python bench/epg_http.py [--quick] [--duration S] [--samples N] [--keep]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import epg_report
import servers
import wrk
from catalog_report import BenchError
from runner import header, run_bench

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "epg_http.json"
CHANNELS = 500
PAGE = 200  # the API's largest limit: a window of 500 channels is 3 pages
HOURS = 24
HISTORY_DAYS = 18  # store B: 18 days before today, today and tomorrow = 20 days
STORE_B_DAYS = HISTORY_DAYS + 2
DAYS_PER_FILE = 4
EXTRA_CHANNELS = 10  # store A: this many channels also keep the day before the window
DURATIONS_MIN = range(20, 61, 5)
LIVE_CHANNELS = 4
LIVE_RENDITION = "540p"
GUIDE = "/api/v1/guide"
NOW = "/api/v1/guide/now"


# ------------------------------------------------------------------------------ the schedule


def channel_id(index: int) -> str:
    return f"ch{index + 1:03d}.bench.edutv.cn"


def make_channels(count: int = CHANNELS):
    from epg.model import Channel

    return [
        Channel(
            id=channel_id(i),
            number=i + 1,
            names={"zh": f"基准频道{i + 1}", "en": f"Bench {i + 1}"},
            timezone="UTC",
            catchup_days=7,
        )
        for i in range(count)
    ]


def programmes(index: int, epoch: datetime, stop: datetime, lessons: list[int]) -> Iterator:
    """Channel ``index``'s programmes back to back from ``epoch`` until one ends at or after
    ``stop``: 20-60 min each, the same for every call (seeded by the channel)."""
    from epg.model import Programme

    rng = random.Random(index)
    start, number = epoch, 0
    while start < stop:
        minutes = rng.choice(DURATIONS_MIN)
        lesson = lessons[(index * 7 + number) % len(lessons)]
        number += 1
        end = start + timedelta(minutes=minutes)
        yield Programme(
            channel=channel_id(index),
            start=start,
            stop=end,
            title={"zh": f"第{number}节 课程{lesson}", "en": f"Period {number}: lesson {lesson}"},
            description={"zh": "基准测试节目。", "en": "A benchmark programme."},
            lesson_id=lesson,
            subject=("math", "chinese", "english", "physics")[number % 4],
            grade=1 + index % 9,
        )
        start = end


def epoch_of(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=HISTORY_DAYS)


def write_store_a(path: Path, window: tuple[datetime, datetime], lessons: list[int]) -> int:
    """One XMLTV file: each channel's programmes overlapping the window, and the 24 h before
    the window for the first EXTRA_CHANNELS channels."""
    from epg.xmltv import write_xmltv

    start, stop = window
    epoch = epoch_of(start)
    kept = []
    for index in range(CHANNELS):
        since = start - timedelta(days=1) if index < EXTRA_CHANNELS else start
        kept += [p for p in programmes(index, epoch, stop, lessons) if p.stop > since]
    path.write_bytes(write_xmltv(make_channels(), kept))
    return len(kept)


def write_store_b(workdir: Path, now: datetime, lessons: list[int]) -> tuple[list[Path], int]:
    """XMLTV files of DAYS_PER_FILE UTC days each (a programme belongs to the day it starts;
    the import limit is 64 MiB, a day of 500 channels about 9 MB)."""
    from epg.xmltv import write_xmltv

    epoch = epoch_of(now)
    end = epoch + timedelta(days=STORE_B_DAYS)
    days: list[list] = [[] for _ in range(0, STORE_B_DAYS, DAYS_PER_FILE)]
    for index in range(CHANNELS):
        for p in programmes(index, epoch, end, lessons):
            day = min((p.start - epoch).days, STORE_B_DAYS - 1)
            days[day // DAYS_PER_FILE].append(p)
    channels = make_channels()
    files = []
    for number, day in enumerate(days):
        path = workdir / f"store-b-{number:02d}.xml"
        path.write_bytes(write_xmltv(channels, day))
        files.append(path)
    return files, sum(len(day) for day in days)


# ------------------------------------------------------------------------------------ set-up


def build_feed() -> dict:
    """The demo catalog's feed, every lesson playing the benchmark's built ladder."""
    from player import MASTER

    from tv_backend.demo.content import COURSES
    from tv_backend.demo.seed import demo_feed, lesson_key
    from tv_backend.media.ladder import LessonMedia

    posters = {c.key: f"posters/{c.key}.jpg" for c in COURSES}
    ladder = LessonMedia(master=MASTER.lstrip("/"), duration=64.0)
    media = {lesson_key(c, n): ladder for c in COURSES for n in range(1, len(c.lessons) + 1)}
    return demo_feed(COURSES, posters, media, source="bench-epg")


def lesson_ids(data_dir: Path) -> list[int]:
    with closing(sqlite3.connect(data_dir / "edutv.sqlite3")) as db:
        return [row[0] for row in db.execute("SELECT id FROM lessons ORDER BY id")]


def epg_import(path: Path, env: dict[str, str]) -> str:
    """``edutv epg import PATH``; returns its summary line."""
    done = subprocess.run(
        [servers.edutv_command(), "epg", "import", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"epg import {path.name} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip().splitlines()[0]


def prepare_store(name: str, workdir: Path, args, feed: Path, media: Path) -> dict:
    """A data directory with the catalog imported; its environment and lesson ids."""
    data_dir = workdir / name
    data_dir.mkdir()
    env = servers.origin_env(data_dir, redis_url=args.redis_url, threads=args.threads)
    env["TV_MEDIA_DIR"] = str(media)  # the built ladder; nothing writes there
    servers.import_feed(feed, env)
    return {"name": name, "data_dir": data_dir, "env": env, "lessons": lesson_ids(data_dir)}


def drop_epg_keys(data_dir: Path, redis_url: str) -> None:
    """Delete this run's guide cache keys (``{edutv:<epoch>:epg}:*``); best effort."""
    import redis

    try:
        with closing(sqlite3.connect(data_dir / "edutv.sqlite3")) as db:
            (epoch,) = db.execute("SELECT epoch FROM catalog_state WHERE id = 1").fetchone()
        with closing(redis.Redis.from_url(redis_url, socket_timeout=5)) as client:
            keys = list(client.scan_iter(match=f"{{edutv:{epoch}:epg}}:*", count=1000))
            if keys:
                client.delete(*keys)
    except (sqlite3.Error, redis.RedisError, TypeError) as exc:
        print(f"could not delete this run's guide keys: {exc}", file=sys.stderr)


# --------------------------------------------------------------------------------- requests


def iso_z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def guide_paths(window: tuple[datetime, datetime]) -> list[str]:
    """The window's pages as the TV asks for them."""
    start = iso_z(window[0])
    return [
        f"{GUIDE}?start={start}&hours={HOURS}&offset={offset}&limit={PAGE}"
        for offset in range(0, CHANNELS, PAGE)
    ]


def static_path(path: str) -> str:
    """Where nginx serves the origin's answer to ``path`` (nginx's locations ignore queries,
    so each guide page gets a path of its own)."""
    parts = urlsplit(path)
    if not parts.query:
        return path
    query = dict(item.split("=", 1) for item in parts.query.split("&"))
    return f"{parts.path}/page-{query['offset']}"


class Client:
    """One keep-alive connection; ``get`` returns (status, body, seconds)."""

    def __init__(self, base: str) -> None:
        host, port = urlsplit(base).netloc.split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=120)

    def get(self, path: str) -> tuple[int, bytes, float]:
        began = time.perf_counter()
        self.connection.request("GET", path)
        response = self.connection.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - began

    def close(self) -> None:
        self.connection.close()


def fetch_window(base: str, paths: list[str]) -> tuple[list[float], list[bytes]]:
    """The pages one after the other on a new connection: their seconds and bodies."""
    client = Client(base)
    try:
        seconds, bodies = [], []
        for path in paths:
            status, body, took = client.get(path)
            if status != 200:
                raise BenchError(f"GET {base}{path}: {status} {body[:200]!r}")
            seconds.append(took)
            bodies.append(body)
        return seconds, bodies
    finally:
        client.close()


def warm_windows(base: str, paths: list[str], samples: int) -> dict:
    """``samples`` full windows on one keep-alive connection: window and request times (ms)."""
    client = Client(base)
    windows, requests = [], []
    try:
        for _ in range(samples):
            total = 0.0
            for path in paths:
                status, _, took = client.get(path)
                if status != 200:
                    raise BenchError(f"GET {base}{path}: {status}")
                total += took
                requests.append(took * 1000)
            windows.append(total * 1000)
    finally:
        client.close()
    return {"window_ms": windows, "request_ms": requests}


def settle(base: str, paths: list[str], *, connections: int = 8, timeout: float = 300.0) -> float:
    """Until every worker has rebuilt its guide: rounds of ``connections`` parallel windows
    until all answer within 0.5 s (gunicorn spreads new connections over its workers, and each
    worker builds its own guide). Returns the seconds it took."""
    from concurrent.futures import ThreadPoolExecutor

    began = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        while time.monotonic() - began < timeout:
            rounds = list(pool.map(lambda _: fetch_window(base, paths)[0], range(connections)))
            if max(max(seconds) for seconds in rounds) < 0.5:
                return time.monotonic() - began
    raise BenchError(f"{base} still rebuilding its guide after {timeout:g} s")


def cold(store: dict, base: str, paths: list[str], bump: Path, rounds: int) -> dict:
    """First window, and first now/next, after a schedule change (a re-import: new version)."""
    found: dict[str, list[float]] = {"window_ms": [], "first_page_ms": [], "now_ms": []}
    for _ in range(rounds):
        epg_import(bump, store["env"])
        seconds, _ = fetch_window(base, paths)
        found["window_ms"].append(sum(seconds) * 1000)
        found["first_page_ms"].append(seconds[0] * 1000)
        epg_import(bump, store["env"])
        seconds, _ = fetch_window(base, [NOW])
        found["now_ms"].append(seconds[0] * 1000)
    return found


def write_bump(path: Path, window: tuple[datetime, datetime], lessons: list[int]) -> None:
    """A one-programme XMLTV file repeating what is stored: importing it changes nothing but
    the guide version (store A and B alike)."""
    from epg.xmltv import write_xmltv

    first = next(
        p for p in programmes(0, epoch_of(window[0]), window[1], lessons) if p.stop > window[0]
    )
    path.write_bytes(write_xmltv(make_channels(1), [first]))


# ---------------------------------------------------------------------------------------- wrk


def wrk_paths(base: str, paths: list[str], load: wrk.Load, script_dir: Path) -> wrk.WrkResult:
    """wrk on ``paths`` of ``base`` round-robin (a Lua script; bench/wrk.py runs one URL)."""
    script = script_dir / f"paths-{abs(hash((base, *paths)))}.lua"
    listed = ", ".join(json.dumps(p) for p in paths)
    script.write_text(
        f"local paths = {{{listed}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\nend\n'
    )
    command = [
        wrk._executable(),
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{load.seconds:g}s",
        f"--timeout={load.timeout_s:g}s",
        "--latency",
        "-s",
        str(script),
        base,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=load.seconds + 30, check=False
    )
    if done.returncode != 0:
        raise wrk.WrkError(f"wrk exited {done.returncode}: {done.stderr.strip() or done.stdout}")
    return wrk.parse(done.stdout)


def loaded(base: str, paths: list[str], master: int, args, script_dir: Path) -> dict:
    """Warm-up, then the load; wrk's figures and the server workers' CPU per request."""
    wrk_paths(base, paths, wrk.Load(args.wrk_threads, args.connections, args.warmup), script_dir)
    workers = servers.worker_pids(master)
    before = servers.cpu_seconds(workers)
    load = wrk.Load(args.wrk_threads, args.connections, args.duration)
    result = wrk_paths(base, paths, load, script_dir)
    cpu = servers.cpu_seconds(workers) - before
    time.sleep(args.pause)
    return epg_report.wrk_figures(result, cpu * 1e6 / max(result.requests, 1))


# ----------------------------------------------------------------------------------- the run


def run(args: argparse.Namespace, workdir: Path) -> dict:
    from player import MEDIA, ensure_media

    now = datetime.now(UTC)
    hour = now.replace(minute=0, second=0, microsecond=0)
    window = (hour, hour + timedelta(hours=HOURS))
    setup: dict = {"load_before": list(os.getloadavg()), "window": [iso_z(t) for t in window]}
    _progress("building (or reusing) the HLS ladder ...")
    ensure_media(MEDIA)
    feed = workdir / "feed.json"
    feed.write_text(json.dumps(build_feed(), ensure_ascii=False))
    stores = {name: prepare_store(name, workdir, args, feed, MEDIA) for name in ("A", "B")}
    lessons = stores["A"]["lessons"]
    if stores["B"]["lessons"] != lessons or not lessons:
        raise BenchError("the two catalogs' lesson ids differ (or there are none)")

    _progress("importing store A ...")
    began = time.monotonic()
    file_a = workdir / "store-a.xml"
    count_a = write_store_a(file_a, window, lessons)
    summary_a = epg_import(file_a, stores["A"]["env"])
    setup["store_A"] = {
        "programmes": count_a,
        "xmltv_bytes": file_a.stat().st_size,
        "channel_days": CHANNELS * HOURS / 24 + EXTRA_CHANNELS,
        "import": summary_a,
        "import_s": round(time.monotonic() - began, 1),
    }
    _progress(f"store A: {summary_a}")
    began = time.monotonic()
    files_b, count_b = write_store_b(workdir, now, lessons)
    _progress(f"importing store B: {count_b:,} programmes in {len(files_b)} files ...")
    for path in files_b:
        epg_import(path, stores["B"]["env"])
    setup["store_B"] = {
        "programmes": count_b,
        "xmltv_bytes": sum(p.stat().st_size for p in files_b),
        "channel_days": CHANNELS * STORE_B_DAYS,
        "files": len(files_b),
        "import_s": round(time.monotonic() - began, 1),
    }
    _progress(f"store B imported in {setup['store_B']['import_s']} s")
    bump = workdir / "bump.xml"
    write_bump(bump, window, lessons)

    paths = guide_paths(window)
    results: dict = {"origin A": {}, "origin B": {}, "nginx": {}}
    with ExitStack() as stack:
        origins = {}
        for name, store in stores.items():
            if args.redis_url:
                stack.callback(servers.drop_cache_keys, store["data_dir"], args.redis_url)
                stack.callback(drop_epg_keys, store["data_dir"], args.redis_url)
            _progress(f"starting the origin of store {name} ...")
            origins[name] = stack.enter_context(
                servers.origin(
                    store["env"], workers=args.workers, log=workdir / f"gunicorn-{name}.log"
                )
            )
        setup["cache"] = json.loads(servers.fetch(f"{origins['A'].url}/readyz").body)["cache"]

        # First answers: both stores give the same bytes; the first request builds the guide.
        bodies: dict[str, bytes] = {}
        for name, origin in origins.items():
            seconds, got = fetch_window(origin.url, paths)
            setup[f"first_window_ms_{name}"] = round(sum(seconds) * 1000, 1)
            for path, body in zip(paths, got, strict=True):
                if bodies.setdefault(path, body) != body:
                    raise BenchError(f"stores A and B answer {path} differently")
        setup["guide_bytes"] = {path: len(body) for path, body in bodies.items()}
        live = live_paths(origins["B"].url, setup)
        now_body = _get(origins["B"].url + NOW)
        static = {static_path(p): b for p, b in bodies.items()}
        static[NOW] = now_body
        for path in live:
            static[path] = _get(origins["B"].url + path)
        (workdir / "nginx").mkdir()
        nginx = stack.enter_context(servers.nginx(workdir / "nginx", static, workers="2"))
        check_same(nginx.url, origins["B"].url, paths, static)
        setup["now_bytes"] = len(now_body)
        setup["live_bytes"] = len(static[live[0]])

        _progress("warm windows and cold builds ...")
        for name, origin in origins.items():
            target = results[f"origin {name}"]
            setup[f"settle_s_{name}"] = round(settle(origin.url, [*paths, NOW]), 1)
            target["warm"] = warm_windows(origin.url, paths, args.samples)
            target["warm_now"] = warm_windows(origin.url, [NOW], args.samples)
            target["cold"] = cold(stores[name], origin.url, paths, bump, args.cold_rounds)
            # The other worker still has the old guide: let it rebuild before any load.
            setup[f"settle_after_cold_s_{name}"] = round(settle(origin.url, [*paths, NOW]), 1)
        nginx_static = [static_path(p) for p in paths]
        results["nginx"]["warm"] = warm_windows(nginx.url, nginx_static, args.samples)
        results["nginx"]["warm_now"] = warm_windows(nginx.url, [NOW], args.samples)

        scripts = workdir / "lua"
        scripts.mkdir()
        plan = [
            ("guide", "origin A", origins["A"], paths),
            ("guide", "origin B", origins["B"], paths),
            ("guide", "nginx", nginx, nginx_static),
            ("now", "origin A", origins["A"], [NOW]),
            ("now", "origin B", origins["B"], [NOW]),
            ("now", "nginx", nginx, [NOW]),
            ("live", "origin B", origins["B"], live),
            ("live", "nginx", nginx, live),
            ("floor", "origin A", origins["A"], ["/healthz"]),
        ]
        for kind, server, running, urls in plan:
            _progress(f"{server} {kind}: {args.duration:g} s at {args.connections} connections ...")
            results[server][kind] = loaded(running.url, urls, running.pid, args, scripts)
        memory = {
            name: [servers.memory_mib(pid) for pid in servers.worker_pids(o.pid)]
            for name, o in origins.items()
        }
        check_same(nginx.url, origins["B"].url, paths, static)  # still the same after the load
    setup["load_after"] = list(os.getloadavg())
    return epg_report.build(header(args), setup, results, memory)


def live_paths(origin: str, setup: dict) -> list[str]:
    """``/live/<channel>/<rendition>.m3u8`` of the first LIVE_CHANNELS channels (the first
    request builds each channel's plan; its time is kept)."""
    found, first = [], []
    for index in range(LIVE_CHANNELS):
        began = time.perf_counter()
        master = _get(f"{origin}/live/{channel_id(index)}/master.m3u8").decode()
        first.append(round((time.perf_counter() - began) * 1000, 1))
        renditions = [line for line in master.splitlines() if line and not line.startswith("#")]
        wanted = f"{LIVE_RENDITION}.m3u8"
        if wanted not in renditions:
            raise BenchError(f"channel {channel_id(index)} has no {wanted}: {renditions}")
        found.append(f"/live/{channel_id(index)}/{wanted}")
    setup["live_first_master_ms"] = first
    return found


def _get(url: str) -> bytes:
    reply = servers.fetch(url, timeout=120)
    if reply.status != 200:
        raise BenchError(f"GET {url}: {reply.status} {reply.body[:300]!r}")
    return reply.body


def check_same(nginx: str, origin: str, paths: list[str], static: dict[str, bytes]) -> None:
    """nginx serves the origin's bytes. Guide pages are compared with the origin's answer now;
    now/next and playlists move with the clock (each minute, each 2 s segment), so nginx's copy
    is compared with the origin's answer it was made from, and the origin must still answer."""
    for path in paths:
        if _get(nginx + static_path(path)) != _get(origin + path):
            raise BenchError(f"{path}: origin and nginx bodies differ")
    for path, body in static.items():
        if path.startswith(GUIDE + "/page-"):
            continue
        if _get(nginx + path) != body:
            raise BenchError(f"{path}: nginx does not serve the origin's bytes")
        _get(origin + path)


# ------------------------------------------------------------------------------ command line


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load")
    parser.add_argument(
        "--quick", action="store_true", help="3 s loads, 1 s warm-up, 10 windows, 3 changes"
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per load")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (TV_WORKERS)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (TV_THREADS)")
    parser.add_argument("--samples", type=int, default=30, help="warm full windows per server")
    parser.add_argument("--cold-rounds", type=int, default=3, help="schedule changes per store")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/14",
        help="TV_REDIS_URL; empty for the in-process cache",
    )
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between loads")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args(argv)
    if args.quick:
        # Three schedule changes, not one: a cold figure is a single request of a second or
        # two on shared CPUs, and the B/A verdict is judged on its median.
        args.duration, args.warmup, args.samples, args.cold_rounds = 3.0, 1.0, 10, 3
    return args


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    errors = (servers.ServerError, wrk.WrkError, http.client.HTTPException)
    return run_bench("epg_http", args, run, epg_report.show, errors)


if __name__ == "__main__":
    sys.exit(main())
