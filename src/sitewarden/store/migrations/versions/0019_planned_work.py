"""An acknowledgement can mark an outage as planned work, with a reason: SLA reports then leave it out and show it.

Revision ID: 0019_planned_work
Revises: 0009_core_shards
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_planned_work"
down_revision = "0009_core_shards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("commands") as batch:
        batch.add_column(sa.Column("planned", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("commands") as batch:
        batch.drop_column("reason")
        batch.drop_column("planned")
