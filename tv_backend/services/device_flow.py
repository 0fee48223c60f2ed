"""TV sign-in by the OAuth 2.0 device authorization grant (RFC 8628), and the TV's tokens.

1. The TV asks for a code (`DeviceFlow.authorize`, ``POST /oauth/device_authorization``) and
   shows the user code and ``/device``; it polls ``POST /oauth/token`` every ``interval``.
2. A signed-in parent types the code on a phone (`DeviceFlow.pending`), sees which TV asks,
   and approves or denies it (`DeviceFlow.decide`). Wrong codes are limited per account and
   per network (IPv4 address, IPv6 /64): `TooManyAttempts` once used up, even for a right code.
3. The next poll (`DeviceFlow.exchange`) trades the device code, once, for an access token and a
   refresh token of a new signed-in device of the household; `DeviceFlow.refresh` rotates them.

Token endpoint errors are `OAuthError` (RFC 6749 §5.2 and RFC 8628 §3.5 codes), not
`ServiceError`: their body is ``{"error", "error_description"}``, as OAuth clients expect::

    OAuthError(error, description)     400, or 401 for invalid_client
    InvalidToken                       a bearer token that is unknown, expired or revoked

Device codes and tokens are 256-bit random strings kept only as SHA-256. Poll order: unknown,
another client's or already exchanged codes are ``invalid_grant``; then ``expired_token``; then
a poll sooner than ``interval`` after the previous one is ``slow_down`` and adds 5 s to the
interval of that code for good; then ``access_denied``, ``authorization_pending``, or tokens.
A refresh token used twice means it leaked: the device is signed out (RFC 6819 §5.2.2.3).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tv_backend.services.accounts import PARENT, Attempts, sha256
from tv_backend.services.errors import NotFound
from tv_backend.storage.accounts import AccountsRepository, GrantWrite
from tv_backend.storage.models import Account, DeviceAuthorization, SignedInDevice

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_GRANT = "refresh_token"
TV_CLIENT_ID = "edutv-tv"
CLIENTS = frozenset({TV_CLIENT_ID})  # public clients: no secret
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels (no words), no look-alikes
USER_CODE_LENGTH = 8
SLOW_DOWN_STEP = 5  # seconds, RFC 8628 §3.5
MAX_DEVICE_NAME = 64


class OAuthError(Exception):
    """An OAuth error response: ``error`` is the RFC's code."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = 401 if error == "invalid_client" else 400


class InvalidToken(Exception):
    """A bearer token that is unknown, expired or revoked."""


@dataclass(frozen=True)
class DeviceGrant:
    """The answer to a device authorization request (RFC 8628 §3.2)."""

    device_code: str
    user_code: str  # 8 letters; shown as XXXX-XXXX
    expires_in: int
    interval: int

    @property
    def display_code(self) -> str:
        return format_user_code(self.user_code)


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    scope: str


@dataclass(frozen=True)
class Principal:
    """Who a valid access token speaks for: one signed-in TV of one household."""

    household_id: int
    device_id: int
    scope: str


def format_user_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalise_user_code(typed: str) -> str | None:
    """The stored form of a typed code (any case, with or without dash or spaces), or None."""
    code = "".join(ch for ch in (typed or "").upper() if ch not in "- ")
    if len(code) != USER_CODE_LENGTH or any(ch not in USER_CODE_ALPHABET for ch in code):
        return None
    return code


def check_client(client_id: str | None) -> str:
    if not client_id:
        raise OAuthError("invalid_request", "client_id is required.")
    if client_id not in CLIENTS:
        raise OAuthError("invalid_client", f"Unknown client {client_id!r}.")
    return client_id


class DeviceFlow:
    """The device grant, the TV's tokens and the household's signed-in TVs."""

    def __init__(
        self,
        repo: AccountsRepository,
        code_attempts: Attempts,
        *,
        access_ttl: int = 3600,
        refresh_ttl: int = 90 * 24 * 3600,
        code_ttl: int = 600,
        interval: int = 5,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repo = repo
        self.code_attempts = code_attempts
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self.code_ttl = code_ttl
        self.interval = interval
        self.now = now

    # The TV's side -----------------------------------------------------------------------

    def authorize(self, client_id: str | None, device_name: str, scope: str = "") -> DeviceGrant:
        check_client(client_id)
        name = " ".join((device_name or "").split())[:MAX_DEVICE_NAME] or "电视 TV"
        now = self.now()
        device_code = secrets.token_urlsafe(32)
        user_code = self._new_user_code(now)
        self.repo.add_authorization(
            {
                "device_code_hash": sha256(device_code),
                "user_code": user_code,
                "client_id": client_id,
                "device_name": name,
                "scope": scope,
                "status": "pending",
                "interval": self.interval,
                "created_at": now,
                "expires_at": now + timedelta(seconds=self.code_ttl),
            }
        )
        return DeviceGrant(device_code, user_code, self.code_ttl, self.interval)

    def _new_user_code(self, now: datetime) -> str:
        # 20^8 = 2.56e10 codes; a clash among the pending ones is rare, and retried.
        for _ in range(10):
            code = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(USER_CODE_LENGTH))
            if not self.repo.user_code_in_use(code, now):
                return code
        raise RuntimeError("no free user code after 10 tries")  # pragma: no cover

    def exchange(self, client_id: str | None, device_code: str | None) -> TokenPair:
        """One poll of the token endpoint with a device code."""
        check_client(client_id)
        if not device_code:
            raise OAuthError("invalid_request", "device_code is required.")
        now = self.now()
        with self.repo.grant() as write:
            request = write.authorization(sha256(device_code))
            try:
                _check_poll(request, client_id, now)
            except OAuthError as exc:
                error = exc  # raised after the commit: the poll time and interval are kept
            else:
                if write.claim(request):
                    return self._issue(write, request, now)
                error = OAuthError("invalid_grant", "This device code was already exchanged.")
        raise error

    def _issue(self, write: GrantWrite, request: DeviceAuthorization, now: datetime) -> TokenPair:
        device = write.add_device(
            {
                "household_id": request.household_id,
                "approved_by": request.account_id,
                "name": request.device_name,
                "client_id": request.client_id,
                "created_at": now,
                "last_seen_at": now,
            }
        )
        return self._tokens(write, device, request.scope, now)

    def _tokens(
        self, write: GrantWrite, device: SignedInDevice, scope: str, now: datetime
    ) -> TokenPair:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        for token, kind, ttl in (
            (access, "access", self.access_ttl),
            (refresh, "refresh", self.refresh_ttl),
        ):
            write.add_token(
                {
                    "token_hash": sha256(token),
                    "kind": kind,
                    "device_id": device.id,
                    "household_id": device.household_id,
                    "scope": scope,
                    "created_at": now,
                    "expires_at": now + timedelta(seconds=ttl),
                }
            )
        return TokenPair(access, refresh, self.access_ttl, scope)

    def refresh(self, client_id: str | None, refresh_token: str | None) -> TokenPair:
        """New tokens for a refresh token, which is used up (rotation)."""
        check_client(client_id)
        if not refresh_token:
            raise OAuthError("invalid_request", "refresh_token is required.")
        now = self.now()
        with self.repo.grant() as write:
            found = write.token(sha256(refresh_token))
            if found is None or found[0].kind != "refresh" or found[1].client_id != client_id:
                raise OAuthError("invalid_grant", "Unknown refresh token.")
            token, device = found
            if token.revoked_at is not None and device.revoked_at is None:
                write.revoke_device(device, now)  # a rotated token came back: it leaked
            else:
                _check_refresh(token, device, now)
                if write.use_token(token, now):  # False: a concurrent refresh used it first
                    device.last_seen_at = now
                    return self._tokens(write, device, token.scope, now)
        raise OAuthError(
            "invalid_grant", "This refresh token was already used; the TV must sign in again."
        )

    def authenticate(self, access_token: str | None) -> Principal:
        """The principal of a bearer access token, or `InvalidToken`."""
        found = self.repo.token(sha256(access_token)) if access_token else None
        if found is None:
            raise InvalidToken("Unknown access token.")
        token, device = found
        if token.kind != "access" or token.revoked_at or device.revoked_at:
            raise InvalidToken("This access token was revoked.")
        if token.expires_at <= self.now():
            raise InvalidToken("This access token has expired.")
        return Principal(token.household_id, device.id, token.scope)

    # The parent's side ---------------------------------------------------------------------

    def pending(self, typed_code: str, *, account: Account, network: str) -> DeviceAuthorization:
        """The pending request of a typed user code; wrong codes count against the limits."""
        keys = (f"usercode:account:{account.id}", f"usercode:net:{network}")
        self.code_attempts.check(
            *keys,
            message=(
                "输入错误次数过多，请 15 分钟后再试。"
                "Too many wrong codes: wait a while before trying again."
            ),
        )
        code = normalise_user_code(typed_code)
        request = self.repo.pending_by_user_code(code, self.now()) if code else None
        if request is None:
            self.code_attempts.fail(*keys)
            raise NotFound(
                "没有找到这个代码，或已过期。请核对电视上显示的代码。"
                "No TV is waiting for this code (or it has expired): check the code on the TV."
            )
        return request

    def decide(
        self, typed_code: str, *, account: Account, network: str, approve: bool
    ) -> DeviceAuthorization:
        """Approve (sign the TV in to the parent's household) or deny a pending request."""
        if account.role != PARENT or account.household_id is None:
            raise NotFound("只有家长账号可以登录电视。Only a parent account can sign in a TV.")
        request = self.pending(typed_code, account=account, network=network)
        now = self.now()
        values = {
            "status": "approved" if approve else "denied",
            "account_id": account.id,
            "household_id": account.household_id if approve else None,
            "decided_at": now,
        }
        if not self.repo.decide(request.id, values, now):
            raise NotFound("这个请求已处理或已过期。This request was already answered or expired.")
        return request

    def devices(self, household_id: int) -> list[SignedInDevice]:
        return self.repo.devices(household_id)

    def revoke_device(self, household_id: int, device_id: int) -> None:
        """Sign a TV of the household out; its tokens stop working at once."""
        if not self.repo.revoke_device(household_id, device_id, self.now()):
            raise NotFound(f"There is no signed-in TV {device_id} in this household.")


def _check_poll(request: DeviceAuthorization | None, client_id: str, now: datetime) -> None:
    """Raise the poll's OAuth error, if any; updates the request's poll time and interval."""
    if request is None or request.client_id != client_id:
        raise OAuthError("invalid_grant", "Unknown device code.")
    if request.status == "used":
        raise OAuthError("invalid_grant", "This device code was already exchanged.")
    if request.expires_at <= now:
        raise OAuthError("expired_token", "The device code has expired; ask for a new one.")
    previous, request.polled_at = request.polled_at, now
    if previous is not None and (now - previous).total_seconds() < request.interval:
        request.interval += SLOW_DOWN_STEP
        raise SlowDown(request.interval)
    if request.status == "denied":
        raise OAuthError("access_denied", "The parent denied this sign-in.")
    if request.status == "pending":
        raise OAuthError("authorization_pending", "Waiting for a parent to enter the code.")


class SlowDown(OAuthError):
    """``slow_down``, carrying the new interval (the change is saved with the poll)."""

    def __init__(self, interval: int) -> None:
        super().__init__("slow_down", f"Poll at most every {interval} seconds.")
        self.interval = interval


def _check_refresh(token, device: SignedInDevice, now: datetime) -> None:
    if device.revoked_at is not None:
        raise OAuthError("invalid_grant", "This TV was signed out.")
    if token.expires_at <= now:
        raise OAuthError("invalid_grant", "The refresh token has expired; sign in again.")
