"""What a course is found by: its Chinese and English text, full pinyin and pinyin initials.

``sx`` finds 数学 because the initials of every Chinese word of a course (title, subject,
series, tags) are indexed; ``shuxue`` finds it through the full pinyin.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY = 64
_SPACES = re.compile(r"\s+")
_LATIN = re.compile(r"[a-z]+")


def normalise(text: str) -> str:
    """Fold width and case and collapse whitespace: ``ＳＸ  数学`` -> ``sx 数学``."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def index_terms(*parts: str) -> tuple[str, str]:
    """(text, initials) columns for a course from its searchable parts."""
    # Imported here: pypinyin's dictionaries cost ~55 MB, needed only when courses are written.
    from pypinyin import Style, lazy_pinyin

    text = " ".join(normalise(p) for p in parts if p)
    pinyin = " ".join("".join(lazy_pinyin(p, errors=lambda _: "")) for p in parts if p)
    initials = " ".join(
        "".join(lazy_pinyin(p, style=Style.FIRST_LETTER, errors=lambda _: "")) for p in parts if p
    )
    return f"{text} {normalise(pinyin)}", normalise(initials)


def query_terms(query: str) -> tuple[str, str | None]:
    """(text, initials) to match for a user's query; initials only for plain latin letters."""
    text = normalise(query)
    initials = text.replace(" ", "")
    return text, initials if _LATIN.fullmatch(initials) else None


def search_rank(course, text: str, initials: str | None) -> int:
    """0 title contains the text, 1 title initials start with it, 2 a whole word's initials
    (a subject: ``sx`` is 数学), 3 anything else that matched."""
    if text in normalise(f"{course.title_zh} {course.title_en}"):
        return 0
    words = course.search_initials.split()
    if initials and words and words[0].startswith(initials):
        return 1
    if initials and initials in words:
        return 2
    return 3
