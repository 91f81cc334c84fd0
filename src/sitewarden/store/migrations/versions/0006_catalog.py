"""Catalogue: releases, branches, advisories and product facts per source, fetch validators, and assessments.

Revision ID: 0006_catalog
Revises: 0002_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sitewarden.store.tables import Id, UtcDateTime

revision = "0006_catalog"
down_revision = "0002_events"
branch_labels = None
depends_on = None


def _keyed(name: str, *columns: sa.Column[object], key: tuple[str, ...]) -> None:
    op.create_table(
        name,
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(50), nullable=False),
        sa.Column("part", sa.String(200), nullable=False),
        sa.Column("product", sa.String(300), nullable=False),
        *columns,
        sa.Column("seen", sa.Integer, nullable=False),
        sa.UniqueConstraint(*key, name=f"uq_{name}_key"),
    )
    op.create_index(f"ix_{name}_product", name, ["product"])


def upgrade() -> None:
    op.create_table(
        "catalog_fetches",
        sa.Column("source", sa.String(50), primary_key=True),
        sa.Column("part", sa.String(200), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("etag", sa.String(400), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("fetched_at", UtcDateTime, nullable=False),
        sa.Column("changed_at", UtcDateTime, nullable=True),
    )
    _keyed(
        "catalog_releases",
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("released_at", UtcDateTime, nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("insecure", sa.Boolean, nullable=False),
        sa.Column("elts", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(40), nullable=True),
        key=("source", "part", "product", "version"),
    )
    _keyed(
        "catalog_branches",
        sa.Column("branch", sa.String(50), nullable=False),
        sa.Column("released_at", UtcDateTime, nullable=True),
        sa.Column("support_until", UtcDateTime, nullable=True),
        sa.Column("security_until", UtcDateTime, nullable=True),
        sa.Column("elts_until", UtcDateTime, nullable=True),
        sa.Column("eol", sa.Boolean, nullable=True),
        sa.Column("latest", sa.String(100), nullable=True),
        sa.Column("lts", sa.Boolean, nullable=False),
        key=("source", "part", "product", "branch"),
    )
    _keyed(
        "catalog_advisories",
        sa.Column("advisory_id", sa.String(200), nullable=False),
        sa.Column("affected", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("severity", sa.String(20), nullable=True),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("fixed", sa.JSON, nullable=False),
        sa.Column("link", sa.Text, nullable=True),
        sa.Column("published_at", UtcDateTime, nullable=True),
        key=("source", "part", "advisory_id", "product"),
    )
    _keyed(
        "catalog_products",
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("latest", sa.String(100), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("supported_branches", sa.JSON, nullable=False),
        key=("source", "part", "product"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("item_kind", sa.String(20), nullable=False),
        sa.Column("item_key", sa.String(300), nullable=False),
        sa.Column("product", sa.String(300), nullable=False),
        sa.Column("version", sa.String(100), nullable=True),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("advisories", sa.JSON, nullable=False),
        sa.Column("fixed_version", sa.String(100), nullable=True),
        sa.Column("latest", sa.String(100), nullable=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("assessed_at", UtcDateTime, nullable=False),
        sa.Column("changed_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("site", "item_kind", "item_key", name="uq_assessments_item"),
    )
    op.create_index("ix_assessments_verdict", "assessments", ["verdict"])


def downgrade() -> None:
    for name in ("assessments", "catalog_products", "catalog_advisories", "catalog_branches", "catalog_releases"):
        op.drop_table(name)
    op.drop_table("catalog_fetches")
