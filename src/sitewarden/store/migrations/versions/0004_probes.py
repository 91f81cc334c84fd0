"""Heartbeats: one uuid per heartbeat check, and the pings received for it.

Revision ID: 0004_probes
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sitewarden.store.tables import Id, UtcDateTime

revision = "0004_probes"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "heartbeats",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("check_key", sa.String(400), nullable=False, unique=True),
        sa.Column("period_s", sa.Float, nullable=False),
        sa.Column("grace_s", sa.Float, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "heartbeat_pings",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("heartbeat_id", Id, sa.ForeignKey("heartbeats.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("received_at", UtcDateTime, nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("remote", sa.String(100), nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("duration_s", sa.Float, nullable=True),
    )
    op.create_index("ix_heartbeat_pings_heartbeat_id_id", "heartbeat_pings", ["heartbeat_id", "id"])


def downgrade() -> None:
    op.drop_table("heartbeat_pings")
    op.drop_table("heartbeats")
