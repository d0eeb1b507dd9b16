"""Rights carried out in substance: objections in force (Art. 21), what each answer did
(right_effects), purge runs with the audit checkpoint, a restriction's announced lifting
date (Art. 18(3)), letters whose copy was removed (hash kept), anonymised tenants.

Revision ID: 0007
Revises: 0005_rights2
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0005_rights2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("processing_key", sa.String(length=40), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["privacy_requests.id"],
                                name=op.f("fk_objections_request_id_privacy_requests")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_objections_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
    )
    op.create_index(op.f("ix_objections_tenant_id"), "objections", ["tenant_id"])
    op.create_index("ix_objections_processing", "objections", ["processing_key", "active", "tenant_id"])
    op.create_table(
        "right_effects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("effect", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("exception", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["privacy_requests.id"],
                                name=op.f("fk_right_effects_request_id_privacy_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_right_effects")),
    )
    op.create_index(op.f("ix_right_effects_request_id"), "right_effects", ["request_id"])
    op.create_table(
        "purge_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ran_at", sa.DateTime(), nullable=False),
        sa.Column("run_on", sa.Date(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("checkpoint", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purge_runs")),
    )
    with op.batch_alter_table("restrictions") as batch:
        batch.add_column(sa.Column("lift_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("lift_notice_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("letters") as batch:
        batch.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=True)
        batch.add_column(sa.Column("content_removed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("anonymised_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("anonymised_on")
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("content_removed_at")
        batch.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table("restrictions") as batch:
        batch.drop_column("lift_notice_at")
        batch.drop_column("lift_on")
    op.drop_table("purge_runs")
    op.drop_index(op.f("ix_right_effects_request_id"), table_name="right_effects")
    op.drop_table("right_effects")
    op.drop_index("ix_objections_processing", table_name="objections")
    op.drop_index(op.f("ix_objections_tenant_id"), table_name="objections")
    op.drop_table("objections")
