"""Accounts: households, parent and staff accounts, child profiles, TV sign-in (RFC 8628).

Revision ID: 0005
Revises: 0004

Secrets are never stored as given: passwords and profile PINs as argon2id hashes, device codes,
access and refresh tokens and browser session tokens as their SHA-256 (they are random, 256
bits, so a fast hash is enough). User codes are kept as typed by nobody: 8 letters of
``BCDFGHJKLMNPQRSTVWXZ``, unique among the pending requests (checked when issued). Every time is
UTC. ``viewers.household_profile_id`` (0002) gets its foreign key when progress moves onto
profiles, not here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def _household(nullable: bool = False) -> sa.Column:
    return sa.Column(
        "household_id",
        sa.Integer,
        sa.ForeignKey("households.id", ondelete="CASCADE"),
        nullable=nullable,
        index=True,
    )


def upgrade() -> None:
    op.create_table(
        "households",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=True, unique=True),
        sa.Column("phone", sa.String(20), nullable=True, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        _household(nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="ck_accounts_login"),
    )
    op.create_table(
        "child_profiles",
        sa.Column("id", sa.Integer, primary_key=True),
        _household(),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("avatar", sa.String(32), nullable=False),
        sa.Column("stage", sa.String(32), nullable=True),
        sa.Column("grade", sa.String(32), nullable=True),
        sa.Column("pin_hash", sa.String(200), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "signed_in_devices",
        sa.Column("id", sa.Integer, primary_key=True),
        _household(),
        sa.Column(
            "approved_by",
            sa.Integer,
            sa.ForeignKey("accounts.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("last_seen_at", TIME, nullable=True),
        sa.Column("revoked_at", TIME, nullable=True),
    )
    op.create_table(
        "device_authorizations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("device_code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_code", sa.String(8), nullable=False, index=True),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("device_name", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("interval", sa.Integer, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False, index=True),
        sa.Column("polled_at", TIME, nullable=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column(
            "household_id",
            sa.Integer,
            sa.ForeignKey("households.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("decided_at", TIME, nullable=True),
    )
    op.create_table(
        "oauth_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column(
            "device_id",
            sa.Integer,
            sa.ForeignKey("signed_in_devices.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "household_id",
            sa.Integer,
            sa.ForeignKey("households.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("revoked_at", TIME, nullable=True),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "web_sessions",
        "oauth_tokens",
        "device_authorizations",
        "signed_in_devices",
        "child_profiles",
        "accounts",
        "households",
    ):
        op.drop_table(table)
