"""Linear channels as live HLS: ``/live/<channel>/master.m3u8`` and ``<rendition>.m3u8``.

Plain Flask routes (playlists, not JSON): the service renders, this sets the headers. Segment
URIs in the playlists are absolute (``/media/...`` or the CDN origin of TV_MEDIA_URL), so they
resolve wherever the playlist is served. Errors are `ServiceError`s, which the app turns into
the one error body (404 ``not_found``: unknown channel or rendition; 503 ``not_on_air``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response

from tv_backend.api import services
from tv_backend.services.live import Rendered

MPEGURL = "application/vnd.apple.mpegurl"

blp = Blueprint("live", __name__, url_prefix="/live")


@blp.get("/<channel>/master.m3u8")
def master(channel: str) -> Response:
    return _playlist(services().live.rendered_master(channel, datetime.now(UTC)))


@blp.get("/<channel>/<rendition>.m3u8")
def rendition(channel: str, rendition: str) -> Response:
    return _playlist(services().live.rendered(channel, rendition, datetime.now(UTC)))


def _playlist(rendered: Rendered) -> Response:
    return Response(
        rendered.body,
        200,
        {
            "Content-Type": MPEGURL,
            "Cache-Control": f"public, max-age={rendered.max_age}",
            "Access-Control-Allow-Origin": "*",  # hls.js players on other origins
        },
    )
