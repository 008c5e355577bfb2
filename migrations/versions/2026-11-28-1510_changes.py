"""change feed and embargo: article.embargoed, the change table

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSEQUENCED = sa.text("seq IS NULL")


def upgrade() -> None:
    # A plain ALTER, not a batch: recreating the table on SQLite would drop its search
    # triggers.
    op.add_column(
        "article", sa.Column("embargoed", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_table(
        "change",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("resource", sa.String(length=20), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column(
            "audience",
            sa.Enum(
                "public",
                "embargo",
                name="audience",
                native_enum=False,
                create_constraint=True,
                length=15,
            ),
            nullable=False,
        ),
        sa.Column("visible_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sequenced_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change")),
        sa.UniqueConstraint("seq", name=op.f("uq_change_seq")),
    )
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_change_resource_resource_id_seq", ["resource", "resource_id", "seq"]
        )
        batch_op.create_index(
            "ix_change_unsequenced_visible_at",
            ["visible_at"],
            postgresql_where=UNSEQUENCED,
            sqlite_where=UNSEQUENCED,
        )


def downgrade() -> None:
    op.drop_table("change")
    op.drop_column("article", "embargoed")  # not a batch either (see upgrade)
