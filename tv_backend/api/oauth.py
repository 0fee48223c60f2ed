"""The OAuth endpoints of TV sign-in (RFC 8628) and the bearer-token guard of the TV's API.

``POST /oauth/device_authorization`` and ``POST /oauth/token`` take form-encoded bodies and
answer as OAuth clients expect (RFC 6749 §5.1/§5.2, RFC 8628 §3.2/§3.5): JSON with
``Cache-Control: no-store`` and ``Pragma: no-cache``; errors are ``{"error",
"error_description"}``, 400 (401 for ``invalid_client``), not the API's error body, which a
standard OAuth library would not understand. docs/accounts-api.md has the details.

`require_bearer` guards ``/api/v1`` views with ``Authorization: Bearer <access token>``
(RFC 6750): a missing, unknown, expired or revoked token is 401 with ``WWW-Authenticate``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

from flask import Blueprint, Response, g, request

from tv_backend.api import services
from tv_backend.api.errors import error_response
from tv_backend.services.accounts import TooManyAttempts
from tv_backend.services.device_flow import (
    DEVICE_CODE_GRANT,
    REFRESH_GRANT,
    InvalidToken,
    OAuthError,
    Principal,
    TokenPair,
)

blp = Blueprint("oauth", __name__, url_prefix="/oauth")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _json(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False)
    response = Response(text, status, mimetype="application/json")
    response.headers.update({**NO_STORE, **(headers or {})})
    return response


@blp.errorhandler(OAuthError)
def _oauth_error(error: OAuthError) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="edutv"'} if error.status == 401 else None
    body = {"error": error.error, "error_description": error.description}
    return _json(body, error.status, headers)


def _form() -> dict[str, str]:
    """The form body; a parameter sent twice is ``invalid_request`` (RFC 6749 §3.1)."""
    if request.mimetype != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "Send application/x-www-form-urlencoded parameters.")
    form = request.form
    repeated = [key for key in form if len(form.getlist(key)) > 1]
    if repeated:
        raise OAuthError("invalid_request", f"Parameter {repeated[0]} is repeated.")
    return form.to_dict()


@blp.post("/device_authorization")
def device_authorization():
    """RFC 8628 §3.1: a TV asks for a device code and a user code to show."""
    form = _form()
    grant = services().device_flow.authorize(
        form.get("client_id"), form.get("device_name", ""), form.get("scope", "")
    )
    verification_uri = _public_url() + "device"
    return _json(
        {
            "device_code": grant.device_code,
            "user_code": grant.display_code,
            "verification_uri": verification_uri,
            "verification_uri_complete": f"{verification_uri}?user_code={grant.display_code}",
            "expires_in": grant.expires_in,
            "interval": grant.interval,
        }
    )


def _public_url() -> str:
    base = services().settings.public_url or request.host_url
    return base.rstrip("/") + "/"


@blp.post("/token")
def token():
    """RFC 6749 §3.2 with the device code grant (RFC 8628 §3.4) and refresh tokens (§6)."""
    form = _form()
    grant_type = form.get("grant_type")
    flow = services().device_flow
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required.")
    if grant_type == DEVICE_CODE_GRANT:
        pair = flow.exchange(form.get("client_id"), form.get("device_code"))
    elif grant_type == REFRESH_GRANT:
        pair = flow.refresh(form.get("client_id"), form.get("refresh_token"))
    else:
        raise OAuthError("unsupported_grant_type", f"Grant type {grant_type!r} is not supported.")
    return _json(_token_body(pair))


def _token_body(pair: TokenPair) -> dict:
    body = {
        "access_token": pair.access_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
        "refresh_token": pair.refresh_token,
    }
    if pair.scope:
        body["scope"] = pair.scope
    return body


def require_bearer(view: Callable) -> Callable:
    """Run ``view`` only with a valid access token; ``g.principal`` says whose."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            message = "Sign the TV in first: send Authorization: Bearer <access token>."
            return _unauthorized("unauthorized", message, 'Bearer realm="edutv"')
        try:
            g.principal = services().device_flow.authenticate(token.strip())
        except InvalidToken as exc:
            challenge = 'Bearer realm="edutv", error="invalid_token"'
            return _unauthorized("invalid_token", str(exc), challenge)
        return view(*args, **kwargs)

    return guarded


def principal() -> Principal:
    """The signed-in TV of the current request (inside a `require_bearer` view)."""
    return g.principal


def _unauthorized(code: str, message: str, challenge: str) -> Response:
    headers = {"WWW-Authenticate": challenge, "Cache-Control": "no-store"}
    return error_response(401, code, message, headers=headers)


def too_many_attempts(error: TooManyAttempts) -> Response:
    """The one error body, 429, with ``Retry-After`` (the counting window, at most)."""
    headers = {"Retry-After": str(error.retry_after), "Cache-Control": "no-store"}
    return error_response(error.status, error.code, error.message, error.errors, headers)
