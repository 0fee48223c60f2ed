"""Cached, conditional JSON responses: ETag, Cache-Control and 304 for If-None-Match."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Response, request
from marshmallow import Schema
from marshmallow.experimental.context import Context

from tv_backend.api import services
from tv_backend.services.response_cache import Entry


def cache_name(resource: str, args: dict) -> str:
    """A canonical cache name for a resource and its validated arguments."""
    present = sorted((k, v) for k, v in args.items() if v is not None)
    return f"{resource}?{urlencode(present)}" if present else resource


def cached_json(name: str, schema: Schema, produce: Callable[[], object]) -> Response:
    """The response for ``name``, dumping ``produce()`` with ``schema`` only on a miss."""
    svc = services()

    def build() -> bytes:
        with Context({"media_url": svc.settings.media_url}):
            data = schema.dump(produce())
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

    return conditional(svc.responses.get(name, build), svc.settings.http_max_age)


def conditional(entry: Entry, max_age: int) -> Response:
    headers = {
        "ETag": entry.etag,
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept-Encoding",
    }
    if request.if_none_match.contains_weak(entry.etag.strip('"')):
        return Response(status=304, headers=headers)
    return Response(entry.body, 200, headers, mimetype="application/json")
