"""Poster textures for cards: fetched and decoded off the UI thread, a few kept in memory.

A card asks ``posters.request(path, on_ready)``. A poster already in memory comes back at once;
otherwise a worker fetches its bytes (``PosterFetcher``: disk, then backend), decodes them with
Pillow and scales them to the card's size on screen, and the main thread turns the pixels into
a texture and calls every card still waiting for it. Only ``keep`` textures stay cached (least
recently used go first), so memory stays flat however far a family scrolls; pixels are scaled
down before they become textures, so a large poster costs what a card shows, not what it is.
"""

from __future__ import annotations

import io
import logging
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from kivy.clock import Clock
from kivy.graphics.texture import Texture
from PIL import Image, UnidentifiedImageError

from tv_client.api.posters import PosterFetcher

log = logging.getLogger(__name__)

Ready = Callable[[str, Texture | None], None]


class Posters:
    """Textures by poster path; ``size`` is the largest a card draws them, in window pixels."""

    def __init__(
        self,
        fetcher: PosterFetcher,
        media_url: Callable[[str | None], str | None],
        size: tuple[int, int],
        *,
        keep: int = 64,
        workers: int = 2,
    ) -> None:
        self._fetcher, self._media_url, self.size = fetcher, media_url, size
        self._keep = keep
        self._textures: OrderedDict[str, Texture | None] = OrderedDict()
        self._waiting: dict[str, list[Ready]] = {}
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="edutv-poster")

    def url(self, path: str | None) -> str | None:
        return self._media_url(path)

    def request(self, url: str, on_ready: Ready) -> Texture | bool | None:
        """The texture now (None: there is no poster), or False and ``on_ready`` called later."""
        if url in self._textures:
            self._textures.move_to_end(url)
            return self._textures[url]
        waiting = self._waiting.setdefault(url, [])
        waiting.append(on_ready)
        if len(waiting) == 1:
            self._pool.submit(self._load, url)
        return False

    def forget(self, url: str, on_ready: Ready) -> None:
        """A card no longer wants ``url`` (it was recycled before the poster came)."""
        with_callback = self._waiting.get(url)
        if with_callback and on_ready in with_callback:
            with_callback.remove(on_ready)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._fetcher.close()

    def _load(self, url: str) -> None:
        try:
            pixels = self._decode(self._fetcher.get(url))
        except Exception:  # a worker is a process edge: a bad poster must not stop the others
            log.exception("poster %s could not be loaded", url)
            pixels = None
        Clock.schedule_once(lambda _dt: self._ready(url, pixels))

    def _decode(self, data: bytes | None) -> tuple[bytes, tuple[int, int]] | None:
        if data is None:
            return None
        try:
            with Image.open(io.BytesIO(data)) as image:
                fitted = cover(image.convert("RGB"), self.size)
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            log.info("poster is not a readable image: %s", exc)
            return None
        return fitted.tobytes(), fitted.size

    def _ready(self, url: str, pixels: tuple[bytes, tuple[int, int]] | None) -> None:
        texture = None
        if pixels is not None:
            data, size = pixels
            texture = Texture.create(size=size, colorfmt="rgb")
            texture.blit_buffer(data, colorfmt="rgb", bufferfmt="ubyte")
            texture.flip_vertical()  # Pillow's rows run top-down, OpenGL's bottom-up
        self._textures[url] = texture
        while len(self._textures) > self._keep:
            self._textures.popitem(last=False)
        for on_ready in self._waiting.pop(url, []):
            on_ready(url, texture)


def cover(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` cropped to the aspect of ``size`` around its centre, then scaled to ``size``."""
    w, h = image.size
    tw, th = size
    scale = max(tw / w, th / h)
    cw, ch = round(tw / scale), round(th / scale)
    left, top = (w - cw) // 2, (h - ch) // 2
    return image.resize(size, Image.Resampling.BILINEAR, box=(left, top, left + cw, top + ch))
