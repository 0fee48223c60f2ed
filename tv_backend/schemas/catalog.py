"""Query and response schemas of the catalog API (taxonomy, courses, search, home)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tv_backend.schemas.fields import Bilingual, MediaUrl

CODE = validate.Regexp(
    r"^[a-z0-9][a-z0-9_-]{0,31}$", error="Not a code: lowercase a-z, 0-9, - or _."
)


class CourseQuerySchema(Schema):
    stage = fields.String(validate=CODE, metadata={"description": "Stage code, e.g. primary."})
    grade = fields.String(validate=CODE, metadata={"description": "Grade code, e.g. g3."})
    subject = fields.String(validate=CODE, metadata={"description": "Subject code, e.g. math."})
    series = fields.String(validate=CODE, metadata={"description": "Series code."})
    cursor = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "The next_cursor of the previous page."},
    )
    limit = fields.Integer(
        load_default=24,
        validate=validate.Range(1, 100, error="Pages hold 1 to 100 courses."),
        metadata={"description": "Page size, 1 to 100."},
    )


class SearchQuerySchema(Schema):
    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64, error="Searches are 1 to 64 characters."),
        metadata={"description": "Chinese, English, pinyin or pinyin initials (sx: 数学)."},
    )
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 50))


class HomeQuerySchema(Schema):
    grade = fields.String(validate=CODE, metadata={"description": "The child's grade code."})


OFFERED = {"description": "Codes of the subjects with courses here, in the subjects' order."}


class GradeSchema(Schema):
    code = fields.String()
    name = Bilingual("name")
    subjects = fields.List(fields.String(), metadata=OFFERED)


class StageSchema(Schema):
    code = fields.String()
    name = Bilingual("name")
    grades = fields.List(fields.Nested(GradeSchema))
    subjects = fields.List(fields.String(), metadata=OFFERED)


class LabelSchema(Schema):
    """A subject or series: code, bilingual name and its colour."""

    code = fields.String()
    name = Bilingual("name")
    color = fields.String()


class SeriesSchema(LabelSchema):
    description = Bilingual("description")
    subjects = fields.List(fields.String(), metadata=OFFERED)


class TaxonomySchema(Schema):
    stages = fields.List(fields.Nested(StageSchema))
    subjects = fields.List(fields.Nested(LabelSchema))
    series = fields.List(fields.Nested(SeriesSchema))


class RefSchema(Schema):
    code = fields.String()
    name = Bilingual("name")


class CourseSummarySchema(Schema):
    id = fields.Integer()
    external_id = fields.String()
    title = Bilingual("title")
    poster = MediaUrl()
    stage = fields.Nested(RefSchema)
    grade = fields.Nested(RefSchema, allow_none=True)
    subject = fields.Nested(LabelSchema)
    series = fields.Nested(LabelSchema, allow_none=True)
    textbook_edition = fields.String()
    tags = fields.List(fields.String())
    lesson_count = fields.Function(lambda course: len(course.lessons))
    duration = fields.Function(
        lambda course: round(sum(lesson.duration for lesson in course.lessons), 3),
        metadata={"description": "Total seconds of all lessons."},
    )


class SubtitleSchema(Schema):
    lang = fields.String()
    url = MediaUrl()


class LessonSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    title = Bilingual("title")
    duration = fields.Float(metadata={"description": "Seconds."})
    hls = MediaUrl(metadata={"description": "HLS master playlist (adaptive)."})
    subtitles = fields.List(fields.Nested(SubtitleSchema))


class CourseDetailSchema(CourseSummarySchema):
    description = Bilingual("description")
    lessons = fields.List(fields.Nested(LessonSchema))


class CoursePageSchema(Schema):
    items = fields.List(fields.Nested(CourseSummarySchema))
    next_cursor = fields.String(allow_none=True)


class SearchResultSchema(Schema):
    query = fields.String()
    items = fields.List(fields.Nested(CourseSummarySchema))


class HomeRowSchema(Schema):
    kind = fields.String(metadata={"description": "recommended, latest or series."})
    title = Bilingual("title")
    series = fields.Nested(LabelSchema, allow_none=True)
    items = fields.List(fields.Nested(CourseSummarySchema))


class HomeSchema(Schema):
    rows = fields.List(fields.Nested(HomeRowSchema))
