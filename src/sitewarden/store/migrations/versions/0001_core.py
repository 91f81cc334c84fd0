"""Core schema: sites, checks, results, states and hourly rollups.

Revision ID: 0001_core
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sitewarden.store.tables import Id, UtcDateTime

revision = "0001_core"
down_revision = None
branch_labels = ("core",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("groups", sa.JSON, nullable=False),
        sa.Column("contacts", sa.JSON, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "checks",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(400), nullable=False, unique=True),
        sa.Column("site_id", Id, sa.ForeignKey("sites.id", ondelete="CASCADE"), nullable=True, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("interval_s", sa.Float, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "results",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("check_id", Id, sa.ForeignKey("checks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("started_at", UtcDateTime, nullable=False),
        sa.Column("duration_ms", sa.Float, nullable=False),
        sa.Column("status", sa.SmallInteger, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("metrics", sa.JSON, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_index("ix_results_check_id_started_at", "results", ["check_id", "started_at"])
    op.create_index("ix_results_started_at", "results", ["started_at"])
    op.create_table(
        "states",
        sa.Column("check_id", Id, sa.ForeignKey("checks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("hard_status", sa.SmallInteger, nullable=True),
        sa.Column("hard_since", UtcDateTime, nullable=False),
        sa.Column("soft_status", sa.SmallInteger, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_status", sa.SmallInteger, nullable=True),
        sa.Column("last_summary", sa.Text, nullable=True),
        sa.Column("last_result_at", UtcDateTime, nullable=True),
        sa.Column("last_duration_ms", sa.Float, nullable=True),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("memory", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "rollups",
        sa.Column("check_id", Id, sa.ForeignKey("checks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("bucket", UtcDateTime, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("ok", sa.Integer, nullable=False),
        sa.Column("warning", sa.Integer, nullable=False),
        sa.Column("error", sa.Integer, nullable=False),
        sa.Column("unknown", sa.Integer, nullable=False),
        sa.Column("duration_sum", sa.Float, nullable=False),
        sa.Column("duration_min", sa.Float, nullable=False),
        sa.Column("duration_max", sa.Float, nullable=False),
        sa.UniqueConstraint("check_id", "period", "bucket", name="uq_rollups_check_period_bucket"),
    )
    op.create_index("ix_rollups_bucket", "rollups", ["period", "bucket"])


def downgrade() -> None:
    for table in ("rollups", "states", "results", "checks", "sites"):
        op.drop_table(table)
