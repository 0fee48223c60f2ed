"""This box's device id: random, made once, kept in the client data directory as ``device-id``.

The backend tells the TVs of a household apart by it (every progress upload carries it). It is
32 lowercase hex characters and says nothing about the box. A missing file gets a new id; an
unreadable or malformed one too, with a warning (the backend then sees a new TV, which costs
nothing but a row). The file is written beside its final name and moved over it, so a power cut
leaves the old file or the new one, never half of one. When the id cannot be saved at all (a
read-only disk) it is still returned, and holds until the app stops.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from pathlib import Path

from tv_client.files import write_atomically

log = logging.getLogger(__name__)

FILE_NAME = "device-id"
_VALID = re.compile(r"[0-9a-f]{32}")


def device_id(data_dir: Path | str, *, new_id: Callable[[], str] = lambda: uuid.uuid4().hex) -> str:
    """The id stored in ``data_dir/device-id``, made (and stored) by ``new_id`` the first time."""
    path = Path(data_dir) / FILE_NAME
    try:
        stored = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return _made(path, new_id())
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read the device id in %s (%s): this box gets a new one", path, exc)
        return _made(path, new_id())
    if _VALID.fullmatch(stored):
        return stored
    log.warning("the device id in %s is malformed: this box gets a new one", path)
    return _made(path, new_id())


def _made(path: Path, made: str) -> str:
    try:
        _write(path, made)
    except OSError as exc:
        log.warning("cannot save the device id to %s: %s", path, exc)
    return made


def _write(path: Path, text: str) -> None:
    write_atomically(path, text + "\n")
