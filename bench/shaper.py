"""A bandwidth-shaping HTTP server: one household line replayed from a throughput trace.

It serves a media directory (or forwards to an origin) on loopback and paces every response
body to the trace's rate at that moment. One token bucket is shared by all connections of a
:class:`Line`, as one home's access line is shared by everything in the home; the trace's clock
starts at the line's first request (or at :meth:`TokenBucket.start`) and loops. An optional
latency delays each response's headers by a round trip, and the first response on a connection
by two (the TCP handshake's), so reusing connections pays as it does on a real line. Every
request is logged (path, status,
bytes, start, first byte, end on ``time.monotonic()``, which every process of the machine shares),
so a benchmark can tell which rendition of an HLS ladder was fetched when.

Traces are text, one step a line: ``seconds  Mbit/s`` (the rate from that time until the next
line's), as in ``../shared/fixtures/traces``. No root is needed: the shaping happens in the
server, which writes no faster than the bucket allows.

    .venv/bin/python bench/shaper.py DIR [--trace FILE|NAME] [--latency-ms MS] [--port N]
    .venv/bin/python bench/shaper.py --origin http://127.0.0.1:8000 --trace norway_bus_10
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import mimetypes
import posixpath
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

HOST = "127.0.0.1"
TRACES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "traces"
BYTES_PER_MEGABIT = 125_000
CHUNK = 16 * 1024  # most bytes a connection asks the bucket for at once
MIN_GRANT = 4 * 1024  # a waiting connection is woken for no less (unless it wants less)
BURST_S = 0.05  # the bucket holds at most this many seconds of the current rate ...
MIN_BURST = 16 * 1024  # ... and never less than this many bytes
MAX_WAIT_S = 0.05  # a waiting connection looks again at least this often (rates change)
SETTLE_S = 2.0  # on leaving serve(), wait this long at most for answers still being sent
CONTENT_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t", ".vtt": "text/vtt"}
# Direct connections only: an http_proxy in the environment must not sit before the origin.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class TraceError(ValueError):
    """A trace file that is not ``seconds  Mbit/s`` lines with increasing times."""


# ------------------------------------------------------------------------------- the trace


@dataclass(frozen=True)
class Trace:
    """A piecewise-constant rate: ``rates[i]`` Mbit/s from ``times[i]`` to ``times[i + 1]``.

    The last step lasts as long as the one before it; then the trace starts again (``period``).
    """

    name: str
    times: tuple[float, ...]
    rates: tuple[float, ...]
    period: float
    cumulative: tuple[float, ...]  # megabits delivered from 0 to each step's start

    @classmethod
    def build(cls, name: str, points: list[tuple[float, float]]) -> Trace:
        if not points:
            raise TraceError(f"{name}: no data lines")
        first = points[0][0]
        times = [t - first for t, _ in points]
        rates = [r for _, r in points]
        if any(b <= a for a, b in itertools.pairwise(times)):
            raise TraceError(f"{name}: times must increase")
        if any(r < 0 for r in rates):
            raise TraceError(f"{name}: a negative rate")
        last = times[-1] - times[-2] if len(times) > 1 else 1.0
        period = times[-1] + last
        ends = [*times[1:], period]
        steps = (r * (e - t) for t, e, r in zip(times, ends, rates, strict=True))
        cumulative = [0.0, *itertools.accumulate(steps)]
        if cumulative[-1] <= 0:
            raise TraceError(f"{name}: the rate is zero throughout")
        return cls(name, tuple(times), tuple(rates), period, tuple(cumulative))

    @classmethod
    def parse(cls, text: str, name: str = "trace") -> Trace:
        """Lines ``seconds  Mbit/s``; blank lines and ``#`` comments are skipped."""
        points = []
        for number, line in enumerate(text.splitlines(), 1):
            fields = line.partition("#")[0].split()
            if not fields:
                continue
            try:
                points.append((float(fields[0]), float(fields[1])))
            except (IndexError, ValueError):
                raise TraceError(f"{name}:{number}: not 'seconds  Mbit/s': {line!r}") from None
        return cls.build(name, points)

    @classmethod
    def load(cls, path: Path) -> Trace:
        return cls.parse(path.read_text(), path.name)

    @classmethod
    def constant(cls, mbps: float, name: str | None = None) -> Trace:
        return cls.build(name or f"{mbps:g} Mbit/s", [(0.0, mbps)])

    def rate_at(self, t: float) -> float:
        """Mbit/s at trace time ``t`` (seconds; the trace loops)."""
        return self.rates[bisect.bisect_right(self.times, t % self.period) - 1]

    def megabits(self, t: float) -> float:
        """Megabits the line could deliver from trace time 0 to ``t``."""
        loops, within = divmod(t, self.period)
        step = bisect.bisect_right(self.times, within) - 1
        partial = self.cumulative[step] + self.rates[step] * (within - self.times[step])
        return loops * self.cumulative[-1] + partial

    def mean(self, start: float, end: float) -> float:
        """The mean rate (Mbit/s) from trace time ``start`` to ``end``."""
        if end <= start:
            return self.rate_at(start)
        return (self.megabits(end) - self.megabits(start)) / (end - start)


def synthetic() -> Trace:
    """A made-up 60 s line for when ../shared is absent: good, poor, middling, bad, recovering."""
    steps = [(0, 3.0), (12, 2.2), (20, 0.9), (28, 1.6), (38, 0.45), (44, 1.2), (52, 2.6)]
    return Trace.build("synthetic", [(float(t), r) for t, r in steps])


def shared_traces(directory: Path = TRACES) -> list[Trace]:
    """Every trace in ``directory`` (sorted by name); empty where the directory is absent."""
    if not directory.is_dir():
        return []
    return [Trace.load(p) for p in sorted(directory.iterdir()) if p.is_file()]


def find_trace(spec: str, directory: Path = TRACES) -> Trace:
    """A trace by file path or by name in ``directory``; "synthetic"; or a number (Mbit/s)."""
    if spec == "synthetic":
        return synthetic()
    with suppress(ValueError):
        return Trace.constant(float(spec))
    path = Path(spec) if Path(spec).is_file() else directory / spec
    if not path.is_file():
        raise TraceError(f"no trace {spec!r} (a file, a name in {directory}, or Mbit/s)")
    return Trace.load(path)


# ------------------------------------------------------------------------------ the bucket


class TokenBucket:
    """Bytes a trace allows, shared by every connection of one line.

    Tokens accrue at the trace's rate (exactly: the trace's integral between two looks) and are
    capped at ``burst_s`` seconds of the current rate, so an idle line cannot save up a burst.
    Trace time is ``offset`` plus the seconds since :meth:`start` (called by the first grant).
    """

    def __init__(
        self,
        trace: Trace,
        *,
        offset: float = 0.0,
        burst_s: float = BURST_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.trace, self.offset, self.burst_s = trace, offset, burst_s
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self.origin: float | None = None
        self._tokens = 0.0
        self._seen = 0.0  # trace time of the last refill

    def start(self, now: float | None = None) -> float:
        """Start the trace's clock (once); returns the moment it started."""
        with self._lock:
            return self._start(self._clock() if now is None else now)

    def _start(self, now: float) -> float:
        if self.origin is None:
            self.origin, self._seen = now, self.offset
        return self.origin

    def trace_time(self, now: float) -> float:
        return self.offset + (now - (self.origin if self.origin is not None else now))

    def grant(self, want: int, now: float) -> tuple[int, float]:
        """Take up to ``want`` bytes at ``now``: (bytes granted, seconds to wait when none)."""
        with self._lock:
            self._start(now)
            t = self.trace_time(now)
            rate = self.trace.rate_at(t) * BYTES_PER_MEGABIT  # bytes/s
            self._tokens += (self.trace.megabits(t) - self.trace.megabits(self._seen)) * (
                BYTES_PER_MEGABIT
            )
            self._seen = t
            self._tokens = min(self._tokens, max(MIN_BURST, rate * self.burst_s))
            if self._tokens >= min(want, MIN_GRANT):
                granted = min(want, int(self._tokens))
                self._tokens -= granted
                return granted, 0.0
            deficit = min(want, MIN_GRANT) - self._tokens
            wait = deficit / rate if rate > 0 else MAX_WAIT_S
            return 0, min(max(wait, 0.001), MAX_WAIT_S)

    def take(self, want: int) -> int:
        """Block until some bytes (at most ``want``) may be sent; returns how many."""
        while True:
            granted, wait = self.grant(want, self._clock())
            if granted:
                return granted
            self._sleep(wait)


# ------------------------------------------------------------------------------ the server


@dataclass(frozen=True)
class Fetch:
    """One request as the line saw it; times are ``time.monotonic()`` seconds."""

    path: str
    status: int
    size: int  # the body's length as announced
    sent: int  # body bytes written (less than ``size`` when the client went away)
    started: float
    first_byte: float | None
    ended: float
    connection: int


class Line:
    """One trial's access line: a bucket (none: unshaped), a latency, and the log of requests."""

    def __init__(self, trace: Trace | None, *, offset: float = 0.0, latency_s: float = 0.0) -> None:
        self.trace = trace
        self.bucket = TokenBucket(trace, offset=offset) if trace else None
        self.latency_s = latency_s
        self._log: list[Fetch] = []
        self._lock = threading.Condition()
        self._active = 0  # requests being answered
        self._connections = itertools.count(1)

    def take(self, want: int) -> int:
        return self.bucket.take(want) if self.bucket else want

    @property
    def started(self) -> float | None:
        """When the trace's clock started (the first body byte asked for), if it has."""
        return self.bucket.origin if self.bucket else None

    def begin(self) -> None:
        with self._lock:
            self._active += 1

    def record(self, fetch: Fetch) -> None:
        """Log a request that ended (every :meth:`begin` is followed by one record)."""
        with self._lock:
            self._log.append(fetch)
            self._active -= 1
            self._lock.notify_all()

    def settle(self, timeout: float) -> bool:
        """Wait until no request is being answered (their clients may have gone away)."""
        with self._lock:
            return self._lock.wait_for(lambda: self._active == 0, timeout)

    def fetches(self) -> list[Fetch]:
        """Every request so far, in the order they ended."""
        with self._lock:
            return list(self._log)

    def next_connection(self) -> int:
        return next(self._connections)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, line: Line, root: Path | None, origin: str | None, *, port: int = 0) -> None:
        super().__init__((HOST, port), _Handler)
        self.line, self.root, self.origin = line, root, origin

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a player hanging up is normal
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection_id = self.server.line.next_connection()
        self.answered = 0  # requests answered on this connection

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def do_GET(self) -> None:
        self._respond(body=True)

    def _respond(self, *, body: bool) -> None:
        started = time.monotonic()
        path = urllib.parse.urlsplit(self.path).path
        line = self.server.line
        line.begin()
        status, size, sent, first = 0, 0, 0, None
        try:
            opened = self._open_origin(path) if self.server.origin else self._open_file(path)
            if line.latency_s:  # a round trip; a new connection's first answer pays its handshake
                time.sleep(line.latency_s * (1 if self.answered else 2))
            self.answered += 1
            status, headers, stream = opened
            with _closing(stream):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                size = int(headers.get("Content-Length", 0))
                sent, first = self._send(stream, size) if body and stream else (0, None)
        finally:
            ended = time.monotonic()
            line.record(Fetch(path, status, size, sent, started, first, ended, self.connection_id))

    def _send(self, stream: BinaryIO, size: int) -> tuple[int, float | None]:
        sent, first = 0, None
        try:
            while sent < size:
                allowed = self.server.line.take(min(CHUNK, size - sent))
                data = stream.read(allowed)
                if not data:
                    break
                self.wfile.write(data)
                first = first or time.monotonic()
                sent += len(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        if sent < size:
            self.close_connection = True
        return sent, first

    def _open_file(self, path: str) -> tuple[int, dict[str, str], BinaryIO | None]:
        file = _resolve(self.server.root, path)
        if file is None:
            return _error(404)
        size = file.stat().st_size
        start, end = _byte_range(self.headers.get("Range"), size)
        if start is None:
            return _error(416, {"Content-Range": f"bytes */{size}"})
        stream = file.open("rb")
        stream.seek(start)
        headers = {
            "Content-Type": CONTENT_TYPES.get(file.suffix)
            or mimetypes.guess_type(file.name)[0]
            or "application/octet-stream",
            "Content-Length": str(end - start),
            "Accept-Ranges": "bytes",
        }
        if self.headers.get("Range") and (start, end) != (0, size):
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
            return 206, headers, stream
        return 200, headers, stream

    def _open_origin(self, path: str) -> tuple[int, dict[str, str], BinaryIO | None]:
        query = urllib.parse.urlsplit(self.path).query
        url = self.server.origin.rstrip("/") + path + (f"?{query}" if query else "")
        forward = {k: v for k, v in self.headers.items() if k.lower() in ("range", "accept")}
        try:
            reply = _OPENER.open(urllib.request.Request(url, headers=forward), timeout=30)
        except urllib.error.HTTPError as exc:
            reply = exc
        except OSError:
            return _error(502)
        keep = ("Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "ETag")
        headers = {k: reply.headers[k] for k in keep if reply.headers.get(k)}
        headers.setdefault("Content-Length", "0")  # chunked origins are not supported
        return reply.status, headers, reply


def _resolve(root: Path | None, path: str) -> Path | None:
    """The file under ``root`` that a URL path names, or None (missing or outside ``root``)."""
    if root is None:
        return None
    clean = posixpath.normpath(urllib.parse.unquote(path)).lstrip("/")
    if clean.startswith(".."):
        return None
    file = (root / clean).resolve()
    if not file.is_relative_to(root.resolve()) or not file.is_file():
        return None
    return file


def _byte_range(header: str | None, size: int) -> tuple[int | None, int]:
    """[start, end) of a single ``bytes=a-b`` range (the whole file without one)."""
    if not header or not header.startswith("bytes=") or "," in header:
        return 0, size
    first, _, last = header[6:].strip().partition("-")
    try:
        if not first:  # a suffix: the last N bytes
            return max(0, size - int(last)), size
        start, end = int(first), (int(last) + 1 if last else size)
    except ValueError:
        return 0, size
    return (start, min(end, size)) if start < size else (None, 0)


def _error(status: int, extra: dict[str, str] | None = None) -> tuple[int, dict, None]:
    return status, {"Content-Length": "0", **(extra or {})}, None


@contextmanager
def _closing(stream: BinaryIO | None) -> Iterator[None]:
    try:
        yield
    finally:
        if stream is not None:
            with suppress(OSError):
                stream.close()


@dataclass(frozen=True)
class Serving:
    url: str
    line: Line


@contextmanager
def serve(line: Line, *, root: Path | None = None, origin: str | None = None) -> Iterator[Serving]:
    """Serve ``root`` (or forward to ``origin``) through ``line`` on a free loopback port."""
    if (root is None) == (origin is None):
        raise ValueError("serve a directory or forward to an origin, one of the two")
    server = _Server(line, root, origin)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="shaper", daemon=True
    )
    thread.start()
    try:
        yield Serving(f"http://{HOST}:{server.server_address[1]}", line)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        line.settle(SETTLE_S)


# ------------------------------------------------------------------------------ command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, help="the directory to serve")
    parser.add_argument("--origin", help="forward to this base URL instead of serving a directory")
    parser.add_argument(
        "--trace",
        default="synthetic",
        help=f"a trace file, a name in {TRACES}, 'synthetic', a number (Mbit/s) or 'none'",
    )
    parser.add_argument("--offset", type=float, default=0.0, help="start this far into the trace")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every response")
    parser.add_argument("--port", type=int, default=0, help="listen here (default: a free port)")
    args = parser.parse_args(argv)
    if (args.root is None) == (args.origin is None):
        parser.error("give a directory or --origin, one of the two")
    try:
        trace = None if args.trace == "none" else find_trace(args.trace)
    except (TraceError, OSError) as exc:
        print(f"shaper: {exc}", file=sys.stderr)
        return 1
    line = Line(trace, offset=args.offset, latency_s=args.latency_ms / 1000)
    server = _Server(line, args.root, args.origin, port=args.port)
    shown = trace.name if trace else "unshaped"
    print(f"http://{HOST}:{server.server_address[1]}/ through {shown}; Ctrl-C stops", flush=True)
    threading.Thread(target=_print_log, args=(line,), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        return 130
    finally:
        server.server_close()
    return 0


def _print_log(line: Line) -> None:
    shown = 0
    while True:
        time.sleep(0.5)
        fetches = line.fetches()
        for f in fetches[shown:]:
            seconds = f.ended - f.started
            rate = f.sent * 8 / 1e6 / seconds if seconds > 0 else 0.0
            print(f"{f.status} {f.path} {f.sent:,} B in {seconds:.2f} s ({rate:.2f} Mbit/s)")
        shown = len(fetches)


if __name__ == "__main__":
    sys.exit(main())
