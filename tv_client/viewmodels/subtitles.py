"""WebVTT subtitles, parsed here and drawn by the player screen in the bundled CJK font.

libVLC can blend subtitles into the picture, but it renders them with the box's system fonts,
and a set-top box (or this build machine) often has no Chinese one: the cues would be boxes.
So the screen draws the cue itself, large, in the app's font; this module is the pure half.

``parse(text)`` -> `Cue`s (cue settings, identifiers, NOTE/STYLE blocks and tags dropped,
entities unescaped); ``cue_at(cues, t)`` -> the text on screen at ``t`` seconds, or "".
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, order=True)
class Cue:
    start: float
    end: float
    text: str


def seconds(stamp: str) -> float:
    """``"01:02.500"`` or ``"1:01:02.500"`` in seconds; ValueError if it is neither."""
    match = _TIME.fullmatch(stamp.strip())
    if match is None:
        raise ValueError(f"not a WebVTT time: {stamp!r}")
    hours, minutes, secs, millis = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int(millis) / 1000


def parse(text: str) -> list[Cue]:
    """The cues of a WebVTT file, sorted by start; malformed blocks are skipped."""
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line for line in block.split("\n") if line.strip()]
        timing = next((n for n, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            continue  # the header, NOTE, STYLE, REGION
        start, _, rest = lines[timing].partition("-->")
        try:
            cue_start, cue_end = seconds(start), seconds(rest.split()[0] if rest.split() else "")
        except ValueError:
            continue
        body = " ".join(html.unescape(_TAG.sub("", line)).strip() for line in lines[timing + 1 :])
        if body and cue_end > cue_start:
            cues.append(Cue(cue_start, cue_end, body))
    return sorted(cues)


def cue_at(cues: Sequence[Cue], t: float) -> str:
    """The text of the cues showing at ``t`` (joined by a line break when they overlap)."""
    index = bisect.bisect_right([cue.start for cue in cues], t)
    showing = [cue.text for cue in cues[max(0, index - 4) : index] if cue.start <= t < cue.end]
    return "\n".join(showing)
