"""One error body for every error: ``{"code", "status", "message", "errors"}``.

HTTP errors (including webargs/marshmallow validation and unhandled exceptions, which Flask
turns into a 500) and service errors all come out the same way; no traceback ever leaves.
"""

from __future__ import annotations

import json
import re

from flask import Response
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from tv_backend.services.errors import ServiceError

_MESSAGES = {
    400: "The request is not valid.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    413: "The request body is too large.",
    500: "Something went wrong on our side; it has been logged. Please try again.",
}


def error_response(
    status: int, code: str, message: str, errors: dict | None = None, headers: dict | None = None
) -> Response:
    body = {"code": code, "status": status, "message": message, "errors": errors or {}}
    response = Response(json.dumps(body, ensure_ascii=False), status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


def _code_name(exc: HTTPException) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (exc.name or "error").lower()).strip("_")


class ErrorSchema(Schema):
    """The one error body (documented in the OpenAPI file)."""

    code = fields.String(metadata={"description": "Machine-readable, e.g. invalid_request."})
    status = fields.Integer(metadata={"description": "The HTTP status."})
    message = fields.String(metadata={"description": "What went wrong and what to do."})
    errors = fields.Dict(metadata={"description": "Per-field or per-record details."})


class EduApi(Api):
    """flask-smorest's Api with EduTV's error body."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        if "messages" in data:  # webargs: validation of query, JSON body, ...
            return error_response(
                400,
                "invalid_request",
                "Some fields are not valid; see errors.",
                _flatten_locations(data["messages"]),
                data.get("headers"),
            )
        status = error.code or 500
        message = data.get("message") or _MESSAGES.get(status) or error.description or ""
        return error_response(
            status, _code_name(error), message, data.get("errors"), data.get("headers")
        )


def handle_service_error(error: ServiceError) -> Response:
    return error_response(error.status, error.code, error.message, error.errors)


def _flatten_locations(messages: dict) -> dict:
    """webargs keys errors by location (``{"query": {...}}``); one location needs no nesting."""
    if len(messages) == 1:
        (inner,) = messages.values()
        if isinstance(inner, dict):
            return inner
    return messages
