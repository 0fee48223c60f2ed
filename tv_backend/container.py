"""What the composition root builds: one ``Services`` per process, handed to the edges.

The Flask app keeps it in ``app.extensions["edutv"]`` (see ``tv_backend.api.services``); the
CLI gets it from the same app. Nothing here imports Flask.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tv_backend.services.accounts import AccountService, Attempts
from tv_backend.services.catalog import CatalogService
from tv_backend.services.catalog_feed import CatalogImport
from tv_backend.services.device_flow import DeviceFlow
from tv_backend.services.epg import EpgService
from tv_backend.services.live import LiveChannels
from tv_backend.services.live_source import Attendance, RedisAttendanceStore, RedisDecisions
from tv_backend.services.progress import ProgressService
from tv_backend.services.response_cache import ResponseCache
from tv_backend.settings import Settings
from tv_backend.storage import db
from tv_backend.storage.accounts import (
    AccountsRepository,
    AttemptCounter,
    MemoryAttemptCounter,
    RedisAttemptCounter,
)
from tv_backend.storage.cache import Cache, MemoryCache, RedisCache
from tv_backend.storage.catalog import CatalogRepository
from tv_backend.storage.epg import EpgRepository
from tv_backend.storage.progress import ProgressRepository


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    cache: Cache
    responses: ResponseCache
    catalog: CatalogService
    catalog_import: CatalogImport
    progress: ProgressService
    # The guide: its own cache namespace and version (``epg_state``), so a guide write never
    # invalidates catalog responses nor a catalog write guide ones.
    epg_repo: EpgRepository
    epg_cache: Cache
    epg_responses: ResponseCache
    epg: EpgService
    live: LiveChannels  # linear channels: /live/<channel>/... playlists from the published guide
    accounts: AccountService  # parents, staff, households, child profiles, /device sessions
    device_flow: DeviceFlow  # TV sign-in (RFC 8628) and the TVs' tokens

    def close(self) -> None:
        self.cache.close()
        self.epg_cache.close()
        self.engine.dispose()


def build_services(settings: Settings, *, migrate: bool = False) -> Services:
    """Engines, cache and use-cases for one process.

    ``migrate`` applies pending migrations first; otherwise a database behind the code's
    schema raises ``DatabaseNotReady`` with what to run.
    """
    engine = db.make_engine(settings.resolved_database_url)
    if migrate:
        db.upgrade(engine)
    else:
        db.check_revision(engine)
    sessions = db.make_sessionmaker(engine)
    repo = CatalogRepository(sessions)
    cache = _make_cache(settings, namespace=f"edutv:{repo.epoch()}:catalog")
    responses = ResponseCache(cache, repo.version)
    epg_repo = EpgRepository(sessions)
    epg_cache = _make_cache(settings, namespace=f"edutv:{repo.epoch()}:epg")
    epg_responses = ResponseCache(epg_cache, epg_repo.version)
    return Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        cache=cache,
        responses=responses,
        catalog=CatalogService(repo),
        catalog_import=CatalogImport(repo, responses.publish),
        progress=ProgressService(ProgressRepository(sessions)),
        epg_repo=epg_repo,
        epg_cache=epg_cache,
        epg_responses=epg_responses,
        epg=EpgService(epg_repo, repo, publish_version=epg_responses.publish),
        live=LiveChannels(
            epg_repo,
            repo.lesson_master,
            settings.resolved_media_dir,
            media_url=settings.media_url,
            schedule_version=lambda _channel: epg_repo.version(),  # guide-wide, cheap
            relay_decisions=_relay_decisions(settings, namespace=f"edutv:{repo.epoch()}:live"),
            attendance=_attendance(settings, namespace=f"edutv:{repo.epoch()}:live"),
        ),
        **_accounts(settings, sessions, namespace=f"edutv:{repo.epoch()}:accounts"),
    )


def _accounts(settings: Settings, sessions: sessionmaker[Session], *, namespace: str) -> dict:
    """Accounts and the device flow, sharing one repository and one attempt counter."""
    repo = AccountsRepository(sessions)
    counter = _attempt_counter(settings, namespace=namespace)
    window = settings.user_code_window
    return {
        "accounts": AccountService(
            repo,
            Attempts(counter, settings.user_code_attempts, window),
            session_ttl=settings.web_session_ttl,
        ),
        "device_flow": DeviceFlow(
            repo,
            Attempts(counter, settings.user_code_attempts, window),
            access_ttl=settings.access_token_ttl,
            refresh_ttl=settings.refresh_token_ttl,
            code_ttl=settings.device_code_ttl,
            interval=settings.device_poll_interval,
        ),
    }


def _attempt_counter(settings: Settings, *, namespace: str) -> AttemptCounter:
    """Failed-attempt counters shared by every worker (Redis), or per process without it."""
    if not settings.redis_url:
        return MemoryAttemptCounter()
    client = redis.Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.redis_timeout,
        socket_connect_timeout=settings.redis_timeout,
        health_check_interval=0,
    )
    return RedisAttemptCounter(client, namespace=namespace)


def _relay_decisions(settings: Settings, *, namespace: str) -> RedisDecisions | None:
    """Relay decisions shared by every worker (Redis), or None: each process decides alone."""
    if not settings.redis_url:
        return None
    return RedisDecisions.from_url(
        settings.redis_url,
        timeout=settings.redis_timeout,
        retry_after=settings.redis_retry_after,
        namespace=namespace,
    )


def _attendance(settings: Settings, *, namespace: str) -> Attendance | None:
    """Attendance counted for every worker together (Redis), or None: each process counts."""
    if not settings.redis_url:
        return None
    client = redis.Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.redis_timeout,
        socket_connect_timeout=settings.redis_timeout,
        retry_on_timeout=False,
        health_check_interval=0,
    )
    return Attendance(RedisAttendanceStore(client, namespace=namespace))


def _make_cache(settings: Settings, *, namespace: str) -> Cache:
    if not settings.redis_url:
        return MemoryCache()
    return RedisCache.from_url(
        settings.redis_url,
        timeout=settings.redis_timeout,
        retry_after=settings.redis_retry_after,
        namespace=namespace,
        ttl=settings.cache_ttl,
        watch=True,
    )
