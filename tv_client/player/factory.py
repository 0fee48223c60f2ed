"""Which player the app plays lessons with: `make_player(settings)`, called once, lazily.

``TV_PLAYER=vlc`` (the default) is libVLC drawing inside the app, with the box's extra
``TV_VLC_OPTIONS``; ``null`` simulates time without video (screen tests, a box being set up).
If libVLC cannot be loaded at all the app still runs: every lesson then ends in the "cannot be
played" message (with Retry and Back) instead of the app failing to start.
"""

from __future__ import annotations

import logging
import shlex

from tv_client.player.base import ErrorCode, Player
from tv_client.player.null import NullPlayer
from tv_client.settings import Settings

log = logging.getLogger(__name__)


class BrokenPlayer(NullPlayer):
    """Stands in when libVLC is missing: every stream fails as unplayable, nothing crashes."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def open(self, url: str, *, start_s: float = 0.0, max_height: int | None = None) -> None:
        self._url, self._max_height = url, max_height
        self._fail(ErrorCode.UNPLAYABLE, self.reason)


def make_player(settings: Settings) -> Player:
    """The player ``settings`` ask for."""
    if settings.player == "null":
        return NullPlayer()
    try:
        from tv_client.player.vlc_player import VlcPlayer, make_instance

        return VlcPlayer(make_instance(extra=shlex.split(settings.vlc_options)))
    except (ImportError, OSError, RuntimeError) as exc:  # no libVLC on this box
        log.error("libVLC cannot be used (%s): lessons will not play", exc)
        return BrokenPlayer(str(exc))
