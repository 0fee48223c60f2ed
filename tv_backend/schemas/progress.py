"""Request and response schemas of the progress API (docs/progress-api.md).

A batch is loaded in two steps, as catalog feeds are: the envelope first (a body that is not a
batch at all raises ``BatchRejected``, 422), then each event on its own, so one bad event is
rejected by its id and never blocks the others. Unknown fields are ignored, so a newer TV can
add fields without its events being refused (and dropped from its outbox).
"""

from __future__ import annotations

from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from tv_backend.schemas.catalog import CourseSummarySchema
from tv_backend.services.progress import (
    KINDS,
    Batch,
    BatchRejected,
    ProgressEvent,
    Rejected,
)

MAX_EVENTS = 500
MAX_INTERVALS = 1000  # per event: ten seconds of playing are one or two
MAX_DURATION_S = 24 * 3600.0  # as a catalog feed's lessons
EVENT_COUNT = validate.Length(1, MAX_EVENTS, error=f"1 to {MAX_EVENTS} events.")
DEVICE = validate.Regexp(
    r"^[A-Za-z0-9_-]{8,64}$", error="8 to 64 letters, digits, - or _ (the device id)."
)


class ProgressEventSchema(Schema):
    """One event from the TV's outbox."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(
        required=True,
        validate=validate.Length(8, 64),
        metadata={"description": "Made by the TV, unique on the device (e.g. uuid4 hex)."},
    )
    profile = fields.String(
        required=True,
        validate=validate.Length(1, 64),
        metadata={"description": "The local profile on the device."},
    )
    lesson_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    position_s = fields.Float(required=True, validate=validate.Range(min=0))
    duration_s = fields.Float(
        required=True,
        validate=validate.Range(min=0, max=MAX_DURATION_S, min_inclusive=False),
    )
    played = fields.List(
        fields.List(fields.Float(), validate=validate.Length(equal=2)),
        load_default=list,
        validate=validate.Length(max=MAX_INTERVALS),
        metadata={"description": "[[start_s, end_s], ...] played since the previous event."},
    )
    client_time = fields.AwareDateTime(
        required=True, format="iso", metadata={"description": "RFC 3339 with an offset."}
    )
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))

    @validates_schema
    def _played_within_the_lesson(self, data: dict, **_) -> None:
        limit = data["duration_s"] + 1
        errors = {
            n: [f"Not 0 <= start < end <= duration_s + 1 ({limit:g})."]
            for n, (start, end) in enumerate(data["played"])
            if not 0 <= start < end <= limit
        }
        if errors:
            raise ValidationError({"played": errors})

    @post_load
    def make(self, data: dict, **_) -> ProgressEvent:
        played = tuple((start, end) for start, end in data["played"])
        return ProgressEvent(**{**data, "played": played})


class ProgressBatchSchema(Schema):
    """``POST /api/v1/progress``: a device's events, 1 to 500."""

    class Meta:
        unknown = EXCLUDE

    device = fields.String(required=True, validate=DEVICE)
    events = fields.List(
        fields.Nested(ProgressEventSchema),
        required=True,
        validate=EVENT_COUNT,
    )


class _EnvelopeSchema(ProgressBatchSchema):
    """The batch around its events; each event is then loaded on its own."""

    events = fields.List(fields.Raw(), required=True, validate=EVENT_COUNT)


EVENT = ProgressEventSchema()
ENVELOPE = _EnvelopeSchema()


def load_batch(data: Any) -> Batch:
    """A `Batch` of the valid events, the others in ``Batch.rejected``.

    Raises ``BatchRejected`` when ``data`` is not a batch at all.
    """
    if not isinstance(data, dict):
        raise BatchRejected(
            'A progress batch is a JSON object: {"device": ..., "events": [...]}.',
            {"body": ["Not a JSON object."]},
        )
    try:
        envelope = ENVELOPE.load(data)
    except ValidationError as err:
        raise BatchRejected(
            "This is not a progress batch (docs/progress-api.md); nothing was recorded.",
            err.messages_dict,
        ) from None
    events, rejected = [], []
    for raw in envelope["events"]:
        try:
            events.append(EVENT.load(raw))
        except ValidationError as err:
            rejected.append(_invalid(raw, err))
    return Batch(envelope["device"], tuple(events), tuple(rejected))


def _invalid(raw: Any, err: ValidationError) -> Rejected:
    ident = raw.get("id") if isinstance(raw, dict) else None
    return Rejected(
        ident if isinstance(ident, str) else None,
        "invalid_event",
        "The event is not valid; it was dropped. See errors.",
        err.messages_dict,
    )


class RejectedEventSchema(Schema):
    id = fields.String(allow_none=True, metadata={"description": "The event's id, if it had one."})
    code = fields.String(metadata={"description": "invalid_event or unknown_lesson."})
    message = fields.String()
    errors = fields.Dict(metadata={"description": "Per field."})


class ProgressBatchResultSchema(Schema):
    acked = fields.List(fields.String(), metadata={"description": "Recorded (or seen before)."})
    rejected = fields.List(fields.Nested(RejectedEventSchema))


class ProgressQuerySchema(Schema):
    device = fields.String(required=True, validate=DEVICE)
    profile = fields.String(required=True, validate=validate.Length(1, 64))
    course_id = fields.Integer(
        validate=validate.Range(min=1), metadata={"description": "Only this course's lessons."}
    )


class WatchedLessonSchema(Schema):
    lesson_id = fields.Integer()
    course_id = fields.Integer()
    position_s = fields.Float(metadata={"description": "Where to resume, seconds."})
    duration_s = fields.Float()
    coverage = fields.Float(metadata={"description": "Fraction of the seconds played, 0 to 1."})
    watched_s = fields.Float(
        metadata={"description": "Seconds of the lesson played, each second once (coverage)."}
    )
    completed = fields.Boolean(metadata={"description": "90% played; never undone."})
    updated_at = fields.DateTime(format="iso", metadata={"description": "Latest client time."})


class ContinueItemSchema(Schema):
    course = fields.Nested(CourseSummarySchema)
    lesson_id = fields.Integer()
    position_s = fields.Float()


class ProgressSchema(Schema):
    lessons = fields.List(fields.Nested(WatchedLessonSchema))
    continue_ = fields.List(
        fields.Nested(ContinueItemSchema),
        data_key="continue",
        metadata={"description": "Courses to continue, most recent first, at most 12."},
    )
