"""``python -m tv_client``: open the TV client against ``TV_BACKEND_URL``.

Kivy reads its configuration when first imported, so `prepare_kivy` runs before any Kivy import:
no Kivy command-line parsing, a 1280x720 window unless ``KCFG_GRAPHICS_WIDTH``/``_HEIGHT`` say
otherwise, no multitouch emulation (no red dots on right click), Escape does not quit, and no
multisampling: Kivy's default of 2 samples costs a software renderer about 30 ms a frame at
1080p (bench/tv_client.py), and a 10-foot UI of upright rectangles and text gains nothing.
"""

from __future__ import annotations

import os


def prepare_kivy() -> None:
    """Set Kivy's configuration through its environment, before Kivy is imported."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "info")
    os.environ.setdefault("KCFG_GRAPHICS_WIDTH", "1280")
    os.environ.setdefault("KCFG_GRAPHICS_HEIGHT", "720")
    os.environ.setdefault("KCFG_INPUT_MOUSE", "mouse,disable_multitouch")
    os.environ.setdefault("KCFG_KIVY_EXIT_ON_ESCAPE", "0")
    os.environ.setdefault("KCFG_GRAPHICS_MULTISAMPLES", "0")


def main() -> None:
    prepare_kivy()
    from tv_client.app import TvApp

    TvApp().run()


if __name__ == "__main__":
    main()
