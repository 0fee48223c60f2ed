"""Just enough MPEG-TS (ISO/IEC 13818-1) to join separately encoded segments seamlessly.

A lesson's card and its shared body come from different ffmpeg runs, so their 4-bit
continuity counters (CC) do not follow on; demuxers (ffmpeg, VLC) then flag the packet at the
join as corrupt. :func:`renumber_continuity` rewrites the CCs of the card segments so that,
per PID, they lead exactly into the body's first CCs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from tv_backend.media import MediaError

PACKET_SIZE = 188
SYNC_BYTE = 0x47
NULL_PID = 0x1FFF


def _packets(data: bytes | bytearray, source: Path) -> Iterator[int]:
    """Offsets of the packets in ``data``, checking framing."""
    if len(data) % PACKET_SIZE:
        raise MediaError(f"{source}: size {len(data)} is not a multiple of {PACKET_SIZE}")
    for offset in range(0, len(data), PACKET_SIZE):
        if data[offset] != SYNC_BYTE:
            raise MediaError(f"{source}: lost MPEG-TS sync at byte {offset}")
        yield offset


def _pid(data: bytes | bytearray, offset: int) -> int:
    return ((data[offset + 1] & 0x1F) << 8) | data[offset + 2]


def _has_payload(data: bytes | bytearray, offset: int) -> bool:
    return bool(data[offset + 3] & 0x10)


def first_continuity(path: Path) -> dict[int, int]:
    """The CC of the first payload-carrying packet of every PID in ``path``."""
    data = path.read_bytes()
    first: dict[int, int] = {}
    for offset in _packets(data, path):
        pid = _pid(data, offset)
        if pid != NULL_PID and pid not in first and _has_payload(data, offset):
            first[pid] = data[offset + 3] & 0x0F
    return first


def renumber_continuity(paths: Sequence[Path], following: dict[int, int]) -> None:
    """Rewrite CCs in ``paths`` (consecutive segments) so each PID continues into ``following``.

    ``following`` maps PID -> CC of that PID's first packet in what plays next. PIDs it does not
    mention keep their counters.
    """
    blobs = [bytearray(p.read_bytes()) for p in paths]
    counts: dict[int, int] = {}
    for blob, path in zip(blobs, paths, strict=True):
        for offset in _packets(blob, path):
            if _has_payload(blob, offset):
                pid = _pid(blob, offset)
                counts[pid] = counts.get(pid, 0) + 1
    counters = {pid: (cc - counts.get(pid, 0)) % 16 for pid, cc in following.items()}
    for blob, path in zip(blobs, paths, strict=True):
        for offset in _packets(blob, path):
            _set_counter(blob, offset, counters)
        path.write_bytes(blob)


def _set_counter(blob: bytearray, offset: int, counters: dict[int, int]) -> None:
    pid = _pid(blob, offset)
    if pid not in counters:
        return
    if _has_payload(blob, offset):
        cc = counters[pid]
        counters[pid] = (cc + 1) % 16
    else:  # adaptation-only packets repeat the last CC rather than advance it
        cc = (counters[pid] - 1) % 16
    blob[offset + 3] = (blob[offset + 3] & 0xF0) | cc
