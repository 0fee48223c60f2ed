"""Request and response schemas of the channels and guide API (docs/epg-api.md).

Times go out as ISO 8601 UTC with "Z" (``2026-11-30T08:00:00Z``) and come in as ISO 8601 with
an offset. Texts go out as ``{"zh", "en"}`` like the catalog's: Chinese (or the only language a
feed gave) first, English or "".
"""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, ValidationError, fields, validate

from epg.model import Channel, pick_text
from tv_backend.services.epg import MAX_PUBLISH_DAYS, stream_path

MAX_HOURS = 48
MAX_LIMIT = 200


def iso_z(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class UtcTime(fields.DateTime):
    """Dumps ``YYYY-MM-DDThh:mm:ssZ``; loads ISO 8601 with an offset (or "Z")."""

    def __init__(self, **kwargs) -> None:
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else iso_z(value)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValidationError("Give a time zone: an offset such as +08:00, or Z.")
        return moment.astimezone(UTC)


class Texts(fields.Field):
    """A language -> text dict as ``{"zh": ..., "en": ...}``."""

    def _serialize(self, value, attr, obj, **kwargs):
        value = value or {}
        return {"zh": pick_text(value, "zh"), "en": value.get("en", "")}


class TextsIn(fields.Dict):
    """``{"zh": "...", "en": "..."}`` in a request (other BCP 47 keys allowed)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            keys=fields.String(validate=validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")),
            values=fields.String(validate=validate.Length(max=200)),
            **kwargs,
        )


# -- channels ------------------------------------------------------------------------------


class ChannelSchema(Schema):
    id = fields.String(metadata={"description": "XMLTV channel id = M3U tvg-id."})
    number = fields.Integer(metadata={"description": "What the remote's digits tune."})
    name = Texts(attribute="names")
    logo = fields.String(allow_none=True)
    group = Texts()
    stream = fields.Method("_stream", metadata={"description": "The live HLS playlist."})
    catchup_days = fields.Integer(metadata={"description": "0: no catch-up."})

    def _stream(self, channel: Channel) -> str:
        return "/" + stream_path(channel.id)


class ChannelListSchema(Schema):
    channels = fields.List(fields.Nested(ChannelSchema))


class ChannelInSchema(Schema):
    """``PUT /api/v1/channels/<id>``: the channel's fields but its id (in the path)."""

    number = fields.Integer(required=True, strict=True, validate=validate.Range(1, 9999))
    name = TextsIn(required=True, data_key="name", attribute="names")
    timezone = fields.String(load_default="Asia/Shanghai", validate=validate.Length(1, 64))
    logo = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    group = TextsIn(load_default=dict)
    lineups = fields.List(
        fields.String(validate=validate.Length(1, 64)),
        load_default=list,
        validate=validate.Length(max=100),
    )
    catchup_days = fields.Integer(load_default=7, strict=True, validate=validate.Range(0, 30))


# -- guide -----------------------------------------------------------------------------------


class GuideQuerySchema(Schema):
    start = UtcTime(
        metadata={"description": "ISO 8601 with offset; default: this hour (UTC)."},
    )
    hours = fields.Integer(load_default=6, validate=validate.Range(1, MAX_HOURS))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_LIMIT))


class NowQuerySchema(Schema):
    at = UtcTime(metadata={"description": "Answer for this time instead of now (tests)."})


class ProgrammeSchema(Schema):
    start = UtcTime()
    stop = UtcTime()
    title = Texts()
    description = Texts()
    lesson_id = fields.Integer(allow_none=True)
    course_id = fields.Integer(allow_none=True)
    live = fields.Boolean()
    filler = fields.Boolean()
    subject = fields.String(allow_none=True)
    grade = fields.Integer(allow_none=True)
    stage = fields.String(allow_none=True)


class GuideChannelSchema(Schema):
    id = fields.String()
    number = fields.Integer()
    name = Texts()
    programmes = fields.List(fields.Nested(ProgrammeSchema))


class GuideSchema(Schema):
    start = UtcTime()
    stop = UtcTime()
    channels = fields.List(fields.Nested(GuideChannelSchema))
    next_offset = fields.Integer(allow_none=True)


class NowNextChannelSchema(Schema):
    id = fields.String()
    now = fields.Nested(ProgrammeSchema, allow_none=True)
    next = fields.Nested(ProgrammeSchema, allow_none=True)


class NowNextSchema(Schema):
    now = UtcTime()
    channels = fields.List(fields.Nested(NowNextChannelSchema))


def guide_data(page) -> dict:
    """A `GuidePage` in the shape `GuideSchema` dumps."""
    return {
        "start": page.start,
        "stop": page.stop,
        "channels": [
            {"id": c.id, "number": c.number, "name": c.names, "programmes": programmes}
            for c, programmes in page.channels
        ],
        "next_offset": page.next_offset,
    }


def now_next_data(page) -> dict:
    return {
        "now": page.now,
        "channels": [{"id": c.id, "now": n.current, "next": n.next} for c, n in page.channels],
    }


# -- operator writes -------------------------------------------------------------------------


class ImportQuerySchema(Schema):
    replace = fields.Boolean(
        load_default=True,
        metadata={"description": "false: merge into the stored programmes of the file's span."},
    )


class ImportReportSchema(Schema):
    channels = fields.Integer()
    created = fields.Integer()
    programmes = fields.Integer()
    replaced = fields.Integer()
    skipped = fields.Integer()
    adjusted = fields.Integer()
    repaired = fields.Integer()
    unknown_channels = fields.List(fields.String())
    notes = fields.List(fields.String(), metadata={"description": "The first 20 notes."})
    version = fields.Integer(allow_none=True, metadata={"description": "The guide version."})
    summary = fields.String()


class ScheduleInSchema(Schema):
    schedule = fields.Dict(required=True, metadata={"description": "epg.schedule JSON."})
    calendar = fields.Dict(
        load_default=None, allow_none=True, metadata={"description": "epg.calendar JSON."}
    )


class ScheduleSchema(Schema):
    channel = fields.String()
    schedule = fields.Dict()
    calendar = fields.Dict(allow_none=True)


class PublishInSchema(Schema):
    start = fields.Date(required=True, metadata={"description": "The first local day."})
    days = fields.Integer(load_default=7, strict=True, validate=validate.Range(1, MAX_PUBLISH_DAYS))


class PublishReportSchema(Schema):
    channel = fields.String()
    start = UtcTime()
    stop = UtcTime()
    programmes = fields.Integer()
    replaced = fields.Integer()
    summary = fields.String()
    issues = fields.List(fields.String())
    version = fields.Integer(allow_none=True)
