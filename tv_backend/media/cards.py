"""Lesson title cards: the still picture that opens every lesson video."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PIL import ImageDraw

from tv_backend.media import typesetting as ts

CARD_SIZE = (960, 540)
PALETTE = ("#1565C0", "#2E7D32", "#C62828", "#6A1B9A", "#EF6C00", "#00838F", "#AD1457", "#4E342E")
INK = (255, 255, 255)
SOFT_INK = (206, 216, 232)
NIGHT = (8, 11, 20)


def card_color(course_zh: str) -> ts.RGB:
    """A stable palette colour per course, so a course's lessons look like a set."""
    index = hashlib.sha256(course_zh.encode()).digest()[0] % len(PALETTE)
    return ts.parse_color(PALETTE[index])


def render_card(
    path: Path,
    *,
    title_zh: str,
    title_en: str,
    course_zh: str,
    number: int,
    size: tuple[int, int] = CARD_SIZE,
) -> None:
    """Write the title card of one lesson as a PNG (fast compression: it is re-encoded anyway)."""
    base = card_color(course_zh)
    image = ts.diagonal_gradient(size, ts.mix(base, NIGHT, 0.1), ts.mix(base, NIGHT, 0.9))
    draw = ImageDraw.Draw(image)
    width, height = size
    unit = height / 540
    margin_x, margin_y = round(width * 0.06), round(height * 0.08)
    text_width = width - 2 * margin_x

    badge = ts.draw_pill(
        draw,
        (margin_x, margin_y),
        f"第{number}课",
        ts.font(round(30 * unit), bold=True),
        fill=INK,
        ink=ts.mix(base, NIGHT, 0.4),
    )
    course_face = ts.font(round(28 * unit))
    course_x = badge[2] + round(18 * unit)
    course = ts.ellipsize(course_zh, course_face, width - margin_x - course_x)
    course_y = (badge[1] + badge[3]) // 2 - course_face.size * 6 // 10
    draw.text((course_x, course_y), course, font=course_face, fill=SOFT_INK)

    title = ts.fit(
        title_zh,
        max_width=text_width,
        max_lines=2,
        bold=True,
        sizes=range(round(84 * unit), round(40 * unit) - 1, -4),
    )
    english = ts.fit(
        title_en,
        max_width=text_width,
        max_lines=2,
        sizes=range(round(34 * unit), round(24 * unit) - 1, -2),
    )
    gap = round(22 * unit)
    top = (height - title.height - gap - english.height) // 2 + round(24 * unit)
    y = ts.draw_block(draw, (margin_x, top), title, INK)
    draw.line(
        (margin_x, y + gap // 2, margin_x + round(120 * unit), y + gap // 2),
        fill=ts.mix(base, INK, 0.5),
        width=max(2, round(4 * unit)),
    )
    ts.draw_block(draw, (margin_x, y + gap), english, SOFT_INK)

    brand = ts.font(round(22 * unit), bold=True)
    draw.text(
        (width - margin_x, height - margin_y), "EduTV", font=brand, fill=SOFT_INK, anchor="rs"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG", compress_level=1)
