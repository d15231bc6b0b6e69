"""The tenant's users and their roles (owner > manager > staff)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from auzap_console.i18n import t
from auzap_console.models import ROLES, User
from auzap_console.services import audit, limits
from auzap_console.services.auth import normalize_email, revoke_user_sessions, set_password
from auzap_console.services.context import Actor, ServiceError, get_scoped
from auzap_console.services.passwords import hash_password, validate_password


def list_users(session: Session, *, actor: Actor) -> list[User]:
    """Everyone who can log in to this tenant (managers and up may look)."""
    actor.require("manager")
    return list(session.exec(select(User).where(User.tenant_id == actor.tenant_id).order_by(User.name)))


def add_user(session: Session, *, actor: Actor, name: str, email: str, role: str, password: str) -> User:
    """Create a user in the actor's tenant (owner only)."""
    actor.require("owner")
    name = limits.bounded(name, limits.NAME, t("team.name"), field="name")
    if len(name) < 2:
        raise ServiceError(t("err.name_required"), field="name")
    if role not in ROLES:
        raise ServiceError(t("err.role_invalid"))
    email = normalize_email(email)
    validate_password(password, personal=(email, name))
    user = User(tenant_id=actor.tenant_id, name=name, email=email, role=role, password_hash=hash_password(password))
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        raise ServiceError(t("err.email_taken"), field="email") from exc
    audit.record(session, actor=actor, action="user.add", entity="user", entity_id=user.id, details={"email": email, "role": role})
    return user


def _owners_left(session: Session, actor: Actor, excluding: int) -> int:
    stmt = (
        select(func.count())
        .select_from(User)
        .where(User.tenant_id == actor.tenant_id, User.role == "owner", User.active, User.id != excluding)
    )
    return session.exec(stmt).one()


def set_role(session: Session, *, actor: Actor, user_id: int, role: str) -> User:
    """Change a user's role (owner only); a tenant always keeps one active owner."""
    actor.require("owner")
    if role not in ROLES:
        raise ServiceError(t("err.role_invalid"))
    user = get_scoped(session, User, user_id, actor)
    if user.role == "owner" and role != "owner" and _owners_left(session, actor, user.id) == 0:
        raise ServiceError(t("err.last_owner"))
    user.role = role
    session.add(user)
    revoke_user_sessions(session, actor=actor, user_id=user.id)
    audit.record(session, actor=actor, action="user.role", entity="user", entity_id=user.id, details={"role": role})
    return user


def set_active(session: Session, *, actor: Actor, user_id: int, active: bool) -> User:
    """Deactivate (and log out) or reactivate a user (owner only)."""
    actor.require("owner")
    user = get_scoped(session, User, user_id, actor)
    if not active and user.role == "owner" and _owners_left(session, actor, user.id) == 0:
        raise ServiceError(t("err.last_owner"))
    user.active = active
    session.add(user)
    if not active:
        revoke_user_sessions(session, actor=actor, user_id=user.id)
    audit.record(session, actor=actor, action="user.active", entity="user", entity_id=user.id, details={"active": active})
    return user


def reset_password(session: Session, *, actor: Actor, user_id: int, new_password: str) -> User:
    """Give a team member a new password (owner only), for someone who forgot theirs; their sessions end.

    Owners change their own password in Configurações (it asks for the current one).
    """
    actor.require("owner")
    user = get_scoped(session, User, user_id, actor)
    if user.id == actor.user_id:
        raise ServiceError(t("err.reset_own_password"))
    set_password(session, actor=actor, user=user, new_password=new_password)
    audit.record(session, actor=actor, action="user.password_reset", entity="user", entity_id=user.id)
    return user
