"""The two servers a benchmark compares, each started in its own session and always stopped.

- :func:`origin`: ``edutv serve`` (gunicorn, gthread workers) over a fresh SQLite database that a
  catalog feed was imported into, with the response cache in Redis (or in-process).
- :func:`nginx`: nginx serving given bodies as static files at the same paths, with its own
  config, pid file, error log and temp paths in a work directory (nothing under /etc or /var).

Both listen on loopback only. Processes are started with ``start_new_session=True`` so that
stopping one also reaches the workers it forked (by that session's process group, never by name).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
NGINX = "/usr/sbin/nginx"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
# Direct connections only: an http_proxy in the environment must not sit between us and loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ServerError(RuntimeError):
    """A server could not be set up, started or reached."""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Running:
    """A started server: its base URL and the pid of its master process."""

    url: str
    pid: int


def fetch(url: str, headers: Mapping[str, str] | None = None, timeout: float = 10.0) -> Reply:
    """One GET; 3xx/4xx/5xx come back as a Reply rather than an exception."""
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, dict(exc.headers), exc.read())


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------------------------- the origin


def edutv_command() -> str:
    """The ``edutv`` script of the interpreter running the benchmark (the project's venv)."""
    beside = Path(sys.executable).parent / "edutv"
    found = str(beside) if beside.exists() else shutil.which("edutv")
    if not found:
        raise ServerError("the edutv command is not installed (pip install -e '.[backend]')")
    return found


def origin_env(data_dir: Path, *, redis_url: str, threads: int) -> dict[str, str]:
    """The TV_* environment for a backend whose state lives only in ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TV_")}
    env.update(
        {
            "TV_DATA_DIR": str(data_dir),
            "TV_MEDIA_DIR": str(data_dir / "media"),
            "TV_REDIS_URL": redis_url,
            "TV_THREADS": str(threads),
            "TV_LOG_LEVEL": "warning",
            "TV_SECRET_KEY": "benchmark-only",
        }
    )
    return env


def import_feed(feed: Path, env: Mapping[str, str]) -> str:
    """``edutv catalog import FEED`` (creates and migrates the database); returns its summary."""
    done = subprocess.run(
        [edutv_command(), "catalog", "import", str(feed)],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if done.returncode != 0:
        raise ServerError(f"catalog import failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


@contextmanager
def origin(env: Mapping[str, str], *, workers: int, log: Path) -> Iterator[Running]:
    """``edutv serve`` on a free loopback port, ready (``/readyz`` is 200) when this yields."""
    url = f"http://{HOST}:{free_port()}"
    command = [
        edutv_command(),
        "serve",
        "--bind",
        url.removeprefix("http://"),
        "--workers",
        str(workers),
    ]
    with _session(command, env=env, log=log, stop=signal.SIGTERM) as process:
        _wait_ready(process, f"{url}/readyz", log)
        yield Running(url, process.pid)


def worker_pids(master: int) -> list[int]:
    """The live child processes of ``master`` (gunicorn's or nginx's workers)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            # Fields after the command name, which is in parentheses and may hold spaces.
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[1]) == master:
                pids.append(int(stat.parent.name))
    return sorted(pids)


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time used so far by ``pids`` (those still alive)."""
    ticks = 0
    for pid in pids:
        with suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def memory_mib(pid: int) -> dict[str, float]:
    """Resident set (VmRSS) and proportional set (Pss: shared pages split) in MiB."""
    status = _kib_fields(Path(f"/proc/{pid}/status"), "VmRSS")
    rollup = _kib_fields(Path(f"/proc/{pid}/smaps_rollup"), "Pss")
    return {"rss": status.get("VmRSS", 0) / 1024, "pss": rollup.get("Pss", 0) / 1024}


def _kib_fields(path: Path, *names: str) -> dict[str, int]:
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return {}
    found = {}
    for line in lines:
        key, _, rest = line.partition(":")
        if key in names:
            found[key] = int(rest.split()[0])
    return found


# ----------------------------------------------------------------------------------- nginx

_NGINX_CONF = """\
{user}worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    default_type application/json;
    etag on;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65s;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    server {{
        listen {host}:{port};
        root {root}/static;
        add_header Cache-Control "public, max-age=60";
        add_header Vary "Accept-Encoding";
{locations}
        location / {{ return 404; }}
    }}
}}
"""


@contextmanager
def nginx(root: Path, bodies: Mapping[str, bytes], *, workers: str) -> Iterator[Running]:
    """nginx serving ``bodies`` (URL path -> bytes; the query string is ignored) from files."""
    if not Path(NGINX).exists():
        raise ServerError(f"{NGINX} is missing (Debian: apt-get install nginx-light)")
    port = free_port()
    conf = _write_nginx_site(root, bodies, port=port, workers=workers)
    base = [NGINX, "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")]
    _check_nginx_conf(base)
    log = root / "nginx.out"
    with _session([*base, "-g", "daemon off;"], env=None, log=log, stop=signal.SIGQUIT) as proc:
        url = f"http://{HOST}:{port}"
        _wait_ready(proc, f"{url}{next(iter(bodies))}", log)
        yield Running(url, proc.pid)


def _write_nginx_site(root: Path, bodies: Mapping[str, bytes], *, port: int, workers: str) -> Path:
    static = root / "static"
    static.mkdir(parents=True)
    (root / "tmp").mkdir()
    locations = []
    for path, body in bodies.items():
        name = path.strip("/").replace("/", "_") + ".json"
        (static / name).write_bytes(body)
        locations.append(f"        location = {path} {{ try_files /{name} =404; }}")
    # As root, nginx's workers would switch to "nobody", who cannot read a private temp dir.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = root / "nginx.conf"
    conf.write_text(
        _NGINX_CONF.format(
            user=user,
            workers=workers,
            root=root,
            host=HOST,
            port=port,
            locations="\n".join(locations),
        )
    )
    return conf


def _check_nginx_conf(base: list[str]) -> None:
    done = subprocess.run(
        [*base, "-t", "-q"], capture_output=True, text=True, timeout=30, check=False
    )
    if done.returncode != 0:
        raise ServerError(f"nginx rejected its config:\n{done.stderr}")


# ------------------------------------------------------------------------------- processes


@contextmanager
def _session(
    command: list[str], *, env: Mapping[str, str] | None, log: Path, stop: signal.Signals
) -> Iterator[subprocess.Popen]:
    """Run ``command`` in a new session (its own process group) and stop the whole group after."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=None if env is None else dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        _stop(process, stop)


def _stop(process: subprocess.Popen, stop: signal.Signals) -> None:
    """Ask the master to stop (it stops its workers), then kill whatever of its group is left."""
    if process.poll() is None:
        process.send_signal(stop)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.wait(5)
    _kill_group(process.pid)  # a worker that outlived its master


def _kill_group(pgid: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _wait_ready(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"{process.args[0]} exited {process.returncode}:\n{_tail(log)}")
        with suppress(OSError):
            if fetch(url, timeout=2).status == 200:
                return
        time.sleep(0.2)
    raise ServerError(f"{url} not ready after {START_TIMEOUT_S:g}s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 30) -> str:
    with suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"


def drop_cache_keys(data_dir: Path, redis_url: str) -> int:
    """Delete the Redis keys of the backend whose database is in ``data_dir``; returns how many.

    The cache namespace is ``edutv:<epoch>:catalog`` with the database's epoch (container.py),
    so only this run's keys match. Entries expire on their own; the version key would not.
    Best effort: a clean-up that fails says so and lets the run end normally.
    """
    import sqlite3

    import redis

    try:
        with closing(sqlite3.connect(data_dir / "edutv.sqlite3")) as db:
            (epoch,) = db.execute("SELECT epoch FROM catalog_state WHERE id = 1").fetchone()
        with closing(redis.Redis.from_url(redis_url, socket_timeout=5)) as client:
            keys = list(client.scan_iter(match=f"{{edutv:{epoch}:catalog}}:*", count=1000))
            return client.delete(*keys) if keys else 0
    except (sqlite3.Error, redis.RedisError, TypeError) as exc:
        print(f"could not delete this run's Redis keys: {exc}", file=sys.stderr)
        return 0
