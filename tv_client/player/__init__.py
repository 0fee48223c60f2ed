"""Playback: one `Player` interface, a libVLC implementation and a null one.

- `base`: the interface, its states, error codes and events (main thread only).
- `null`: `NullPlayer`, simulated time, for UI and screen tests without video.
- `vlc_player`: `VlcPlayer` and `make_instance` (the app's one ``vlc.Instance``).
- `adaptive`: the loopback relay libVLC fetches HLS through, and what it tells (rendition,
  throughput, failures).
- `video`: `VideoView`, the Kivy widget that draws the pictures, and `pump_on_clock`.

Only `base` and `null` are imported here: ``vlc`` and Kivy load when their modules are used.
"""

from tv_client.player.base import ErrorCode, Player, Rendition, State
from tv_client.player.null import NullPlayer

__all__ = ["ErrorCode", "NullPlayer", "Player", "Rendition", "State"]
