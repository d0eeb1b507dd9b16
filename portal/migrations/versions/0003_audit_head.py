"""audit_head: where the audit chain ends, so removing its newest entries is detected.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    # A log written before this revision: its current end becomes the recorded end.
    op.execute("INSERT INTO audit_head (id, last_id, last_hash) "
               "SELECT 1, id, hash FROM audit_log ORDER BY id DESC LIMIT 1")


def downgrade() -> None:
    op.drop_table("audit_head")
