"""Fleet queries by product: `product:georgringer/news` reads that product's rows by index, not the whole table.

Revision ID: 0016_fleet_query
Revises: 0010_fleet_items
"""

from __future__ import annotations

from alembic import op

revision = "0016_fleet_query"
down_revision = "0010_fleet_items"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_assessments_product", "assessments", ["product"])


def downgrade() -> None:
    op.drop_index("ix_assessments_product", table_name="assessments")
