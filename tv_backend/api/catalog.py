"""The catalog for the TV: taxonomy, courses, course detail, search and home rows."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import RAISE

from tv_backend.api import services
from tv_backend.api.cached import cached_json
from tv_backend.schemas import catalog as s
from tv_backend.services.catalog import HomeRow
from tv_backend.storage.catalog import CourseFilter

blp = Blueprint("catalog", __name__, url_prefix="/api/v1", description="The course catalog.")

# Schemas are built once: building one per request costs more than serving a cached response.
COURSE_QUERY = s.CourseQuerySchema()
SEARCH_QUERY = s.SearchQuerySchema()
HOME_QUERY = s.HomeQuerySchema()
TAXONOMY = s.TaxonomySchema()
COURSE_PAGE = s.CoursePageSchema()
COURSE_DETAIL = s.CourseDetailSchema()
SEARCH_RESULT = s.SearchResultSchema()
HOME = s.HomeSchema()


@blp.route("/taxonomy")
@blp.response(200, s.TaxonomySchema)
def taxonomy():
    """Stages with their grades, subjects and series, in display order.

    Each stage, grade and series lists the subjects it has courses in (``subjects``).
    """
    return cached_json(TAXONOMY, services().catalog.offered_taxonomy)


@blp.route("/courses")
@blp.arguments(COURSE_QUERY, location="query", unknown=RAISE)
@blp.response(200, s.CoursePageSchema)
def courses(args):
    """Courses filtered by stage, grade, subject and series, a page at a time."""
    where = CourseFilter(**{k: args.get(k) for k in ("stage", "grade", "subject", "series")})
    return cached_json(
        COURSE_PAGE,
        lambda: services().catalog.courses(where, cursor=args.get("cursor"), limit=args["limit"]),
    )


@blp.route("/courses/<int:course_id>")
@blp.response(200, s.CourseDetailSchema)
def course(course_id: int):
    """One course with its lessons in order."""
    return cached_json(COURSE_DETAIL, lambda: services().catalog.course(course_id))


@blp.route("/search")
@blp.arguments(SEARCH_QUERY, location="query", unknown=RAISE)
@blp.response(200, s.SearchResultSchema)
def search(args):
    """Courses by Chinese, English, pinyin or pinyin initials (``sx`` finds 数学)."""
    query = args["q"]
    return cached_json(
        SEARCH_RESULT,
        lambda: {"query": query, "items": services().catalog.search(query, limit=args["limit"])},
    )


@blp.route("/home")
@blp.arguments(HOME_QUERY, location="query", unknown=RAISE)
@blp.response(200, s.HomeSchema)
def home(args):
    """Rows of the TV home screen: recommended for the grade, newest, one per series."""

    def rows() -> dict[str, list[HomeRow]]:
        return {"rows": services().catalog.home(args.get("grade"))}

    return cached_json(HOME, rows)
