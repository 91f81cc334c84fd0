"""Security: user identities never reused, server-side sessions, tokens bound to an identity, the audit log.

Revision ID: 0013_security
Revises: 0010_fleet_items
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

from sitewarden.store.tables import Id, UtcDateTime

revision = "0013_security"
down_revision = "0010_fleet_items"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("identity", sa.String(64), nullable=True))
    op.add_column("api_tokens", sa.Column("user_identity", sa.String(64), nullable=True))
    connection = op.get_bind()
    users = sa.table("users", sa.column("id", Id), sa.column("identity", sa.String))
    tokens = sa.table("api_tokens", sa.column("user_id", Id), sa.column("user_identity", sa.String))
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        identity = secrets.token_hex(16)
        connection.execute(sa.update(users).where(users.c.id == user_id).values(identity=identity))
        connection.execute(sa.update(tokens).where(tokens.c.user_id == user_id).values(user_identity=identity))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("identity", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint("uq_users_identity", ["identity"])
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("user_identity", existing_type=sa.String(64), nullable=False)
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", Id, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("user_identity", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("last_seen_at", UtcDateTime, nullable=False),
        sa.Column("address", sa.String(100), nullable=False),
        sa.Column("user_agent", sa.String(300), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("at", UtcDateTime, nullable=False, index=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("address", sa.String(100), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("web_sessions")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("user_identity")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_identity", type_="unique")
        batch.drop_column("identity")
