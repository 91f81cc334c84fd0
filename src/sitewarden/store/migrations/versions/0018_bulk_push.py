"""Bulk actions and pushed health documents: group edits laid over the config, the latest push per check.

Revision ID: 0018_bulk_push
Revises: 0016_fleet_query
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sitewarden.store.tables import Id, UtcDateTime

revision = "0018_bulk_push"
down_revision = "0016_fleet_query"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "push_documents",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("check_key", sa.String(400), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("flavour", sa.String(20), nullable=False),
        sa.Column("period_s", sa.Float, nullable=False),
        sa.Column("grace_s", sa.Float, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("received_at", UtcDateTime, nullable=True),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("media_type", sa.String(100), nullable=True),
        sa.Column("problem", sa.Text, nullable=True),
        sa.Column("problem_at", UtcDateTime, nullable=True),
        sa.UniqueConstraint("check_key", name="uq_push_documents_check_key"),
    )
    op.create_table(
        "site_group_edits",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("group_name", sa.String(200), nullable=False),
        sa.Column("added", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("site", "group_name", name="uq_site_group_edits_site_group_name"),
    )


def downgrade() -> None:
    op.drop_table("site_group_edits")
    op.drop_table("push_documents")
