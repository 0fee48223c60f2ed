"""The catalog feed's structure (docs/catalog-feed.md), loaded into ``services.catalog_feed``.

Records are loaded one by one, so the report names every rejected record ("course
math-g3-01: title.zh: Missing data for required field.") rather than marshmallow's index
paths, and ``CatalogImport`` can add its reference checks of the others to the same report.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from tv_backend.schemas.catalog import CODE
from tv_backend.services.catalog_feed import (
    Feed,
    FeedCourse,
    FeedLesson,
    FeedSeries,
    FeedSubtitle,
    Text,
)
from tv_backend.services.errors import FeedRejected

FEED_FORMAT = "edutv.catalog"
EXTERNAL_ID = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$",
    error="1-128 letters, digits or _ . : / -; starting alphanumeric.",
)
COLOR = validate.Regexp(r"^#[0-9A-Fa-f]{6}$", error="A colour like #1E88E5.")
MEDIA = validate.Length(min=1, max=500)


class TextSchema(Schema):
    zh = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    en = fields.String(load_default="", validate=validate.Length(max=2000))

    @post_load
    def make(self, data, **_):
        return Text(**data)


class SeriesSchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name = fields.Nested(TextSchema, required=True)
    description = fields.Nested(TextSchema, load_default=Text(""))
    color = fields.String(required=True, validate=COLOR)

    @post_load
    def make(self, data, **_):
        return FeedSeries(**data)


class SubtitleSchema(Schema):
    lang = fields.String(required=True, validate=validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z]+)?$"))
    url = fields.String(required=True, validate=MEDIA)

    @post_load
    def make(self, data, **_):
        return FeedSubtitle(**data)


class LessonSchema(Schema):
    external_id = fields.String(required=True, validate=EXTERNAL_ID)
    position = fields.Integer(required=True, strict=True, validate=validate.Range(1, 999))
    title = fields.Nested(TextSchema, required=True)
    duration = fields.Float(required=True, validate=validate.Range(0.1, 24 * 3600))
    hls = fields.String(required=True, validate=MEDIA)
    subtitles = fields.List(fields.Nested(SubtitleSchema), load_default=())

    @post_load
    def make(self, data, **_):
        return FeedLesson(**{**data, "subtitles": tuple(data["subtitles"])})


class CourseSchema(Schema):
    external_id = fields.String(required=True, validate=EXTERNAL_ID)
    title = fields.Nested(TextSchema, required=True)
    description = fields.Nested(TextSchema, load_default=Text(""))
    stage = fields.String(required=True, validate=CODE)
    grade = fields.String(load_default=None, allow_none=True, validate=CODE)
    subject = fields.String(required=True, validate=CODE)
    series = fields.String(load_default=None, allow_none=True, validate=CODE)
    textbook_edition = fields.String(load_default="", validate=validate.Length(max=64))
    tags = fields.List(
        fields.String(validate=validate.Length(1, 32)),
        load_default=(),
        validate=validate.Length(max=20),
    )
    poster = fields.String(load_default="", validate=validate.Length(max=500))
    lessons = fields.List(
        fields.Nested(LessonSchema), required=True, validate=validate.Length(min=1, max=500)
    )

    @post_load
    def make(self, data, **_):
        return FeedCourse(
            **{**data, "tags": tuple(data["tags"]), "lessons": tuple(data["lessons"])}
        )


class EnvelopeSchema(Schema):
    """The feed around its records; each record is then loaded on its own."""

    feed = fields.String(required=True, validate=validate.Equal(FEED_FORMAT))
    version = fields.Integer(required=True, strict=True, validate=validate.Equal(1))
    source = fields.String(required=True, validate=validate.Length(1, 128))
    series = fields.List(fields.Raw(), load_default=list)
    courses = fields.List(fields.Raw(), required=True)


def load_feed(data: Any) -> Feed:
    """A ``Feed`` of the well-formed records, with the malformed ones in ``Feed.rejected``.

    A feed whose envelope is wrong raises ``FeedRejected`` at once.
    """
    if not isinstance(data, dict):
        raise FeedRejected("A catalog feed is a JSON object.", {"feed": ["Not a JSON object."]})
    try:
        envelope = EnvelopeSchema().load(data)
    except ValidationError as err:
        raise FeedRejected(
            "This is not an EduTV catalog feed (docs/catalog-feed.md); nothing was imported.",
            {"feed": err.messages},
        ) from None
    rejected: dict[str, Any] = {}
    series = _load_each(SeriesSchema(), envelope["series"], "series", rejected)
    courses = _load_each(CourseSchema(), envelope["courses"], "courses", rejected)
    return Feed(
        source=envelope["source"], courses=tuple(courses), series=tuple(series), rejected=rejected
    )


def _load_each(schema: Schema, items: list, key: str, rejected: dict) -> list:
    loaded = []
    for index, item in enumerate(items):
        try:
            loaded.append(schema.load(item))
        except ValidationError as err:
            rejected[_label(key, index, items)] = err.messages
    return loaded


def _label(key: str, index: int, items: list) -> str:
    item = items[index]
    ident = (
        item.get("external_id" if key == "courses" else "code") if isinstance(item, dict) else None
    )
    noun = "course" if key == "courses" else "series"
    return f"{noun} {ident}" if isinstance(ident, str) and ident else f"{key}[{index}]"
