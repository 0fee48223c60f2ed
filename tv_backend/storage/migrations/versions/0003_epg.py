"""Channels and the programme guide: channels, programmes, schedules, the guide version, and
the anchors of linear channels.

Revision ID: 0003
Revises: 0002

``channels.id`` is the XMLTV channel id (``hnjy1.edutv.cn``), also the M3U ``tvg-id`` and the
``/live/<id>/`` path: stable across exports, so it is the key itself. Programmes are keyed by
a surrogate id but unique on ``(channel_id, start)``: after repair a channel's timeline has no
overlaps, so no two programmes of a channel start together (``epg.linear.Anchor`` names a
programme by its start). Times are UTC (``UtcDateTime`` in the models).

``epg_state`` holds one row, the guide version, bumped in the same transaction as every write
to channels, programmes or schedules (as ``catalog_state`` is for the catalog): prepared guide
responses are cached under it. ``linear_anchors`` belongs to the live service: one JSON
``epg.linear.Anchor.as_dict()`` per channel, written outside the guide version (it moves with
the clock, not with the guide).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _channel_fk(**kwargs) -> sa.Column:
    return sa.Column(
        "channel_id", sa.String(128), sa.ForeignKey("channels.id", ondelete="CASCADE"), **kwargs
    )


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("number", sa.Integer, nullable=False, index=True),
        sa.Column("names", sa.JSON, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("logo", sa.String(500), nullable=True),
        sa.Column("group_names", sa.JSON, nullable=False),
        sa.Column("lineups", sa.JSON, nullable=False),
        sa.Column("catchup_days", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer, primary_key=True),
        _channel_fk(nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stop", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.JSON, nullable=False),
        sa.Column("description", sa.JSON, nullable=False),
        sa.Column("lesson_id", sa.Integer, nullable=True),
        sa.Column("course_id", sa.Integer, nullable=True),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("stage", sa.String(32), nullable=True),
        sa.Column("grade", sa.Integer, nullable=True),
        sa.Column("subject", sa.String(32), nullable=True),
        sa.Column("rating", sa.String(16), nullable=True),
        sa.Column("episode", sa.JSON, nullable=True),
        sa.Column("live", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(1000), nullable=True),
        sa.Column("filler", sa.Boolean, nullable=False),
    )
    op.create_index(
        "ix_programmes_channel_start", "programmes", ["channel_id", "start"], unique=True
    )
    op.create_table(
        "channel_schedules",
        _channel_fk(primary_key=True),
        sa.Column("schedule", sa.JSON, nullable=False),
        sa.Column("calendar", sa.JSON, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "epg_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.bulk_insert(
        sa.table("epg_state", sa.column("id"), sa.column("version")), [{"id": 1, "version": 1}]
    )
    op.create_table(
        "linear_anchors",
        _channel_fk(primary_key=True),
        sa.Column("anchor", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("linear_anchors", "epg_state", "channel_schedules", "programmes", "channels"):
        op.drop_table(table)
