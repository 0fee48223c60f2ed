"""Which rendition plays, how fast the line is, and what failed: seen from the wire.

libVLC adapts HLS by itself (its ``adaptive`` module) and has no API that says which variant
it chose or what throughput it measured. Two ways to learn it honestly were weighed:

* libVLC's log callback: the adaptive module logs little about its choices at the default
  level, its debug level is a flood on a weak box, and the messages are not an interface.
* Fetching through a loopback relay we own (chosen): libVLC opens
  ``http://127.0.0.1:PORT/s<session>o<origin>/<upstream path>`` and `Relay` forwards every
  request to the backend or CDN, timing each. Every playlist and segment libVLC asks for
  passes through it, so the variant being fetched is a fact, not a guess, and the throughput
  is what the line really gave. It also tells failures apart exactly: a 404 master playlist,
  a refused connection, a truncated segment, a backend that died; and `Relay.cancel` cuts
  pending transfers so stopping never waits on a dead server. The cost is one extra copy of
  the stream's bytes through a Python thread, a few hundred kB/s, negligible next to
  decoding.

`Observer` (main thread) turns the relay's `Fetch` records into the `Rendition` on screen:
the variant whose segment covers the playback position (downloads run ahead of the picture by
the buffer), with the master playlist's declared size and bandwidth and the throughput of the
last segment downloads.

Playlists keep their relative URIs (they resolve against the relay's URL to the same upstream
paths); absolute ones (``http(s)://host/...`` or ``/path``) are rewritten to go through the
relay too. Upstream connections are kept alive and reused (a few per origin), as libVLC's own
HTTP access does: on a line with a 40 ms round trip a new connection per 2 s segment costs a
handshake each time. A kept connection the server has meanwhile closed is retried once on a
new one.
"""

from __future__ import annotations

import collections
import contextlib
import http.client
import logging
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin, urlsplit

from tv_client.player.base import Rendition

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
PLAYLIST_LIMIT = 2 * 1024 * 1024  # a playlist larger than this is not kept for the observer
THROUGHPUT_SEGMENTS = 4  # the measured throughput is over this many recent segments
IDLE_PER_ORIGIN = 4  # kept-alive upstream connections waiting for the next request
_ATTRIBUTE = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')
_BANDWIDTH = re.compile(r"([:,])BANDWIDTH=\d+")
_URI_ATTRIBUTE = re.compile(r'URI="((?:https?://|/)[^"]*)"')
_LOCAL_PREFIX = re.compile(r"/s(\d+)o(\d+)(/.*)?$")


# -- playlists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One ``#EXT-X-STREAM-INF`` of a master playlist; ``url`` is absolute (upstream)."""

    url: str
    bandwidth: int | None
    width: int | None
    height: int | None


@dataclass(frozen=True)
class Segment:
    url: str
    start_s: float
    duration_s: float


def parse_master(text: str, base_url: str) -> list[Variant]:
    """The variants of an HLS master playlist (RFC 8216 4.3.4.2), in playlist order."""
    variants, pending = [], None
    for line in _lines(text):
        if line.startswith("#EXT-X-STREAM-INF:"):
            pending = dict(_ATTRIBUTE.findall(line.partition(":")[2]))
        elif pending is not None and not line.startswith("#"):
            width, _, height = pending.get("RESOLUTION", "").partition("x")
            bandwidth = pending.get("BANDWIDTH", "")
            variants.append(
                Variant(
                    urljoin(base_url, line),
                    int(bandwidth) if bandwidth.isdigit() else None,
                    int(width) if width.isdigit() else None,
                    int(height) if height.isdigit() else None,
                )
            )
            pending = None
    return variants


def parse_media(text: str, base_url: str) -> list[Segment]:
    """The segments of an HLS media playlist with their start times from its first."""
    segments, start, duration = [], 0.0, None
    for line in _lines(text):
        if line.startswith("#EXTINF:"):
            with contextlib.suppress(ValueError):
                duration = float(line[8:].partition(",")[0])
        elif duration is not None and not line.startswith("#"):
            segments.append(Segment(urljoin(base_url, line), start, duration))
            start, duration = start + duration, None
    return segments


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def is_master(text: str) -> bool:
    return "#EXT-X-STREAM-INF:" in text


# -- what was fetched ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetch:
    """One request libVLC made through the relay.

    ``status`` is the upstream HTTP status (None: no answer at all); ``error`` is None, or
    ``"refused"``, ``"timeout"``, ``"reset"`` (no usable answer), ``"truncated"`` (the body
    ended early) or ``"aborted"`` (libVLC hung up first: a seek or a stop, not a failure).
    """

    session: int
    url: str
    status: int | None
    size: int
    seconds: float
    error: str | None = None
    body: bytes | None = None  # a playlist's text, for the observer

    @property
    def failed(self) -> bool:
        return self.error not in (None, "aborted") or (self.status or 0) >= 400

    @property
    def unreachable(self) -> bool:
        return self.error in ("refused", "timeout", "reset")


class Observer:
    """What libVLC fetched for one stream, read on the main thread."""

    def __init__(self, master_url: str) -> None:
        self.master_url = master_url
        self.variants: list[Variant] = []
        self.master_fetch: Fetch | None = None
        self.failures: collections.deque[Fetch] = collections.deque(maxlen=20)
        self._playlists: dict[str, Variant | None] = {}
        self._segments: dict[str, tuple[Variant | None, Segment]] = {}
        self._played: collections.deque[tuple[Segment, Variant | None]] = collections.deque(
            maxlen=400
        )
        self._timed: collections.deque[tuple[int, float]] = collections.deque(
            maxlen=THROUGHPUT_SEGMENTS
        )

    def record(self, fetch: Fetch) -> None:
        if fetch.url == self.master_url and self.master_fetch is None:
            self.master_fetch = fetch
        if fetch.failed:
            self.failures.append(fetch)
        elif fetch.body is not None:
            self._playlist(fetch)
        elif fetch.url in self._segments and fetch.error is None:
            variant, segment = self._segments[fetch.url]
            self._played.append((segment, variant))
            if fetch.seconds > 0:
                self._timed.append((fetch.size, fetch.seconds))

    def _playlist(self, fetch: Fetch) -> None:
        text = fetch.body.decode("utf-8", "replace")
        if is_master(text):
            self.variants = parse_master(text, fetch.url)
            self._playlists = {v.url: v for v in self.variants}
            return
        variant = self._playlists.get(fetch.url)
        for segment in parse_media(text, fetch.url):
            self._segments[segment.url] = (variant, segment)

    @property
    def measured_bps(self) -> int | None:
        """Bits per second over the last few segment downloads (None before one)."""
        size = sum(s for s, _ in self._timed)
        seconds = sum(t for _, t in self._timed)
        return int(size * 8 / seconds) if seconds > 0 else None

    @property
    def fetching(self) -> Variant | None:
        """The variant of the segment fetched last."""
        return self._played[-1][1] if self._played else None

    def rendition_at(self, position_s: float) -> Rendition | None:
        """The rendition of the latest segment fetched that covers ``position_s``."""
        chosen = None
        for segment, variant in reversed(self._played):
            if segment.start_s <= position_s < segment.start_s + segment.duration_s:
                chosen = variant
                break
        else:
            chosen = self.fetching
        if chosen is None:
            return None
        return Rendition(chosen.height, chosen.width, chosen.bandwidth, self.measured_bps)


# -- the relay -----------------------------------------------------------------------------------


class Relay:
    """A loopback HTTP forwarder libVLC fetches every playlist and segment through.

    Each `Fetch` goes to ``on_fetch`` from the relay's threads (queue it; touch nothing).
    """

    def __init__(self, on_fetch: Callable[[Fetch], None], *, timeout_s: float = 8.0) -> None:
        self._on_fetch = on_fetch
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._session = 0
        self._origins: list[tuple[str, str]] = []  # (scheme, netloc)
        self._active: set[http.client.HTTPConnection] = set()
        self._idle: dict[tuple[str, str], list[http.client.HTTPConnection]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.relay = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
            name="edutv-relay", daemon=True,
        )  # fmt: skip
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.server_port

    def begin(self, upstream_url: str) -> tuple[int, str]:
        """A new session for ``upstream_url``: (session, the URL libVLC should open).

        Transfers of earlier sessions are cut and their late requests refused.
        """
        with self._lock:
            self._session += 1
            session = self._session
        self.cancel()
        return session, self.local_url(upstream_url, session)

    def local_url(self, upstream_url: str, session: int) -> str:
        parts = urlsplit(upstream_url)
        with self._lock:
            origin = (parts.scheme, parts.netloc)
            if origin not in self._origins:
                self._origins.append(origin)
            index = self._origins.index(origin)
        query = f"?{parts.query}" if parts.query else ""
        return f"http://127.0.0.1:{self.port}/s{session}o{index}{parts.path or '/'}{query}"

    def upstream(self, local_path: str) -> tuple[int, str] | None:
        """(session, upstream URL) of a path libVLC asked for; None if it names no origin."""
        match = _LOCAL_PREFIX.match(local_path.partition("?")[0])
        query = local_path.partition("?")[2]
        with self._lock:
            if match is None or int(match[2]) >= len(self._origins):
                return None
            scheme, netloc = self._origins[int(match[2])]
        path = (match[3] or "/") + (f"?{query}" if query else "")
        return int(match[1]), f"{scheme}://{netloc}{path}"

    def current(self, session: int) -> bool:
        with self._lock:
            return session == self._session

    def cancel(self) -> None:
        """Cut every upstream transfer in flight (their handlers then close libVLC's side)."""
        with self._lock:
            active = list(self._active)
        for connection in active:
            sock = getattr(connection, "live_sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with self._lock:
            self._session += 1
            idle = [c for kept in self._idle.values() for c in kept]
            self._idle.clear()
        self.cancel()
        for connection in idle:
            connection.close()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)

    def checkout(
        self, origin: tuple[str, str], *, fresh: bool = False
    ) -> tuple[http.client.HTTPConnection, bool]:
        """(a connection to ``origin``, whether it was kept from an earlier request)."""
        with self._lock:
            kept = self._idle.get(origin)
            connection = kept.pop() if kept and not fresh else None
            reused = connection is not None
            if connection is None:
                scheme, netloc = origin
                kind = _SecureUpstream if scheme == "https" else _Upstream
                connection = kind(netloc, timeout=self.timeout_s)
            self._active.add(connection)
        return connection, reused

    def checkin(
        self, origin: tuple[str, str], connection: http.client.HTTPConnection, keep: bool
    ) -> None:
        """Done with ``connection``: kept for the next request when ``keep``, else closed."""
        with self._lock:
            self._active.discard(connection)
            kept = self._idle.setdefault(origin, [])
            if keep and connection.sock is not None and len(kept) < IDLE_PER_ORIGIN:
                kept.append(connection)
                return
        connection.close()

    def report(self, fetch: Fetch) -> None:
        try:
            self._on_fetch(fetch)
        except Exception:  # a relay thread is a process edge
            log.exception("the player could not take a fetch record")

    def rewrite(self, playlist: bytes, session: int, base_url: str) -> bytes:
        """The playlist libVLC is given. Absolute URIs (``http(s)://`` or ``/path``) point
        through the relay; relative ones already do. ``base_url``: where it came from.

        A variant that declares its AVERAGE-BANDWIDTH is offered with that as its BANDWIDTH.
        libVLC reads only BANDWIDTH, the peak of the worst segment (a quarter above the average
        in our ladders), and its ``rate`` logic already keeps a quarter of the measured rate in
        reserve, so on the peak it settles a rung lower than the line carries. ExoPlayer adapts
        on the average for the same reason.
        """
        text = playlist.decode("utf-8", "replace")
        average = "AVERAGE-BANDWIDTH=" in text
        if "http://" not in text and "https://" not in text and "\n/" not in text and not average:
            return playlist

        def local(uri: str) -> str:
            absolute = uri.startswith(("http://", "https://", "/"))
            return self.local_url(urljoin(base_url, uri), session) if absolute else uri

        lines = []
        for line in text.splitlines():
            if line.startswith("#EXT-X-STREAM-INF:") and average:
                line = _on_average(line)
            if line.startswith("#"):
                line = _URI_ATTRIBUTE.sub(lambda m: f'URI="{local(m[1])}"', line)
            elif line.strip():
                line = local(line.strip())
            lines.append(line)
        return ("\n".join(lines) + "\n").encode()


class _Upstream(http.client.HTTPConnection):
    """Keeps its socket where `Relay.cancel` finds it: http.client hands the socket of a
    response that closes the connection (HTTP/1.0, ``Connection: close``) to the response
    and sets ``sock`` to None, which would leave that transfer uncancellable."""

    live_sock: socket.socket | None = None

    def connect(self) -> None:
        super().connect()
        self.live_sock = self.sock


class _SecureUpstream(http.client.HTTPSConnection):
    live_sock: socket.socket | None = None

    def connect(self) -> None:
        super().connect()
        self.live_sock = self.sock  # the TLS socket: its shutdown reaches the TCP one


class _Handler(BaseHTTPRequestHandler):
    """One libVLC connection: each request forwarded upstream, timed and reported."""

    protocol_version = "HTTP/1.1"
    server_version = "EduTVRelay"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        _Forward(self, self.server.relay).run()  # type: ignore[attr-defined]

    def do_HEAD(self) -> None:
        _Forward(self, self.server.relay, head=True).run()  # type: ignore[attr-defined]


class _Forward:
    """One request: ask upstream, pass the answer to libVLC, report a `Fetch`."""

    def __init__(self, handler: _Handler, relay: Relay, *, head: bool = False) -> None:
        self.handler, self.relay, self.head = handler, relay, head
        self.started = time.monotonic()

    def run(self) -> None:
        target = self.relay.upstream(self.handler.path)
        if target is None or not self.relay.current(target[0]):
            self._answer(404 if target is None else 410)
            return
        self.session, self.url = target
        parts = urlsplit(self.url)
        origin = (parts.scheme, parts.netloc)
        connection, reused = self.relay.checkout(origin)
        response, error = self._send(connection, parts)
        if error == "reset" and reused:  # the server closed it while it was kept: a new one
            self.relay.checkin(origin, connection, False)
            connection, _ = self.relay.checkout(origin, fresh=True)
            response, error = self._send(connection, parts)
        keep = False
        try:
            if response is None:
                self._unreachable(error or "reset")
            else:
                keep = self._exchange(response, parts) and not response.will_close
        finally:
            self.relay.checkin(origin, connection, keep)

    def _send(
        self, connection: http.client.HTTPConnection, parts
    ) -> tuple[http.client.HTTPResponse | None, str | None]:
        """(the response's head, None), or (None, why it failed)."""
        headers = {"User-Agent": "EduTV-TV", "Accept-Encoding": "identity"}
        if "Range" in self.handler.headers:
            headers["Range"] = self.handler.headers["Range"]
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("HEAD" if self.head else "GET", path or "/", headers=headers)
            return connection.getresponse(), None
        except TimeoutError:
            return None, "timeout"
        except ConnectionRefusedError:
            return None, "refused"
        except (OSError, http.client.HTTPException):
            return None, "reset"

    def _exchange(self, response: http.client.HTTPResponse, parts) -> bool:
        """Pass ``response`` on to libVLC; True if its body was read whole (the upstream
        connection can then carry the next request)."""
        if response.status >= 400 or self.head or 300 <= response.status < 400:
            try:
                response.read()
            except (OSError, http.client.HTTPException):
                return False
            location = response.getheader("Location")
            if location and 300 <= response.status < 400:  # keep the next hop on the relay
                location = self.relay.local_url(urljoin(self.url, location), self.session)
            self._report(response.status, 0)  # before libVLC hears of it and says "error"
            self._answer(response.status, location=location)
            return True
        if _is_playlist(parts.path, response):
            return self._playlist(response)
        return self._stream(response)

    def _unreachable(self, error: str) -> None:
        self._report(None, 0, error)
        self._answer(502)

    def _playlist(self, response: http.client.HTTPResponse) -> bool:
        try:
            body = response.read(PLAYLIST_LIMIT + 1)
        except (OSError, http.client.HTTPException):
            self._unreachable("reset")
            return False
        whole = response.isclosed()
        offered = self.relay.rewrite(body, self.session, self.url)
        if self._answer(response.status, offered, response.getheader("Content-Type")):
            self._report(response.status, len(body), body=body)  # the origin's, as declared
        else:
            self._report(response.status, 0, "aborted")
        return whole

    def _stream(self, response: http.client.HTTPResponse) -> bool:
        length = response.getheader("Content-Length")
        head = {"Content-Type": response.getheader("Content-Type", "video/mp2t")}
        for name in ("Content-Range", "Accept-Ranges"):
            if response.getheader(name):
                head[name] = response.getheader(name)
        try:
            self._head(response.status, head, int(length) if length else None)
        except OSError:
            self._report(response.status, 0, "aborted")
            return False
        size, error = self._copy(response, int(length) if length else None)
        self._report(response.status, size, error)
        if error is not None:
            # libVLC was promised Content-Length bytes it will not get: only closing its
            # connection tells it so. Kept open, its downloader would wait for them forever
            # (no timeout), and libVLC's stop waits for its downloader.
            self.handler.close_connection = True
            return False
        with contextlib.suppress(OSError, http.client.HTTPException):
            response.read()  # nothing is left: this only marks the response finished
        return response.isclosed()

    def _copy(
        self, response: http.client.HTTPResponse, length: int | None
    ) -> tuple[int, str | None]:
        """Upstream to libVLC, chunk by chunk: (bytes passed, error or None)."""
        size = 0
        while True:
            try:
                chunk = response.read1(CHUNK)
            except (OSError, http.client.HTTPException):  # a timeout too: the body broke off
                return size, "truncated"
            if not chunk:
                break
            try:
                self.handler.wfile.write(chunk)
            except OSError:
                return size, "aborted"
            size += len(chunk)
        if length is not None and size < length:
            self.handler.close_connection = True
            return size, "truncated"
        return size, None

    def _head(self, status: int, headers: dict[str, str], length: int | None) -> None:
        self.handler.send_response(status)
        for name, value in headers.items():
            self.handler.send_header(name, value)
        if length is None:
            self.handler.close_connection = True
            self.handler.send_header("Connection", "close")
        else:
            self.handler.send_header("Content-Length", str(length))
        self.handler.end_headers()

    def _answer(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = None,
        location: str | None = None,
    ) -> bool:
        """A whole answer to libVLC; False if it hung up."""
        headers = {"Content-Type": content_type or "text/plain"}
        if location:
            headers["Location"] = location
        try:
            self._head(status, headers, len(body))
            if body and not self.head:
                self.handler.wfile.write(body)
            return True
        except OSError:
            self.handler.close_connection = True
            return False

    def _report(
        self, status: int | None, size: int, error: str | None = None, body: bytes | None = None
    ) -> None:
        seconds = time.monotonic() - self.started
        self.relay.report(Fetch(self.session, self.url, status, size, seconds, error, body))


def _on_average(stream_inf: str) -> str:
    """``#EXT-X-STREAM-INF`` with BANDWIDTH set to its AVERAGE-BANDWIDTH, when it has one."""
    attributes = dict(_ATTRIBUTE.findall(stream_inf.partition(":")[2]))
    average = attributes.get("AVERAGE-BANDWIDTH", "")
    if not average.isdigit():
        return stream_inf
    return _BANDWIDTH.sub(lambda m: f"{m[1]}BANDWIDTH={average}", stream_inf, count=1)


def _is_playlist(path: str, response: http.client.HTTPResponse) -> bool:
    content_type = (response.getheader("Content-Type") or "").lower()
    return path.endswith((".m3u8", ".m3u")) or "mpegurl" in content_type
