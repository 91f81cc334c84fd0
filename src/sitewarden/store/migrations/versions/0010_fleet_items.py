"""An index for the fleet-wide extensions list: group verdicts by item without reading the table.

Revision ID: 0010_fleet_items
Revises: 0006_catalog
"""

from __future__ import annotations

from alembic import op

revision = "0010_fleet_items"
down_revision = "0006_catalog"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_assessments_fleet_item", "assessments", ["item_kind", "item_key", "product", "verdict"])


def downgrade() -> None:
    op.drop_index("ix_assessments_fleet_item", table_name="assessments")
