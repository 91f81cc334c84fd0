"""Branch-aware verdicts: branch, support state, branch latest, upgrade, fix-is-upgrade and caveat per assessment;
product aliases (TYPO3 extension key ↔ Composer name) in the catalogue.

Revision ID: 0011_verdict_branches
Revises: 0010_fleet_items
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_verdict_branches"
down_revision = "0010_fleet_items"
branch_labels = None
depends_on = None

COLUMNS = (
    ("branch", sa.String(50)),
    ("support", sa.String(20)),
    ("branch_latest", sa.String(100)),
    ("upgrade", sa.String(10)),
    ("fix_upgrade", sa.Boolean()),
    ("caveat", sa.Text()),
)
OLD_NAMES = ("major", "minor", "bugfix")


def upgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("catalog_products") as batch:
        batch.add_column(sa.Column("aliases", sa.JSON(), nullable=True))
    # verdicts of the old scale until the next judgement rewrites them
    assessments = sa.table("assessments", sa.column("verdict", sa.String))
    op.execute(assessments.update().where(assessments.c.verdict.in_(OLD_NAMES)).values(verdict="outdated"))


def downgrade() -> None:
    with op.batch_alter_table("catalog_products") as batch:
        batch.drop_column("aliases")
    with op.batch_alter_table("assessments") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
