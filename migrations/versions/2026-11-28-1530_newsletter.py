"""newsletter double opt-in, consent record and email outbox

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("newsletter_subscription", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_client_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("consent_user_agent", sa.String(length=300), nullable=True))
        batch_op.add_column(
            sa.Column("confirmation_sent_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("token_version", sa.Integer(), server_default="0", nullable=False)
        )

    op.create_table(
        "newsletter_signup_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_signup_attempt")),
    )
    with op.batch_alter_table("newsletter_signup_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_newsletter_signup_attempt_client_hash_created_at", ["client_hash", "created_at"]
        )
        batch_op.create_index(
            "ix_newsletter_signup_attempt_email_hash_created_at", ["email_hash", "created_at"]
        )
        batch_op.create_index(batch_op.f("ix_newsletter_signup_attempt_created_at"), ["created_at"])

    op.create_table(
        "email_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=50), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("transport", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                name="queue_state",
                native_enum=False,
                create_constraint=True,
                length=15,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(length=100), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["newsletter_subscription.id"],
            name=op.f("fk_email_message_subscription_id_newsletter_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_message")),
    )
    with op.batch_alter_table("email_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_email_message_state_next_attempt_at", ["state", "next_attempt_at"]
        )
        batch_op.create_index(batch_op.f("ix_email_message_subscription_id"), ["subscription_id"])


def downgrade() -> None:
    op.drop_table("email_message")
    op.drop_table("newsletter_signup_attempt")
    with op.batch_alter_table("newsletter_subscription", schema=None) as batch_op:
        batch_op.drop_column("token_version")
        batch_op.drop_column("confirmation_sent_at")
        batch_op.drop_column("consent_user_agent")
        batch_op.drop_column("consent_client_hash")
