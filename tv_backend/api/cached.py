"""Cached, conditional JSON responses: ETag, Cache-Control and 304 for If-None-Match.

Views call ``cached_json`` after validating their arguments; the entry is stored under the
request's ``cache_key`` so that ``fast_path.CachedResponses`` answers the next identical
request without reaching Flask.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Response, request
from marshmallow import Schema
from marshmallow.experimental.context import Context

from tv_backend.api import services
from tv_backend.api.fast_path import cache_key, not_modified, response_headers


def cached_json(schema: Schema, produce: Callable[[], object]) -> Response:
    """This request's response, dumping ``produce()`` with ``schema`` only on a miss."""
    svc = services()

    def build() -> bytes:
        with Context({"media_url": svc.settings.media_url}):
            data = schema.dump(produce())
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

    name = cache_key(request.path, request.query_string.decode("latin-1"))
    entry = svc.responses.get(name, build)
    headers = response_headers(entry, svc.settings.http_max_age)
    if not_modified(entry, request.headers.get("If-None-Match")):
        return Response(status=304, headers=headers)
    return Response(entry.body, 200, headers, mimetype="application/json")
