"""Where the bundled CJK font lives (see assets/README.md for its provenance)."""

from __future__ import annotations

import os
from pathlib import Path

FONT_FILES = {False: "NotoSansSC-EduTV-Regular.otf", True: "NotoSansSC-EduTV-Bold.otf"}


def assets_dir() -> Path:
    """The assets directory: ``TV_ASSETS_DIR`` if set, else the repository's ``assets/``."""
    override = os.environ.get("TV_ASSETS_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "assets"


def font_path(bold: bool = False) -> Path:
    """The bundled Simplified Chinese font (Noto Sans SC subset), regular or bold."""
    return assets_dir() / "fonts" / FONT_FILES[bold]
