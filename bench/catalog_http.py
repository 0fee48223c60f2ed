"""The cached catalog over HTTP: ``edutv serve`` (gunicorn) against nginx serving the same bytes.

One run on one machine with one load generator (wrk, keep-alive, 64 connections by default):

1. import a catalog feed built from the demo content (no media) into a fresh SQLite database,
   start ``edutv serve`` with the response cache in Redis (a fresh namespace) and wait for
   ``/readyz``;
2. fetch the course list (``/api/v1/courses?limit=24``) and the detail of its first course,
   write them as static files and start nginx on them at the same paths;
3. check both servers send the same bodies byte for byte and answer 304 to If-None-Match, warm
   every target, then load each in turn: list, detail and list revalidation (304) on the origin
   and on nginx, and the origin's ``/healthz`` (the framework's floor: no cache, no arguments);
4. read the CPU time the servers' workers spent per request, and each gunicorn worker's RSS;
5. print requests/s, p50 and p99 with origin/nginx ratios and PASS/FAIL against the issue's
   targets (bench/catalog_report.py), and write it all to ``bench/results/catalog_http.json``.

The load generator shares the CPUs with the server under test (on a 2-core machine wrk's two
threads compete with gunicorn's two workers, and Redis with both), so figures compare the two
servers within one run; they are not a capacity plan. CPU time per request is the figure least
disturbed by other work on the machine. Exit status: 0 when the benchmark ran, whatever the
verdicts; 1 when it could not run; 130 when interrupted.

    .venv/bin/python bench/catalog_http.py [--quick] [--duration S] [--workers N] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import catalog_report
import servers
import wrk
from catalog_report import BenchError, Measured, Target

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "catalog_http.json"
LIST_PATH = "/api/v1/courses"
LIST_QUERY = "?limit=24"


# ------------------------------------------------------------------------------------ set-up


def build_feed() -> dict:
    """The demo catalog's feed (docs/catalog-feed.md) with made-up media paths: the same JSON
    `edutv seed-demo` imports, without building any media."""
    from tv_backend.demo.content import COURSES
    from tv_backend.demo.seed import demo_feed, lesson_key
    from tv_backend.media.ladder import LessonMedia

    posters = {c.key: f"posters/{c.key}.jpg" for c in COURSES}
    media = {
        key: LessonMedia(master=f"lessons/{key}/master.m3u8", duration=36.0)
        for c in COURSES
        for key in (lesson_key(c, n) for n in range(1, len(c.lessons) + 1))
    }
    return demo_feed(COURSES, posters, media, source="bench")


def origin_bodies(origin: str) -> dict[str, bytes]:
    """URL path -> body of the course list and of the first course on it, from the origin."""
    page = _get_ok(f"{origin}{LIST_PATH}{LIST_QUERY}")
    detail_path = f"{LIST_PATH}/{json.loads(page)['items'][0]['id']}"
    return {LIST_PATH: page, detail_path: _get_ok(f"{origin}{detail_path}")}


def _get_ok(url: str) -> bytes:
    reply = servers.fetch(url)
    if reply.status != 200 or "json" not in reply.headers.get("Content-Type", ""):
        raise BenchError(f"GET {url}: {reply.status} {reply.headers.get('Content-Type')}")
    return reply.body


def targets(origin: str, nginx: str, detail_path: str) -> list[Target]:
    """Each origin target next to its nginx twin (ETags from each server), then the floor."""
    found = []
    for kind in catalog_report.KINDS:
        for server, base in (("origin", origin), ("nginx", nginx)):
            path = detail_path if kind == "detail" else LIST_PATH + LIST_QUERY
            headers = {"If-None-Match": _etag(base + path)} if kind == "revalidate" else {}
            found.append(Target(server, kind, base + path, headers))
    found.append(Target("origin", "floor", f"{origin}/healthz"))
    return found


def _etag(url: str) -> str:
    etag = servers.fetch(url).headers.get("ETag")
    if not etag:
        raise BenchError(f"{url} sends no ETag")
    return etag


def check_same(all_targets: list[Target]) -> None:
    """Each target answers its expected status; origin and nginx send identical 200 bodies."""
    bodies: dict[str, dict[str, bytes]] = {}
    for target in all_targets:
        reply = servers.fetch(target.url, target.headers)
        if reply.status != target.status:
            raise BenchError(
                f"{target.name}: {target.url} answered {reply.status}, not {target.status}"
            )
        bodies.setdefault(target.kind, {})[target.server] = reply.body
    for kind in ("list", "detail"):
        if bodies[kind]["origin"] != bodies[kind]["nginx"]:
            raise BenchError(f"{kind}: origin and nginx bodies differ")


# ----------------------------------------------------------------------------------- the run


def run(args: argparse.Namespace, workdir: Path) -> dict:
    """Set up both servers, load every target, read worker memory; the report as a dict."""
    data_dir = workdir / "origin"
    data_dir.mkdir()
    feed = workdir / "feed.json"
    feed.write_text(json.dumps(build_feed(), ensure_ascii=False))
    env = servers.origin_env(data_dir, redis_url=args.redis_url, threads=args.threads)
    setup = {"import": servers.import_feed(feed, env), "load_before": os.getloadavg()}
    with ExitStack() as stack:
        if args.redis_url:
            stack.callback(servers.drop_cache_keys, data_dir, args.redis_url)
        origin = stack.enter_context(
            servers.origin(env, workers=args.workers, log=workdir / "gunicorn.log")
        )
        setup["cache"] = _cache_status(origin.url, args.redis_url)
        bodies = origin_bodies(origin.url)
        (workdir / "nginx").mkdir()
        nginx = stack.enter_context(
            servers.nginx(workdir / "nginx", bodies, workers=args.nginx_workers)
        )
        detail_path = next(path for path in bodies if path != LIST_PATH)
        all_targets = targets(origin.url, nginx.url, detail_path)
        check_same(all_targets)
        results = measure(all_targets, {"origin": origin.pid, "nginx": nginx.pid}, args)
        check_same(all_targets)  # still serving the same thing after the load
        memory = worker_memory(origin.pid)
    setup["load_after"] = os.getloadavg()
    setup["bodies"] = {path: len(body) for path, body in bodies.items()}
    return catalog_report.build(vars(args), setup, all_targets, results, memory)


def _cache_status(origin: str, redis_url: str) -> str:
    status = json.loads(servers.fetch(f"{origin}/readyz").body)["cache"]
    if redis_url and status != "ok":
        raise BenchError(f"the origin reports its Redis cache as {status!r} ({redis_url})")
    return status


def measure(
    all_targets: list[Target], masters: dict[str, int], args: argparse.Namespace
) -> dict[str, list[Measured]]:
    """Warm every target, then load each in turn for the full duration, ``args.rounds`` times."""
    warm = wrk.Load(args.wrk_threads, args.connections, args.warmup)
    load = wrk.Load(args.wrk_threads, args.connections, args.duration)
    for target in all_targets:
        wrk.run(target.url, warm, headers=target.headers)
    results: dict[str, list[Measured]] = {t.name: [] for t in all_targets}
    for number in range(1, args.rounds + 1):
        for target in all_targets:
            _progress(
                f"round {number}/{args.rounds}, {target.name}: {load.seconds:g} s at "
                f"{load.connections} connections ..."
            )
            results[target.name].append(_load(target, masters[target.server], load))
            time.sleep(args.pause)
    return results


def _load(target: Target, master: int, load: wrk.Load) -> Measured:
    workers = servers.worker_pids(master)
    before = servers.cpu_seconds(workers)
    result = wrk.run(target.url, load, headers=target.headers)
    cpu = servers.cpu_seconds(workers) - before
    return Measured(result, cpu * 1e6 / max(result.requests, 1))


def worker_memory(master: int) -> dict:
    workers = servers.worker_pids(master)
    if not workers:
        raise BenchError(f"gunicorn master {master} has no workers")
    return {
        "master": {"pid": master, **servers.memory_mib(master)},
        "workers": [{"pid": pid, **servers.memory_mib(pid)} for pid in workers],
    }


# ------------------------------------------------------------------------------ command line


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load")
    parser.add_argument("--quick", action="store_true", help="3 s loads, 1 s warm-up")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per target")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (TV_WORKERS)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (TV_THREADS)")
    parser.add_argument("--nginx-workers", default="2", help="nginx worker_processes")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/14",
        help="TV_REDIS_URL; empty for the in-process cache",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="load every target this many times; the median round is reported",
    )
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between loads")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3.0, 1.0
    return args


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _terminate(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds the ExitStack: both servers are stopped


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    workdir = Path(tempfile.mkdtemp(prefix="edutv-bench-"))
    try:
        report = run(args, workdir)
    except (BenchError, servers.ServerError, wrk.WrkError, OSError) as exc:
        print(f"catalog_http: could not run: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("catalog_http: interrupted", file=sys.stderr)
        return 130
    finally:
        _clean(workdir, keep=args.keep)
    catalog_report.show(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nresults: {args.output}")
    return 0


def _clean(workdir: Path, *, keep: bool) -> None:
    if keep:
        print(f"work directory kept: {workdir}", file=sys.stderr)
    else:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
