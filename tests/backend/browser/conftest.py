"""Browser tests: Debian's Chromium, headless, driven by Playwright (no ``playwright install``).

``chromium`` is a running browser (skipped, with the reason, where ``/usr/bin/chromium`` or the
``playwright`` package is missing; ``scripts/bootstrap.sh test`` installs both). ``hlsjs`` is
hls.js's ``dist/hls.min.js`` at a pinned version: the npm tarball is downloaded once into
``.cache/hlsjs/`` and checked against the registry's sha512 integrity pinned here, so the test
runs the exact bytes named below without 600 kB of minified JavaScript in the repository (the
tarball's Apache-2.0 LICENSE is kept beside it). ``serve(app)`` runs a WSGI app on a loopback
port for the test. Screenshots and logs go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import os
import tarfile
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")

# hls.js from the npm registry: `npm view hls.js@<version> dist.integrity` gives the digest.
HLSJS_VERSION = "1.7.4"
HLSJS_INTEGRITY = (
    "sha512-3GlxGdPvT2YHvQYOt+yOzT/DEior/qJVNIylHA77kgeo"
    "BTdQQqi70GwefNEUmHQeNGyjC8U62+bruqW/Tpm+tg=="
)
HLSJS_TARBALL = f"https://registry.npmjs.org/hls.js/-/hls.js-{HLSJS_VERSION}.tgz"
HLSJS_CACHE = ROOT / ".cache" / "hlsjs" / HLSJS_VERSION
HLSJS_FILES = {"package/dist/hls.min.js": "hls.min.js", "package/LICENSE": "LICENSE"}


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _fetch_hlsjs() -> None:
    """Download the pinned tarball, check it, and keep hls.min.js and its licence."""
    try:
        with urllib.request.urlopen(HLSJS_TARBALL, timeout=60) as response:
            data = response.read()
    except OSError as exc:
        pytest.fail(f"could not download hls.js {HLSJS_VERSION} from {HLSJS_TARBALL}: {exc}")
    if _integrity(data) != HLSJS_INTEGRITY:
        pytest.fail(f"{HLSJS_TARBALL} does not match its pinned integrity {HLSJS_INTEGRITY}")
    HLSJS_CACHE.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member, name in HLSJS_FILES.items():
            extracted = tar.extractfile(member)
            assert extracted is not None, member
            partial = HLSJS_CACHE / f"{name}.{os.getpid()}.part"
            partial.write_bytes(extracted.read())
            partial.replace(HLSJS_CACHE / name)  # atomic: parallel runs never read half a file


@pytest.fixture(scope="session")
def hlsjs() -> Path:
    """hls.js's ``dist/hls.min.js`` at `HLSJS_VERSION` (downloaded once, then cached)."""
    script = HLSJS_CACHE / "hls.min.js"
    if not all((HLSJS_CACHE / name).is_file() for name in HLSJS_FILES.values()):
        _fetch_hlsjs()
    return script


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """Debian's Chromium, headless, through Playwright's Python driver."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: `apt-get install chromium` (scripts/bootstrap.sh test)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[object], str]]:
    """``serve(app)`` runs a WSGI app on a free loopback port and returns its base URL."""
    servers = []

    def start(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
        loop = functools.partial(server.serve_forever, poll_interval=0.05)
        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in servers:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
