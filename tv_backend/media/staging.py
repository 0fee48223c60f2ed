"""Build-then-rename directories, so an interrupted build never leaves a half output in place.

Work happens in ``<parent>/.partial-<name>-<random>``; :func:`replace_dir` swaps it in with
renames on the same file system. A crash leaves only ``.partial-*`` debris, which
:func:`sweep` clears on a later run.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL_PREFIX = ".partial-"
STALE_SECONDS = 3600


@contextmanager
def staging_dir(target: Path) -> Iterator[Path]:
    """A fresh directory beside ``target``, removed on exit unless it was moved into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{PARTIAL_PREFIX}{target.name}-", dir=target.parent))
    work.chmod(0o755)  # mkdtemp makes it private; the web server must read what it becomes
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def replace_dir(work: Path, target: Path) -> None:
    """Move ``work`` to ``target``, replacing (then deleting) whatever was there."""
    old = None
    if target.exists():
        old = Path(
            tempfile.mkdtemp(prefix=f"{PARTIAL_PREFIX}old-{target.name}-", dir=target.parent)
        )
        target.rename(old / target.name)
    work.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def sweep(parent: Path, *, now: float | None = None) -> None:
    """Delete ``.partial-*`` directories under ``parent`` untouched for an hour."""
    if not parent.is_dir():
        return
    limit = (time.time() if now is None else now) - STALE_SECONDS
    for path in parent.glob(f"{PARTIAL_PREFIX}*"):
        if path.is_dir() and path.stat().st_mtime < limit:
            shutil.rmtree(path, ignore_errors=True)
