"""Notifications: routing cursor, routed events, groups, deliveries and attempts, open alerts, report runs.

The cursor starts at the newest event present when this migration runs, so history is never sent out.

Revision ID: 0007_notifications
Revises: 0002_events
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from sitewarden.store.tables import Id, UtcDateTime

revision = "0007_notifications"
down_revision = "0002_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    cursors = op.create_table(
        "notify_cursors",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("last_event_id", sa.BigInteger, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "notifications",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("dedupe", sa.String(500), nullable=False, unique=True),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("event_id", sa.BigInteger, nullable=False),
        sa.Column("notice", sa.String(10), nullable=False),
        sa.Column("channel", sa.String(400), nullable=False),
        sa.Column("severity", sa.SmallInteger, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("due_at", UtcDateTime, nullable=False),
        sa.Column("group_id", sa.BigInteger, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_notifications_target_state_due_at", "notifications", ["target", "state", "due_at"])
    op.create_index("ix_notifications_group_id", "notifications", ["group_id"])
    op.create_table(
        "notify_groups",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("group_id", sa.BigInteger, nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("handler_index", sa.Integer, nullable=False),
        sa.Column("handler_kind", sa.String(50), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UtcDateTime, nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("claimed_at", UtcDateTime, nullable=True),
        sa.Column("finished_at", UtcDateTime, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.UniqueConstraint("group_id", "handler_index", name="uq_deliveries_group_id_handler_index"),
    )
    op.create_index("ix_deliveries_state_next_attempt_at", "deliveries", ["state", "next_attempt_at"])
    op.create_table(
        "delivery_attempts",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("delivery_id", sa.BigInteger, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("worker", sa.String(200), nullable=False),
        sa.Column("started_at", UtcDateTime, nullable=False),
        sa.Column("finished_at", UtcDateTime, nullable=True),
        sa.Column("ok", sa.Boolean, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("duration_ms", sa.Float, nullable=True),
    )
    op.create_index("ix_delivery_attempts_delivery_id", "delivery_attempts", ["delivery_id"])
    op.create_table(
        "alerts",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(400), nullable=False),
        sa.Column("site", sa.String(200), nullable=True),
        sa.Column("is_open", sa.Boolean, nullable=False),
        sa.Column("severity", sa.SmallInteger, nullable=False),
        sa.Column("event_id", sa.BigInteger, nullable=False),
        sa.Column("opened_at", UtcDateTime, nullable=False),
        sa.Column("notified", sa.Boolean, nullable=False),
        sa.Column("last_notified_at", UtcDateTime, nullable=True),
        sa.Column("reminders", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("target", "channel", name="uq_alerts_target_channel"),
    )
    op.create_index("ix_alerts_target_is_open", "alerts", ["target", "is_open"])
    op.create_table(
        "report_runs",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("last_run_at", UtcDateTime, nullable=False),
    )
    newest = op.get_bind().scalar(sa.text("SELECT COALESCE(MAX(id), 0) FROM events"))
    op.bulk_insert(cursors, [{"name": "default", "last_event_id": int(newest or 0), "updated_at": datetime.now(UTC)}])


def downgrade() -> None:
    for table in ("report_runs", "alerts", "delivery_attempts", "deliveries", "notify_groups", "notifications"):
        op.drop_table(table)
    op.drop_table("notify_cursors")
