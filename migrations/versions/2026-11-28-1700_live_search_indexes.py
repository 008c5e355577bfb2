"""live indexes for events, experts and pages: a search walks the newest matches first

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("status IN ('published', 'scheduled')")
TABLES = ("event", "expert", "page")


def upgrade() -> None:
    for table in TABLES:
        op.create_index(
            f"ix_{table}_live_published_at",
            table,
            ["published_at", "id"],
            postgresql_where=LIVE,
            sqlite_where=LIVE,
        )


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_live_published_at", table_name=table)
