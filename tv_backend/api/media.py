"""Media files (HLS playlists, segments, posters) served by the backend in development.

In production nginx or a CDN serves TV_MEDIA_DIR and ``TV_SERVE_MEDIA=0`` turns this off
(see packaging/nginx/edutv.conf).
"""

from __future__ import annotations

from flask import Blueprint, send_from_directory

from tv_backend.api import services

blp = Blueprint("media", __name__)

MIMETYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".vtt": "text/vtt",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}


@blp.get("/media/<path:path>")
def media(path: str):
    suffix = path[path.rfind(".") :].lower() if "." in path else ""
    response = send_from_directory(
        services().settings.resolved_media_dir.resolve(), path, mimetype=MIMETYPES.get(suffix)
    )
    if suffix == ".m3u8":
        response.cache_control.max_age = 60
    else:
        response.cache_control.max_age = 86400
    response.cache_control.public = True
    response.headers["Access-Control-Allow-Origin"] = "*"  # hls.js players on other origins
    return response
