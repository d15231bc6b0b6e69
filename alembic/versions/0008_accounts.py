"""accounts: pending sessions behind a login ticket, sign-up attempts, login_attempts behind functions

Revision ID: 0008_accounts
Revises: 0007_secrets
Create Date: 2026-11-23 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import auzap_console.db_types
from auzap_console.rls import ACCOUNT_FUNCTIONS, create_account_functions

revision: str = '0008_accounts'
down_revision: str | Sequence[str] | None = '0007_secrets'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_SESSION_LOOKUP = """
CREATE OR REPLACE FUNCTION auzap_session_lookup(p_token_hash text)
RETURNS TABLE(session_id integer, user_id integer, tenant_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT s.id, s.user_id, s.tenant_id FROM auth_sessions s
  WHERE s.token_hash = p_token_hash AND s.revoked_at IS NULL AND s.expires_at > now()
$$
"""


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activated_at', auzap_console.db_types.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE auth_sessions SET activated_at = created_at")  # sessions opened before stay valid
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='login'))
    create_account_functions(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        for signature in ACCOUNT_FUNCTIONS:
            if not signature.startswith("auzap_session_lookup"):
                op.execute(f"DROP FUNCTION IF EXISTS {signature}")
        op.execute(OLD_SESSION_LOOKUP)
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_column('activated_at')
