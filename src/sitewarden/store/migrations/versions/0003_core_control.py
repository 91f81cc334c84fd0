"""Store-defined sites, commands from the web to the engine, and the engine's live figures.

Revision ID: 0003_core_control
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sitewarden.store.tables import Id, UtcDateTime

revision = "0003_core_control"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_definitions",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "commands",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("check_key", sa.String(400), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("taken_at", UtcDateTime, nullable=True),
        sa.Column("taken_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_commands_taken_at", "commands", ["taken_at"])
    op.create_table(
        "workers",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("started_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("stats", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("workers", "commands", "site_definitions"):
        op.drop_table(table)
