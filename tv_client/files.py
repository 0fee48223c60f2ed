"""Files the box keeps (preferences, profiles, progress, the catalog and posters, its id).

A set-top box is unplugged, not shut down: `write_atomically` writes beside the target,
flushes to disk and moves the file over it with ``os.replace``, so a reader (or the next start
after a power cut) finds the old file or the new one, never half of one. Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` (text is UTF-8); raises `OSError`, leaving no temp file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
