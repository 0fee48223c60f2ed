"""``/device``: where a parent signs a TV in, on a phone (server-rendered, no JavaScript).

Pages, Chinese first with English beneath:

- ``GET /device``: sign in (e-mail or phone and password), else the code form, pre-filled from
  ``?user_code=`` (the TV's ``verification_uri_complete``, usually a QR code);
- ``POST /device``: the typed code -> which TV asks and since when, with approve / deny;
- ``POST /device/decision``: the answer; ``GET /device/tvs``: the household's signed-in TVs,
  each with a sign-out button (``POST /device/tvs/<id>/revoke``); ``POST /device/logout``.

Sessions live in the database (``web_sessions``), not in a signed cookie: the cookie holds a
random token (HttpOnly, SameSite=Lax, Secure over HTTPS), so signing out ends it everywhere and
no process keeps state. Every form carries a CSRF token: the session's own, or before sign-in a
double-submit cookie. Answers are ``no-store`` and may not be framed (no clickjacking of the
approve button).
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for

from tv_backend.api import services
from tv_backend.services.accounts import PARENT, TooManyAttempts, network_of
from tv_backend.services.errors import ServiceError

blp = Blueprint("device_page", __name__, template_folder="templates")
SESSION_COOKIE = "edutv_session"
CSRF_COOKIE = "edutv_csrf"
SHOWN_ZONE = ZoneInfo("Asia/Shanghai")  # times are stored in UTC and shown in Beijing time
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",  # the URL may carry a user code
    "X-Content-Type-Options": "nosniff",
}


@blp.before_request
def _load_session() -> None:
    g.web = services().accounts.session(request.cookies.get(SESSION_COOKIE))


@blp.after_request
def _secure_headers(response: Response) -> Response:
    response.headers.update(HEADERS)
    return response


def _page(template: str, status: int = 200, **context) -> Response:
    web = g.get("web")
    csrf = web.csrf_token if web else _anonymous_csrf()
    html = render_template(f"device_{template}.html", csrf=csrf, web=web, **context)
    response = Response(html, status, mimetype="text/html")
    if not web and request.cookies.get(CSRF_COOKIE) != csrf:
        _set_cookie(response, CSRF_COOKIE, csrf)
    return response


def _anonymous_csrf() -> str:
    return request.cookies.get(CSRF_COOKIE) or g.setdefault("new_csrf", secrets.token_urlsafe(32))


def _set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/device",
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )


def _check_csrf() -> None:
    """The form's token must be the session's (or, before sign-in, the CSRF cookie's)."""
    web = g.get("web")
    expected = web.csrf_token if web else request.cookies.get(CSRF_COOKIE)
    sent = request.form.get("csrf_token", "")
    if not expected or not hmac.compare_digest(expected.encode(), sent.encode()):
        message = "页面已过期，请返回重试。This page expired: go back and try again."
        abort(_page("error", 400, message=message))


def _network() -> str:
    return network_of(request.remote_addr)


@blp.get("/device")
def device() -> Response:
    user_code = request.args.get("user_code", "")[:16]
    if g.web is None:
        return _page("login", user_code=user_code)
    return _page("code", user_code=user_code)


@blp.post("/device/login")
def login() -> Response:
    _check_csrf()
    user_code = request.form.get("user_code", "")[:16]
    try:
        account = services().accounts.sign_in(
            request.form.get("login", ""), request.form.get("password", ""), network=_network()
        )
    except ServiceError as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 401
        return _page("login", status, user_code=user_code, error=exc.message)
    token, _csrf = services().accounts.start_session(account)
    response = redirect(url_for("device_page.device", user_code=user_code or None), 303)
    _set_cookie(response, SESSION_COOKIE, token, services().settings.web_session_ttl)
    response.delete_cookie(CSRF_COOKIE, path="/device")
    return response


@blp.post("/device/logout")
def logout() -> Response:
    _check_csrf()
    services().accounts.end_session(request.cookies.get(SESSION_COOKIE))
    response = redirect(url_for("device_page.device"), 303)
    response.delete_cookie(SESSION_COOKIE, path="/device")
    return response


def _signed_in_parent() -> Response | None:
    """A page to answer instead when nobody, or no parent, is signed in."""
    if g.web is None:
        return redirect(url_for("device_page.device"), 303)
    if g.web.account.role != PARENT:
        message = "只有家长账号可以登录电视。Only a parent account can sign in a TV."
        return _page("error", 403, message=message)
    return None


@blp.post("/device")
def enter_code() -> Response:
    _check_csrf()
    if (answer := _signed_in_parent()) is not None:
        return answer
    typed = request.form.get("user_code", "")[:16]
    try:
        pending = services().device_flow.pending(typed, account=g.web.account, network=_network())
    except ServiceError as exc:
        return _page("code", exc.status, user_code=typed, error=exc.message)
    return _page(
        "confirm",
        user_code=typed,
        device_name=pending.device_name,
        asked_at=_shown(pending.created_at),
        minutes_ago=_minutes_ago(pending.created_at),
    )


@blp.post("/device/decision")
def decision() -> Response:
    _check_csrf()
    if (answer := _signed_in_parent()) is not None:
        return answer
    typed = request.form.get("user_code", "")[:16]
    approve = request.form.get("decision") == "approve"
    try:
        request_ = services().device_flow.decide(
            typed, account=g.web.account, network=_network(), approve=approve
        )
    except ServiceError as exc:
        return _page("code", exc.status, user_code=typed, error=exc.message)
    return _page("done", approved=approve, device_name=request_.device_name)


@blp.get("/device/tvs")
def tvs() -> Response:
    if (answer := _signed_in_parent()) is not None:
        return answer
    household = g.web.account.household_id
    rows = [
        {"id": d.id, "name": d.name, "since": _shown(d.created_at), "seen": _shown(d.last_seen_at)}
        for d in services().device_flow.devices(household)
    ]
    return _page("tvs", devices=rows)


@blp.post("/device/tvs/<int:device_id>/revoke")
def revoke(device_id: int) -> Response:
    _check_csrf()
    if (answer := _signed_in_parent()) is not None:
        return answer
    try:
        services().device_flow.revoke_device(g.web.account.household_id, device_id)
    except ServiceError as exc:
        return _page("error", exc.status, message=exc.message)
    return redirect(url_for("device_page.tvs"), 303)


def _shown(at: datetime | None) -> str:
    return "" if at is None else at.astimezone(SHOWN_ZONE).strftime("%Y-%m-%d %H:%M")


def _minutes_ago(at: datetime) -> int:
    return max(0, int((services().device_flow.now() - at).total_seconds() // 60))
