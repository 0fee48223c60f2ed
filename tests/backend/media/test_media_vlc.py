"""libVLC plays a built lesson: the ladder works in the player the TV client uses."""

from __future__ import annotations

import time

import pytest

vlc = pytest.importorskip("vlc")

pytestmark = [pytest.mark.media, pytest.mark.vlc]

WAIT_SECONDS = 20.0


def test_vlc_plays_the_master_playlist_and_time_advances(media_tree) -> None:
    master = media_tree.root / media_tree.lessons["math-g3-fractions-01"].master
    instance = vlc.Instance("--no-xlib", "--vout=dummy", "--aout=dummy", "--quiet")
    player = instance.media_player_new()
    try:
        player.set_media(instance.media_new_path(str(master)))
        assert player.play() == 0
        seen_playing, latest = False, -1
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            state = player.get_state()
            assert state not in (vlc.State.Error, vlc.State.Ended), state
            seen_playing |= state == vlc.State.Playing
            latest = player.get_time()
            if seen_playing and latest >= 1500:
                break
            time.sleep(0.1)
        assert seen_playing
        assert latest >= 1500
    finally:
        player.stop()
        player.release()
        instance.release()
