"""Programmes by start time: guide reads load a time range, not the whole store.

Revision ID: 0004
Revises: 0003

Guide windows and now/next read "the programmes overlapping [start, stop)" of every channel
(``storage.epg.EpgRepository.programmes``). A channel's timeline has no overlaps, so those are
the programmes starting in [start, stop), found on this index in time order whatever the
store's size, plus at most one per channel that began before ``start`` (the latest start before
it, on ``ix_programmes_channel_start``: one index probe per channel). Without it a window of
every channel scans the whole table.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_programmes_start", "programmes", ["start"])


def downgrade() -> None:
    op.drop_index("ix_programmes_start", table_name="programmes")
