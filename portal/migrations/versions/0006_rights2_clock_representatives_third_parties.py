"""GDPR rights in substance (issue 21, points 4, 6, 8, 10): the kind of the last request
for information (identity stops the clock, clarification does not), the representative
who made a request on a tenant's behalf, the Art. 9(2)/Art. 10 ground for keeping
flagged wording, and the passages withheld from the tenant's copy (Art. 15(4)).

Revision ID: 0005_rights2
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_rights2"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("privacy_requests") as batch:
        batch.add_column(sa.Column("info_kind", sa.String(20), nullable=True))
        batch.add_column(sa.Column("representative_kind", sa.String(20), nullable=True))
        batch.add_column(sa.Column("representative_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("representative_address", sa.Text(), nullable=True))
        batch.add_column(sa.Column("representative_email", sa.String(254), nullable=True))
        batch.add_column(sa.Column("representative_proof", sa.Text(), nullable=True))
        batch.add_column(sa.Column("representative_copy_tenant", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("legal_ground", sa.String(40), nullable=True))
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("legal_ground", sa.String(40), nullable=True))
    op.create_table(
        "withheld_passages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(20), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["marked_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_withheld_passages_tenant_id", "withheld_passages", ["tenant_id"])


def downgrade() -> None:
    op.drop_index("ix_withheld_passages_tenant_id", table_name="withheld_passages")
    op.drop_table("withheld_passages")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("legal_ground")
    with op.batch_alter_table("notes") as batch:
        batch.drop_column("legal_ground")
    with op.batch_alter_table("privacy_requests") as batch:
        for name in ("representative_copy_tenant", "representative_proof", "representative_email",
                     "representative_address", "representative_name", "representative_kind", "info_kind"):
            batch.drop_column(name)
