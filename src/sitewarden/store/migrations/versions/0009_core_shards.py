"""Shard leases: several `sitewarden worker` processes share the checks of one PostgreSQL store.

Revision ID: 0009_core_shards
Revises: 0003_core_control
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sitewarden.store.tables import UtcDateTime

revision = "0009_core_shards"
down_revision = "0003_core_control"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shard_leases",
        sa.Column("shard", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("epoch", sa.Integer, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("shard_leases")
