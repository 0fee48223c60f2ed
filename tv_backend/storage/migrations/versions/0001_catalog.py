"""The catalog: taxonomy (stages, grades, subjects, series), courses, lessons, catalog version.

Revision ID: 0001
Revises:
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STAGES = [
    ("primary", "小学", "Primary school"),
    ("junior", "初中", "Junior secondary"),
    ("senior", "高中", "Senior secondary"),
    ("vocational", "中职", "Vocational school"),
    ("higher", "高校", "Higher education"),
    ("family", "家庭教育", "Family education"),
]
_CN_NUMBERS = "一二三四五六七八九"
GRADES = (
    [("primary", f"g{n}", f"{_CN_NUMBERS[n - 1]}年级", f"Grade {n}") for n in range(1, 7)]
    + [("junior", f"g{n}", f"{_CN_NUMBERS[n - 1]}年级", f"Grade {n}") for n in range(7, 10)]
    + [("senior", f"g{n}", f"高{_CN_NUMBERS[n - 10]}", f"Grade {n}") for n in range(10, 13)]
    + [
        ("vocational", f"v{n}", f"中职{_CN_NUMBERS[n - 1]}年级", f"Vocational year {n}")
        for n in range(1, 4)
    ]
)
SUBJECTS = [
    ("chinese", "语文", "Chinese", "#E0533D"),
    ("math", "数学", "Mathematics", "#3D7BE0"),
    ("english", "英语", "English", "#8E5BD8"),
    ("morality", "道德与法治", "Morality and Law", "#C9413A"),
    ("science", "科学", "Science", "#1FA38A"),
    ("physics", "物理", "Physics", "#2F8FD8"),
    ("chemistry", "化学", "Chemistry", "#D8762F"),
    ("biology", "生物", "Biology", "#4CAF50"),
    ("history", "历史", "History", "#A5744A"),
    ("geography", "地理", "Geography", "#2BA3B8"),
    ("politics", "思想政治", "Politics", "#B83B5E"),
    ("music", "音乐", "Music", "#D84C9A"),
    ("art", "美术", "Art", "#E68A00"),
    ("pe", "体育与健康", "Physical Education", "#3FA34D"),
    ("it", "信息科技", "Information Technology", "#5C6BC0"),
    ("labor", "劳动", "Labour", "#8D6E63"),
    ("mental", "心理健康", "Mental Health", "#26A69A"),
    ("safety", "安全", "Safety", "#F4511E"),
    ("parenting", "家庭教育", "Parenting", "#EC407A"),
    ("skills", "专业技能", "Vocational Skills", "#607D8B"),
]
SERIES = [
    ("jiebanren", "我是接班人", "I Am a Successor", "#C62828"),
    ("zhiqu", "智趣新课堂", "Smart and Fun Classroom", "#1E88E5"),
    ("weilai", "未来建设者", "Future Builders", "#00897B"),
    ("daguo", "大国长技", "Skills of a Great Nation", "#6D4C41"),
    ("shuxiang", "书香校园", "Reading Campus", "#7B1FA2"),
    ("xinli", "心理健康", "Mind Matters", "#00ACC1"),
    ("laodong", "劳动教育", "Learning by Labour", "#7CB342"),
    ("anquan", "安全教育", "Stay Safe", "#F4511E"),
    ("kepu", "科普教育", "Science for Everyone", "#3949AB"),
    ("jiating", "家庭教育", "Family Education", "#D81B60"),
    ("sangeketang", "三个课堂", "Three Classrooms", "#F9A825"),
    ("tongbu", "同步课堂", "In Step with the Textbook", "#5E35B1"),
]


def upgrade() -> None:
    op.create_table(
        "catalog_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("epoch", sa.String(32), nullable=False),
    )
    stages = _named_table("stages")
    grades = _named_table(
        "grades", sa.Column("stage_id", sa.Integer, sa.ForeignKey("stages.id"), nullable=False)
    )
    subjects = _named_table("subjects", sa.Column("color", sa.String(7), nullable=False))
    series = _named_table(
        "series",
        sa.Column("description_zh", sa.Text, nullable=False, server_default=""),
        sa.Column("description_en", sa.Text, nullable=False, server_default=""),
        sa.Column("color", sa.String(7), nullable=False),
    )
    _create_courses_and_lessons()
    _seed_reference(stages, grades, subjects, series)


def _named_table(name: str, *columns: sa.Column) -> sa.Table:
    return op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name_zh", sa.String(64), nullable=False),
        sa.Column("name_en", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        *columns,
    )


def _create_courses_and_lessons() -> None:
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("external_id", sa.String(128), nullable=False, unique=True),
        sa.Column("title_zh", sa.String(200), nullable=False),
        sa.Column("title_en", sa.String(200), nullable=False, server_default=""),
        sa.Column("description_zh", sa.Text, nullable=False, server_default=""),
        sa.Column("description_en", sa.Text, nullable=False, server_default=""),
        sa.Column("poster", sa.String(500), nullable=False, server_default=""),
        sa.Column("stage_id", sa.Integer, sa.ForeignKey("stages.id"), nullable=False, index=True),
        sa.Column("grade_id", sa.Integer, sa.ForeignKey("grades.id"), index=True),
        sa.Column(
            "subject_id", sa.Integer, sa.ForeignKey("subjects.id"), nullable=False, index=True
        ),
        sa.Column("series_id", sa.Integer, sa.ForeignKey("series.id"), index=True),
        sa.Column("textbook_edition", sa.String(64), nullable=False, server_default=""),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False, server_default=""),
        sa.Column("search_initials", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "lessons",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "course_id",
            sa.Integer,
            sa.ForeignKey("courses.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("title_zh", sa.String(200), nullable=False),
        sa.Column("title_en", sa.String(200), nullable=False, server_default=""),
        sa.Column("duration", sa.Float, nullable=False),
        sa.Column("hls", sa.String(500), nullable=False),
        sa.Column("subtitles", sa.JSON, nullable=False),
        sa.UniqueConstraint("course_id", "external_id"),
    )


def _seed_reference(stages, grades, subjects, series) -> None:
    state = sa.table("catalog_state", sa.column("id"), sa.column("version"), sa.column("epoch"))
    # The epoch names this database in cache keys: a re-created database never meets the
    # cached responses of its predecessor, whatever their versions.
    op.bulk_insert(state, [{"id": 1, "version": 1, "epoch": uuid.uuid4().hex}])
    op.bulk_insert(
        stages,
        [
            {"id": i, "code": c, "name_zh": zh, "name_en": en, "position": i}
            for i, (c, zh, en) in enumerate(STAGES, 1)
        ],
    )
    stage_ids = {c: i for i, (c, _, _) in enumerate(STAGES, 1)}
    op.bulk_insert(
        grades,
        [
            {
                "id": i,
                "code": c,
                "stage_id": stage_ids[s],
                "name_zh": zh,
                "name_en": en,
                "position": i,
            }
            for i, (s, c, zh, en) in enumerate(GRADES, 1)
        ],
    )
    op.bulk_insert(
        subjects,
        [
            {"id": i, "code": c, "name_zh": zh, "name_en": en, "color": col, "position": i}
            for i, (c, zh, en, col) in enumerate(SUBJECTS, 1)
        ],
    )
    op.bulk_insert(
        series,
        [
            {
                "id": i,
                "code": c,
                "name_zh": zh,
                "name_en": en,
                "color": col,
                "position": i,
                "description_zh": "",
                "description_en": "",
            }
            for i, (c, zh, en, col) in enumerate(SERIES, 1)
        ],
    )
    _reset_sequences()


def _reset_sequences() -> None:
    """PostgreSQL serials do not see explicit ids: move them past the seeded rows."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in ("stages", "grades", "subjects", "series"):
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        )


def downgrade() -> None:
    for table in ("lessons", "courses", "series", "subjects", "grades", "stages", "catalog_state"):
        op.drop_table(table)
