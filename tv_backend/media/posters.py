"""16:9 catalog posters: a dark gradient in the series colour, the title large, a subject pill.

Posters are pure functions of their inputs, so callers name files by :func:`poster_key` and
skip rendering when that file exists::

    path = media_root / "posters" / f"{slug}-{poster_key(**fields)}.jpg"
    if not path.exists():
        render_poster(path, **fields)
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from PIL import Image, ImageDraw

from tv_backend.media import typesetting as ts

POSTER_VERSION = "poster-1"
INK = (255, 255, 255)
SOFT_INK = (214, 222, 236)
NIGHT = (10, 13, 22)


def poster_key(
    *,
    title_zh: str,
    title_en: str,
    series_zh: str,
    subject_zh: str,
    grade_zh: str,
    color: str,
    size: tuple[int, int] = (640, 360),
) -> str:
    """A short hash of everything that changes the picture (inputs and ``POSTER_VERSION``)."""
    fields = [
        POSTER_VERSION,
        title_zh,
        title_en,
        series_zh,
        subject_zh,
        grade_zh,
        color,
        list(size),
    ]
    digest = hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()
    return digest[:12]


def render_poster(
    path: Path,
    *,
    title_zh: str,
    title_en: str,
    series_zh: str,
    subject_zh: str,
    grade_zh: str,
    color: str,
    size: tuple[int, int] = (640, 360),
) -> None:
    """Write a JPEG poster to ``path`` (atomically: a partial file never appears)."""
    base = ts.parse_color(color)
    image = _background(size, base)
    draw = ImageDraw.Draw(image)
    width, height = size
    unit = height / 360
    margin_x, margin_y = round(width * 0.05), round(height * 0.06)
    text_width = width - 2 * margin_x

    series = ts.font(round(20 * unit), bold=True)
    draw.text(
        (margin_x, margin_y),
        ts.ellipsize(series_zh, series, text_width),
        font=series,
        fill=SOFT_INK,
    )

    title = ts.fit(
        title_zh,
        max_width=text_width,
        max_lines=2,
        bold=True,
        sizes=range(round(60 * unit), round(28 * unit) - 1, -2),
    )
    english = ts.fit(
        title_en,
        max_width=text_width,
        max_lines=1,
        sizes=range(round(22 * unit), round(15 * unit) - 1, -1),
    )
    pill_face = ts.font(round(18 * unit), bold=True)
    pill_top = height - margin_y - pill_face.size - 2 * (pill_face.size // 3)

    gap = round(10 * unit)
    block_height = title.height + gap + english.height
    top = max(margin_y + series.size + gap, (pill_top - gap - block_height + height // 6) // 2)
    _accent(draw, (margin_x - round(12 * unit), top), title.height, base, unit)
    y = ts.draw_block(draw, (margin_x, top), title, INK)
    ts.draw_block(draw, (margin_x, y + gap), english, SOFT_INK)
    ts.draw_pill(
        draw,
        (margin_x, pill_top),
        f"{subject_zh}·{grade_zh}",
        pill_face,
        fill=ts.mix(base, INK, 0.25),
        ink=NIGHT,
    )
    _save_jpeg(image, path)


def _background(size: tuple[int, int], base: ts.RGB) -> Image.Image:
    """Series colour fading to night, with a soft disc of light on the right."""
    image = ts.diagonal_gradient(size, ts.mix(base, NIGHT, 0.05), ts.mix(base, NIGHT, 0.85))
    width, height = size
    glow = Image.new("RGBA", size, (0, 0, 0, 0))
    radius = round(height * 0.75)
    centre = (round(width * 0.92), round(height * 0.2))
    ImageDraw.Draw(glow).ellipse(
        (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
        fill=(*ts.mix(base, INK, 0.3), 38),
    )
    image.paste(glow, (0, 0), glow)
    return image


def _accent(
    draw: ImageDraw.ImageDraw, xy: tuple[int, int], height: int, base: ts.RGB, unit: float
) -> None:
    """A short bar in a light tint of the series colour beside the title."""
    x, y = xy
    bar = max(3, round(5 * unit))
    draw.rounded_rectangle(
        (x, y + round(6 * unit), x + bar, y + height - round(6 * unit)),
        radius=bar // 2,
        fill=ts.mix(base, INK, 0.45),
    )


def _save_jpeg(image: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    image.save(partial, "JPEG", quality=85, optimize=True)
    partial.replace(path)
