"""SQL repository of accounts, households, child profiles and TV sign-in; attempt counters.

Everything a household owns is read and written through its ``household_id``: a method that
takes one never returns or changes another household's row, so an id guessed from another
household finds nothing (the API answers 404). Secrets arrive here already hashed.

Attempt counters (wrong user codes, failed sign-ins, wrong PINs) sit behind `AttemptCounter`:
`RedisAttemptCounter` when ``TV_REDIS_URL`` is set (shared by every worker and host), else
`MemoryAttemptCounter` (one process; with several gunicorn workers each counts alone, so the
limit is per worker: fine for development, not for production).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol

import redis
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from tv_backend.storage.models import (
    Account,
    ChildProfile,
    DeviceAuthorization,
    Household,
    OAuthToken,
    SignedInDevice,
    WebSession,
)


class DuplicateAccount(Exception):
    """The e-mail or phone number already belongs to an account."""


class AccountsRepository:
    """Accounts, households, profiles, devices, device authorizations, tokens, web sessions."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # Accounts and households -----------------------------------------------------------

    def create_account(self, values: Mapping[str, Any], household_name: str | None) -> Account:
        """Add an account (and, with ``household_name``, its new household) in one go."""
        with self._sessions.begin() as s:
            account = Account(**values)
            if household_name is not None:
                household = Household(name=household_name, created_at=values["created_at"])
                s.add(household)
                s.flush()
                account.household_id = household.id
            s.add(account)
            try:
                s.flush()
            except IntegrityError:
                raise DuplicateAccount() from None
            return account

    def account_by_login(self, *, email: str | None, phone: str | None) -> Account | None:
        column = Account.email if email else Account.phone
        with self._sessions() as s:
            return s.scalar(select(Account).where(column == (email or phone)))

    def account(self, account_id: int) -> Account | None:
        with self._sessions() as s:
            return s.get(Account, account_id)

    def household(self, household_id: int) -> Household | None:
        with self._sessions() as s:
            return s.get(Household, household_id)

    # Child profiles ----------------------------------------------------------------------

    def profiles(self, household_id: int) -> list[ChildProfile]:
        query = (
            select(ChildProfile)
            .where(ChildProfile.household_id == household_id)
            .order_by(ChildProfile.id)
        )
        with self._sessions() as s:
            return list(s.scalars(query))

    def profile(self, household_id: int, profile_id: int) -> ChildProfile | None:
        with self._sessions() as s:
            return _owned_profile(s, household_id, profile_id)

    def add_profile(self, household_id: int, values: Mapping[str, Any]) -> ChildProfile:
        with self._sessions.begin() as s:
            profile = ChildProfile(household_id=household_id, **values)
            s.add(profile)
            s.flush()
            return profile

    def update_profile(
        self, household_id: int, profile_id: int, values: Mapping[str, Any]
    ) -> ChildProfile | None:
        with self._sessions.begin() as s:
            profile = _owned_profile(s, household_id, profile_id)
            if profile is not None:
                for name, value in values.items():
                    setattr(profile, name, value)
            return profile

    def delete_profile(self, household_id: int, profile_id: int) -> bool:
        with self._sessions.begin() as s:
            result = s.execute(
                delete(ChildProfile).where(
                    ChildProfile.household_id == household_id, ChildProfile.id == profile_id
                )
            )
            return result.rowcount == 1

    # Signed-in devices and tokens ---------------------------------------------------------

    def devices(self, household_id: int) -> list[SignedInDevice]:
        query = (
            select(SignedInDevice)
            .where(SignedInDevice.household_id == household_id, SignedInDevice.revoked_at.is_(None))
            .order_by(SignedInDevice.id)
        )
        with self._sessions() as s:
            return list(s.scalars(query))

    def revoke_device(self, household_id: int, device_id: int, now: datetime) -> bool:
        """Sign a TV out: the device and every token of it are revoked together."""
        with self._sessions.begin() as s:
            found = s.execute(
                update(SignedInDevice)
                .where(
                    SignedInDevice.household_id == household_id,
                    SignedInDevice.id == device_id,
                    SignedInDevice.revoked_at.is_(None),
                )
                .values(revoked_at=now)
            )
            if found.rowcount != 1:
                return False
            _revoke_tokens(s, device_id, now)
            return True

    def token(self, token_hash: str) -> tuple[OAuthToken, SignedInDevice] | None:
        query = (
            select(OAuthToken, SignedInDevice)
            .join(SignedInDevice, SignedInDevice.id == OAuthToken.device_id)
            .where(OAuthToken.token_hash == token_hash)
        )
        with self._sessions() as s:
            row = s.execute(query).first()
            return None if row is None else (row[0], row[1])

    # Device authorizations ----------------------------------------------------------------

    def add_authorization(self, values: Mapping[str, Any]) -> None:
        with self._sessions.begin() as s:
            s.add(DeviceAuthorization(**values))

    def user_code_in_use(self, user_code: str, now: datetime) -> bool:
        with self._sessions() as s:
            return s.scalar(_live_by_user_code(user_code, now).limit(1)) is not None

    def pending_by_user_code(self, user_code: str, now: datetime) -> DeviceAuthorization | None:
        with self._sessions() as s:
            return s.scalar(_live_by_user_code(user_code, now).limit(1))

    def decide(self, authorization_id: int, values: Mapping[str, Any], now: datetime) -> bool:
        """Approve or deny a request still pending and unexpired (False if it no longer is)."""
        with self._sessions.begin() as s:
            result = s.execute(
                update(DeviceAuthorization)
                .where(
                    DeviceAuthorization.id == authorization_id,
                    DeviceAuthorization.status == "pending",
                    DeviceAuthorization.expires_at > now,
                )
                .values(**values)
            )
            return result.rowcount == 1

    @contextmanager
    def grant(self) -> Iterator[GrantWrite]:
        """One transaction of the token endpoint: a poll, an exchange or a refresh."""
        with self._sessions.begin() as s:
            yield GrantWrite(s)

    # Browser sessions of the /device pages ------------------------------------------------

    def add_web_session(self, values: Mapping[str, Any]) -> None:
        with self._sessions.begin() as s:
            s.add(WebSession(**values))

    def web_session(self, token_hash: str, now: datetime) -> tuple[WebSession, Account] | None:
        query = (
            select(WebSession, Account)
            .join(Account, Account.id == WebSession.account_id)
            .where(WebSession.token_hash == token_hash, WebSession.expires_at > now)
        )
        with self._sessions() as s:
            row = s.execute(query).first()
            return None if row is None else (row[0], row[1])

    def end_web_session(self, token_hash: str) -> None:
        with self._sessions.begin() as s:
            s.execute(delete(WebSession).where(WebSession.token_hash == token_hash))


class GrantWrite:
    """The token endpoint's unit of work; rows it reads are locked until it commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def authorization(self, device_code_hash: str) -> DeviceAuthorization | None:
        """The request of this device code, locked; changes to it are saved on commit."""
        query = (
            select(DeviceAuthorization)
            .where(DeviceAuthorization.device_code_hash == device_code_hash)
            .with_for_update()
        )
        return self.session.scalar(query)

    def token(self, token_hash: str) -> tuple[OAuthToken, SignedInDevice] | None:
        query = (
            select(OAuthToken, SignedInDevice)
            .join(SignedInDevice, SignedInDevice.id == OAuthToken.device_id)
            .where(OAuthToken.token_hash == token_hash)
            .with_for_update(of=OAuthToken)
        )
        row = self.session.execute(query).first()
        return None if row is None else (row[0], row[1])

    def claim(self, authorization: DeviceAuthorization) -> bool:
        """Mark an approved request used; False if a concurrent exchange did it first.

        A conditional UPDATE, not the row read above: SQLite's driver runs that SELECT outside
        the transaction, so two exchanges at once could both have read "approved".
        """
        result = self.session.execute(
            update(DeviceAuthorization)
            .where(
                DeviceAuthorization.id == authorization.id,
                DeviceAuthorization.status == "approved",
            )
            .values(status="used")
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    def use_token(self, token: OAuthToken, now: datetime) -> bool:
        """Revoke a refresh token being rotated; False if a concurrent refresh did it first."""
        result = self.session.execute(
            update(OAuthToken)
            .where(OAuthToken.id == token.id, OAuthToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    def add_device(self, values: Mapping[str, Any]) -> SignedInDevice:
        device = SignedInDevice(**values)
        self.session.add(device)
        self.session.flush()
        return device

    def add_token(self, values: Mapping[str, Any]) -> None:
        self.session.add(OAuthToken(**values))

    def revoke_device(self, device: SignedInDevice, now: datetime) -> None:
        device.revoked_at = now
        _revoke_tokens(self.session, device.id, now)


def _owned_profile(s: Session, household_id: int, profile_id: int) -> ChildProfile | None:
    return s.scalar(
        select(ChildProfile).where(
            ChildProfile.household_id == household_id, ChildProfile.id == profile_id
        )
    )


def _live_by_user_code(user_code: str, now: datetime):
    return select(DeviceAuthorization).where(
        DeviceAuthorization.user_code == user_code,
        DeviceAuthorization.status == "pending",
        DeviceAuthorization.expires_at > now,
    )


def _revoke_tokens(s: Session, device_id: int, now: datetime) -> None:
    s.execute(
        update(OAuthToken)
        .where(OAuthToken.device_id == device_id, OAuthToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


class AttemptCounter(Protocol):
    """Counts attempts per key in a fixed window that starts with the key's first attempt."""

    def add(self, key: str, window: int) -> int:
        """Count one attempt; the number in the current window, this one included."""

    def count(self, key: str) -> int:
        """Attempts in the current window (0 once it has passed)."""

    def clear(self, key: str) -> None: ...


class MemoryAttemptCounter:
    """In-process counters (one process only); ``clock`` is monotonic seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def add(self, key: str, window: int) -> int:
        with self._lock:
            now = self._clock()
            count, until = self._counts.get(key, (0, 0.0))
            if until <= now:
                count, until = 0, now + window
            self._counts[key] = (count + 1, until)
            self._forget_expired(now)
            return count + 1

    def count(self, key: str) -> int:
        with self._lock:
            count, until = self._counts.get(key, (0, 0.0))
            return count if until > self._clock() else 0

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)

    def _forget_expired(self, now: float) -> None:
        if len(self._counts) > 10_000:
            self._counts = {k: v for k, v in self._counts.items() if v[1] > now}


class RedisAttemptCounter:
    """Counters in Redis, shared by every worker: INCR, and EXPIRE NX starts the window."""

    def __init__(self, client: redis.Redis, *, namespace: str) -> None:
        self._redis = client
        self._namespace = namespace

    def add(self, key: str, window: int) -> int:
        name = self._key(key)
        pipe = self._redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, window, nx=True)
        count, _ = pipe.execute()
        return int(count)

    def count(self, key: str) -> int:
        return int(self._redis.get(self._key(key)) or 0)

    def clear(self, key: str) -> None:
        self._redis.delete(self._key(key))

    def _key(self, key: str) -> str:
        return f"{self._namespace}:attempts:{key}"
