"""Zap time on loopback: CH+ to the next channel's first picture, EduTV against plain libVLC.

One run on one machine, everything on loopback:

1. the demo's six themed channels (`tv_backend.demo.channels`) over a catalog whose lessons all
   play one real HLS ladder (bench/player.py ``ensure_media``, in ``.cache/bench-media``; the
   feed is bench/epg_http.py's), imported into a fresh SQLite database and published from
   yesterday on, as ``edutv seed-demo`` does;
2. ``edutv serve`` (gunicorn) on a free loopback port, serving the live playlists and the media;
   every channel's playlists are asked for a few times first, so each worker has built its
   channel plans (a worker's first request for a channel builds it: the "cold" figures);
3. per configuration, ``--rounds`` processes (bench/player_probe.py ``"zap"`` jobs, the
   configurations alternating), each with one long-lived player as the app has: the first
   channel is tuned, then CH+ is pressed ``--zaps / --rounds`` times through the line-up,
   ``--dwell`` seconds after each channel's first picture;

   - **EduTV** goes the live screen's way (tv_client/screens/live.py): the key goes to its
     ``LiveViewModel``, whose tick (every 0.1 s) sends the tune once the keys have rested
     ``ZAP_SETTLE_S``, and the tune ``open``s the channel's stream on the same ``VlcPlayer``
     (``make_instance``'s options, the relay, I420 picture buffers), pumped every 0.1 s;
   - **libVLC defaults** tunes at the key: a new media on the same MediaPlayer of a plain
     instance, its video into RV32 callbacks (bench/player.py's plain configuration);

4. zap time is from the key to the first picture libVLC displays after the tune (the display
   callback, EduTV's ``on_frame``: the probe style of bench/player.py); for EduTV also where it
   goes, from the requests libVLC made through the relay: the settle, the stop of the old
   stream, the master and media playlists, the first segment, and from its arrival to the
   picture (demux, decode, display); and how far behind the live edge libVLC started;
5. print p50/p95/max and PASS/FAIL against the issue's target (EduTV's p50 under 1 s) and write
   ``bench/results/zap.json``.

Exit status: 0 when the benchmark ran, whatever the verdict; 1 when it could not run; 130 when
interrupted.

    .venv/bin/python bench/zap.py [--zaps N] [--rounds N] [--dwell S] [--keep]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
import time
from contextlib import ExitStack
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import servers
from catalog_report import BenchError, Verdict
from runner import header, run_bench

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "zap.json"
TARGET_P50_S = 1.0
EDUTV, PLAIN = "EduTV", "libVLC defaults"
SCHEDULE_DAYS = 3  # published from yesterday (Asia/Shanghai): today and tomorrow are covered
WARM_ROUNDS = 4  # requests per playlist before the zaps (two workers: both see each channel)
PROBE_GRACE_S = 60.0  # a probe gets this long beyond its zaps' worst case before it is killed
FIGURES = (  # per zap, seconds; the EduTV breakdown comes from the relay's requests
    ("zap_s", "CH+ -> picture"),
    ("tune_s", "tune -> picture"),
    ("settle_s", "settle (CH+ -> tune)"),
    ("stop_s", "stop old stream"),
    ("master_s", "master playlist in"),
    ("media_s", "media playlist in"),
    ("segment_s", "first segment in"),
    ("decode_s", "segment -> picture"),
    ("still_s", "first picture stands"),
    ("gap_s", "longest gap after it"),
)


# ---------------------------------------------------------------------------------- figures


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: list[float | None]) -> dict:
    """n, p50, p95 and max in seconds (rounded to the ms) of the values present; ``missed``
    counts the absent ones (a zap whose picture never came counts there, not in the figures)."""
    present = [v for v in values if v is not None]
    return {
        "n": len(present),
        "missed": len(values) - len(present),
        "p50": round(percentile(present, 50), 3),
        "p95": round(percentile(present, 95), 3),
        "max": round(max(present), 3) if present else math.nan,
    }


def zap_figures(zap: dict, fetches: list[dict]) -> dict:
    """One zap's figures (seconds) from the probe's record and the relay's requests (EduTV;
    none for plain libVLC). ``behind_edge``: segments from the first one libVLC fetched to the
    end of the media playlist it read (1: it started on the newest)."""
    press, tune = zap.get("press_at", zap.get("tune_at")), zap.get("tune_at")
    frame = zap.get("frame_at")
    found = {
        "to": zap.get("to"),
        "zap_s": _minus(frame, press),
        "tune_s": _minus(frame, tune),
        "settle_s": _minus(tune, press),
        "stop_s": _minus(zap.get("opened_at"), tune),
    }
    mine = [f for f in fetches if tune is not None and f["started"] >= tune]
    session = min((f["session"] for f in mine), default=None)  # later zaps have later ones
    mine = [f for f in mine if f["session"] == session]
    master = next((f for f in mine if f["path"].endswith("master.m3u8")), None)
    media = next((f for f in mine if "uris" in f and f is not master), None)
    segment = next((f for f in mine if "uris" not in f and f["status"] == 200), None)
    found["master_s"] = _minus(master and master["done"], tune)
    found["media_s"] = _minus(media and media["done"], tune)
    found["segment_s"] = _minus(segment and segment["done"], tune)
    found["decode_s"] = _minus(frame, segment and segment["done"])
    found |= _motion(zap.get("pictures_after"))
    found["variant"] = media["path"].rsplit("/", 1)[-1] if media else None
    found["behind_edge"] = None
    if media and segment and segment["path"] in _paths(media):
        uris = _paths(media)
        found["behind_edge"] = len(uris) - uris.index(segment["path"])
    return found


def _motion(after: list[float] | None) -> dict:
    """How long the first picture stands (to the second), and the longest gap between the
    pictures after it until the next key (``after``: their times from the first, in s)."""
    if not after:
        return {"still_s": None, "gap_s": None}
    gaps = [b - a for a, b in itertools.pairwise(after)]
    return {"still_s": round(after[0], 4), "gap_s": round(max(gaps), 4) if gaps else None}


def _paths(playlist: dict) -> list[str]:
    """A media playlist's segment URIs as paths (the backend's are absolute: ``/media/...``)."""
    return [u if u.startswith("/") else "/" + u.split("/", 3)[-1] for u in playlist["uris"]]


def _minus(later: float | None, earlier: float | None) -> float | None:
    if later is None or earlier is None:
        return None
    return round(later - earlier, 4)


def summaries(zaps: list[dict]) -> dict:
    """Each figure of ``FIGURES`` over all zaps (figures no zap has are left out)."""
    found = {}
    for key, _label in FIGURES:
        values = [z.get(key) for z in zaps]
        if any(v is not None for v in values):
            found[key] = summary(values)
    edges = [z["behind_edge"] for z in zaps if z.get("behind_edge") is not None]
    if edges:
        found["behind_edge"] = {n: edges.count(n) for n in sorted(set(edges))}
    return found


def verdicts(report: dict) -> list[Verdict]:
    """The issue's target: EduTV's zap (CH+ to first picture) p50 under 1 s on loopback."""
    ours = report["summaries"][EDUTV]["zap_s"]
    passed = ours["p50"] < TARGET_P50_S and ours["missed"] == 0
    detail = f"p50 {ours['p50']:.3f} s over {ours['n']} zaps"
    if ours["missed"]:
        detail += f", {ours['missed']} without a picture in {report['config']['timeout']:g} s"
    return [Verdict(f"EduTV zap p50 under {TARGET_P50_S:g} s on loopback", passed, detail)]


def show(report: dict) -> None:
    """The table, the verdicts and notes."""
    setup = report["setup"]
    print(
        f"\nzap time on loopback, {report['machine']['cpus']} CPUs, libVLC {setup['libvlc']}: "
        f"{len(setup['channels'])} channels, {report['config']['zaps']} zaps per player, "
        f"{report['config']['dwell']:g} s on each channel after its first picture"
    )
    load = setup["load_before"][0]
    if load > report["machine"]["cpus"] / 2:
        print(f"warning: load average {load:.1f} before the run: other work shares these CPUs")
    print(f"\n{'seconds':<30}{'p50':>8}{'p95':>8}{'max':>8}{'n':>5}")
    for name in (EDUTV, PLAIN):
        print(name)
        for key, label in FIGURES:
            s = report["summaries"][name].get(key)
            if s is not None:
                print(f"  {label:<28}{s['p50']:>8.3f}{s['p95']:>8.3f}{s['max']:>8.3f}{s['n']:>5}")
    firsts = report["first_tune"]
    print(
        "\nfirst tune of a new player, tune -> picture: "
        + ", ".join(f"{name} p50 {s['p50']:.3f} s" for name, s in firsts.items())
    )
    cold = setup["cold_master_ms"]
    print(
        f"a channel's first playlist in a worker (plan build): p50 {percentile(cold, 50):.0f} "
        f"ms, max {max(cold):.0f} ms (warmed up before the zaps)"
    )
    edges = report["summaries"][EDUTV].get("behind_edge")
    if edges:
        shown = ", ".join(f"{n} segments: {count}" for n, count in edges.items())
        print(f"EduTV's first segment, counted back from the live edge: {shown}")
    print()
    for v in report["verdicts"]:
        print(f"{'PASS' if v['passed'] else 'FAIL'}  {v['target']}: {v['detail']}")


# ----------------------------------------------------------------------------------- set-up


def prepare(workdir: Path, args: argparse.Namespace) -> dict[str, str]:
    """A data directory with the catalog and the demo channels; the backend's environment."""
    from epg_http import build_feed
    from player import MEDIA, ensure_media

    _progress("building (or reusing) the HLS ladder in .cache/bench-media ...")
    ensure_media(MEDIA)
    data_dir = workdir / "data"
    data_dir.mkdir()
    env = servers.origin_env(data_dir, redis_url=args.redis_url, threads=args.threads)
    env["TV_MEDIA_DIR"] = str(MEDIA)  # the built ladder; nothing writes there
    feed = workdir / "feed.json"
    feed.write_text(json.dumps(build_feed(), ensure_ascii=False))
    _progress(servers.import_feed(feed, env))
    for line in seed_channels(env):
        _progress(f"  channel {line}")
    return env


def seed_channels(env: dict[str, str]) -> list[str]:
    """The demo channels, published as ``edutv seed-demo`` does (tv_backend.demo.seed)."""
    from tv_backend.container import build_services
    from tv_backend.demo.channels import seed_channels as seed
    from tv_backend.demo.content import COURSES
    from tv_backend.settings import Settings

    svc = build_services(Settings.from_env(env))
    try:
        ids = svc.catalog_import.course_ids([f"demo:{c.key}" for c in COURSES])
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        by_key = {k.removeprefix("demo:"): v for k, v in ids.items()}
        return seed(svc.epg, by_key, start=today - timedelta(days=1), days=SCHEDULE_DAYS)
    finally:
        svc.close()


def warm(base: str, channels: list[dict]) -> list[float]:
    """Every channel's playlists asked for ``WARM_ROUNDS`` times (new connections, so every
    worker gets some); returns each channel's first master playlist time in ms (cold)."""
    cold = []
    for number in range(WARM_ROUNDS):
        for channel in channels:
            master = f"{base}{channel['stream']}"
            began = time.monotonic()
            reply = servers.fetch(master)
            if reply.status != 200:
                raise BenchError(f"{master} answered {reply.status}: {reply.body[:200]!r}")
            if number == 0:
                cold.append((time.monotonic() - began) * 1000)
            for line in reply.body.decode().splitlines():
                if line and not line.startswith("#"):
                    variant = master.rsplit("/", 1)[0] + "/" + line
                    if servers.fetch(variant).status != 200:
                        raise BenchError(f"{variant} did not answer 200")
    return cold


# ------------------------------------------------------------------------------------ zaps


def zap_job(config, base: str, channels: dict, zaps: int, args: argparse.Namespace) -> dict:
    from player import ENVIRONMENT

    return {
        "player": config.player,
        "options": [*(ENVIRONMENT if config.player == "plain" else ()), *config.options],
        "chroma": config.chroma,
        "zap": {
            "base": base,
            "channels": channels,
            "zaps": zaps,
            "dwell_s": args.dwell,
            "timeout_s": args.timeout,
        },
    }


def play_zaps(config, job: dict, workdir: Path, tag: str) -> dict:
    """One probe process doing ``job``'s zaps; its record."""
    from player import _Probe, _probe_env

    spec = job["zap"]
    worst = (spec["zaps"] + 1) * (spec["timeout_s"] + spec["dwell_s"])
    log = workdir / f"{tag}-{config.player}.log"
    with _Probe(job, log, _probe_env(None)) as probe:
        return probe.result(worst + PROBE_GRACE_S)


def run(args: argparse.Namespace, workdir: Path) -> dict:
    from player import ENVIRONMENT, _libvlc_version, edutv_config
    from player import PLAIN as PLAIN_CONFIG

    edutv, source, shipped = edutv_config()
    if edutv.player != "edutv":
        raise BenchError(f"the EduTV player cannot be used: {source}")
    configs = {EDUTV: edutv, PLAIN: PLAIN_CONFIG}
    started = time.monotonic()
    setup: dict = {
        "load_before": list(os.getloadavg()),
        "libvlc": _libvlc_version(),
        "options": {EDUTV: [*shipped, "--aout=dummy"], PLAIN: list(ENVIRONMENT)},
    }
    env = prepare(workdir, args)
    records: dict[str, list[dict]] = {name: [] for name in configs}
    with ExitStack() as stack:
        if args.redis_url:
            from epg_http import drop_epg_keys

            data_dir = Path(env["TV_DATA_DIR"])
            stack.callback(servers.drop_cache_keys, data_dir, args.redis_url)
            stack.callback(drop_epg_keys, data_dir, args.redis_url)
        _progress("starting the backend ...")
        origin = stack.enter_context(
            servers.origin(env, workers=args.workers, log=workdir / "gunicorn.log")
        )
        channels = json.loads(servers.fetch(f"{origin.url}/api/v1/channels").body)
        listed = channels.get("channels") or []
        if len(listed) < 2:
            raise BenchError(f"the backend lists {len(listed)} channel(s): nothing to zap")
        setup["channels"] = [c["id"] for c in sorted(listed, key=lambda c: c["number"])]
        _progress("asking for every channel's playlists (plan builds) ...")
        setup["cold_master_ms"] = [round(ms, 1) for ms in warm(origin.url, listed)]
        per_round = _split(args.zaps, args.rounds)
        for number, zaps in enumerate(per_round):
            order = list(configs) if number % 2 == 0 else list(configs)[::-1]
            for name in order:
                _progress(f"round {number + 1}/{len(per_round)}: {name}, {zaps} zaps ...")
                job = zap_job(configs[name], origin.url, channels, zaps, args)
                record = play_zaps(configs[name], job, workdir, f"round{number}")
                records[name].append(record)
    zaps = {
        name: [zap_figures(z, r["fetches"]) for r in found for z in r["zaps"]]
        for name, found in records.items()
    }
    firsts = {
        name: [zap_figures(r["first"], r["fetches"]) for r in found]
        for name, found in records.items()
    }
    setup |= {
        "load_after": list(os.getloadavg()),
        "run_s": round(time.monotonic() - started, 1),
    }
    report = {
        "benchmark": "zap",
        **header(args),
        "setup": setup,
        "summaries": {name: summaries(z) for name, z in zaps.items()},
        "first_tune": {
            name: summary([f["tune_s"] for f in found]) for name, found in firsts.items()
        },
        "zaps": zaps,
        "raw": records,
    }
    report["verdicts"] = [asdict(v) for v in verdicts(report)]
    return report


def _split(total: int, parts: int) -> list[int]:
    """``total`` zaps over ``parts`` rounds, as even as can be (every round at least one)."""
    parts = max(1, min(parts, total))
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


# ------------------------------------------------------------------------------ command line


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zaps", type=int, default=24, help="CH+ presses per player")
    parser.add_argument("--rounds", type=int, default=2, help="processes per player, alternating")
    parser.add_argument("--dwell", type=float, default=2.0, help="seconds on a channel's picture")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for a picture")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (TV_WORKERS)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (TV_THREADS)")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/14",
        help="TV_REDIS_URL; empty for the in-process cache",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args(argv)
    if args.zaps < 1 or args.rounds < 1 or args.dwell < 0 or args.timeout <= 0:
        parser.error("--zaps and --rounds must be at least 1, --dwell at least 0, --timeout > 0")
    return args


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    errors = (servers.ServerError, ImportError)
    return run_bench("zap", parse_args(argv), run, show, errors=errors)


if __name__ == "__main__":
    sys.exit(main())
