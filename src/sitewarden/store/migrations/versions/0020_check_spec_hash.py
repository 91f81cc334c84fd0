"""A digest of each check's stored definition, so the start-up sync compares one column instead of every field.

Revision ID: 0020_check_spec_hash
Revises: 0009_core_shards
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_check_spec_hash"
down_revision = "0009_core_shards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("checks", sa.Column("spec_hash", sa.String(32), nullable=True))  # a plain ALTER on both backends


def downgrade() -> None:
    with op.batch_alter_table("checks") as batch:
        batch.drop_column("spec_hash")
