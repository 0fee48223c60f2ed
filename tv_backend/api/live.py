"""Linear channels as live HLS: ``/live/<channel>/master.m3u8`` and ``<rendition>.m3u8``.

Plain Flask routes (playlists, not JSON): the service renders, this sets the headers. Segment
URIs in the playlists are absolute (``/media/...`` or the CDN origin of TV_MEDIA_URL), so they
resolve wherever the playlist is served. Errors are `ServiceError`s, which the app turns into
the one error body (404 ``not_found``: unknown channel or rendition; 503 ``not_on_air``).

Catch-up: with ``?start=<unix s>&end=<unix s>`` (the M3U's ``catchup-source``, Kodi's ``{utc}``
and ``{utcend}``) both routes answer an on-demand presentation of that past stretch instead
(`LiveChannels.catchup_master`, `LiveChannels.catchup`); the master's rendition URIs carry the
same query. A malformed range is 400 ``invalid_query``. Every playlist carries a strong
``ETag`` and answers ``304`` to ``If-None-Match``.

Attendance: every playlist request while a live class is on air counts the box that made it,
by its ``device`` query parameter (``/live/<channel>/master.m3u8?device=<id>``; players keep
the master's query off the rendition URIs, so the TV client adds it to both), else by a hash
of its address. ``GET /live/<channel>/attendance?programme=<start, ISO 8601>`` reads the count.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request

from tv_backend.api import services
from tv_backend.api.fast_path import not_modified
from tv_backend.services.errors import InvalidQuery, ServiceError
from tv_backend.services.live import Rendered
from tv_backend.services.response_cache import Entry

log = logging.getLogger(__name__)

MPEGURL = "application/vnd.apple.mpegurl"

UNIX_SECONDS = re.compile(r"[0-9]{1,11}")

blp = Blueprint("live", __name__, url_prefix="/live")


@blp.get("/<channel>/master.m3u8")
def master(channel: str) -> Response:
    now = datetime.now(UTC)
    stretch = _catchup_range()
    if stretch is not None:
        return _playlist(services().live.catchup_master(channel, *stretch, now))
    response = _playlist(services().live.rendered_master(channel, now))
    _watched(channel, now)
    return response


@blp.get("/<channel>/<rendition>.m3u8")
def rendition(channel: str, rendition: str) -> Response:
    now = datetime.now(UTC)
    stretch = _catchup_range()
    if stretch is not None:
        return _playlist(services().live.catchup(channel, rendition, *stretch, now))
    response = _playlist(services().live.rendered(channel, rendition, now))
    _watched(channel, now)
    return response


@blp.get("/<channel>/attendance")
def attendance(channel: str) -> Response:
    """Distinct boxes that watched the live programme of ``channel`` starting at ``programme``."""
    raw = request.args.get("programme", "")
    try:
        start = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if start.tzinfo is None:
            raise ValueError("no time zone")
    except ValueError:
        raise InvalidQuery(
            "programme must be the programme's start in ISO 8601 with a time zone.",
            {"programme": raw},
        ) from None
    devices = services().live.attendance(channel, start)
    return jsonify({"channel": channel, "programme": start.astimezone(UTC).isoformat(),
                    "devices": devices})  # fmt: skip


def _catchup_range() -> tuple[datetime, datetime] | None:
    """``start`` and ``end`` (Unix seconds, UTC) of a catch-up request; None for live."""
    raw = {name: request.args.get(name) for name in ("start", "end")}
    if raw == {"start": None, "end": None}:
        return None
    if not all(value and UNIX_SECONDS.fullmatch(value) for value in raw.values()):
        raise InvalidQuery(
            "Catch-up needs both start and end, in Unix seconds (UTC), as the channel list's "
            "catchup-source gives them ({utc} and {utcend}).",
            raw,
        )
    start, end = (datetime.fromtimestamp(int(raw[name]), UTC) for name in ("start", "end"))
    return start, end


def _watched(channel: str, now: datetime) -> None:
    device = request.args.get("device", "")[:64]
    if not device:
        address = request.remote_addr or ""
        device = "ip:" + hashlib.sha256(address.encode()).hexdigest()[:16]
    try:
        services().live.watched(channel, now, device)
    except ServiceError as error:  # the playlist was served; a plan edge must not fail it
        log.debug("attendance on %s not recorded: %s", channel, error)


def _playlist(rendered: Rendered) -> Response:
    headers = {
        "ETag": rendered.etag,
        "Cache-Control": f"public, max-age={rendered.max_age}",
        "Access-Control-Allow-Origin": "*",  # hls.js players on other origins
    }
    if not_modified(Entry(rendered.etag, b""), request.headers.get("If-None-Match")):
        return Response(status=304, headers=headers)
    return Response(rendered.body, 200, {"Content-Type": MPEGURL, **headers})
