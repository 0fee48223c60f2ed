"""Viewing progress: the TV's outbox posts events here; home and course pages read them back.

Progress is per viewer and changes with every report, so nothing here goes through the catalog's
response cache and every answer says ``Cache-Control: no-store``.
"""

from __future__ import annotations

import json

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema
from marshmallow.experimental.context import Context

from tv_backend.api import services
from tv_backend.schemas import progress as s

blp = Blueprint(
    "progress",
    __name__,
    url_prefix="/api/v1",
    description="Viewing progress: resume positions, played seconds, continue watching.",
)

PROGRESS_QUERY = s.ProgressQuerySchema()
PROGRESS = s.ProgressSchema()
BATCH_RESULT = s.ProgressBatchResultSchema()
BATCH_BODY = {"required": True, "content": {"application/json": {"schema": s.ProgressBatchSchema}}}


@blp.route("/progress")
class Progress(MethodView):
    @blp.arguments(PROGRESS_QUERY, location="query", unknown=RAISE)
    @blp.response(200, s.ProgressSchema)
    def get(self, args):
        """A viewer's lessons and the courses to continue (optionally one course's)."""
        progress = services().progress.progress(
            args["device"], args["profile"], args.get("course_id")
        )
        return _no_store(PROGRESS, progress)

    @blp.doc(requestBody=BATCH_BODY)
    @blp.response(200, s.ProgressBatchResultSchema)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self):
        """Record a batch of progress events; each is acked or rejected, and applied once."""
        batch = s.load_batch(request.get_json(force=True, silent=True))
        return _no_store(BATCH_RESULT, services().progress.record(batch))


def _no_store(schema: Schema, result: object) -> Response:
    with Context({"media_url": services().settings.media_url}):
        data = schema.dump(result)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(body, 200, {"Cache-Control": "no-store"}, mimetype="application/json")
