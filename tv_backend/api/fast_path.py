"""Cached GETs answered before Flask: the in-process edge in front of the catalog views.

A catalog response that is already cached needs no routing, no argument parsing and no
serialising: this WSGI middleware looks the request up by its path and canonical query and,
on a hit, sends the stored bytes (or a 304). Anything else, misses and errors included, goes
to Flask, whose views validate, build and store the response under the same key
(``cache_key``). Only responses that passed validation are ever stored, so a hit is always a
valid request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, urlencode

from tv_backend.services.response_cache import Entry, ResponseCache

CACHED_PREFIX = "/api/v1/"


def cache_key(path: str, query_string: str) -> str:
    """``path?query`` with the query's parameters sorted, so equal queries share an entry."""
    pairs = sorted(parse_qsl(query_string, keep_blank_values=True))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def response_headers(entry: Entry, max_age: int) -> list[tuple[str, str]]:
    return [
        ("ETag", entry.etag),
        ("Cache-Control", f"public, max-age={max_age}"),
        ("Vary", "Accept-Encoding"),
    ]


def not_modified(entry: Entry, if_none_match: str | None) -> bool:
    """RFC 9110 weak comparison of If-None-Match against the entry's ETag."""
    if not if_none_match:
        return False
    tag = entry.etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


class CachedResponses:
    """WSGI middleware serving cache hits for GET/HEAD under ``/api/v1/``."""

    def __init__(self, app: Callable, responses: ResponseCache, *, max_age: int) -> None:
        self.app = app
        self.responses = responses
        self.max_age = max_age

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        if method in ("GET", "HEAD") and path.startswith(CACHED_PREFIX):
            entry = self.responses.peek(cache_key(path, environ.get("QUERY_STRING", "")))
            if entry is not None:
                return self._send(entry, environ, start_response, head=method == "HEAD")
        return self.app(environ, start_response)

    def _send(self, entry: Entry, environ: dict, start_response: Callable, *, head: bool):
        headers = response_headers(entry, self.max_age)
        if not_modified(entry, environ.get("HTTP_IF_NONE_MATCH")):
            start_response("304 NOT MODIFIED", headers)
            return []
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(entry.body)))]
        start_response("200 OK", headers)
        return [] if head else [entry.body]
