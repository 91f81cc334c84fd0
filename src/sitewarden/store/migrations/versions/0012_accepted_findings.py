"""Accepted findings: an admin lives with a verdict or an advisory of a site's item, with a reason, until a day.

Each stored verdict records the acceptance that covers it (and its last day), so the fleet's worst-verdict
filters stay one indexed pass over the assessments.

Revision ID: 0012_accepted_findings
Revises: 0010_fleet_items
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sitewarden.store.tables import Id, UtcDateTime

revision = "0012_accepted_findings"
down_revision = "0010_fleet_items"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accepted_findings",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("product", sa.String(300), nullable=False),
        sa.Column("advisory", sa.String(200), nullable=True),
        sa.Column("verdict", sa.String(20), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("until", sa.Date, nullable=False),
        sa.Column("accepted_by", sa.String(200), nullable=False),
        sa.Column("accepted_at", UtcDateTime, nullable=False),
        sa.Column("revoked_by", sa.String(200), nullable=True),
        sa.Column("revoked_at", UtcDateTime, nullable=True),
        sa.Column("expired_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_accepted_findings_site", "accepted_findings", ["site"])
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("accepted_id", Id, nullable=True))
        batch.add_column(sa.Column("accepted_until", sa.Date, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("accepted_until")
        batch.drop_column("accepted_id")
    op.drop_index("ix_accepted_findings_site", table_name="accepted_findings")
    op.drop_table("accepted_findings")
