"""Channels and the programme guide: the TV's guide JSON, XMLTV and M3U for IPTV players, and
the operators' writes (docs/epg-api.md).

Reads are served from prepared bytes in the guide's own response cache (``epg_responses``),
keyed by the guide version and the canonical query, with a strong ETag, ``Cache-Control`` and
304 for ``If-None-Match``; a write bumps the version, so nothing is ever stale past it. The
now/next answer also depends on the clock: it is prepared per minute and its max-age ends with
the minute.

Operator endpoints (import, channel and schedule writes, publish) take no sign-in yet: staff
sign-in comes with the console issue; until then keep them behind the reverse proxy.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema
from werkzeug.exceptions import RequestEntityTooLarge

from tv_backend.api import services
from tv_backend.api.fast_path import not_modified
from tv_backend.schemas import epg as s
from tv_backend.services.epg import MAX_IMPORT_BYTES, ImportTooLarge
from tv_backend.services.response_cache import Entry

blp = Blueprint(
    "epg",
    __name__,
    url_prefix="/api/v1",
    description="Channels and the programme guide; operators' imports and schedules.",
)
feeds = Blueprint(
    "epg_feeds",
    __name__,
    description="The guide for IPTV players: XMLTV (/epg.xml) and the M3U channel list.",
)

CHANNELS = s.ChannelListSchema()
CHANNEL = s.ChannelSchema()
GUIDE = s.GuideSchema()
NOW_NEXT = s.NowNextSchema()
IMPORT_REPORT = s.ImportReportSchema()
PUBLISH_REPORT = s.PublishReportSchema()
SCHEDULE = s.ScheduleSchema()
XML_BODY = {"required": True, "content": {"application/xml": {"schema": {"type": "string"}}}}


def _json(schema: Schema, data: object) -> bytes:
    return json.dumps(schema.dump(data), ensure_ascii=False, separators=(",", ":")).encode()


def _cached(
    name: str, build: Callable[[], bytes], mimetype: str, max_age: int | None = None
) -> Response:
    svc = services()
    entry: Entry = svc.epg_responses.get(name, build)
    age = svc.settings.http_max_age if max_age is None else max_age
    headers = {"ETag": entry.etag, "Cache-Control": f"public, max-age={age}"}
    if not_modified(entry, request.headers.get("If-None-Match")):
        return Response(status=304, headers=headers)
    return Response(entry.body, 200, headers, mimetype=mimetype)


def _no_store(schema: Schema, data: object, status: int = 200) -> Response:
    return Response(
        _json(schema, data), status, {"Cache-Control": "no-store"}, mimetype="application/json"
    )


# -- reads -----------------------------------------------------------------------------------


@blp.route("/channels")
@blp.response(200, s.ChannelListSchema)
def channels():
    """Every channel, by number: names, logo, group, live stream and catch-up days."""
    epg = services().epg
    return _cached(
        "channels", lambda: _json(CHANNELS, {"channels": epg.channels()}), "application/json"
    )


@blp.route("/guide")
@blp.arguments(s.GuideQuerySchema, location="query", unknown=RAISE)
@blp.response(200, s.GuideSchema)
def guide(args):
    """A page of channels with their programmes overlapping [start, start + hours)."""
    start = args.get("start") or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    stop = start + timedelta(hours=args["hours"])
    offset, limit = args["offset"], args["limit"]
    name = f"guide?start={s.iso_z(start)}&hours={args['hours']}&offset={offset}&limit={limit}"
    epg = services().epg

    def build() -> bytes:
        return _json(GUIDE, s.guide_data(epg.guide(start, stop, offset, limit)))

    return _cached(name, build, "application/json")


@blp.route("/guide/now")
@blp.arguments(s.NowQuerySchema, location="query", unknown=RAISE)
@blp.response(200, s.NowNextSchema)
def now_next(args):
    """What every channel shows now and next (per minute; ``at`` answers another time)."""
    if "at" in args:
        at, max_age = args["at"], None
    else:
        clock = datetime.now(UTC)
        at = clock.replace(second=0, microsecond=0)
        max_age = min(services().settings.http_max_age, 60 - clock.second)
    epg = services().epg
    return _cached(
        f"guide/now?at={s.iso_z(at)}",
        lambda: _json(NOW_NEXT, s.now_next_data(epg.now_next(at))),
        "application/json",
        max_age,
    )


@feeds.route("/epg.xml")
@feeds.response(200, content_type="application/xml")
def epg_xml():
    """The whole stored guide as XMLTV (channels with an XMLTV id and programmes)."""
    return _cached("epg.xml", services().epg.export_xmltv, "application/xml")


@feeds.route("/channels.m3u")
@feeds.response(200, content_type="audio/x-mpegurl")
def channels_m3u():
    """The channel list for IPTV players, with absolute URLs on this host."""
    base = request.host_url
    epg = services().epg
    return _cached(
        f"channels.m3u?base={base}", lambda: epg.m3u(base).encode("utf-8"), "audio/x-mpegurl"
    )


# -- operator writes ---------------------------------------------------------------------------


@blp.route("/epg/import", methods=["POST"])
@blp.arguments(s.ImportQuerySchema, location="query", unknown=RAISE)
@blp.doc(requestBody=XML_BODY)
@blp.response(200, s.ImportReportSchema)
@blp.alt_response(400, response="DEFAULT_ERROR")
@blp.alt_response(413, response="DEFAULT_ERROR")
def import_xmltv(args):
    """Import an XMLTV file (the body): channels upserted, the file's span replaced."""
    request.max_content_length = MAX_IMPORT_BYTES
    try:
        data = request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise ImportTooLarge(
            f"The XMLTV file is larger than {MAX_IMPORT_BYTES} bytes; nothing was imported."
        ) from None
    report = services().epg.import_xmltv(data, replace=args["replace"])
    return _no_store(IMPORT_REPORT, report)


@blp.route("/channels/<channel_id>", methods=["PUT"])
@blp.arguments(s.ChannelInSchema, unknown=RAISE)
@blp.response(200, s.ChannelSchema)
@blp.alt_response(201, schema=s.ChannelSchema)
@blp.alt_response(422, response="DEFAULT_ERROR")
def put_channel(values, channel_id):
    """Create (201) or replace (200) a channel."""
    channel, created = services().epg.put_channel(channel_id, values)
    return _no_store(CHANNEL, channel, 201 if created else 200)


@blp.route("/channels/<channel_id>/schedule", methods=["PUT"])
@blp.arguments(s.ScheduleInSchema, unknown=RAISE)
@blp.response(200, s.ScheduleSchema)
@blp.alt_response(422, response="DEFAULT_ERROR")
def put_schedule(body, channel_id):
    """Store a channel's schedule definition and academic calendar (epg.schedule JSON)."""
    schedule, calendar = services().epg.put_schedule(channel_id, body["schedule"], body["calendar"])
    data = {
        "channel": channel_id,
        "schedule": schedule.to_dict(),
        "calendar": calendar.to_dict() if calendar else None,
    }
    return _no_store(SCHEDULE, data)


@blp.route("/channels/<channel_id>/schedule", methods=["GET"])
@blp.response(200, s.ScheduleSchema)
def get_schedule(channel_id):
    """A channel's stored schedule definition and calendar."""
    schedule, calendar = services().epg.schedule(channel_id)
    return _no_store(SCHEDULE, {"channel": channel_id, "schedule": schedule, "calendar": calendar})


@blp.route("/channels/<channel_id>/publish", methods=["POST"])
@blp.arguments(s.PublishInSchema, unknown=RAISE)
@blp.response(200, s.PublishReportSchema)
@blp.alt_response(422, response="DEFAULT_ERROR")
def publish(body, channel_id):
    """Build ``days`` local days from ``start`` with the channel's schedule and publish them."""
    report = services().epg.publish(channel_id, body["start"], body["days"])
    return _no_store(PUBLISH_REPORT, report)
