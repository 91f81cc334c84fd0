"""Inventory snapshots: what each site runs, one row per change, with the time it was last confirmed.

Revision ID: 0005_inventory
Revises: 0002_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sitewarden.store.tables import Id, UtcDateTime

revision = "0005_inventory"
down_revision = "0002_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inventory_snapshots",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(200), nullable=True),
        sa.Column("check_name", sa.String(200), nullable=False),
        sa.Column("source", sa.String(50), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("snapshot", sa.JSON, nullable=False),
        sa.Column("collected_at", UtcDateTime, nullable=False),
        sa.Column("last_seen_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_inventory_snapshots_site_check_id", "inventory_snapshots", ["site", "check_name", "id"])


def downgrade() -> None:
    op.drop_table("inventory_snapshots")
