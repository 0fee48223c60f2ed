"""Redis stopped, frozen or restarted mid-run: requests keep succeeding and never go stale.

These tests run their own redis-server on a free port so they can stop it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tv_backend.app import create_app
from tv_backend.schemas.catalog_feed import load_feed
from tv_backend.settings import Settings

pytestmark = [pytest.mark.redis, pytest.mark.slow]


class RedisProcess:
    def __init__(self, workdir: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or pytest.fail("redis-server is not installed")
        self.proc = subprocess.Popen(
            # appendonly: a restarted server comes back with the keys it had, as after a
            # network partition, so missed writes would show as stale entries.
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_timeout=0.5)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def redis_process(tmp_path):
    process = RedisProcess(tmp_path)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def outage_app(redis_process, tmp_path, small_feed):
    settings = Settings(
        data_dir=tmp_path, redis_url=redis_process.url, redis_timeout=0.1, redis_retry_after=0.3
    )
    app = create_app(settings, migrate=True)
    app.extensions["edutv"].catalog_import.run(load_feed(small_feed))
    yield app
    app.extensions["edutv"].close()


def titles(client) -> list[str]:
    response = client.get("/api/v1/courses?grade=g4")
    assert response.status_code == 200
    return [c["title"]["zh"] for c in response.get_json()["items"]]


def test_requests_succeed_while_redis_is_stopped_and_recover_after(
    outage_app, redis_process, wait_until
):
    client = outage_app.test_client()
    assert titles(client) == ["古诗三首"]
    assert client.get("/readyz").get_json()["cache"] == "ok"
    redis_process.stop()
    for _ in range(20):
        assert titles(client) == ["古诗三首"]
        assert client.get("/api/v1/search?q=sx").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() | {"version": None} == {
        "status": "degraded",
        "database": "ok",
        "cache": "degraded",
        "version": None,
    }
    redis_process.start()
    assert wait_until(lambda: client.get("/readyz").get_json()["cache"] == "ok")
    assert titles(client) == ["古诗三首"]


def test_writes_missed_while_redis_was_away_are_not_served_stale_after(
    outage_app, redis_process, small_feed, wait_until
):
    client = outage_app.test_client()
    assert titles(client) == ["古诗三首"]  # now cached in Redis under the current version
    redis_process.stop()  # it keeps its keys (append-only file): like a partition
    small_feed["courses"][2]["title"]["zh"] = "古诗四首"
    outage_app.extensions["edutv"].catalog_import.run(load_feed(small_feed))
    assert titles(client) == ["古诗四首"]  # served from SQL meanwhile
    redis_process.start()
    assert wait_until(lambda: client.get("/readyz").get_json()["cache"] == "ok")
    assert titles(client) == ["古诗四首"]
    assert titles(client) == ["古诗四首"]  # and from the cache, too
