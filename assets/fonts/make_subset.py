"""Build the bundled EduTV CJK fonts from Debian's Noto Sans CJK collections.

Usage::

    python assets/fonts/make_subset.py [--source-dir /usr/share/fonts/opentype/noto]

It reads ``NotoSansCJK-Regular.ttc`` and ``NotoSansCJK-Bold.ttc`` (Debian package
``fonts-noto-cjk``), picks the Simplified Chinese face of each collection (the font whose
family name is "Noto Sans CJK SC"), subsets it to the characters in :func:`coverage` and
writes ``NotoSansSC-EduTV-Regular.otf`` and ``NotoSansSC-EduTV-Bold.otf`` next to this
script. The subset is renamed "Noto Sans SC EduTV" so it never shadows an installed
Noto Sans CJK SC. See ``assets/README.md`` for provenance and licence.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
SOURCE_FAMILY = "Noto Sans CJK SC"
TARGET_FAMILY = "Noto Sans SC EduTV"
OUT_DIR = Path(__file__).resolve().parent
STYLES = ("Regular", "Bold")

# Inclusive code point ranges kept besides GB2312.
RANGES = (
    (0x0020, 0x007E),  # ASCII printable
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x2000, 0x206F),  # General Punctuation
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
)
SYMBOLS = "★☆●○▶◀▲▼←→↑↓✓✗·…—"
LAYOUT_FEATURES = ["ccmp", "kern", "liga", "vert", "vrt2"]  # no "locl": its glyphs serve JP/KR/TC


def gb2312_chars() -> set[str]:
    """Every character of GB2312: rows 0xA1-0xF7, cells 0xA1-0xFE, decoded when valid.

    Rows 0xB0-0xF7 are the 6763 hanzi; rows 0xA1-0xA9 are punctuation, full-width forms,
    kana, Greek, Cyrillic, pinyin letters and box drawing.
    """
    chars: set[str] = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def coverage() -> set[int]:
    """The code points the bundled font keeps."""
    points = {ord(ch) for ch in gb2312_chars()} | {ord(ch) for ch in SYMBOLS}
    for first, last in RANGES:
        points.update(range(first, last + 1))
    return points


def family_of(font: TTFont) -> str:
    name = font["name"]
    return str(name.getDebugName(16) or name.getDebugName(1))


def open_sc_face(path: Path) -> TTFont:
    """Return the Simplified Chinese face of a Noto Sans CJK collection."""
    collection = TTCollection(str(path))
    for font in collection.fonts:
        if family_of(font) == SOURCE_FAMILY:
            return font
    raise SystemExit(f"{path}: no face named {SOURCE_FAMILY!r}")


def subset_font(font: TTFont, unicodes: set[int]) -> None:
    options = subset.Options()
    options.layout_features = LAYOUT_FEATURES
    options.hinting = False
    options.notdef_outline = True
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)


def rename(font: TTFont, style: str) -> None:
    """Give the subset its own family name (a modified version should not pose as the original)."""
    ps_name = f"NotoSansSC-EduTV-{style}"
    full_name = f"{TARGET_FAMILY} {style}" if style != "Regular" else TARGET_FAMILY
    names = {1: TARGET_FAMILY, 2: style, 3: f"{ps_name};EduTV subset", 4: full_name, 6: ps_name}
    table = font["name"]
    for name_id in (*names, 16, 17):
        table.removeNames(nameID=name_id)  # includes the localised (zh-cn) records
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    cff = font["CFF "].cff
    cff.fontNames = [ps_name]
    top = cff.topDictIndex[0]
    top.FamilyName, top.FullName = TARGET_FAMILY, full_name


def build(source_dir: Path, out_dir: Path) -> list[Path]:
    unicodes = coverage()
    written = []
    for style in STYLES:
        font = open_sc_face(source_dir / f"NotoSansCJK-{style}.ttc")
        font.recalcTimestamp = False  # keep the upstream date: reproducible output
        subset_font(font, unicodes)
        rename(font, style)
        target = out_dir / f"NotoSansSC-EduTV-{style}.otf"
        font.save(str(target))
        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, default=SOURCE_DIR)
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    print(f"{len(coverage())} code points requested")
    for path in build(args.source_dir, args.out_dir):
        with TTFont(str(path), lazy=True) as font:
            mapped = len(font.getBestCmap())
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB, {mapped} code points mapped")


if __name__ == "__main__":
    main()
