"""Running ffmpeg and ffprobe; every failure becomes a :class:`MediaError` with stderr's tail."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tv_backend.media import MediaError

STDERR_TAIL_LINES = 25


def tool(name: str) -> str:
    """The full path of ``name`` (``ffmpeg``/``ffprobe``) on ``PATH``."""
    found = shutil.which(name)
    if not found:
        raise MediaError(f"{name} not found on PATH (Debian: apt-get install ffmpeg)")
    return found


def run(args: list[str], *, cwd: Path | None = None) -> bytes:
    """Run ffmpeg with ``args`` (quiet, non-interactive, overwriting outputs); returns stdout."""
    command = [tool("ffmpeg"), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    return _call(command, cwd)


def run_probe(args: list[str]) -> str:
    """Run ffprobe with ``args`` and return its stdout."""
    return _call([tool("ffprobe"), "-hide_banner", "-loglevel", "error", *args], None).decode()


def _call(command: list[str], cwd: Path | None) -> bytes:
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    except OSError as error:
        raise MediaError(f"cannot run {command[0]}: {error}") from error
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace").strip().splitlines()
        tail = "\n".join(stderr[-STDERR_TAIL_LINES:])
        name = Path(command[0]).name
        raise MediaError(f"{name} exited with status {done.returncode}:\n{tail}")
    return done.stdout
