"""Events: stored before they are routed.

Revision ID: 0002_events
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sitewarden.store.tables import Id, UtcDateTime

revision = "0002_events"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("severity", sa.SmallInteger, nullable=False),
        sa.Column("channel", sa.String(400), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("site", sa.String(200), nullable=True),
        sa.Column("check_name", sa.String(200), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("dedupe_key", sa.String(400), nullable=True, unique=True),
    )
    op.create_index("ix_events_site_id", "events", ["site", "id"])
    op.create_index("ix_events_created_at", "events", ["created_at"])


def downgrade() -> None:
    op.drop_table("events")
