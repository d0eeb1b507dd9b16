"""The request queue's indexes at scale: the list's index holds the id after the deadline
(due_on, id, status, kind), the queue's order, so that a page is read in order without
sorting the requests that share a deadline; a (status, info_kind, kind, due_on) index
counts the requests waiting for a clarification, whose clock runs (EDPB 01/2022), without
reading the table.

Revision ID: 0009_queue_indexes
Revises: 0008
"""
from alembic import op

revision = "0009_queue_indexes"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_privacy_requests_queue", table_name="privacy_requests")
    op.create_index("ix_privacy_requests_queue", "privacy_requests", ["due_on", "id", "status", "kind"])
    op.create_index("ix_privacy_requests_clock", "privacy_requests", ["status", "info_kind", "kind", "due_on"])
    # Statistics for the new indexes (as in 0004): without them the planners guess.
    op.execute("ANALYZE privacy_requests")


def downgrade() -> None:
    op.drop_index("ix_privacy_requests_clock", table_name="privacy_requests")
    op.drop_index("ix_privacy_requests_queue", table_name="privacy_requests")
    op.create_index("ix_privacy_requests_queue", "privacy_requests", ["due_on", "status", "kind"])
