"""Pillow typesetting shared by posters and title cards: fonts, colours, wrapping, fitting.

Chinese breaks between any two characters; Latin words and numbers stay whole; closing
punctuation never starts a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from tv_backend.media.fonts import font_path

Font = ImageFont.FreeTypeFont
RGB = tuple[int, int, int]

_TOKEN = re.compile(r"[A-Za-z0-9'’.\-]+|\s+|.", re.DOTALL)
_NO_LINE_START = set("，。、；：？！）》」』】〕…—,.;:?!)]}%·")


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> Font:
    """The bundled font at ``size`` pixels (cached: loading a CJK face is not free)."""
    return ImageFont.truetype(str(font_path(bold)), size)


def parse_color(color: str) -> RGB:
    """``"#RRGGBB"`` -> ``(r, g, b)``; raises ``ValueError`` on anything else."""
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
        raise ValueError(f"expected a #RRGGBB colour, got {color!r}")
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear blend: ``t=0`` gives ``a``, ``t=1`` gives ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def diagonal_gradient(size: tuple[int, int], start: RGB, end: RGB) -> Image.Image:
    """An RGB image fading from ``start`` (top left) to ``end`` (bottom right)."""
    width, height = size
    ramp = Image.linear_gradient("L").resize((width + height, 1))
    strip = Image.merge(
        "RGB", [ramp.point(_channel_lut(s, e)) for s, e in zip(start, end, strict=True)]
    )
    out = Image.new("RGB", size)
    for y in range(height):
        out.paste(strip.crop((y, 0, y + width, 1)), (0, y))
    return out


def _channel_lut(start: int, end: int) -> list[int]:
    return [round(start + (end - start) * i / 255) for i in range(256)]


def tokens(text: str) -> list[str]:
    """Break units: Latin words/numbers whole, every other character on its own."""
    return _TOKEN.findall(" ".join(text.split()))


def wrap(text: str, face: Font, max_width: int) -> list[str]:
    """Greedy line breaking of mixed Chinese/Latin ``text`` to ``max_width`` pixels."""
    lines: list[str] = []
    line = ""
    for token in tokens(text):
        candidate = line + token
        fits = face.getlength(candidate) <= max_width
        if fits or not line.strip() or token in _NO_LINE_START:
            line = candidate
            continue
        lines.append(line.rstrip())
        line = token.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    return lines


@dataclass(frozen=True)
class Block:
    """Wrapped lines set in one face."""

    lines: tuple[str, ...]
    face: Font

    @property
    def line_height(self) -> int:
        return round(self.face.size * 1.3)

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


def fit(
    text: str,
    *,
    max_width: int,
    max_lines: int,
    sizes: range,
    bold: bool = False,
) -> Block:
    """The largest size in ``sizes`` (tried in order) that sets ``text`` within the box.

    When even the last size overflows, the text is cut and ends with an ellipsis.
    """
    lines: list[str] = []
    face = font(sizes[0], bold)
    for size in sizes:
        face = font(size, bold)
        lines = wrap(text, face, max_width)
        if len(lines) <= max_lines and all(face.getlength(s) <= max_width for s in lines):
            return Block(tuple(lines), face)
    kept = lines[:max_lines]
    kept[-1] = ellipsize(kept[-1], face, max_width, cut=len(lines) > max_lines)
    return Block(tuple(kept), face)


def ellipsize(line: str, face: Font, max_width: int, *, cut: bool = False) -> str:
    """Shorten ``line`` to fit ``max_width``; a shortened (or ``cut``) line ends with "…"."""
    if not cut and face.getlength(line) <= max_width:
        return line
    while line and face.getlength(line + "…") > max_width:
        line = line[:-1]
    return line.rstrip() + "…"


def draw_block(draw: ImageDraw.ImageDraw, xy: tuple[int, int], block: Block, fill: RGB) -> int:
    """Draw ``block`` with its top-left at ``xy``; returns the y just below it.

    Each line is centred in its line box, so the block's glyphs stay inside ``block.height``.
    """
    x, y = xy
    for line in block.lines:
        draw.text((x, y + block.line_height // 2), line, font=block.face, fill=fill, anchor="lm")
        y += block.line_height
    return y


def draw_pill(
    draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, face: Font, fill: RGB, ink: RGB
) -> tuple[int, int, int, int]:
    """A rounded label with ``text`` whose top-left is ``xy``; returns its box."""
    pad_x, pad_y = face.size * 2 // 3, face.size // 3
    left, top, right, bottom = draw.textbbox((0, 0), text, font=face)
    box = (xy[0], xy[1], xy[0] + right - left + 2 * pad_x, xy[1] + face.size + 2 * pad_y)
    draw.rounded_rectangle(box, radius=(box[3] - box[1]) // 2, fill=fill)
    centre_y = (box[1] + box[3]) / 2
    draw.text(
        (box[0] + pad_x - left, round(centre_y - (top + bottom) / 2)), text, font=face, fill=ink
    )
    return box
