"""secrets at rest: channels.webhook_secret encrypted; SECURITY DEFINER functions hardened

The lookups are re-created with `search_path = pg_catalog, public, pg_temp` and EXECUTE revoked
from PUBLIC (`grant_app_role`, run by `auzap db upgrade`, grants it to the app role). The
downgrade keeps the hardened functions: the old settings were only less safe.

Revision ID: 0007_secrets
Revises: 0005_outbox
Create Date: 2026-11-23 13:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from auzap_console.crypto import decrypt_text, encrypt_text
from auzap_console.rls import create_auth_functions, create_channel_lookup

revision: str = '0007_secrets'
down_revision: str | Sequence[str] | None = '0005_outbox'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _convert(source: str, target: str, convert) -> None:
    """Copy every channel's `source` column into `target`, through `convert` (runs as the owner: all tenants)."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, {source} FROM channels")).all()
    for channel_id, value in rows:
        conn.execute(sa.text(f"UPDATE channels SET {target} = :v WHERE id = :id"), {"v": convert(value or ""), "id": channel_id})


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webhook_secret_encrypted', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
    _convert('webhook_secret', 'webhook_secret_encrypted', lambda v: encrypt_text(v) if v else '')
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_column('webhook_secret')
    create_auth_functions(op.get_bind())
    create_channel_lookup(op.get_bind())


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webhook_secret', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False, server_default=''))
    _convert('webhook_secret_encrypted', 'webhook_secret', decrypt_text)
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_column('webhook_secret_encrypted')
