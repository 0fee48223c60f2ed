"""Viewing progress: viewers, per-lesson progress and the events already applied.

Revision ID: 0002
Revises: 0001

Keys. Until households sign in, a viewer is one local profile on one device:
``viewers (device, local_profile)`` is unique, and progress is keyed by ``viewer_id`` and
``lesson_id``, never by the device's own strings, so a viewer can change hands without its rows
being rewritten. Events are remembered by ``(device, event_id)``: the device makes the ids, so
the device is what keeps them unique, and a replayed event is recognised whoever it names.

Sign-in (the households issue). When a box signs in, each of its local profiles is mapped to a
household profile: ``viewers.household_profile_id`` is set on that viewer (a foreign key is
added once the households table exists). The household profile's progress is then the merge of
every viewer attached to it, folded into its first viewer (lowest id) in one transaction: per
lesson the position of the latest client time, the union of the played seconds, completed if
either was (``services.progress.merge_progress``), and the other viewers' progress rows are
deleted. The viewers themselves stay, with their events, so replays are still recognised; writes
and reads from a device resolve its viewer through ``household_profile_id`` to that first
viewer. Nothing is lost, no key is rewritten, and a second box of the household joins the same
way.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "viewers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("device", sa.String(64), nullable=False),
        sa.Column("local_profile", sa.String(64), nullable=False),
        sa.Column("household_profile_id", sa.Integer, nullable=True, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("device", "local_profile"),
    )
    op.create_table(
        "lesson_progress",
        sa.Column(
            "viewer_id",
            sa.Integer,
            sa.ForeignKey("viewers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "lesson_id",
            sa.Integer,
            sa.ForeignKey("lessons.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
        sa.Column("position_s", sa.Float, nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("watched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("played", sa.JSON, nullable=False),
        sa.Column("covered_s", sa.Float, nullable=False),
        sa.Column("completed", sa.Boolean, nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "progress_events",
        sa.Column("device", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column(
            "viewer_id",
            sa.Integer,
            sa.ForeignKey("viewers.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("lesson_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("client_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("position_s", sa.Float, nullable=False),
        sa.Column("played_s", sa.Float, nullable=False),
    )


def downgrade() -> None:
    for table in ("progress_events", "lesson_progress", "viewers"):
        op.drop_table(table)
