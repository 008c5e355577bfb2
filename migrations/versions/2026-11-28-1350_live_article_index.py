"""live article index: public lists count and page through an index-only scan

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 13:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("status IN ('published', 'scheduled')")


def upgrade() -> None:
    op.create_index(
        "ix_article_live_published_at",
        "article",
        ["published_at", "id"],
        postgresql_where=LIVE,
        sqlite_where=LIVE,
    )


def downgrade() -> None:
    op.drop_index("ix_article_live_published_at", table_name="article")
