"""Errors the use-cases raise; the HTTP edge turns each into the one error body.

ServiceError            status 400, code "bad_request"
├── NotFound            404 "not_found"
├── InvalidQuery        400 "invalid_query"   (unknown filter code, bad cursor, bad query)
├── FeedRejected        422 "feed_rejected"   (a catalog feed failed validation; nothing
│                                              was written; ``errors`` lists every record)
└── Unavailable         503 "unavailable"     (a shared store it needs, such as Redis, is down)
"""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, errors: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class InvalidQuery(ServiceError):
    code = "invalid_query"


class FeedRejected(ServiceError):
    status = 422
    code = "feed_rejected"


class Unavailable(ServiceError):
    status = 503
    code = "unavailable"
