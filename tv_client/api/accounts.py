"""TV sign-in (RFC 8628 device authorization grant), its tokens, and the household API.

The TV is the public client ``edutv-tv``. `AccountsClient` speaks the protocol, one call per
request: `AccountsClient.authorize` asks for a code, `AccountsClient.poll` exchanges the device
code (raising `OAuthError` with RFC 8628's ``authorization_pending``, ``slow_down``,
``expired_token``, ``access_denied``, ...), `AccountsClient.refresh` rotates the tokens,
`AccountsClient.me` reads the household. `TokenStore` keeps the tokens in the client's data
directory (``tokens.json``, mode 0600, written atomically). `AccountSession` ties the two: it
refreshes shortly before the access token expires, and once more when the backend says
``invalid_token``; a refused refresh (``invalid_grant``: revoked, expired, reused) forgets the
tokens and raises `SignedOut`.

Exceptions (under the API's one tree, ``tv_client.api.errors``)::

    ClientError
     ├── ApiError        the household API answered 4xx
     ├── Offline         the backend cannot be reached (or answered 5xx / not JSON)
     ├── OAuthError      /oauth/* answered an RFC 6749 error: ``error``, ``description``
     └── SignedOut       this TV's tokens are gone (revoked, or never signed in)

No Kivy: calls block and run on worker threads. Thread-safe: the session serialises refreshes,
because a refresh token presented twice signs the TV out (RFC 6819 §5.2.2.3).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from tv_client.api.client import api_error, default_http
from tv_client.api.errors import ClientError, Offline
from tv_client.files import write_atomically

log = logging.getLogger(__name__)

CLIENT_ID = "edutv-tv"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
TOKEN_FILE = "tokens.json"
REFRESH_MARGIN = 60.0  # seconds before expiry at which the access token is renewed


class OAuthError(ClientError):
    """``/oauth/*`` refused: ``error`` is RFC 6749 / RFC 8628's code."""

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description


class SignedOut(ClientError):
    """The TV has no usable tokens: never signed in, signed out, or revoked by the parent."""


@dataclass(frozen=True)
class DeviceGrant:
    """The answer of ``/oauth/device_authorization`` (RFC 8628 §3.2)."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: int
    interval: int


@dataclass(frozen=True)
class Tokens:
    """An access and refresh token; ``expires_at`` in seconds since the epoch (client clock)."""

    access_token: str
    refresh_token: str
    expires_at: float

    def due(self, now: float, margin: float = REFRESH_MARGIN) -> bool:
        """Whether the access token should be renewed before use."""
        return now >= self.expires_at - margin


class AccountsClient:
    """The TV's side of ``/oauth/*`` and ``/api/v1/me``; no retries (the screens poll)."""

    def __init__(
        self,
        base_url: str,
        *,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._owns_http = http is None
        self._http = http or default_http()
        self._clock = clock

    def authorize(self, device_name: str = "电视 TV") -> DeviceGrant:
        """A new device code and user code (RFC 8628 §3.1)."""
        body = self._oauth("/oauth/device_authorization", {"device_name": device_name})
        fields = DeviceGrant.__dataclass_fields__
        return DeviceGrant(**{k: v for k, v in body.items() if k in fields})

    def poll(self, device_code: str) -> Tokens:
        """Exchange ``device_code``: the tokens once approved, else `OAuthError` (§3.5)."""
        form = {"grant_type": DEVICE_GRANT, "device_code": device_code}
        return self._tokens(self._oauth("/oauth/token", form))

    def refresh(self, refresh_token: str) -> Tokens:
        """New tokens for ``refresh_token``, which is used up (rotation)."""
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self._tokens(self._oauth("/oauth/token", form))

    def me(self, access_token: str) -> dict[str, Any]:
        """``{"household", "device", "profiles"}``; `SignedOut` on 401 (``invalid_token``)."""
        return self._api("GET", "/api/v1/me", access_token)

    def profiles(self, access_token: str) -> list[dict[str, Any]]:
        return self._api("GET", "/api/v1/profiles", access_token)

    def sign_out(self, access_token: str, device_id: int) -> None:
        """Revoke this TV on the backend (``DELETE /api/v1/devices/<id>``)."""
        self._api("DELETE", f"/api/v1/devices/{int(device_id)}", access_token)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def _tokens(self, body: dict[str, Any]) -> Tokens:
        expires_at = self._clock() + float(body.get("expires_in", 3600))
        return Tokens(body["access_token"], body["refresh_token"], expires_at)

    def _oauth(self, path: str, form: dict[str, str]) -> dict[str, Any]:
        response = self._send("POST", path, data={"client_id": CLIENT_ID, **form})
        body = _json(response, path)
        if response.status_code != 200:
            if "error" not in body:
                raise Offline(f"{path} answered {response.status_code}", reason="no error code")
            raise OAuthError(str(body["error"]), str(body.get("error_description", "")))
        return body

    def _api(self, method: str, path: str, access_token: str) -> Any:
        headers = {"Authorization": f"Bearer {access_token}"}
        response = self._send(method, path, headers=headers)
        if response.status_code == 401:
            raise SignedOut(f"{path}: {api_error(response).code}")
        if response.status_code == 204:
            return None
        if response.status_code != 200:
            raise api_error(response)
        return _json(response, path)

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, self.base_url + path, **kwargs)
        except httpx.TransportError as exc:
            raise Offline(f"{self.base_url} cannot be reached: {exc}", reason=str(exc)) from exc
        if response.status_code >= 500:
            raise Offline(f"{path} answered {response.status_code}", reason="server error")
        return response


def _json(response: httpx.Response, path: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:  # a captive portal or a proxy, not the backend
        raise Offline(f"{path} did not answer JSON", reason="not JSON") from exc


class TokenStore:
    """``tokens.json`` in the client's data directory: owner-only, written atomically."""

    def __init__(self, directory: Path | str) -> None:
        self.path = Path(directory) / TOKEN_FILE

    def load(self) -> Tokens | None:
        """The stored tokens; None when there are none (or the file is damaged)."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return Tokens(str(raw["access_token"]), str(raw["refresh_token"]), raw["expires_at"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring the tokens in %s: %s", self.path, exc)
            return None

    def save(self, tokens: Tokens) -> None:
        # mkstemp makes the temporary file 0600 and os.replace keeps it: never world-readable
        write_atomically(self.path, json.dumps(asdict(tokens)))
        os.chmod(self.path, 0o600)

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class AccountSession:
    """The signed-in TV: stored tokens, renewed as needed, for the household API."""

    def __init__(
        self,
        client: AccountsClient,
        store: TokenStore,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.store = store
        self._clock = clock
        self._lock = threading.Lock()

    @property
    def signed_in(self) -> bool:
        return self.store.load() is not None

    def signed_in_with(self, tokens: Tokens) -> None:
        """The device flow's tokens: keep them."""
        with self._lock:
            self.store.save(tokens)

    def me(self) -> dict[str, Any]:
        """``/api/v1/me``, with a refresh first when due, and once more after ``invalid_token``."""
        return self._call(self.client.me)

    def sign_out(self) -> None:
        """Forget the tokens; the backend revokes this TV if it can be told (best effort)."""
        try:
            me = self.me()
            self._call(lambda token: self.client.sign_out(token, me["device"]["id"]))
        except (ClientError, KeyError, TypeError) as exc:
            log.info("signing out locally only: %s", exc)
        with self._lock:
            self.store.clear()

    def _call(self, request: Callable[[str], Any]) -> Any:
        tokens = self._tokens(force=False)
        try:
            return request(tokens.access_token)
        except SignedOut:
            return request(self._tokens(force=True, stale=tokens).access_token)

    def _tokens(self, *, force: bool, stale: Tokens | None = None) -> Tokens:
        with self._lock:
            tokens = self.store.load()
            if tokens is None:
                raise SignedOut("this TV is not signed in")
            fresh = tokens != stale  # another thread already renewed them
            if (force and not fresh) or tokens.due(self._clock()):
                tokens = self._refresh(tokens)
            return tokens

    def _refresh(self, tokens: Tokens) -> Tokens:
        try:
            renewed = self.client.refresh(tokens.refresh_token)
        except OAuthError as exc:  # invalid_grant: revoked, expired or reused
            self.store.clear()
            raise SignedOut(f"the refresh was refused: {exc.error}") from exc
        self.store.save(renewed)
        return renewed
