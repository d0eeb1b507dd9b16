"""Security round two (issue 22): the audit chain keyed with AUDIT_KEY (HMAC), signed
purge checkpoints (audit_checkpoint) and a delete trigger that allows removing entries
up to the newest checkpoint only; staff role approvals; TOTP secrets encrypted at rest.

Existing entries are re-hashed with the key (after checking their old, unkeyed chain)
and existing two-factor secrets are encrypted: both need the app's keys, so this runs
under `portal init-db` (the app context) or with PORTAL_AUDIT_KEY / PORTAL_TOTP_KEY set.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import hashlib
import json
import os

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _keys() -> tuple[str | None, str | None]:
    try:
        from flask import current_app

        return current_app.config.get("AUDIT_KEY"), current_app.config.get("TOTP_KEY")
    except RuntimeError:  # no app context: alembic run by hand
        return os.environ.get("PORTAL_AUDIT_KEY"), os.environ.get("PORTAL_TOTP_KEY")


def _old_hash(prev, row) -> str:
    payload = json.dumps([prev, row.at.isoformat(timespec="microseconds"), row.actor_id, row.actor_role,
                          row.action, row.tenant_id, row.request_ref, row.categories, row.purpose, row.detail],
                         sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _rehash(conn, key: str) -> None:
    """Check the unkeyed chain, then key it: an altered log is not laundered into a valid one."""
    from portal.audit.chain import entry_hash
    from portal.models import AuditEntry

    entries = AuditEntry.__table__
    rows = conn.execute(sa.select(entries).order_by(entries.c.id)).all()
    prev_old, prev_new = GENESIS, GENESIS
    for row in rows:
        if row.prev_hash != prev_old or _old_hash(prev_old, row) != row.hash:
            raise RuntimeError(f"audit_log entry {row.id} does not match its hash: run `portal audit verify` "
                               "on the previous version and investigate before upgrading")
        new = entry_hash(key.encode(), prev_new, row.at, row.actor_id, row.actor_role, row.action, row.tenant_id,
                         row.request_ref, row.categories, row.purpose, row.detail)
        conn.execute(entries.update().where(entries.c.id == row.id).values(prev_hash=prev_new, hash=new))
        prev_old, prev_new = row.hash, new
    if rows:
        conn.execute(sa.text("UPDATE audit_head SET last_id = :i, last_hash = :h WHERE id = 1"),
                     {"i": rows[-1].id, "h": prev_new})


def _encrypt_totp(conn, key: str) -> None:
    """users.totp_secret (clear) → users.totp_sealed (Fernet with TOTP_KEY)."""
    from portal.accounts.twofactor import seal

    users = sa.table("users", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String),
                     sa.column("totp_sealed", sa.String))
    for row in conn.execute(sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))).all():
        conn.execute(users.update().where(users.c.id == row.id).values(totp_sealed=seal(key, row.totp_secret)))


def upgrade() -> None:
    conn = op.get_bind()
    dialect = conn.dialect.name
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("purged_before", sa.DateTime(), nullable=True),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )
    # Plain ADD / DROP COLUMN (no table rebuild: SQLite cannot drop a table that others
    # reference while foreign keys are enforced).
    op.add_column("users", sa.Column("totp_sealed", sa.String(length=255), nullable=True))
    op.add_column("users", sa.Column("awaiting_approval", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("users", sa.Column("approved_by_id", sa.Integer(),
                                     sa.ForeignKey("users.id", name=op.f("fk_users_approved_by_id_users")),
                                     nullable=True),
                  inline_references=dialect == "sqlite")  # SQLite: REFERENCES inside ADD COLUMN
    op.add_column("users", sa.Column("approved_at", sa.DateTime(), nullable=True))


    audit_key, totp_key = _keys()
    has_entries = conn.execute(sa.text("SELECT COUNT(*) FROM audit_log")).scalar()
    has_secrets = conn.execute(sa.text("SELECT COUNT(*) FROM users WHERE totp_secret IS NOT NULL")).scalar()
    if (has_entries and not audit_key) or (has_secrets and not totp_key):
        raise RuntimeError("run this upgrade with `portal init-db` (or set PORTAL_AUDIT_KEY and PORTAL_TOTP_KEY): "
                           "existing audit entries and two-factor secrets are re-keyed")
    _drop_triggers(dialect)
    if has_entries:
        _rehash(conn, audit_key)
    if has_secrets:
        _encrypt_totp(conn, totp_key)
    op.drop_column("users", "totp_secret")
    _create_triggers(dialect)


def _drop_triggers(dialect: str) -> None:
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")


def _create_triggers(dialect: str) -> None:
    """UPDATE never; DELETE only of entries up to the newest checkpoint (the purge's path);
    checkpoints themselves never change."""
    if dialect == "sqlite":
        op.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                   "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
        op.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                   "WHEN OLD.id > (SELECT COALESCE(MAX(last_id), 0) FROM audit_checkpoint) "
                   "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_checkpoint_no_{event.lower()} BEFORE {event} ON audit_checkpoint "
                       "BEGIN SELECT RAISE(ABORT, 'audit_checkpoint is append-only'); END")
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_log_purge_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN "
            "IF TG_OP = 'DELETE' AND OLD.id <= (SELECT COALESCE(MAX(last_id), 0) FROM audit_checkpoint) "
            "THEN RETURN OLD; END IF; "
            "RAISE EXCEPTION 'audit_log is append-only'; END $$")
        op.execute("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_purge_only()")
        op.execute("CREATE TRIGGER audit_checkpoint_no_change BEFORE UPDATE OR DELETE OR TRUNCATE "
                   "ON audit_checkpoint FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoint_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoint_no_delete")
        op.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                   "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
        op.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                   "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoint_no_change ON audit_checkpoint")
        op.execute("DROP FUNCTION IF EXISTS audit_log_purge_only()")
        op.execute("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
    # Two-factor secrets cannot go back to clear text: staff enrol again after a downgrade.
    op.add_column("users", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    if dialect == "sqlite":  # a column with a REFERENCES clause cannot be dropped in place
        with op.batch_alter_table("users") as batch:
            batch.drop_column("approved_by_id")
    else:
        op.drop_constraint(op.f("fk_users_approved_by_id_users"), "users", type_="foreignkey")
        op.drop_column("users", "approved_by_id")
    for column in ("approved_at", "awaiting_approval", "totp_sealed"):
        op.drop_column("users", column)
    op.drop_table("audit_checkpoint")
