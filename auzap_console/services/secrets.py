"""Key rotation: re-encrypt every stored secret with the current SECRET_KEY.

To replace a key: set the new one as SECRET_KEY, list the old one in SECRET_KEYS_PREVIOUS, run
`auzap secrets rotate`, then drop the old key. Each tenant is rotated in its own transaction
(through `tenant_session`, so row-level security applies), hence a rerun after a failure is safe.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, select

from auzap_console import crypto
from auzap_console.db import make_engine, tenant_session
from auzap_console.models import Channel, Tenant
from auzap_console.settings import get_settings

TENANT_SECRET_SETTINGS = ("openai_api_key_encrypted",)


def all_tenant_ids() -> list[int]:
    """Every tenant's id, over the owner connection: the app role sees no tenant before one is set."""
    engine = make_engine(get_settings().admin_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT id FROM tenants ORDER BY id")).scalars())
    finally:
        engine.dispose()


def rotate_tenant(session: Session, tenant_id: int) -> int:
    """Re-encrypt one tenant's channel credentials, webhook secrets and model key; returns how many."""
    count = 0
    for channel in session.exec(select(Channel).where(Channel.tenant_id == tenant_id)):
        for column in ("credentials_encrypted", "webhook_secret_encrypted"):
            if getattr(channel, column):
                setattr(channel, column, crypto.rotate(getattr(channel, column)))
                count += 1
        session.add(channel)
    tenant = session.exec(select(Tenant).where(Tenant.id == tenant_id)).one()
    values = dict(tenant.settings or {})
    for name in TENANT_SECRET_SETTINGS:
        if values.get(name):
            values[name] = crypto.rotate(values[name])
            count += 1
    tenant.settings = values
    session.add(tenant)
    return count


def rotate_all() -> tuple[int, int]:
    """Rotate every tenant; returns (tenants, secrets). Raises ValueError naming the tenant it cannot decrypt."""
    tenants = secrets = 0
    for tenant_id in all_tenant_ids():
        try:
            with tenant_session(tenant_id) as session:
                secrets += rotate_tenant(session, tenant_id)
        except ValueError as exc:
            raise ValueError(f"tenant #{tenant_id}: {exc}") from exc
        tenants += 1
    return tenants, secrets
