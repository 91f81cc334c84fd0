"""Each check's failure and success thresholds, so the dashboard and `status` read them from the store.

Rows synced before this revision have none (NULL): readers fall back to the defaults until the next sync.

Revision ID: 0022_check_thresholds
Revises: 0020_check_spec_hash
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_check_thresholds"
down_revision = "0020_check_spec_hash"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("checks", sa.Column("failure_threshold", sa.Integer(), nullable=True))
    op.add_column("checks", sa.Column("success_threshold", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checks") as batch:
        batch.drop_column("success_threshold")
        batch.drop_column("failure_threshold")
