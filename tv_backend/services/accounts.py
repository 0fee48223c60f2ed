"""Accounts: parents and staff, households, child profiles and their PINs, browser sessions.

A parent account belongs to one household (created with it); staff accounts (operator,
reviewer, admin) belong to none and are for the console. Logins are an e-mail address or a
phone number, stored normalised; passwords and PINs are kept as argon2id hashes. Everything a
household owns is reached through its id, and another household's id finds nothing:
`NotFound`, never "forbidden", so ids are not confirmed.

Errors (all `ServiceError`, so the API's one error body)::

    ServiceError
    ├── NotFound             404 not_found        (another household's profile is not found)
    ├── InvalidAccount       400 invalid_account  (bad login, password or role)
    ├── AccountExists        409 account_exists
    ├── SignInFailed         401 sign_in_failed   (wrong login or password: one message)
    ├── WrongPin             403 wrong_pin
    └── TooManyAttempts      429 too_many_attempts (``retry_after`` seconds)
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

import redis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tv_backend.services.errors import NotFound, ServiceError, Unavailable
from tv_backend.storage.accounts import AccountsRepository, AttemptCounter, DuplicateAccount
from tv_backend.storage.models import Account, ChildProfile, Household

PARENT = "parent"
STAFF_ROLES = ("operator", "reviewer", "admin")
ROLES = (PARENT, *STAFF_ROLES)
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?\d{6,15}$")
PIN = re.compile(r"^\d{4}$")
MIN_PASSWORD, MAX_PASSWORD = 8, 128
PIN_ATTEMPTS = 5  # wrong PINs per profile per window


class InvalidAccount(ServiceError):
    code = "invalid_account"


class AccountExists(ServiceError):
    status = 409
    code = "account_exists"


class SignInFailed(ServiceError):
    status = 401
    code = "sign_in_failed"


class WrongPin(ServiceError):
    status = 403
    code = "wrong_pin"


class TooManyAttempts(ServiceError):
    status = 429
    code = "too_many_attempts"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def sha256(secret: str) -> str:
    """How high-entropy secrets (tokens, device codes) are stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def network_of(address: str | None) -> str:
    """The network an address counts against: an IPv4 address, or an IPv6 address's /64."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Login:
    """A normalised login: exactly one of ``email`` and ``phone``."""

    email: str | None = None
    phone: str | None = None

    @classmethod
    def parse(cls, raw: str) -> Login:
        """An e-mail (lower-cased) or a phone number (separators dropped, +86 national)."""
        text = (raw or "").strip()
        if "@" in text:
            if not EMAIL.match(text) or len(text) > 254:
                raise InvalidAccount(f"{text!r} is not an e-mail address.")
            return cls(email=text.lower())
        phone = re.sub(r"[\s().-]", "", text)
        if not PHONE.match(phone):
            raise InvalidAccount(f"{text!r} is neither an e-mail address nor a phone number.")
        if phone.startswith("+86") and len(phone) == 14:
            phone = phone[3:]
        return cls(phone=phone)

    @property
    def value(self) -> str:
        return self.email or self.phone or ""


@dataclass(frozen=True)
class Attempts:
    """A limit on failures per key within a window (seconds)."""

    counter: AttemptCounter
    limit: int
    window: int

    def check(self, *keys: str, message: str) -> None:
        """Raise `TooManyAttempts` if any key has used up its failures."""
        with _counting():
            if any(self.counter.count(key) >= self.limit for key in keys):
                raise TooManyAttempts(message, self.window)

    def fail(self, *keys: str) -> None:
        with _counting():
            for key in keys:
                self.counter.add(key, self.window)

    def clear(self, key: str) -> None:
        with _counting():
            self.counter.clear(key)

    def with_limit(self, limit: int) -> Attempts:
        return replace(self, limit=limit)


@contextmanager
def _counting() -> Iterator[None]:
    """Counters that cannot be read fail closed: no attempt goes uncounted."""
    try:
        yield
    except redis.RedisError:
        raise Unavailable(
            "Sign-in is briefly unavailable; try again in a minute. 服务暂时不可用，请稍后再试。"
        ) from None


@dataclass(frozen=True)
class HouseholdView:
    household: Household
    profiles: list[ChildProfile]


@dataclass(frozen=True)
class BrowserSession:
    """A signed-in browser of the /device pages."""

    account: Account
    csrf_token: str


class AccountService:
    """Creates accounts, signs parents in, and keeps a household's child profiles."""

    def __init__(
        self,
        repo: AccountsRepository,
        attempts: Attempts,
        *,
        hasher: PasswordHasher | None = None,
        session_ttl: int = 12 * 3600,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repo = repo
        self.attempts = attempts
        self.hasher = hasher or PasswordHasher()
        self.session_ttl = session_ttl
        self.now = now

    @cached_property
    def _dummy_hash(self) -> str:
        return self.hasher.hash(secrets.token_hex(8))

    def create_account(
        self, login: str, password: str, role: str, *, household_name: str | None = None
    ) -> Account:
        """A new account; a parent's comes with a new household (named ``household_name``)."""
        parsed = Login.parse(login)
        if role not in ROLES:
            raise InvalidAccount(f"Unknown role {role!r}: one of {', '.join(ROLES)}.")
        _check_password(password)
        now = self.now()
        values = {
            "email": parsed.email,
            "phone": parsed.phone,
            "password_hash": self.hasher.hash(password),
            "role": role,
            "created_at": now,
        }
        household = (household_name or "我的家") if role == PARENT else None
        try:
            return self.repo.create_account(values, household)
        except DuplicateAccount:
            raise AccountExists(f"An account with {parsed.value} already exists.") from None

    def sign_in(self, login: str, password: str, *, network: str) -> Account:
        """The account if the password is right; failures are limited per login and network."""
        try:
            parsed = Login.parse(login)
        except InvalidAccount:
            raise SignInFailed("Wrong account or password. 账号或密码不正确。") from None
        keys = (f"signin:login:{parsed.value}", f"signin:net:{network}")
        self.attempts.check(
            *keys, message="登录失败次数过多，请稍后再试。Too many failed sign-ins; try later."
        )
        account = self.repo.account_by_login(email=parsed.email, phone=parsed.phone)
        if not self._password_matches(account, password):
            self.attempts.fail(*keys)
            raise SignInFailed("Wrong account or password. 账号或密码不正确。")
        return account

    def _password_matches(self, account: Account | None, password: str) -> bool:
        stored = account.password_hash if account else self._dummy_hash
        try:  # an unknown login costs the same time as a known one
            return self.hasher.verify(stored, password) and account is not None
        except (VerificationError, InvalidHashError):
            return False

    # Browser sessions ----------------------------------------------------------------------

    def start_session(self, account: Account) -> tuple[str, str]:
        """A new browser session: (cookie token, CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.now()
        self.repo.add_web_session(
            {
                "token_hash": sha256(token),
                "account_id": account.id,
                "csrf_token": csrf,
                "created_at": now,
                "expires_at": now + timedelta(seconds=self.session_ttl),
            }
        )
        return token, csrf

    def session(self, token: str | None) -> BrowserSession | None:
        if not token:
            return None
        found = self.repo.web_session(sha256(token), self.now())
        return None if found is None else BrowserSession(found[1], found[0].csrf_token)

    def end_session(self, token: str | None) -> None:
        if token:
            self.repo.end_web_session(sha256(token))

    # The household and its child profiles ---------------------------------------------------

    def household(self, household_id: int) -> HouseholdView:
        household = self.repo.household(household_id)
        if household is None:
            raise NotFound("This household no longer exists.")
        return HouseholdView(household, self.repo.profiles(household_id))

    def profiles(self, household_id: int) -> list[ChildProfile]:
        return self.repo.profiles(household_id)

    def profile(self, household_id: int, profile_id: int) -> ChildProfile:
        return _found(self.repo.profile(household_id, profile_id), profile_id)

    def add_profile(self, household_id: int, fields: Mapping[str, Any]) -> ChildProfile:
        values = self._profile_values(fields)
        values.setdefault("pin_hash", None)
        return self.repo.add_profile(household_id, {**values, "created_at": self.now()})

    def update_profile(
        self, household_id: int, profile_id: int, fields: Mapping[str, Any]
    ) -> ChildProfile:
        self.profile(household_id, profile_id)
        values = self._profile_values(fields)
        return _found(self.repo.update_profile(household_id, profile_id, values), profile_id)

    def delete_profile(self, household_id: int, profile_id: int) -> None:
        if not self.repo.delete_profile(household_id, profile_id):
            raise _not_found(profile_id)

    def _profile_values(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        values = {k: v for k, v in fields.items() if k in ("name", "avatar", "stage", "grade")}
        if fields.get("pin") is not None:
            values["pin_hash"] = self.hasher.hash(_checked_pin(fields["pin"]))
        return values

    def change_pin(
        self, household_id: int, profile_id: int, new_pin: str | None, current_pin: str | None
    ) -> ChildProfile:
        """Set (or, with ``new_pin`` None, clear) a PIN; a PIN already set must be given."""
        profile = self.profile(household_id, profile_id)
        if profile.pin_hash is not None:
            self.verify_pin(household_id, profile_id, current_pin or "")
        pin_hash = None if new_pin is None else self.hasher.hash(_checked_pin(new_pin))
        return _found(
            self.repo.update_profile(household_id, profile_id, {"pin_hash": pin_hash}), profile_id
        )

    def verify_pin(self, household_id: int, profile_id: int, pin: str) -> bool:
        """True if the profile has no PIN or ``pin`` is it; else `WrongPin` (5 per window)."""
        profile = self.profile(household_id, profile_id)
        if profile.pin_hash is None:
            return True
        key, attempts = f"pin:{profile_id}", self.attempts.with_limit(PIN_ATTEMPTS)
        attempts.check(key, message="PIN 错误次数过多，请稍后再试。Too many wrong PINs; try later.")
        try:
            self.hasher.verify(profile.pin_hash, pin)
        except (VerificationError, InvalidHashError):
            attempts.fail(key)
            raise WrongPin("PIN 不正确。Wrong PIN.") from None
        attempts.clear(key)
        return True


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password or "") <= MAX_PASSWORD:
        raise InvalidAccount(f"A password has {MIN_PASSWORD} to {MAX_PASSWORD} characters.")


def _checked_pin(pin: str) -> str:
    if not isinstance(pin, str) or not PIN.match(pin):
        raise InvalidAccount("A PIN is 4 digits (0-9), typed with the remote.")
    return pin


def _found(profile: ChildProfile | None, profile_id: int) -> ChildProfile:
    if profile is None:
        raise _not_found(profile_id)
    return profile


def _not_found(profile_id: int) -> NotFound:
    return NotFound(f"There is no profile {profile_id} in this household.")
