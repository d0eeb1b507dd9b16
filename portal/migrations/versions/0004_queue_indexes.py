"""Indexes the request queue reads alone: requests by (due_on, status, kind) for its list
and by (status, kind, due_on) for its counts, staff by (role, display_name) for its
assignee filter. They replace the single-column indexes on due_on, status and role.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_privacy_requests_queue", "privacy_requests", ["due_on", "status", "kind"])
    op.create_index("ix_privacy_requests_counts", "privacy_requests", ["status", "kind", "due_on"])
    op.drop_index("ix_privacy_requests_status", table_name="privacy_requests")
    op.drop_index("ix_privacy_requests_due_on", table_name="privacy_requests")
    op.create_index("ix_users_role_name", "users", ["role", "display_name", "id"])
    op.drop_index("ix_users_role", table_name="users")
    # Statistics for the new indexes: without them SQLite guessed that the list should
    # gather every open request through the counts' index and sort them (3 ms instead of
    # 0.3 at 300,000 tenants) rather than walk the deadline index and stop at a page.
    op.execute("ANALYZE privacy_requests")
    op.execute("ANALYZE users")


def downgrade() -> None:
    op.create_index("ix_users_role", "users", ["role"])
    op.drop_index("ix_users_role_name", table_name="users")
    op.create_index("ix_privacy_requests_due_on", "privacy_requests", ["due_on"])
    op.create_index("ix_privacy_requests_status", "privacy_requests", ["status"])
    op.drop_index("ix_privacy_requests_counts", table_name="privacy_requests")
    op.drop_index("ix_privacy_requests_queue", table_name="privacy_requests")
