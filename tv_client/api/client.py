"""The catalog over HTTP: taxonomy, courses, course detail, search and home rows.

Every successful answer is stored in a ``DiskCache`` and revalidated next time with
``If-None-Match`` (a 304 serves the stored body). When the backend cannot be reached (connect
error, timeout, 5xx or a body that is not JSON, after the ``RetryPolicy``'s retries) the stored
body comes back with ``Fetched.offline`` set; with nothing stored, ``Offline`` is raised. A 4xx
raises ``ApiError`` at once, never retried.

Thread-safe: one ``httpx.Client`` serves every thread, cache writes are atomic, and the
``ConnectivityMonitor`` locks; calls are meant to run off the UI thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from tv_client import __version__
from tv_client.api.connectivity import ConnectivityMonitor
from tv_client.api.disk_cache import CacheEntry, DiskCache
from tv_client.api.errors import ApiError, Offline
from tv_client.api.retry import RetryPolicy

# Short on purpose: a TV must show the stored catalog soon rather than wait on a dead line.
TIMEOUT = httpx.Timeout(5.0, connect=2.0)


@dataclass(frozen=True)
class Fetched:
    """One answer: the JSON ``data``, whether it is the stored copy shown while ``offline``, and
    when it was last fetched or confirmed (seconds since the epoch, from the client's clock)."""

    data: dict[str, Any]
    offline: bool
    fetched_at: float


class _Unreachable(Exception):
    """A transient failure: retried, then answered from the disk cache. Never escapes."""


class CatalogClient:
    """The TV's view of ``/api/v1``: one method per resource, each returning a ``Fetched``."""

    def __init__(
        self,
        base_url: str,
        *,
        http: httpx.Client | None = None,
        cache: DiskCache,
        retry: RetryPolicy | None = None,
        monitor: ConnectivityMonitor | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._owns_http = http is None
        self._http = http or default_http()
        self.cache = cache
        self._retry = retry or RetryPolicy()
        self._clock = clock
        self.monitor = monitor or ConnectivityMonitor(clock=clock)

    def taxonomy(self) -> Fetched:
        """Stages with their grades, subjects and series."""
        return self._get("/api/v1/taxonomy")

    def courses(
        self,
        *,
        stage: str | None = None,
        grade: str | None = None,
        subject: str | None = None,
        series: str | None = None,
        cursor: str | None = None,
        limit: int = 24,
    ) -> Fetched:
        """A page of courses: ``{"items": [...], "next_cursor": str | None}``."""
        filters = {"stage": stage, "grade": grade, "subject": subject, "series": series}
        return self._get("/api/v1/courses", {**filters, "cursor": cursor, "limit": limit})

    def course(self, course_id: int) -> Fetched:
        """One course with its ``lessons`` in order."""
        return self._get(f"/api/v1/courses/{int(course_id)}")

    def search(self, q: str, limit: int = 20) -> Fetched:
        """Courses matching Chinese, English, pinyin or pinyin initials."""
        return self._get("/api/v1/search", {"q": q, "limit": limit})

    def home(self, grade: str | None = None) -> Fetched:
        """The home screen's rows: ``{"rows": [{"kind", "title", "series", "items"}]}``."""
        return self._get("/api/v1/home", {"grade": grade})

    def channels(self) -> Fetched:
        """The live channels: ``{"channels": [{"id", "number", "name", "logo", "group",
        "stream", "catchup_days"}]}``."""
        return self._get("/api/v1/channels")

    def guide(
        self, start: datetime | str, hours: int = 6, offset: int = 0, limit: int = 50
    ) -> Fetched:
        """A page of channels with their programmes overlapping ``hours`` from ``start``:
        ``{"start", "stop", "channels": [{"id", "number", "name", "programmes"}],
        "next_offset": int | None}``. ``start`` is an aware datetime or an ISO 8601 string."""
        window = {"start": _iso(start), "hours": hours, "offset": offset, "limit": limit}
        return self._get("/api/v1/guide", window)

    def guide_now(self, at: datetime | str | None = None) -> Fetched:
        """What plays now and next on every channel: ``{"now", "channels": [{"id", "now",
        "next"}]}``; ``at`` asks about another moment (sent only when given)."""
        return self._get("/api/v1/guide/now", {"at": _iso(at) if at is not None else None})

    def media_url(self, path: str | None) -> str | None:
        """An absolute URL for a poster, playlist or subtitle path from a response."""
        if not path or "://" in path:
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def media_text(self, path: str) -> str:
        """A small text file of a lesson (WebVTT subtitles), fetched as it is, without the
        catalog cache. Raises `Offline` when the backend cannot be reached, `ApiError` on 4xx."""
        try:
            response = self._http.get(self.media_url(path), headers={"Accept": "text/vtt, */*"})
        except httpx.TransportError as exc:
            raise Offline(f"{path} cannot be fetched: {exc}", reason=str(exc)) from exc
        if response.status_code != 200:
            raise api_error(response)
        return response.text

    def probe(self) -> bool:
        """One GET /healthz, no retries, its outcome recorded: True when the backend answers."""
        try:
            response = self._send("/healthz", None)
            if response.status_code != 200:
                raise _Unreachable(f"/healthz answered {response.status_code}")
            _json_body(response)
        except _Unreachable:
            self.monitor.record_failure(self._clock())
            return False
        return True

    def close(self) -> None:
        """Close the HTTP client if this client made it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> CatalogClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Fetched:
        key = request_key(path, params)
        stored = self.cache.get(key)
        try:
            return self._retry.run(lambda: self._fetch(key, stored), retry_on=_Unreachable)
        except _Unreachable as exc:
            self.monitor.record_failure(self._clock())
            return self._stale(key, stored, str(exc))

    def _fetch(self, key: str, stored: CacheEntry | None) -> Fetched:
        response = self._send(key, stored.etag if stored else None)
        if response.status_code == 304 and stored is not None:
            return self._store(key, stored.data, stored.etag)
        if response.status_code != 200:
            raise api_error(response)
        return self._store(key, _json_body(response), response.headers.get("ETag"))

    def _send(self, key: str, etag: str | None) -> httpx.Response:
        headers = {"If-None-Match": etag} if etag else {}
        try:
            response = self._http.get(self.base_url + key, headers=headers)
        except httpx.TransportError as exc:
            raise _Unreachable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500:
            raise _Unreachable(f"the backend answered {response.status_code}")
        self.monitor.record_success()
        return response

    def _store(self, key: str, data: dict[str, Any], etag: str | None) -> Fetched:
        entry = CacheEntry(data, etag, self._clock())
        self.cache.put(key, entry)
        return Fetched(data, offline=False, fetched_at=entry.fetched_at)

    def _stale(self, key: str, stored: CacheEntry | None, reason: str) -> Fetched:
        if stored is None:
            message = (
                f"The EduTV backend at {self.base_url} cannot be reached ({reason}) "
                f"and there is no saved copy of {key} to show."
            )
            raise Offline(message, reason=reason)
        return Fetched(stored.data, offline=True, fetched_at=stored.fetched_at)


def default_http() -> httpx.Client:
    """The HTTP client the TV uses when none is handed in: short timeouts, redirects followed."""
    return httpx.Client(
        timeout=TIMEOUT,
        follow_redirects=True,
        headers={"User-Agent": f"EduTV-TV/{__version__}", "Accept": "application/json"},
    )


def request_key(path: str, params: dict[str, Any] | None = None) -> str:
    """The path and sorted query of a request, without empty parameters: its cache key."""
    query = urlencode(sorted((k, v) for k, v in (params or {}).items() if v is not None))
    return f"{path}?{query}" if query else path


def api_error(response: httpx.Response) -> ApiError:
    """``ApiError`` from the backend's error body, or from the bare status if it has none."""
    try:
        body = response.json()
        return ApiError(response.status_code, body["code"], body["message"], body.get("errors"))
    except (ValueError, KeyError, TypeError):
        phrase = response.reason_phrase or "unexpected answer"
        return ApiError(response.status_code, f"http_{response.status_code}", phrase)


def _iso(moment: datetime | str) -> str:
    """``"2024-05-03T08:00:00Z"``: a time as the API reads it (naive datetimes are refused)."""
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json_body(response: httpx.Response) -> dict[str, Any]:
    # A 200 that is not a JSON object is a captive portal or a broken proxy, not the backend.
    try:
        data = response.json()
    except ValueError as exc:
        raise _Unreachable("the answer was not JSON") from exc
    if not isinstance(data, dict):
        raise _Unreachable("the answer was not a JSON object")
    return data
